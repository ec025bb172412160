"""What every frame source and frame consumer shares: the frame, its pixels, a source's state.

Kept apart from :mod:`kiosk.adapters.frames` (the sources) so that the synthetic feed and the
scan pipeline can use these types without importing the sources, which import the synthetic
feed for ``demo``: no import circle.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias

from numpy.typing import NDArray

# 8-bit BGR or gray pixels. OpenCV's stubs type every result as an integer-or-float array, so
# a uint8-specific alias would need a cast at each call; the dtype is uint8 by construction.
Image: TypeAlias = NDArray[Any]


@dataclass(frozen=True, slots=True)
class Frame:
    """One captured image.

    Attributes:
        image: BGR pixels (height × width × 3, uint8).
        index: Sequence number given by the source, from 0.
        captured_at: ``time.monotonic()`` when the source delivered it.
    """

    image: Image
    index: int
    captured_at: float


class SourceState(enum.StrEnum):
    """Life cycle of a frame source, as shown to staff (heartbeat ``camera state``)."""

    CLOSED = "closed"
    OPENING = "opening"
    LIVE = "live"
    MISSING = "missing"
    ENDED = "ended"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SourceStatus:
    """State plus a short human-readable detail (never a payload)."""

    state: SourceState
    detail: str


class FrameSource(Protocol):
    """What the scan loop needs from a source of frames."""

    @property
    def status(self) -> SourceStatus:
        """Current state and detail."""
        ...

    @property
    def actual_size(self) -> tuple[int, int] | None:
        """(width, height) actually delivered, None before the first successful open."""
        ...

    @property
    def actual_fps(self) -> float | None:
        """Frame rate the source reports or is paced at, None when unknown."""
        ...

    def describe(self) -> str:
        """Short description for logs and the staff screen."""
        ...

    def open(self) -> None:
        """Open the source; never raises for a missing device (see ``status``)."""
        ...

    def read(self) -> Frame | None:
        """Return the next frame, or None when there is none now (see ``status``)."""
        ...

    def interrupt(self) -> None:
        """Make a pending or later ``read()`` return None promptly; callable from any thread."""
        ...

    def close(self) -> None:
        """Release the device or file; called by the thread that reads."""
        ...

"""What the scan loop hands on: each scan it read, and its figures for staff and heartbeats."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DetectedCode:
    """A decoded text that passed the debouncer: one scan.

    Attributes:
        text: The QR text, as decoded (the service strips whitespace and validates).
        frame_index: Index of the frame it was read from.
        captured_at: ``time.monotonic()`` when that frame was captured.
        decoded_at: ``time.monotonic()`` when decoding finished.
        engine: Engine that read it (``zxing``, ``pyzbar``, ...).
        started_at: ``time.monotonic()`` when decoding began (the frame waited from
            ``captured_at`` to here).
    """

    text: str
    frame_index: int
    captured_at: float
    decoded_at: float
    engine: str
    started_at: float = 0.0


@dataclass(frozen=True, slots=True)
class ScanStats:
    """Snapshot of the scan loop for the staff screen and the heartbeat.

    Frame rates are measured over the last few seconds, not the requested ones. Frames the
    decoder never looked at are either ``dropped_frames`` (replaced in the mailbox while it was
    busy, or passed over by the rate limit) or ``idle_skipped_frames`` (passed over in idle
    mode, most of them never converted). ``budget_limited_frames`` counts decodes after which
    the CPU budget, not the frame-rate cap, set the pause. ``engine`` names the primary decoder
    ("" while nothing scans).
    """

    capture_fps: float
    decode_fps: float
    decode_ms_p50: float
    decode_ms_p95: float
    dropped_frames: int
    decoded_frames: int
    scans: int
    camera_state: str
    camera_detail: str
    idle: bool = False
    idle_skipped_frames: int = 0
    budget_limited_frames: int = 0
    engine: str = ""

    @classmethod
    def stopped(cls, camera_state: str) -> ScanStats:
        """The figures of a scan loop that is not running."""
        return cls(0.0, 0.0, 0.0, 0.0, 0, 0, 0, camera_state, "")

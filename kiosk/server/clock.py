"""Time for the server: injected, never patched (DESIGN §2).

Every rule that depends on "now" (token expiry, days in rank, check-in windows, the ``Date``
header the kiosk reads its clock offset from) asks the :class:`Clock` the app was built with.
Tests and the demo pass a :class:`ManualClock`; production uses :class:`SystemClock`.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A wall clock that answers timezone-aware UTC instants."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told: for tests and reproducible demos. Thread-safe."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("instants must be timezone-aware")
        with self._lock:
            self._now = instant.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        with self._lock:
            self._now += delta
            return self._now


def iso_z(instant: datetime) -> str:
    """ISO 8601 in UTC with milliseconds and ``Z``, the API's one instant format."""
    utc = instant.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> datetime:
    """Parse an aware ISO 8601 instant; naive text is refused (raises ``ValueError``)."""
    if not isinstance(text, str) or len(text) > 40:
        raise ValueError("not an instant")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        raise ValueError("instant without a UTC offset")
    return parsed.astimezone(UTC)

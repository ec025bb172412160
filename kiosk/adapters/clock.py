"""The wall clock, corrected by the offset the backend's ``Date`` header reveals."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta


class SystemClock:
    """Implements :class:`kiosk.domain.ports.Clock`: system time plus a server offset.

    The offset is set by the sync thread and read by scanning threads, hence the lock.
    """

    def __init__(self, offset_ms: int = 0) -> None:
        self._offset_ms = offset_ms
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            offset = self._offset_ms
        return datetime.now(UTC) + timedelta(milliseconds=offset)

    @property
    def offset_ms(self) -> int:
        with self._lock:
            return self._offset_ms

    def set_offset_ms(self, offset_ms: int) -> None:
        with self._lock:
            self._offset_ms = offset_ms

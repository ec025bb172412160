"""Between a code source (camera pipeline, keyboard wedge, stdin) and the check-in service.

Sources call :meth:`ScanCoordinator.code_detected` from their own thread (never the GUI
thread); the result goes to ``on_result`` with the scan-to-decision latency, and an accepted
check-in nudges the sync loop so the backend hears of it within seconds.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections import deque
from collections.abc import Callable

from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import CheckInService, ScanResult


class ScanCoordinator:
    def __init__(
        self,
        checkin: CheckInService,
        *,
        on_result: Callable[[ScanResult, float | None], None] = lambda result, latency: None,
        after_accept: Callable[[], None] = lambda: None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._checkin = checkin
        self.on_result = on_result
        self.after_accept = after_accept
        self._monotonic = monotonic
        self._latencies: deque[float] = deque(maxlen=2000)
        self._lock = threading.Lock()

    def code_detected(
        self, text: str, source: ScanSource, captured_at: float | None = None
    ) -> ScanResult:
        """Decide and record one code. ``captured_at``: monotonic time the frame was taken."""
        result = self._checkin.handle_scan(text, source)
        latency = self._monotonic() - captured_at if captured_at is not None else None
        if latency is not None:
            with self._lock:
                self._latencies.append(latency)
        if result.recorded:
            self.after_accept()
        self.on_result(result, latency)
        return result

    def latency_ms(self) -> dict[str, float]:
        """Scan-to-decision latency (frame captured → outcome committed), p50 and p95."""
        with self._lock:
            values = sorted(self._latencies)
        if not values:
            return {}
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        return {
            "count": float(len(values)),
            "p50": statistics.median(values) * 1000,
            "p95": p95 * 1000,
        }

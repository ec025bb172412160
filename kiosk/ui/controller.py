"""The scan screen's state machine: idle → result → idle, with a visible countdown.

A result stays for ``result_seconds`` (red and amber ones a second longer: there is more to
read), counting down on the card. A new result always replaces the current one at once and
restarts the countdown: a result never swallows the next scan.
"""

from __future__ import annotations

import logging
import math
from enum import StrEnum

from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer, Signal, Slot

from kiosk.domain.decision import Tone
from kiosk.services.checkin import ScanResult
from kiosk.services.preferences import MAX_RESULT_SECONDS, MIN_RESULT_SECONDS
from kiosk.ui.scan_screen import ScanScreen
from kiosk.ui.sounds import SoundBoard

log = logging.getLogger(__name__)

_TICK_MS = 100


class ScreenState(StrEnum):
    IDLE = "idle"
    RESULT = "result"


class ScanController(QObject):
    """Shows results on the scan screen, plays their sound and returns to idle.

    Args:
        screen: The scan screen.
        sounds: Outcome sounds.
        result_seconds: How long a green result stays (3–5 s).
        parent: Qt parent.

    Signals:
        result_shown(object): A :class:`ScanResult` is now on screen.
        returned_to_idle(): The countdown ran out.
    """

    result_shown = Signal(object)
    returned_to_idle = Signal()

    def __init__(
        self,
        screen: ScanScreen,
        sounds: SoundBoard,
        result_seconds: float = 4.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._screen = screen
        self._sounds = sounds
        self.result_seconds = result_seconds
        self.state = ScreenState.IDLE
        self.current: ScanResult | None = None
        self.shown = 0
        self.last_latency: float | None = None
        self._duration_ms = 0
        self._elapsed = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(_TICK_MS)
        self._tick.setTimerType(Qt.TimerType.CoarseTimer)
        self._tick.timeout.connect(self._on_tick_timeout)

    def duration_for(self, result: ScanResult) -> float:
        """Seconds a result stays: longer for the ones that ask the student to do something."""
        base = min(MAX_RESULT_SECONDS, max(MIN_RESULT_SECONDS, self.result_seconds))
        if result.tone in (Tone.RED, Tone.AMBER):
            return min(MAX_RESULT_SECONDS, base + 1.0)
        return base

    @Slot(object, object)
    def _on_scans_result_ready(self, result: ScanResult, latency: float | None) -> None:
        self.last_latency = latency
        self.show_result(result)

    def show_result(self, result: ScanResult) -> None:
        """Show ``result`` now, replacing whatever is shown, and restart the countdown."""
        self.current = result
        self.state = ScreenState.RESULT
        self.shown += 1
        self._screen.show_result(result)
        self._sounds.play_result(result)
        self._duration_ms = round(self.duration_for(result) * 1000)
        self._elapsed.start()
        self._update_countdown()
        self._tick.start()
        self.result_shown.emit(result)

    def reset(self) -> None:
        """Back to the idle screen now."""
        self._tick.stop()
        self.state = ScreenState.IDLE
        self.current = None
        self._screen.show_idle()
        self.returned_to_idle.emit()

    def stop(self) -> None:
        """Stop counting (shutdown: the screen is about to go)."""
        self._tick.stop()

    @property
    def remaining_ms(self) -> int:
        if self.state is not ScreenState.RESULT:
            return 0
        return max(0, self._duration_ms - int(self._elapsed.elapsed()))

    def _update_countdown(self) -> None:
        remaining = self.remaining_ms
        fraction = remaining / self._duration_ms if self._duration_ms else 0.0
        self._screen.card.set_countdown(fraction, math.ceil(remaining / 1000))

    @Slot()
    def _on_tick_timeout(self) -> None:
        if self.remaining_ms <= 0:
            self.reset()
        else:
            self._update_countdown()

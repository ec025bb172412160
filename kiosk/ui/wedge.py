"""USB keyboard-wedge scanners, captured application-wide whatever has focus.

:class:`WedgeFilter` is an event filter on the application. It looks at key presses as they
reach a *window* (the first stop of every key event from the platform, before the focused
widget), asks the pure :class:`~kiosk.domain.wedge.WedgeClassifier` whether they belong to a
scanner burst, and:

- swallows scanner bursts and emits :attr:`WedgeFilter.scanned` with the text at Enter;
- holds other printable keys for ``gap_ms`` and then replays them, in order, to the same
  window, so a person typing a name or a PIN is served 35 ms late but otherwise unchanged.

Autorepeat, shortcuts (Ctrl/Alt/Meta) and keys that are not text pass straight through.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication, QKeyEvent, QWindow

from kiosk.domain.wedge import WedgeAction, WedgeClassifier, WedgeDecision

log = logging.getLogger(__name__)

_TEXT_MODIFIERS = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _Held:
    window: QWindow
    event: QKeyEvent


class WedgeFilter(QObject):
    """Application-wide capture of keyboard-wedge scans.

    Args:
        classifier: The timing classifier (its ``gap_ms`` sets the hold time).
        clock: Monotonic seconds (tests may pass their own).
        parent: Qt parent.

    Signals:
        scanned(str): A complete scan (text without the Enter).
        discarded(int): An unfinished burst of that many keys was dropped.
    """

    scanned = Signal(str)
    discarded = Signal(int)

    def __init__(
        self,
        classifier: WedgeClassifier | None = None,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.classifier = classifier or WedgeClassifier()
        self._clock = clock
        self._held: list[_Held] = []
        self._replaying = False
        self.enabled = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(round(self.classifier.gap_ms) + 1)
        self._timer.timeout.connect(self._on_timer_timeout)

    def _now_ms(self) -> float:
        return self._clock() * 1000.0

    # -- Qt ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if self._replaying or not self.enabled or not isinstance(watched, QWindow):
            return False
        assert isinstance(event, QKeyEvent)
        if kind == QEvent.Type.KeyRelease:
            return self._on_release(watched, event)
        return self._on_press(watched, event)

    def _on_release(self, window: QWindow, event: QKeyEvent) -> bool:
        # A release whose press is held is held with it (a button pressed by Space must see
        # press then release, in that order).
        if not self._held or event.isAutoRepeat():
            return False
        if any(h.event.key() == event.key() for h in self._held):
            self._held.append(_Held(window, event.clone()))
            return True
        return False

    def _on_press(self, window: QWindow, event: QKeyEvent) -> bool:
        now = self._now_ms()
        text = event.text()
        modifiers = event.modifiers() & ~_TEXT_MODIFIERS
        if event.isAutoRepeat() or modifiers != Qt.KeyboardModifier.NoModifier:
            decision = self.classifier.other_key(now)
        elif event.key() in _ENTER_KEYS:
            decision = self.classifier.enter(now)
        elif len(text) == 1 and text.isprintable():
            decision = self.classifier.key(text, now)
        else:
            decision = self.classifier.other_key(now)
        return self._apply(decision, window, event)

    def _apply(self, decision: WedgeDecision, window: QWindow, event: QKeyEvent) -> bool:
        action = decision.action
        if action is WedgeAction.SCAN:
            self._timer.stop()
            self._held.clear()
            self.scanned.emit(decision.text)
            return True
        if action is WedgeAction.REPLAY:
            self._replay()
        elif action is WedgeAction.DISCARD:
            self._discard(decision.released)
        then = decision.then if decision.then is not None else action
        if then is WedgeAction.HOLD or action is WedgeAction.HOLD:
            self._held.append(_Held(window, event.clone()))
            self._timer.start()
            return True
        return False

    @Slot()
    def _on_timer_timeout(self) -> None:
        decision = self.classifier.expire(self._now_ms())
        if decision.action is WedgeAction.REPLAY:
            self._replay()
        elif decision.action is WedgeAction.DISCARD:
            self._discard(decision.released)
        elif self.classifier.holding:
            self._timer.start()  # fired a little early: wait for the rest of the gap

    def _discard(self, count: int) -> None:
        self._held.clear()
        log.info("keyboard-wedge burst of %d keys without Enter dropped", count)
        self.discarded.emit(count)

    def _replay(self) -> None:
        """Send the held keys, in order, to their window (or the focused one if it is gone)."""
        held, self._held = self._held, []
        self._timer.stop()
        self._replaying = True
        try:
            for item in held:
                window: QWindow | None = item.window
                if window is None or not shiboken6.isValid(window):
                    window = QGuiApplication.focusWindow()
                if window is not None:
                    QGuiApplication.sendEvent(window, item.event)
        finally:
            self._replaying = False

    def flush(self) -> None:
        """Replay whatever is held now (before a window closes, at shutdown)."""
        if self._held and not self.classifier.scanning:
            self.classifier.expire(float("inf"))
            self._replay()

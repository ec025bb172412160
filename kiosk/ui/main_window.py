"""The kiosk window: full screen, status strip over the scan screen, locked against escape.

Close requests (the window manager's close button, Alt+F4, ``close()``), Escape and minimising
are refused until staff unlock the exit with a PIN; the window then closes for good.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QLayout, QVBoxLayout, QWidget

from kiosk.ui.bridges import FrameBridge
from kiosk.ui.scan_screen import ScanScreen
from kiosk.ui.status_strip import StatusStrip

log = logging.getLogger(__name__)
translate = QCoreApplication.translate

#: Keys that leave or reshape a window on some desktops; a kiosk ignores them.
_BLOCKED_KEYS = (
    Qt.Key.Key_Escape,
    Qt.Key.Key_F11,
    Qt.Key.Key_Close,
    Qt.Key.Key_Back,
)


class KioskWindow(QWidget):
    """The kiosk's one main window.

    Signals:
        escape_refused(str): An attempt to leave was refused (``close``, ``key``, ``minimize``).
    """

    escape_refused = Signal(str)

    def __init__(self, frames: FrameBridge | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setWindowTitle(translate("KioskWindow", "TatamiTech check-in"))
        self.setAccessibleName(translate("KioskWindow", "TatamiTech check-in"))
        self._exit_allowed = False
        self.locked = True
        self.refused = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # The window's size is the screen's: never derive a minimum size from the content
        # (it would resize a full-screen window and make the platform resend size hints).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.strip = StatusStrip()
        self.scan_screen = ScanScreen(frames)
        layout.addWidget(self.strip)
        layout.addWidget(self.scan_screen, 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def allow_exit(self) -> None:
        """Staff unlocked the exit: the next close request is honoured."""
        self._exit_allowed = True

    def _refuse(self, how: str) -> None:
        self.refused += 1
        log.info("leaving the kiosk refused (%s)", how)
        self.escape_refused.emit(how)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._exit_allowed or not self.locked:
            event.accept()
            return
        event.ignore()
        self._refuse("close")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.locked and (
            event.key() in _BLOCKED_KEYS
            or (
                event.key() == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            or (
                event.key() in (Qt.Key.Key_Q, Qt.Key.Key_W)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier
            )
        ):
            event.accept()
            self._refuse("key")
            return
        super().keyPressEvent(event)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if (
            event.type() == QEvent.Type.WindowStateChange
            and self.locked
            and not self._exit_allowed
            and self.windowState() & Qt.WindowState.WindowMinimized
        ):
            self._refuse("minimize")
            self.setWindowState(
                (self.windowState() & ~Qt.WindowState.WindowMinimized)
                | Qt.WindowState.WindowFullScreen
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        unit = max(0.45, min(self.height() / 1080, self.width() / 1920))
        self.strip.apply_scale(unit)

"""The start-up screen: the academy's name and "Starting camera…" from the first moment.

Loading the kiosk (its modules, the store, OpenCV, the demo's embedded server) takes seconds
on a small tablet; without this screen it stays black meanwhile. The screen imports nothing but
Qt, shows itself at once, and closes itself as soon as another window (the kiosk, the set-up
wizard) is on screen: it needs no call from the code that builds them.
"""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLayout, QVBoxLayout, QWidget

# The translator is not loaded yet (it comes with the kiosk's modules): the one line is here.
STARTING = {"en": "Starting camera…", "ja": "カメラを起動しています…"}


def startup_language(preference: str) -> str:
    """``en`` or ``ja`` from a preference (``auto`` follows the system locale)."""
    if preference in STARTING:
        return preference
    system = QLocale.system().name().split("_")[0]
    return system if system in STARTING else "en"


class StartupScreen(QWidget):
    """Full-screen window with the academy's name and a start-up line.

    Signals:
        dismissed(): The screen closed itself because another window is showing.
    """

    dismissed = Signal()

    def __init__(
        self, academy: str | None, *, language: str = "auto", full_screen: bool = True
    ) -> None:
        super().__init__()
        self.setObjectName("startupScreen")
        self.setWindowTitle("TatamiTech Kiosk")
        self.setStyleSheet(
            "#startupScreen { background: #0f1a2a; }"
            "QLabel { color: #e8eef6; }"
            "#academy { font-size: 44px; font-weight: 600; }"
            "#status { font-size: 22px; color: #9fb3c8; }"
        )
        layout = QVBoxLayout(self)
        # The screen's size is the screen's: no minimum size pushed to the window (which the
        # offscreen platform warns about).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addStretch(1)
        for name, text in (
            ("academy", academy or "TatamiTech Kiosk"),
            ("status", STARTING[startup_language(language)]),
        ):
            label = QLabel(text, self)
            label.setObjectName(name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addStretch(1)
        self._full_screen = full_screen
        self._watch = QTimer(self)
        self._watch.setInterval(50)
        self._watch.timeout.connect(self._on_watch_timeout)

    def show_now(self) -> None:
        """Show and paint before returning (the caller goes on loading without an event loop)."""
        screen = QGuiApplication.primaryScreen()
        if self._full_screen and screen is not None:
            # Sized first: without a window manager a full-screen request alone leaves 640x480.
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            self.resize(800, 480)
            self.show()
        self.repaint()
        QApplication.processEvents()
        self._watch.start()

    @Slot()
    def _on_watch_timeout(self) -> None:
        for widget in QApplication.topLevelWidgets():
            if widget is not self and widget.isVisible() and widget.isWindow():
                if widget.inherits("QMenu") or widget.inherits("QToolTip"):
                    continue
                self._watch.stop()
                # A moment later: the other window has painted, so no black flash between.
                QTimer.singleShot(150, self._on_self_dismiss_due)
                return

    @Slot()
    def _on_self_dismiss_due(self) -> None:
        self.close()
        self.dismissed.emit()

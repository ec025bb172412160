"""The frame of every staff screen: title, scan toast, close button, inactivity timeout.

Staff screens are full-window dialogs opened with ``open()`` (never ``exec()``: no nested event
loops). They close themselves after two minutes without a touch or a key, so a forgotten
reception screen never leaves the kiosk unlocked. Scans keep working while one is open; the
toast at the top tells staff what the last scan was.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.checkin import ScanResult
from kiosk.ui.i18n import outcome_headline
from kiosk.ui.theme import style_for

translate = QCoreApplication.translate

#: A staff screen left alone this long closes itself.
IDLE_TIMEOUT_MS = 120_000


class StaffDialog(QDialog):
    """Base of the staff screens.

    Args:
        title: Window and header title.
        parent: The kiosk window.
        full_window: Cover the whole screen (staff screens) or stay compact (confirmations).

    Signals:
        closed(): The dialog closed (by staff or by the inactivity timeout).
    """

    closed = Signal()

    def __init__(self, title: str, parent: QWidget | None, *, full_window: bool = True) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setWindowTitle(title)
        self.setModal(True)
        self._full_window = full_window
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 24, 32, 24)
        outer.setSpacing(16)
        # The window's size is the screen's: never derive a minimum size from the content
        # (it would resize a full-screen window and make the platform resend size hints).
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        header = QHBoxLayout()
        self.title_label = QLabel(title)
        self.title_label.setProperty("role", "title")
        self.title_label.setAccessibleName(title)
        header.addWidget(self.title_label)
        header.addStretch(1)
        self.toast = QLabel()
        self.toast.setVisible(False)
        self.toast.setAccessibleName(translate("StaffDialog", "Last scan"))
        header.addWidget(self.toast)
        self.close_button = QPushButton(translate("StaffDialog", "Close"))
        self.close_button.setAccessibleName(translate("StaffDialog", "Close this screen"))
        self.close_button.clicked.connect(self._on_close_button_clicked)
        header.addWidget(self.close_button)
        outer.addLayout(header)
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        outer.addLayout(self.body, 1)
        self.problem = QLabel()
        self.problem.setProperty("role", "error")
        self.problem.setWordWrap(True)
        self.problem.setAccessibleName(translate("StaffDialog", "Problem"))
        self.problem.setVisible(False)
        outer.addWidget(self.problem)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_TIMEOUT_MS)
        self._idle.timeout.connect(self._on_idle_timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timed_out = False

    def open(self) -> None:
        parent = self.parentWidget()
        if self._full_window and parent is not None:
            self.setGeometry(parent.window().geometry())
            self.setWindowState(Qt.WindowState.WindowFullScreen)
        else:
            self.adjustSize()
            if parent is not None:
                frame = self.frameGeometry()
                frame.moveCenter(parent.window().geometry().center())
                self.move(frame.topLeft())
        self._idle.start()
        super().open()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.TouchBegin,
            QEvent.Type.Wheel,
        ):
            self._idle.start()
        return False

    def show_scan(self, result: ScanResult) -> None:
        """Tell staff about a scan that happened while this screen is open."""
        style = style_for(result.outcome, result.tone)
        name = result.display_name or ""
        text = outcome_headline(result.outcome) + (f": {name}" if name else "")
        self.toast.setText(text)
        self.toast.setStyleSheet(
            f"background: {style.fill}; color: {style.ink}; border-radius: 12px;"
            " padding: 8px 16px; font-weight: 700;"
        )
        self.toast.setVisible(True)

    def show_problem(self, text: str) -> None:
        """Say at the bottom of the screen that something staff asked for did not work."""
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    @Slot()
    def _on_close_button_clicked(self) -> None:
        self.close()

    @Slot()
    def _on_idle_timeout(self) -> None:
        self.timed_out = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._teardown()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self._teardown()
        super().done(result)

    def _teardown(self) -> None:
        if self._idle.isActive() or not self.timed_out:
            self._idle.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if not getattr(self, "_closed_emitted", False):
            self._closed_emitted = True
            self.closed.emit()


class ConfirmDialog(StaffDialog):
    """A yes/no question, answered without a nested event loop.

    Signals:
        confirmed(): Staff chose the confirming button.
    """

    confirmed = Signal()

    def __init__(
        self,
        title: str,
        question: str,
        confirm_text: str,
        parent: QWidget | None,
        *,
        danger: bool = False,
    ) -> None:
        super().__init__(title, parent, full_window=False)
        label = QLabel(question)
        label.setWordWrap(True)
        label.setMinimumWidth(560)
        self.body.addWidget(label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(translate("StaffDialog", "Cancel"))
        self.cancel_button.clicked.connect(self._on_close_button_clicked)
        self.confirm_button = QPushButton(confirm_text)
        self.confirm_button.setProperty("role", "danger" if danger else "primary")
        self.confirm_button.setAccessibleName(confirm_text)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.confirm_button)
        self.body.addLayout(buttons)
        self.close_button.setVisible(False)
        self.cancel_button.setDefault(not danger)
        self.cancel_button.setFocus()

    @Slot()
    def _on_confirm_button_clicked(self) -> None:
        self.confirmed.emit()
        self.accept()


def muted(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "muted")
    label.setWordWrap(True)
    return label


def heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "subtitle")
    return label

"""Which check-in window a kiosk uses: the academy's, or its own (wizard and settings).

The window decides what the kiosk calls a duplicate. The academy's (from the roster) is the
default and what the backend applies when it counts; staff may give one kiosk its own, for
example a longer one at the door of a two-hour seminar. An installer's configuration key
(``checkin_window_minutes``) fixes it and the choice is then shown but locked.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.preferences import MAX_WINDOW_MINUTES, MIN_WINDOW_MINUTES
from kiosk.ui.dialogs import muted

translate = QCoreApplication.translate

#: Shown until the roster says otherwise (DESIGN §4's default).
_DEFAULT_ACADEMY_MINUTES = 120


class CheckInWindowChoice(QWidget):
    """The academy's window, or this kiosk's own number of minutes.

    Args:
        current: The stored choice (None: the academy's).
        configured: The installer's window when the configuration sets one (locks the choice).
    """

    def __init__(
        self, current: int | None, configured: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._current = current
        self._configured = configured
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.academy = QRadioButton()
        self.own = QRadioButton(translate("CheckInWindow", "This kiosk's own window"))
        self.minutes = QSpinBox()
        self.minutes.setRange(MIN_WINDOW_MINUTES, MAX_WINDOW_MINUTES)
        self.minutes.setSingleStep(15)
        self.minutes.setSuffix(translate("CheckInWindow", " min"))
        self.minutes.setAccessibleName(translate("CheckInWindow", "Check-in window in minutes"))
        group = QButtonGroup(self)
        group.addButton(self.academy)
        group.addButton(self.own)
        layout.addWidget(self.academy)
        row = QHBoxLayout()
        row.addWidget(self.own)
        row.addWidget(self.minutes)
        row.addStretch(1)
        layout.addLayout(row)
        self.note = muted(
            translate(
                "CheckInWindow",
                "A second scan by the same student within the window is not counted twice. "
                "Kiosks at one door should use the same window.",
            )
        )
        layout.addWidget(self.note)
        self.set_academy_minutes(None)
        if configured is not None:
            self.own.setChecked(True)
            self.minutes.setValue(configured)
            for widget in (self.academy, self.own, self.minutes):
                widget.setEnabled(False)
            self.note.setText(
                translate(
                    "CheckInWindow",
                    "Set to %1 minutes by this kiosk's configuration (checkin_window_minutes).",
                ).replace("%1", str(configured))
            )
        elif current is None:
            self.academy.setChecked(True)
        else:
            self.own.setChecked(True)
            self.minutes.setValue(current)
        self.own.toggled.connect(self._on_own_toggled)
        self._on_own_toggled(self.own.isChecked())

    def set_academy_minutes(self, minutes: int | None) -> None:
        """Show the academy's window (from the roster); None before a roster arrived."""
        if minutes is None:
            self.academy.setText(translate("CheckInWindow", "The academy's window"))
            minutes = _DEFAULT_ACADEMY_MINUTES
        else:
            self.academy.setText(
                translate("CheckInWindow", "The academy's window (%1 min)").replace(
                    "%1", str(minutes)
                )
            )
        if self._configured is None and not self.own.isChecked():
            self.minutes.setValue(minutes)  # one's own window starts from the academy's

    def value(self) -> int | None:
        """The choice to store: None for the academy's window."""
        if self._configured is not None:
            return self._current  # locked: keep what was stored
        return self.minutes.value() if self.own.isChecked() else None

    @Slot(bool)
    def _on_own_toggled(self, own: bool) -> None:
        self.minutes.setEnabled(own and self._configured is None)

"""This kiosk's check-in window: the academy's, or its own."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.ui.checkin_window import CheckInWindowChoice
from kiosk.ui.dialogs import heading
from kiosk.ui.settings.preferences import PreferencesEditor

translate = QCoreApplication.translate


class CheckInTab(QWidget):
    """The check-in window choice (locked when the installer's configuration sets one)."""

    def __init__(self, editor: PreferencesEditor, configured: int | None) -> None:
        super().__init__()
        self._editor = editor
        layout = QVBoxLayout(self)
        layout.addWidget(heading(translate("Settings", "Check-in window")))
        self.window_choice = CheckInWindowChoice(editor.current.checkin_window_minutes, configured)
        layout.addWidget(self.window_choice)
        self.save_button = QPushButton(translate("Settings", "Save"))
        self.save_button.setProperty("role", "primary")
        self.save_button.setAccessibleName(translate("Settings", "Save the check-in window"))
        self.save_button.setEnabled(configured is None)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        layout.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = QLabel()
        layout.addWidget(self.result)
        layout.addStretch(1)

    @Slot()
    def _on_save_button_clicked(self) -> None:
        minutes = self.window_choice.value()
        self._editor.save(
            self, lambda prefs: replace(prefs, checkin_window_minutes=minutes), self.result
        )

"""Sound, how long a result stays, and the interface language."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QWidget,
)

from kiosk.services.preferences import KioskPreferences
from kiosk.ui.dialogs import muted
from kiosk.ui.i18n import LANGUAGES
from kiosk.ui.settings.preferences import PreferencesEditor

translate = QCoreApplication.translate


class DisplayTab(QWidget):
    """Sound on or off and its volume, seconds a result stays, language."""

    def __init__(self, editor: PreferencesEditor) -> None:
        super().__init__()
        self._editor = editor
        prefs = editor.current
        form = QFormLayout(self)
        self.sound = QCheckBox(translate("Settings", "Play sounds"))
        self.sound.setChecked(prefs.sound)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setRange(0, 100)
        self.volume.setValue(round(prefs.volume * 100))
        self.volume.setAccessibleName(translate("Settings", "Volume"))
        self.result_seconds = QDoubleSpinBox()
        self.result_seconds.setRange(3.0, 5.0)
        self.result_seconds.setSingleStep(0.5)
        self.result_seconds.setDecimals(1)
        self.result_seconds.setSuffix(translate("Settings", " s", "seconds"))
        self.result_seconds.setValue(prefs.result_seconds)
        self.result_seconds.setAccessibleName(translate("Settings", "Result shown for"))
        self.language = QComboBox()
        self.language.setAccessibleName(translate("Settings", "Language"))
        self.language.addItem(translate("Settings", "System language"), "auto")
        for code, name in LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        form.addRow("", self.sound)
        form.addRow(translate("Settings", "Volume"), self.volume)
        form.addRow(translate("Settings", "Result shown for"), self.result_seconds)
        form.addRow(translate("Settings", "Language"), self.language)
        form.addRow("", muted(translate("Settings", "A new language shows from the next start.")))
        self.save_button = QPushButton(translate("Settings", "Save"))
        self.save_button.setProperty("role", "primary")
        self.save_button.clicked.connect(self._on_save_button_clicked)
        form.addRow("", self.save_button)
        self.result = QLabel()
        form.addRow("", self.result)

    @Slot()
    def _on_save_button_clicked(self) -> None:
        sound, volume = self.sound.isChecked(), self.volume.value() / 100
        seconds, language = self.result_seconds.value(), str(self.language.currentData())

        def change(preferences: KioskPreferences) -> KioskPreferences:
            return replace(
                preferences,
                sound=sound,
                volume=volume,
                result_seconds=seconds,
                language=language,
            )

        self._editor.save(self, change, self.result)

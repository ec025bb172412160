"""Changing the staff or the instructor PIN."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.staff import PinError, PinRole
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class PinsTab(QWidget):
    """A new PIN, typed twice, for the role chosen."""

    def __init__(self, services: KioskServices, tasks: TaskManager) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.role = QComboBox()
        self.role.setAccessibleName(translate("Settings", "Which PIN"))
        self.role.addItem(translate("Settings", "Staff PIN"), PinRole.STAFF.value)
        self.role.addItem(translate("Settings", "Instructor PIN"), PinRole.INSTRUCTOR.value)
        self.new_pin = QLineEdit()
        self.new_pin2 = QLineEdit()
        for edit, name in (
            (self.new_pin, translate("Settings", "New PIN")),
            (self.new_pin2, translate("Settings", "New PIN again")),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(12)
            edit.setAccessibleName(name)
        form.addRow(translate("Settings", "Which PIN"), self.role)
        form.addRow(translate("Settings", "New PIN"), self.new_pin)
        form.addRow(translate("Settings", "New PIN again"), self.new_pin2)
        layout.addLayout(form)
        self.change_button = QPushButton(translate("Settings", "Change PIN"))
        self.change_button.setProperty("role", "primary")
        self.change_button.clicked.connect(self._on_change_button_clicked)
        layout.addWidget(self.change_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.result = QLabel()
        layout.addWidget(self.result)
        layout.addStretch(1)

    @Slot()
    def _on_change_button_clicked(self) -> None:
        pin, again = self.new_pin.text(), self.new_pin2.text()
        self.new_pin.clear()
        self.new_pin2.clear()
        if pin != again:
            self.result.setText(translate("Settings", "The two PINs differ."))
            return
        role = PinRole(str(self.role.currentData()))
        pins = self._services.pins

        def changed(_none: None) -> None:
            self.result.setText(translate("Settings", "PIN changed."))
            log.info("%s PIN changed in the settings", role.value)

        DialogOp(self._tasks, self, lambda: pins.set_pin(role, pin), changed).busy(
            self.change_button
        ).on_failure(self._on_change_failed).run()

    def _on_change_failed(self, error: BaseException) -> None:
        if isinstance(error, PinError):
            self.result.setText(translate("Settings", "A PIN has 4 to 12 digits."))
        else:
            self.result.setText(translate("Settings", "The PIN was not saved."))

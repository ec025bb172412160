"""The staff menu: reception, instructor board, settings, exit."""

from __future__ import annotations

from collections.abc import Collection

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QGridLayout, QPushButton, QSizePolicy, QWidget

from kiosk.ui.dialogs import StaffDialog, muted

translate = QCoreApplication.translate


class StaffMenu(StaffDialog):
    """Big buttons to the staff screens.

    Args:
        parent: The kiosk window.
        screens: The choices this person may open (None: all of them).

    Signals:
        chosen(str): ``reception``, ``board``, ``settings`` or ``exit``.
    """

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None, screens: Collection[str] | None = None) -> None:
        super().__init__(translate("StaffMenu", "Staff menu"), parent)
        self.body.addWidget(
            muted(translate("StaffMenu", "Scans keep working while a staff screen is open."))
        )
        grid = QGridLayout()
        grid.setSpacing(24)
        self.buttons: dict[str, QPushButton] = {}
        entries = (
            (
                "reception",
                translate("StaffMenu", "Reception"),
                translate("StaffMenu", "Check in by name, recent scans, health"),
            ),
            (
                "board",
                translate("StaffMenu", "Instructor board"),
                translate("StaffMenu", "Progress to the next belt"),
            ),
            (
                "settings",
                translate("StaffMenu", "Settings"),
                translate("StaffMenu", "Camera, sound, PINs, connection"),
            ),
            (
                "exit",
                translate("StaffMenu", "Exit the kiosk"),
                translate("StaffMenu", "Close the check-in app"),
            ),
        )
        allowed = [entry for entry in entries if screens is None or entry[0] in screens]
        for index, (key, title, detail) in enumerate(allowed):
            button = QPushButton(f"{title}\n{detail}")
            button.setAccessibleName(title)
            button.setAccessibleDescription(detail)
            button.setProperty("choice", key)
            button.setProperty(
                "role", "danger" if key == "exit" else "primary" if index == 0 else ""
            )
            button.setMinimumHeight(220)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            button.setStyleSheet("font-size: 30px; text-align: center;")
            button.clicked.connect(self._on_button_clicked)
            grid.addWidget(button, index // 2, index % 2)
            self.buttons[key] = button
        self.body.addLayout(grid, 1)
        if self.buttons:
            next(iter(self.buttons.values())).setFocus()

    @Slot()
    def _on_button_clicked(self) -> None:
        sender = self.sender()
        choice = str(sender.property("choice")) if sender is not None else ""
        self.chosen.emit(choice)
        self.accept()

"""The staff side of the kiosk: the PIN pad, the staff menu and the screens behind it.

:class:`StaffScreens` decides who may open what (:data:`kiosk.services.staff.SCREENS`), opens one
staff screen at a time over the kiosk window, and runs the set-up wizard. What a screen changes
for the whole kiosk (preferences, a wipe, a finished set-up, a manual check-in) goes back to the
shell as a signal; the shell owns the kiosk window, the camera and the status.
"""

from __future__ import annotations

import logging
import platform
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QWidget

from kiosk.services.checkin import ScanResult
from kiosk.services.preferences import KioskPreferences
from kiosk.services.staff import SCREENS, PinRole, StaffAccess
from kiosk.ui.board import InstructorBoard
from kiosk.ui.dialogs import ConfirmDialog, StaffDialog
from kiosk.ui.pin_dialog import PinDialog
from kiosk.ui.reception import ReceptionDialog
from kiosk.ui.settings import SettingsDialog
from kiosk.ui.staff_menu import StaffMenu
from kiosk.ui.wizard import SetupWizard

if TYPE_CHECKING:
    from kiosk.ui.shell import KioskShell

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class StaffScreens(QObject):
    """Opens the staff screens over the kiosk window, one at a time.

    Args:
        shell: The kiosk's shell (services, task workers, window, current preferences).

    Signals:
        result_made(object): A manual check-in or override made a :class:`ScanResult`.
        preferences_changed(object): Staff saved new :class:`KioskPreferences`.
        wiped(): The kiosk signed out and forgot its academy.
        setup_completed(object, bool, bool): The wizard finished: the preferences, whether it
            chose the camera, and whether it was the first-run (top-level) wizard.
        setup_cancelled(bool): The wizard was left; True for the top-level one.
        exit_requested(): Staff confirmed leaving the kiosk.
    """

    result_made = Signal(object)
    preferences_changed = Signal(object)
    wiped = Signal()
    setup_completed = Signal(object, bool, bool)
    setup_cancelled = Signal(bool)
    exit_requested = Signal()

    def __init__(self, shell: KioskShell) -> None:
        super().__init__(shell)
        self._shell = shell
        self.dialog: StaffDialog | None = None
        self.wizard: SetupWizard | None = None
        #: What the last person through the PIN pad may open (None: nobody yet).
        self.access: StaffAccess | None = None
        self._staff_id = "pin:staff"
        self._wizard_top_level = False
        self._wizard_chose_camera = False

    @property
    def _window(self) -> QWidget:
        return self._shell.window

    def show_scan(self, result: ScanResult) -> None:
        """Tell the open staff screen about a scan."""
        if self.dialog is not None:
            self.dialog.show_scan(result)

    def close_all(self) -> None:
        for widget in (self.dialog, self.wizard):
            if widget is not None:
                widget.close()

    # -- one screen at a time -------------------------------------------------------------------

    def _open(self, dialog: StaffDialog) -> None:
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.closed.connect(self._on_dialog_closed)
        dialog.open()

    @Slot()
    def _on_dialog_closed(self) -> None:
        if self.sender() is self.dialog:
            self.dialog = None

    # -- who gets in ------------------------------------------------------------------------------

    def ask_pin(self, wanted: PinRole) -> PinDialog:
        shell = self._shell
        pad = PinDialog(shell.services, shell.tasks, wanted, self._window)
        pad.granted.connect(self._on_pin_granted)
        self._open(pad)
        return pad

    @Slot(str, str)
    def _on_pin_granted(self, role: str, staff_id: str) -> None:
        self._staff_id = staff_id
        self.access = StaffAccess(role)
        # Let the PIN dialog finish closing before the next screen opens. Assistants have one
        # screen: no menu in the way.
        opener = {
            StaffAccess.STAFF: self.open_staff_menu,
            StaffAccess.RECEPTION: self.open_reception,
            StaffAccess.INSTRUCTOR: self.open_board,
        }[self.access]
        QTimer.singleShot(0, opener)

    def allows(self, screen: str) -> bool:
        """Whoever got in last may open ``screen`` (a staff menu choice)."""
        return self.access is not None and screen in SCREENS[self.access]

    def open_staff_menu(self) -> StaffMenu:
        screens = SCREENS[self.access] if self.access is not None else frozenset[str]()
        menu = StaffMenu(self._window, screens)
        menu.chosen.connect(self._on_menu_chosen)
        self._open(menu)
        return menu

    @Slot(str)
    def _on_menu_chosen(self, choice: str) -> None:
        self.open_screen(choice)

    def open_screen(self, choice: str) -> bool:
        """Open a staff menu choice if the current access allows it; False when refused."""
        opener = {
            "reception": self.open_reception,
            "board": self.open_board,
            "settings": self.open_settings,
            "exit": self.confirm_exit,
        }.get(choice)
        if opener is None or not self.allows(choice):
            # The menu shows only allowed choices; this guards every other way in.
            log.warning("staff screen refused: %s (access %s)", choice, self.access)
            return False
        QTimer.singleShot(0, opener)
        return True

    # -- the screens ------------------------------------------------------------------------------

    def open_board(self) -> InstructorBoard:
        shell = self._shell
        board = InstructorBoard(shell.services, shell.tasks, self._window, zone=shell.zone)
        self._open(board)
        return board

    def open_reception(self) -> ReceptionDialog:
        shell = self._shell
        reception = ReceptionDialog(
            shell.services,
            shell.tasks,
            self._staff_id,
            shell.health_extra,
            self._window,
            zone=shell.zone,
        )
        reception.result_made.connect(self.result_made)
        self._open(reception)
        return reception

    def open_settings(self) -> SettingsDialog:
        shell = self._shell
        settings = SettingsDialog(
            shell.services,
            shell.tasks,
            shell.frames,
            shell.scans,
            shell.set_test_mode,
            shell.preferences,
            self._window,
        )
        settings.preferences_changed.connect(self.preferences_changed)
        settings.reregister_requested.connect(self._on_settings_reregister_requested)
        settings.wiped.connect(self._on_settings_wiped)
        self._open(settings)
        return settings

    @Slot()
    def _on_settings_reregister_requested(self) -> None:
        QTimer.singleShot(0, self._open_reregister)

    def _open_reregister(self) -> None:
        self.open_wizard(register_only=True, top_level=False)

    @Slot()
    def _on_settings_wiped(self) -> None:
        self.wiped.emit()
        # Nothing of the academy is left: back to the first-run wizard.
        QTimer.singleShot(0, self._open_first_run)

    def _open_first_run(self) -> None:
        self.open_wizard(register_only=False, top_level=False)

    def open_wizard(self, *, register_only: bool, top_level: bool) -> SetupWizard:
        """The set-up wizard: on its own (first run) or over the kiosk window."""
        shell = self._shell
        # The wizard runs on a kiosk without PINs (first run, after a wipe); "register again"
        # has no PIN step.
        parent: QWidget | None = None if top_level else self._window
        wizard = SetupWizard(
            shell.services,
            shell.tasks,
            shell.frames,
            shell.scans,
            shell.set_test_mode,
            shell.preferences,
            staff_pin_set=False,
            register_only=register_only,
            device_name=platform.node() or "kiosk",
            parent=parent,
        )
        wizard.completed.connect(self._on_wizard_completed)
        wizard.cancelled.connect(self._on_wizard_cancelled)
        self.wizard = wizard
        self._wizard_top_level = top_level
        self._wizard_chose_camera = not register_only
        shell.show_window(wizard, (1280, 800))
        return wizard

    @Slot(object)
    def _on_wizard_completed(self, preferences: KioskPreferences) -> None:
        self.wizard = None
        self.setup_completed.emit(preferences, self._wizard_chose_camera, self._wizard_top_level)

    @Slot()
    def _on_wizard_cancelled(self) -> None:
        self.wizard = None
        self.setup_cancelled.emit(self._wizard_top_level)

    def confirm_exit(self) -> ConfirmDialog:
        confirm = ConfirmDialog(
            translate("Shell", "Exit the kiosk"),
            translate(
                "Shell",
                "Students cannot check in until the kiosk is started again. Check-ins waiting "
                "for upload are kept and sent at the next start.",
            ),
            translate("Shell", "Exit"),
            self._window,
            danger=True,
        )
        confirm.confirmed.connect(self._on_exit_confirmed)
        self._open(confirm)
        return confirm

    @Slot()
    def _on_exit_confirmed(self) -> None:
        log.info("staff exited the kiosk")
        self.exit_requested.emit()

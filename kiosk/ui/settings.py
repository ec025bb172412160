"""Settings behind the staff PIN: camera, sound and display, PINs, connection.

From the connection tab staff sync now, register the kiosk again, or sign out and wipe the
local cache. Wiping refuses while check-ins wait for upload or sit parked (those facts exist
nowhere else) unless staff confirm a second time that they accept losing them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.services.preferences import KioskPreferences
from kiosk.services.reception import RosterFacts
from kiosk.services.setup import SetupError
from kiosk.services.staff import PinError, PinRole
from kiosk.ui.bridges import FrameBridge, ScanBridge
from kiosk.ui.camera_setup import CameraSetup
from kiosk.ui.checkin_window import CheckInWindowChoice
from kiosk.ui.dialogs import ConfirmDialog, StaffDialog, heading, muted
from kiosk.ui.i18n import LANGUAGES, setup_problem_text
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class SettingsDialog(StaffDialog):
    """Kiosk settings.

    Signals:
        preferences_changed(object): New :class:`KioskPreferences` were saved.
        reregister_requested(): Staff want to register the kiosk again.
        wiped(): The kiosk signed out and forgot its academy.
    """

    preferences_changed = Signal(object)
    reregister_requested = Signal()
    wiped = Signal()

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        frames: FrameBridge | None,
        scans: ScanBridge,
        set_test_mode: Callable[[bool], None],
        preferences: KioskPreferences,
        parent: QWidget | None,
    ) -> None:
        super().__init__(translate("Settings", "Settings"), parent)
        self._services = services
        self._tasks = tasks
        self._preferences = preferences
        self.tabs = QTabWidget()
        self.camera = CameraSetup(services.camera, frames, scans, set_test_mode, preferences)
        self.camera.applied.connect(self._on_camera_applied)
        self.tabs.addTab(self.camera, translate("Settings", "Camera"))
        self.tabs.addTab(self._build_sound(), translate("Settings", "Sound and display"))
        self.tabs.addTab(self._build_checkin(), translate("Settings", "Check-in"))
        self.tabs.addTab(self._build_pins(), translate("Settings", "PINs"))
        self.tabs.addTab(self._build_connection(), translate("Settings", "Connection"))
        self.body.addWidget(self.tabs, 1)
        self._tasks.run(services.reception.roster_facts, self._on_facts_read)
        self._tasks.run(services.reception.tenant, self._on_tenant_read)

    # -- sound and display ------------------------------------------------------------------

    def _build_sound(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        prefs = self._preferences
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
        self.sound_result = QLabel()
        form.addRow("", self.sound_result)
        return page

    @Slot()
    def _on_save_button_clicked(self) -> None:
        preferences = replace(
            self._preferences,
            sound=self.sound.isChecked(),
            volume=self.volume.value() / 100,
            result_seconds=self.result_seconds.value(),
            language=str(self.language.currentData()),
        )
        self._save(preferences, self.sound_result)

    @Slot(str, str, bool)
    def _on_camera_applied(self, spec: str, engine: str, mirror: bool) -> None:
        self._save(replace(self._preferences, camera=spec, engine=engine, mirror=mirror), None)

    def _save(self, preferences: KioskPreferences, label: QLabel | None) -> None:
        service = self._services.preferences

        def saved(stored: KioskPreferences) -> None:
            self._preferences = stored
            if label is not None:
                label.setText(translate("Settings", "Saved."))
            self.preferences_changed.emit(stored)

        self._tasks.run(lambda: service.save(preferences), saved, owner=self)

    # -- check-in window ----------------------------------------------------------------------

    def _build_checkin(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(translate("Settings", "Check-in window")))
        self.window_choice = CheckInWindowChoice(
            self._preferences.checkin_window_minutes,
            self._services.checkin.window_set_by_configuration,
        )
        layout.addWidget(self.window_choice)
        self.window_save_button = QPushButton(translate("Settings", "Save"))
        self.window_save_button.setProperty("role", "primary")
        self.window_save_button.setAccessibleName(translate("Settings", "Save the check-in window"))
        self.window_save_button.setEnabled(
            self._services.checkin.window_set_by_configuration is None
        )
        self.window_save_button.clicked.connect(self._on_window_save_button_clicked)
        layout.addWidget(self.window_save_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.window_result = QLabel()
        layout.addWidget(self.window_result)
        layout.addStretch(1)
        return page

    @Slot()
    def _on_window_save_button_clicked(self) -> None:
        minutes = self.window_choice.value()
        self._save(replace(self._preferences, checkin_window_minutes=minutes), self.window_result)

    # -- PINs ---------------------------------------------------------------------------------

    def _build_pins(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.pin_role = QComboBox()
        self.pin_role.setAccessibleName(translate("Settings", "Which PIN"))
        self.pin_role.addItem(translate("Settings", "Staff PIN"), PinRole.STAFF.value)
        self.pin_role.addItem(translate("Settings", "Instructor PIN"), PinRole.INSTRUCTOR.value)
        self.new_pin = QLineEdit()
        self.new_pin2 = QLineEdit()
        for edit, name in (
            (self.new_pin, translate("Settings", "New PIN")),
            (self.new_pin2, translate("Settings", "New PIN again")),
        ):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(12)
            edit.setAccessibleName(name)
        form.addRow(translate("Settings", "Which PIN"), self.pin_role)
        form.addRow(translate("Settings", "New PIN"), self.new_pin)
        form.addRow(translate("Settings", "New PIN again"), self.new_pin2)
        layout.addLayout(form)
        self.pin_button = QPushButton(translate("Settings", "Change PIN"))
        self.pin_button.setProperty("role", "primary")
        self.pin_button.clicked.connect(self._on_pin_button_clicked)
        layout.addWidget(self.pin_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.pin_result = QLabel()
        layout.addWidget(self.pin_result)
        layout.addStretch(1)
        return page

    @Slot()
    def _on_pin_button_clicked(self) -> None:
        pin, again = self.new_pin.text(), self.new_pin2.text()
        self.new_pin.clear()
        self.new_pin2.clear()
        if pin != again:
            self.pin_result.setText(translate("Settings", "The two PINs differ."))
            return
        role = PinRole(str(self.pin_role.currentData()))
        pins = self._services.pins

        def failed(error: BaseException) -> None:
            if isinstance(error, PinError):
                self.pin_result.setText(translate("Settings", "A PIN has 4 to 12 digits."))
            else:
                self.pin_result.setText(translate("Settings", "The PIN was not saved."))

        def done(_none: None) -> None:
            self.pin_result.setText(translate("Settings", "PIN changed."))
            log.info("%s PIN changed in the settings", role.value)

        self._tasks.run(lambda: pins.set_pin(role, pin), done, failed, owner=self)

    # -- connection ---------------------------------------------------------------------------

    def _build_connection(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(heading(translate("Settings", "This kiosk")))
        self.identity_label = QLabel("…")
        self.identity_label.setWordWrap(True)
        self.identity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.identity_label)
        buttons = QHBoxLayout()
        self.sync_button = QPushButton(translate("Settings", "Sync now"))
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.register_button = QPushButton(translate("Settings", "Register again…"))
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.wipe_button = QPushButton(translate("Settings", "Sign out and wipe…"))
        self.wipe_button.setProperty("role", "danger")
        self.wipe_button.clicked.connect(self._on_wipe_button_clicked)
        for button in (self.sync_button, self.register_button, self.wipe_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.connection_result = QLabel()
        self.connection_result.setWordWrap(True)
        layout.addWidget(self.connection_result)
        layout.addStretch(1)
        return page

    def _on_facts_read(self, facts: RosterFacts) -> None:
        services = self._services
        identity = facts.identity
        lines = [
            translate("Settings", "Academy: %1").replace(
                "%1", identity.tenant_slug if identity else "—"
            ),
            translate("Settings", "Kiosk id: %1").replace(
                "%1", (identity.kiosk_id if identity else None) or "—"
            ),
            translate("Settings", "Server: %1").replace(
                "%1", (identity.api_url if identity else None) or "—"
            ),
            translate("Settings", "Device key: %1").replace(
                "%1",
                translate("Settings", "system keyring")
                if services.vault_persistent
                else translate("Settings", "memory only (sign in again after a restart)"),
            ),
        ]
        self.window_choice.set_academy_minutes(facts.checkin_window_minutes)
        self.identity_label.setText("\n".join(lines))
        self.sync_button.setEnabled(services.sync.connected)

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        if tenant:
            self.camera.tenant_id = tenant.get("id", "")

    @Slot()
    def _on_sync_button_clicked(self) -> None:
        self._services.sync.nudge()
        self._services.sync.pull_now()
        self.connection_result.setText(translate("Settings", "Syncing…"))

    @Slot()
    def _on_register_button_clicked(self) -> None:
        self.reregister_requested.emit()
        self.close()

    @Slot()
    def _on_wipe_button_clicked(self) -> None:
        confirm = ConfirmDialog(
            translate("Settings", "Sign out and wipe"),
            translate(
                "Settings",
                "This kiosk forgets its academy, roster, PINs and settings, and its device key. "
                "It then needs a new set-up.",
            ),
            translate("Settings", "Sign out and wipe"),
            self,
            danger=True,
        )
        confirm.confirmed.connect(self._on_wipe_confirmed)
        confirm.open()
        self.wipe_confirm = confirm

    @Slot()
    def _on_wipe_confirmed(self) -> None:
        self._wipe(force=False)

    def _wipe(self, force: bool) -> None:
        services = self._services

        def wipe() -> None:
            services.sync.stop()
            services.setup.sign_out_and_wipe(force=force)

        self._tasks.run(wipe, self._on_wiped, self._on_wipe_failed)

    def _on_wiped(self, _none: None) -> None:
        log.info("kiosk signed out and wiped")
        self.wiped.emit()
        self.close()

    def _on_wipe_failed(self, error: BaseException) -> None:
        if not isinstance(error, SetupError):
            self.connection_result.setText(translate("Settings", "Wiping failed."))
            self._tasks.run(self._services.sync.restart)
            return
        # Unsent check-ins: say how many, and let staff decide to lose them knowingly.
        self._tasks.run(self._services.sync.restart)
        confirm = ConfirmDialog(
            translate("Settings", "Check-ins not uploaded"),
            translate("Settings", "%1\n\nWipe anyway and lose them?").replace(
                "%1", setup_problem_text(error)
            ),
            translate("Settings", "Wipe anyway"),
            self,
            danger=True,
        )
        confirm.confirmed.connect(self._on_force_confirmed)
        confirm.open()
        self.wipe_confirm = confirm

    @Slot()
    def _on_force_confirmed(self) -> None:
        self._wipe(force=True)

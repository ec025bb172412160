"""The settings screen: one widget per tab, the preferences shared between them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QTabWidget, QWidget

from kiosk.services.preferences import KioskPreferences
from kiosk.services.reception import RosterFacts
from kiosk.ui.bridges import FrameBridge, ScanBridge
from kiosk.ui.camera_setup import CameraSetup
from kiosk.ui.dialogs import StaffDialog
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.settings.checkin import CheckInTab
from kiosk.ui.settings.connection import ConnectionTab
from kiosk.ui.settings.display import DisplayTab
from kiosk.ui.settings.pins import PinsTab
from kiosk.ui.settings.preferences import PreferencesEditor
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


class SettingsDialog(StaffDialog):
    """Kiosk settings: camera, sound and display, check-in window, PINs, connection.

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
        self.editor = PreferencesEditor(services, tasks, preferences, self)
        self.editor.saved.connect(self.preferences_changed)
        self.camera = CameraSetup(services.camera, frames, scans, set_test_mode, preferences)
        self.camera.applied.connect(self._on_camera_applied)
        self.display = DisplayTab(self.editor)
        self.checkin = CheckInTab(self.editor, services.checkin.window_set_by_configuration)
        self.pins = PinsTab(services, tasks)
        self.connection = ConnectionTab(services, tasks)
        self.connection.reregister_requested.connect(self._on_connection_reregister_requested)
        self.connection.wiped.connect(self._on_connection_wiped)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.camera, translate("Settings", "Camera"))
        self.tabs.addTab(self.display, translate("Settings", "Sound and display"))
        self.tabs.addTab(self.checkin, translate("Settings", "Check-in"))
        self.tabs.addTab(self.pins, translate("Settings", "PINs"))
        self.tabs.addTab(self.connection, translate("Settings", "Connection"))
        self.body.addWidget(self.tabs, 1)
        DialogOp(tasks, self, services.reception.roster_facts, self._on_facts_read).run()
        DialogOp(tasks, self, services.reception.tenant, self._on_tenant_read).run()

    def _on_facts_read(self, facts: RosterFacts) -> None:
        self.checkin.window_choice.set_academy_minutes(facts.checkin_window_minutes)
        self.connection.show_facts(facts)

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        if tenant:
            self.camera.tenant_id = tenant.get("id", "")

    @Slot(str, str, bool)
    def _on_camera_applied(self, spec: str, engine: str, mirror: bool) -> None:
        self.editor.save(
            self.camera, lambda prefs: replace(prefs, camera=spec, engine=engine, mirror=mirror)
        )

    @Slot()
    def _on_connection_reregister_requested(self) -> None:
        self.reregister_requested.emit()
        self.close()

    @Slot()
    def _on_connection_wiped(self) -> None:
        self.wiped.emit()
        self.close()

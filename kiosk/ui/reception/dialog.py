"""The reception screen: four tabs, one widget each (Electrum splits its main window so)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QTabWidget, QWidget

from kiosk.services.checkin import ScanResult
from kiosk.ui.dialogs import StaffDialog
from kiosk.ui.ports import KioskServices
from kiosk.ui.reception.health import ExtraFigures, HealthPanel
from kiosk.ui.reception.manual import ManualCheckIn
from kiosk.ui.reception.parked import ParkedCheckins
from kiosk.ui.reception.recent import RecentScans
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


class ReceptionDialog(StaffDialog):
    """Staff tools for the front desk: check in by name, recent scans and overrides, parked
    check-ins, health. Each tab reads what it shows when it comes on screen.

    Signals:
        result_made(object): A manual check-in or override produced a :class:`ScanResult`.
    """

    result_made = Signal(object)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        staff_id: str,
        health_extra: ExtraFigures,
        parent: QWidget | None,
        *,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__(translate("Reception", "Reception"), parent)
        self.manual = ManualCheckIn(services, tasks, staff_id)
        self.recent = RecentScans(services, tasks, staff_id, zone)
        self.parked = ParkedCheckins(services, tasks, zone)
        self.health = HealthPanel(services, tasks, health_extra, zone)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(translate("Reception", "Reception tools"))
        self.tabs.addTab(self.manual, translate("Reception", "Check in by name"))
        self.tabs.addTab(self.recent, translate("Reception", "Recent scans"))
        self.tabs.addTab(self.parked, translate("Reception", "Needs attention"))
        self.tabs.addTab(self.health, translate("Reception", "Health"))
        self.body.addWidget(self.tabs, 1)
        self.manual.result_made.connect(self._on_tab_result_made)
        self.recent.result_made.connect(self._on_tab_result_made)
        self.manual.name_search.setFocus()

    @Slot(object)
    def _on_tab_result_made(self, result: ScanResult) -> None:
        self.result_made.emit(result)

    def show_scan(self, result: ScanResult) -> None:
        super().show_scan(result)
        if self.recent.isVisible():
            self.recent.refresh()

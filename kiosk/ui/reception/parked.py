"""Check-ins the server refused: kept, never blocking the others, sent again by staff."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from kiosk.services.reception import ScanRow
from kiosk.ui.dialogs import muted
from kiosk.ui.i18n import server_refusal
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.reception.common import scan_table, technical, when
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


class ParkedCheckins(QWidget):
    """The parked check-ins with the server's reasons, and "send again"."""

    def __init__(self, services: KioskServices, tasks: TaskManager, zone: ZoneInfo | None) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self._zone = zone
        self._reading = LatestOnly()
        layout = QVBoxLayout(self)
        layout.addWidget(
            muted(
                translate(
                    "Reception",
                    "Check-ins the TatamiTech server refused. They are kept here and never "
                    "block the others. Fix the cause in TatamiTech, then send them again.",
                )
            )
        )
        self.table = scan_table(
            [
                translate("Reception", "Time"),
                translate("Reception", "Student"),
                translate("Reception", "Reason"),
            ],
            translate("Reception", "Parked check-ins"),
        )
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.requeue_button = QPushButton(translate("Reception", "Send again"))
        self.requeue_button.setProperty("role", "primary")
        self.requeue_button.clicked.connect(self._on_requeue_button_clicked)
        row.addWidget(self.requeue_button)
        layout.addLayout(row)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        DialogOp(self._tasks, self, self._services.reception.parked, self._show).latest(
            self._reading
        ).run()

    def _show(self, rows: list[ScanRow]) -> None:
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            cells = (
                when(row.record.scanned_at, self._zone),
                row.display_name or "—",
                server_refusal(row.reason),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.record.scan_id)
                if column == len(cells) - 1:
                    item.setToolTip(technical(row.reason))
                self.table.setItem(index, column, item)
        self.requeue_button.setEnabled(bool(rows))

    @Slot()
    def _on_requeue_button_clicked(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        scan_id = str(items[0].data(Qt.ItemDataRole.UserRole))
        reception, sync = self._services.reception, self._services.sync

        def requeue() -> bool:
            done = reception.requeue(scan_id)
            sync.nudge()
            return done

        DialogOp(self._tasks, self, requeue, self._on_requeued).run()

    def _on_requeued(self, _done: bool) -> None:
        self.refresh()

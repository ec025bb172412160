"""Recent scans, failures included, and "check in anyway" for a failed scan (an override)."""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.decision import OUTCOME_TONE
from kiosk.services.checkin import OverrideError, ScanResult
from kiosk.services.reception import ScanRow
from kiosk.ui.dialogs import heading, muted
from kiosk.ui.i18n import (
    outcome_headline,
    override_problem_text,
    source_name,
    sync_state_name,
)
from kiosk.ui.icons import outcome_icon
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.reception.common import reason, scan_table, show_result_line, when
from kiosk.ui.tasks import TaskManager
from kiosk.ui.theme import style_for

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class RecentScans(QWidget):
    """The last hundred scans, newest first; an override for a failed one of a known student.

    Signals:
        result_made(object): An override's :class:`ScanResult`.
    """

    result_made = Signal(object)

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        staff_id: str,
        zone: ZoneInfo | None,
    ) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self._staff_id = staff_id
        self._zone = zone
        self._rows: list[ScanRow] = []
        self._reading = LatestOnly()
        layout = QVBoxLayout(self)
        self.table = scan_table(
            [
                translate("Reception", "Time"),
                translate("Reception", "Result"),
                translate("Reception", "Student"),
                translate("Reception", "Source"),
                translate("Reception", "Upload"),
                translate("Reception", "Reason"),
            ],
            translate("Reception", "Recent scans"),
        )
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        layout.addWidget(self.table, 1)
        layout.addWidget(heading(translate("Reception", "Check in anyway")))
        layout.addWidget(
            muted(
                translate(
                    "Reception",
                    "Pick a failed scan of a known student (e.g. an expired pass you checked by "
                    "hand), say why, and confirm. The override is audited and synced.",
                )
            )
        )
        row = QHBoxLayout()
        self.override_note = QLineEdit()
        self.override_note.setPlaceholderText(translate("Reception", "Note (required)"))
        self.override_note.setAccessibleName(translate("Reception", "Override note"))
        self.override_note.setMaxLength(500)
        self.override_button = QPushButton(translate("Reception", "Check in anyway"))
        self.override_button.setProperty("role", "primary")
        self.override_button.setEnabled(False)
        self.override_button.clicked.connect(self._on_override_button_clicked)
        refresh = QPushButton(translate("Reception", "Refresh"))
        refresh.clicked.connect(self._on_refresh_button_clicked)
        row.addWidget(self.override_note, 1)
        row.addWidget(self.override_button)
        row.addWidget(refresh)
        layout.addLayout(row)
        self.override_result = QLabel()
        self.override_result.setWordWrap(True)
        layout.addWidget(self.override_result)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self) -> None:
        reception = self._services.reception
        DialogOp(self._tasks, self, lambda: reception.recent(100), self._show).latest(
            self._reading
        ).run()

    def _show(self, rows: list[ScanRow]) -> None:
        self._rows = rows
        table = self.table
        table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            record = row.record
            style = style_for(record.outcome, OUTCOME_TONE[record.outcome])
            text, hint = reason(row)
            cells = (
                when(record.scanned_at, self._zone),
                outcome_headline(record.outcome),
                row.display_name or "—",
                source_name(record.source),
                sync_state_name(record.sync_state),
                text,
            )
            for column, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                item.setData(Qt.ItemDataRole.UserRole, record.scan_id)
                if column == 1:
                    item.setIcon(outcome_icon(style.shape, style.glyph, style.fill))
                if column == len(cells) - 1 and hint:
                    item.setToolTip(hint)
                table.setItem(index, column, item)

    def outcomes(self) -> list[str]:
        """The outcomes shown, newest first."""
        return [row.record.outcome.value for row in self._rows]

    def cells(self, row: int) -> list[str]:
        """The texts of one row, as shown."""
        return [
            item.text() if (item := self.table.item(row, column)) else ""
            for column in range(self.table.columnCount())
        ]

    def select(self, scan_id: str) -> None:
        for index, row in enumerate(self._rows):
            if row.record.scan_id == scan_id:
                self.table.selectRow(index)

    def _selected(self) -> ScanRow | None:
        rows = {row.record.scan_id: row for row in self._rows}
        items = self.table.selectedItems()
        return rows.get(str(items[0].data(Qt.ItemDataRole.UserRole))) if items else None

    @Slot()
    def _on_table_item_selection_changed(self) -> None:
        row = self._selected()
        self.override_button.setEnabled(row is not None and row.overridable)

    @Slot()
    def _on_override_button_clicked(self) -> None:
        row = self._selected()
        note = self.override_note.text().strip()
        if row is None or not row.overridable:
            return
        if not note:
            self.override_result.setText(translate("Reception", "An override needs a note."))
            self.override_note.setFocus()
            return
        checkin, staff, scan_id = self._services.checkin, self._staff_id, row.record.scan_id
        DialogOp(
            self._tasks,
            self,
            lambda: checkin.override_scan(scan_id, staff, note),
            self._on_overridden,
        ).busy(self.override_button).on_failure(self._on_override_failed).run()

    def _on_overridden(self, result: ScanResult) -> None:
        self.override_note.clear()
        show_result_line(self.override_result, result)
        self.result_made.emit(result)
        self.refresh()

    def _on_override_failed(self, error: BaseException) -> None:
        if isinstance(error, OverrideError):
            self.override_result.setText(
                translate("Reception", "Not possible: %1").replace(
                    "%1", override_problem_text(error)
                )
            )
        else:
            log.error("override failed: %s", type(error).__name__)
            self.override_result.setText(translate("Reception", "The override was not saved."))
        self._on_table_item_selection_changed()

    @Slot()
    def _on_refresh_button_clicked(self) -> None:
        self.refresh()

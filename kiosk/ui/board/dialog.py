"""The instructor board's screen: filters over a table of students, the detail beside it, and
the grading list's buttons under them (:mod:`kiosk.ui.board.grading`)."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from kiosk.domain.model import Rank
from kiosk.services.board import BoardFilter, BoardRow
from kiosk.ui.board.detail import StudentDetailPanel, fraction
from kiosk.ui.board.filters import BoardFilters
from kiosk.ui.board.grading import GradingActions, belt_row_icon, belt_text, status_text
from kiosk.ui.board.grading_list import GradingTable, grading_table
from kiosk.ui.dialogs import StaffDialog, muted
from kiosk.ui.i18n import QT_TRANSLATE_NOOP, format_date_time
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager
from kiosk.ui.theme import PALETTE

translate = QCoreApplication.translate

_COLUMNS = (
    QT_TRANSLATE_NOOP("Board", "Student"),
    QT_TRANSLATE_NOOP("Board", "Belt"),
    QT_TRANSLATE_NOOP("Board", "Classes"),
    QT_TRANSLATE_NOOP("Board", "Days in belt"),
    QT_TRANSLATE_NOOP("Board", "Status"),
)


class InstructorBoard(StaffDialog):
    """Students by progress, with filters, detail and an online promotion check.

    Attributes:
        loaded: How many times the table was filled (tests wait on it).
    """

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        parent: QWidget | None,
        *,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__(translate("Board", "Instructor board"), parent)
        self._services = services
        self._tasks = tasks
        self._reading = LatestOnly()
        self._zone = zone
        self._rows: list[BoardRow] = []
        self._shown_filter = BoardFilter()
        self._programs: dict[str, str] = {}
        self._academy = ""
        self.loaded = 0
        self.filters = BoardFilters()
        self.filters.changed.connect(self._on_filters_changed)
        self.body.addWidget(self.filters)
        self.detail = StudentDetailPanel(services, tasks, zone)
        self.detail.promoted.connect(self._on_detail_promoted)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_table())
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.body.addWidget(splitter, 1)
        self.grading = GradingActions(tasks, self.grading_list, services.export_dir)
        self.body.addWidget(self.grading)
        self.footer = muted("")
        self.body.addWidget(self.footer)
        # One read per pause while a filter is being changed, not one per key or click.
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        DialogOp(tasks, self, services.reception.catalogue, self._on_catalogue_read).run()
        DialogOp(tasks, self, services.reception.tenant, self._on_tenant_read).run()
        self.reload()

    def _build_table(self) -> QTableWidget:
        self.table = QTableWidget(0, len(_COLUMNS))
        self.table.setHorizontalHeaderLabels([translate("Board", c) for c in _COLUMNS])
        self.table.setAccessibleName(translate("Board", "Students by progress"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setIconSize(QSize(44, 22))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(48)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(_COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_table_item_selection_changed)
        return self.table

    def _on_catalogue_read(self, catalogue: Sequence[tuple[str, str, list[Rank]]]) -> None:
        self.filters.set_catalogue(catalogue)
        self._programs = {program_id: name for program_id, name, _ranks in catalogue}
        self.detail.rank_names = {
            rank.id: rank.name for _program, _name, ranks in catalogue for rank in ranks
        }

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        self._academy = tenant["name"] if tenant else ""

    def grading_list(self) -> GradingTable:
        """What the board shows now, as a grading list (its filter, its order)."""
        return grading_table(
            self._rows,
            academy=self._academy,
            when=format_date_time(self._services.clock.now(), self._zone),
            programs=self._programs,
            stripes=self._shown_filter.stripes,
        )

    @Slot(str)
    def _on_detail_promoted(self, _promotion_id: str) -> None:
        self.reload()

    @Slot()
    def _on_filters_changed(self) -> None:
        self._debounce.start()

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the board again with the current filters (on a worker)."""
        board, wanted = self._services.board, self.filters.current()

        def shown(rows: list[BoardRow]) -> None:
            self._shown_filter = wanted
            self._show_rows(rows)

        DialogOp(self._tasks, self, lambda: board.eligibility_board(wanted), shown).latest(
            self._reading
        ).run()

    def _show_rows(self, rows: list[BoardRow]) -> None:
        self._rows = rows
        self.loaded += 1
        table = self.table
        table.setRowCount(len(rows))
        stripes = self._shown_filter.stripes
        for index, row in enumerate(rows):
            evaluation = row.evaluation(stripes) or row.eligibility
            stats = evaluation.stats
            cells = (
                row.student.display_name,
                belt_text(row),
                fraction(stats.classes_attended, stats.classes_required),
                fraction(stats.days_in_rank, stats.days_required),
                status_text(row, stripes),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, row.student.id)
                if column == 1:
                    item.setIcon(belt_row_icon(row))
                if column == 4 and evaluation.eligible:
                    item.setForeground(QColor(PALETTE.eligible))
                table.setItem(index, column, item)
        shown = len(rows)
        self.footer.setText(
            translate("Board", "%n students shown · from the kiosk's roster", None, shown)
        )
        # The highlight follows the student, not the row number: a student the new filter
        # leaves out stays in the detail (just promoted, say) with no row highlighted, so the
        # table never points at someone else than the detail (and its Promote button).
        table.clearSelection()
        selected = self.detail.student_id
        if selected is not None:
            for index, row in enumerate(rows):
                if row.student.id == selected:
                    table.selectRow(index)

    def shown_names(self) -> list[str]:
        return [row.student.display_name for row in self._rows]

    @Slot()
    def _on_table_item_selection_changed(self) -> None:
        items = self.table.selectedItems()
        if items:
            self.detail.show_student(str(items[0].data(Qt.ItemDataRole.UserRole)))

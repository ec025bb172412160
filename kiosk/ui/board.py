"""The instructor board: every student's progress to the next belt, filtered and explained.

Works from the cached roster (offline too); counts follow the same exact rule as the scan
screen. When the backend is reachable, "Check with TatamiTech" asks for its own evaluation.
Grading (:mod:`kiosk.ui.board_grading`): the "Stripes" filter turns the board to the next
stripe, the detail promotes with the instructor PIN, and the current list is saved as CSV or
PDF, or printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.model import Rank
from kiosk.services.board import BoardFilter, BoardRow, StudentDetail
from kiosk.services.sync import PromotionVerdict
from kiosk.ui.board_grading import (
    GradingActions,
    belt_row_icon,
    belt_text,
    promotion_line,
    status_text,
    stripe_summary,
)
from kiosk.ui.dialogs import StaffDialog, heading, muted
from kiosk.ui.grading_list import GradingTable, grading_table
from kiosk.ui.i18n import (
    QT_TRANSLATE_NOOP,
    format_date_time,
    note_text,
    outcome_headline,
    source_name,
)
from kiosk.ui.ports import KioskServices
from kiosk.ui.promote_dialog import PromoteDialog
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


def _fraction(done: int, needed: int | None) -> str:
    return f"{done} / {needed}" if needed else str(done)


class InstructorBoard(StaffDialog):
    """Students by progress, with filters, detail and an online promotion check."""

    def __init__(
        self,
        services: KioskServices,
        tasks: TaskManager,
        parent: QWidget | None,
        *,
        zone: ZoneInfo | None = None,
    ) -> None:
        super().__init__(translate("Board", "Instructor board"), parent)
        self._zone = zone
        self._services = services
        self._tasks = tasks
        self._generation = 0
        self._rows: list[BoardRow] = []
        self._selected: str | None = None
        self._detail: StudentDetail | None = None
        self._shown_filter = BoardFilter()
        self._programs: dict[str, str] = {}
        self._rank_names: dict[str, str] = {}
        self._academy = ""
        self.loaded = 0
        self.body.addLayout(self._build_filters())
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self._build_table())
        splitter.addWidget(self._build_detail())
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        self.body.addWidget(splitter, 1)
        self.grading = GradingActions(tasks, self.grading_list, services.export_dir)
        self.body.addWidget(self.grading)
        self.footer = muted("")
        self.body.addWidget(self.footer)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._tasks.run(services.reception.catalogue, self._on_catalogue_read)
        self._tasks.run(services.reception.tenant, self._on_tenant_read)
        self.reload()

    # -- layout ---------------------------------------------------------------------------

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(12)
        self.search = QLineEdit()
        self.search.setPlaceholderText(translate("Board", "Search by name"))
        self.search.setAccessibleName(translate("Board", "Search by name"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_filter_changed)
        self.eligible_only = QCheckBox(translate("Board", "Eligible now"))
        self.stripes = QCheckBox(translate("Board", "Stripes"))
        self.stripes.setAccessibleName(
            translate("Board", "Show the next stripe instead of the next belt")
        )
        self.within_classes_on = QCheckBox(translate("Board", "Within classes:"))
        self.within_classes = QSpinBox()
        self.within_classes.setRange(0, 100)
        self.within_classes.setValue(3)
        self.within_classes.setAccessibleName(translate("Board", "Within this many classes"))
        self.within_days_on = QCheckBox(translate("Board", "Within days:"))
        self.within_days = QSpinBox()
        self.within_days.setRange(0, 365)
        self.within_days.setValue(14)
        self.within_days.setAccessibleName(translate("Board", "Within this many days"))
        self.program = QComboBox()
        self.program.setAccessibleName(translate("Board", "Program"))
        self.program.addItem(translate("Board", "All programs"), "")
        self.rank = QComboBox()
        self.rank.setAccessibleName(translate("Board", "Belt"))
        self.rank.addItem(translate("Board", "All belts"), "")
        for box in (self.eligible_only, self.stripes, self.within_classes_on, self.within_days_on):
            box.toggled.connect(self._on_filter_changed)
        for spin in (self.within_classes, self.within_days):
            spin.valueChanged.connect(self._on_filter_changed)
        for combo in (self.program, self.rank):
            combo.currentIndexChanged.connect(self._on_filter_changed)
        row.addWidget(self.search, 2)
        for widget in (
            self.eligible_only,
            self.stripes,
            self.within_classes_on,
            self.within_classes,
            self.within_days_on,
            self.within_days,
            self.program,
            self.rank,
        ):
            row.addWidget(widget)
        return row

    def _build_table(self) -> QWidget:
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

    def _build_detail(self) -> QWidget:
        frame = QFrame()
        frame.setObjectName("detail")
        frame.setStyleSheet(f"#detail {{ background: {PALETTE.surface}; border-radius: 12px; }}")
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(20, 16, 20, 16)
        self.detail_name = heading(translate("Board", "Pick a student"))
        self.detail_belt = QLabel()
        self.detail_status = QLabel()
        self.detail_status.setWordWrap(True)
        self.detail_reasons = QLabel()
        self.detail_reasons.setWordWrap(True)
        self.detail_steps = QLabel()
        self.detail_steps.setWordWrap(True)
        self.detail_stats = QLabel()
        self.detail_stats.setWordWrap(True)
        self.detail_stats.setProperty("role", "muted")
        self.recent = QListWidget()
        self.recent.setAccessibleName(translate("Board", "Recent attendance"))
        self.check_button = QPushButton(translate("Board", "Check with TatamiTech"))
        self.check_button.setAccessibleName(
            translate("Board", "Ask the TatamiTech server for its promotion check")
        )
        self.check_button.setEnabled(False)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.online_result = QLabel()
        self.online_result.setWordWrap(True)
        self.detail_stripes = QLabel()
        self.detail_stripes.setWordWrap(True)
        self.detail_promotions = QLabel()
        self.detail_promotions.setWordWrap(True)
        self.detail_promotions.setProperty("role", "muted")
        self.promote_button = QPushButton(translate("Board", "Promote…"))
        self.promote_button.setAccessibleName(
            translate("Board", "Promote this student: next belt or stripe, with the PIN")
        )
        self.promote_button.setEnabled(False)
        self.promote_button.clicked.connect(self._on_promote_button_clicked)
        for widget in (
            self.detail_name,
            self.detail_belt,
            self.detail_stripes,
            self.detail_status,
            self.detail_reasons,
            self.detail_steps,
            self.detail_stats,
            self.detail_promotions,
        ):
            layout.addWidget(widget)
        layout.addWidget(muted(translate("Board", "Recent attendance on this kiosk")))
        layout.addWidget(self.recent, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.promote_button)
        buttons.addWidget(self.check_button)
        layout.addLayout(buttons)
        layout.addWidget(self.online_result)
        return frame

    # -- filters --------------------------------------------------------------------------

    def _on_catalogue_read(self, catalogue: Sequence[tuple[str, str, list[Rank]]]) -> None:
        seen: set[str] = set()
        for program_id, name, ranks in catalogue:
            self.program.addItem(name, program_id)
            self._programs[program_id] = name
            for rank in ranks:
                self._rank_names[rank.id] = rank.name
                if rank.id not in seen:
                    seen.add(rank.id)
                    self.rank.addItem(rank.name, rank.id)

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        self._academy = tenant["name"] if tenant else ""

    def current_filter(self) -> BoardFilter:
        return BoardFilter(
            eligible_only=self.eligible_only.isChecked(),
            within_classes=(
                self.within_classes.value() if self.within_classes_on.isChecked() else None
            ),
            within_days=self.within_days.value() if self.within_days_on.isChecked() else None,
            program_id=str(self.program.currentData() or "") or None,
            rank_id=str(self.rank.currentData() or "") or None,
            query=self.search.text().strip(),
            stripes=self.stripes.isChecked(),
        )

    def grading_list(self) -> GradingTable:
        """What the board shows now, as a grading list (its filter, its order)."""
        when = format_date_time(self._services.clock.now(), self._zone)
        return grading_table(
            self._rows,
            academy=self._academy,
            when=when,
            programs=self._programs,
            stripes=self._shown_filter.stripes,
        )

    @Slot()
    def _on_filter_changed(self) -> None:
        self._debounce.start()

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self.reload()

    def reload(self) -> None:
        """Read the board again with the current filters (on a worker)."""
        self._generation += 1
        generation = self._generation
        board, wanted = self._services.board, self.current_filter()

        def done(rows: list[BoardRow]) -> None:
            if generation == self._generation:  # an older, slower read lost the race
                self._shown_filter = wanted
                self._show_rows(rows)

        self._tasks.run(lambda: board.eligibility_board(wanted), done, owner=self)

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
                _fraction(stats.classes_attended, stats.classes_required),
                _fraction(stats.days_in_rank, stats.days_required),
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
            translate("Board", "%n student shown · from the kiosk's roster", None, shown)
            if shown == 1
            else translate("Board", "%n students shown · from the kiosk's roster", None, shown)
        )
        # The highlight follows the student, not the row number: a student the new filter
        # leaves out stays in the detail (just promoted, say) with no row highlighted, so the
        # table never points at someone else than the detail (and its Promote button).
        table.clearSelection()
        if self._selected is not None:
            for index, row in enumerate(rows):
                if row.student.id == self._selected:
                    table.selectRow(index)

    def shown_names(self) -> list[str]:
        return [row.student.display_name for row in self._rows]

    # -- detail ---------------------------------------------------------------------------

    @Slot()
    def _on_table_item_selection_changed(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        student_id = str(items[0].data(Qt.ItemDataRole.UserRole))
        self._selected = student_id
        board = self._services.board
        self._tasks.run(lambda: board.student_detail(student_id), self._show_detail)

    def _show_detail(self, detail: StudentDetail | None) -> None:
        if detail is not None and detail.row.student.id != self._selected:
            return  # a read for a student no longer chosen came back late
        self.online_result.clear()
        self._detail = detail
        if detail is None:
            self.promote_button.setEnabled(False)
            return
        row = detail.row
        self.detail_stripes.setText(stripe_summary(row))
        self.detail_stripes.setVisible(row.scale is not None)
        stripe_left = row.scale is not None and row.student.stripes < row.scale.count
        self.promote_button.setEnabled(row.next_rank is not None or stripe_left)
        names = self._rank_names
        lines = [promotion_line(record, self._zone, names) for record in detail.promotions[:3]]
        self.detail_promotions.setText(
            translate("Board", "Promoted on this kiosk: %1").replace("%1", "; ".join(lines))
            if lines
            else ""
        )
        self.detail_promotions.setVisible(bool(lines))
        eligibility, stats = row.eligibility, row.eligibility.stats
        self.detail_name.setText(row.student.display_name)
        belt = row.rank.name + (f" → {row.next_rank.name}" if row.next_rank else "")
        self.detail_belt.setText(translate("Board", "Belt: %1").replace("%1", belt))
        if eligibility.eligible:
            self.detail_status.setText("★ " + translate("Board", "Eligible for promotion"))
            self.detail_status.setProperty("role", "ok")
        else:
            self.detail_status.setText(translate("Board", "Not eligible yet"))
            self.detail_status.setProperty("role", "warn")
        self.detail_status.style().unpolish(self.detail_status)
        self.detail_status.style().polish(self.detail_status)
        reasons = [note_text(n) for n in eligibility.reasons]
        steps = [note_text(n) for n in eligibility.next_steps]
        self.detail_reasons.setText(
            translate("Board", "Why: %1").replace("%1", "; ".join(reasons)) if reasons else ""
        )
        self.detail_steps.setText(
            translate("Board", "Next steps: %1").replace("%1", "; ".join(steps)) if steps else ""
        )
        parts = [
            translate("Board", "Classes %1").replace(
                "%1", _fraction(stats.classes_attended, stats.classes_required)
            ),
            translate("Board", "Days in belt %1").replace(
                "%1", _fraction(stats.days_in_rank, stats.days_required)
            ),
        ]
        if stats.age_years is not None:
            parts.append(translate("Board", "Age %1").replace("%1", str(stats.age_years)))
        self.detail_stats.setText(" · ".join(parts))
        self.recent.clear()
        for record in detail.recent:
            when = format_date_time(record.scanned_at, self._zone)
            self.recent.addItem(
                f"{when} · {outcome_headline(record.outcome)} · {source_name(record.source)}"
            )
        if not detail.recent:
            self.recent.addItem(translate("Board", "No scans on this kiosk yet"))
        self.check_button.setEnabled(self._services.sync.connected)

    @Slot()
    def _on_promote_button_clicked(self) -> None:
        detail = self._detail
        if detail is None:
            return
        dialog = PromoteDialog(self._services, self._tasks, detail.row, self)
        dialog.promoted.connect(self._on_promote_dialog_promoted)
        dialog.open()

    @Slot(str)
    def _on_promote_dialog_promoted(self, _promotion_id: str) -> None:
        self.reload()
        student_id = self._selected
        if student_id is not None:
            board = self._services.board
            self._tasks.run(lambda: board.student_detail(student_id), self._show_detail)

    @Slot()
    def _on_check_button_clicked(self) -> None:
        student_id = self._selected
        if student_id is None:
            return
        self.check_button.setEnabled(False)
        self.online_result.setText(translate("Board", "Asking TatamiTech…"))
        sync = self._services.sync
        self._tasks.run(lambda: sync.promotion_check(student_id), self._on_promotion_checked)

    def _on_promotion_checked(self, answer: PromotionVerdict | None) -> None:
        self.check_button.setEnabled(self._services.sync.connected)
        if answer is None:
            self.online_result.setText(
                translate(
                    "Board", "TatamiTech cannot be reached: the kiosk's own evaluation is shown."
                )
            )
            return
        verdict = (
            translate("Board", "TatamiTech says: eligible")
            if answer.eligible
            else translate("Board", "TatamiTech says: not yet")
        )
        extra = "; ".join((answer.next_steps or answer.reasons)[:3])
        self.online_result.setText(f"{verdict}" + (f" ({extra})" if extra else ""))

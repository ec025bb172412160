"""One student on the board: belt and stripes, why (not) eligible, next steps, the promotions
made on this kiosk, recent attendance, the Promote button, and the backend's own promotion
check when it can be reached."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout

from kiosk.services.board import StudentDetail
from kiosk.services.sync import PromotionVerdict
from kiosk.ui.board.grading import promotion_line, stripe_summary
from kiosk.ui.board.promote import PromoteDialog
from kiosk.ui.dialogs import heading, muted
from kiosk.ui.i18n import format_date_time, note_text, outcome_headline, source_name
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager
from kiosk.ui.theme import PALETTE

translate = QCoreApplication.translate


def fraction(done: int, needed: int | None) -> str:
    return f"{done} / {needed}" if needed else str(done)


class StudentDetailPanel(QFrame):
    """The chosen student's progress, read on a worker.

    Signals:
        promoted(str): A promotion of this student was recorded here (its id).
    """

    promoted = Signal(str)

    def __init__(self, services: KioskServices, tasks: TaskManager, zone: ZoneInfo | None) -> None:
        super().__init__()
        self._services = services
        self._tasks = tasks
        self._zone = zone
        self._reading = LatestOnly()
        self.student_id: str | None = None
        self.detail: StudentDetail | None = None
        #: Rank names by id (the board's catalogue), for the promotions made here.
        self.rank_names: Mapping[str, str] = {}
        self.setObjectName("detail")
        self.setStyleSheet(f"#detail {{ background: {PALETTE.surface}; border-radius: 12px; }}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        self.name = heading(translate("Board", "Pick a student"))
        self.belt = QLabel()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        self.stats = QLabel()
        self.stats.setWordWrap(True)
        self.stats.setProperty("role", "muted")
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
        self.stripes = QLabel()
        self.stripes.setWordWrap(True)
        self.promotions = QLabel()
        self.promotions.setWordWrap(True)
        self.promotions.setProperty("role", "muted")
        self.promote_button = QPushButton(translate("Board", "Promote…"))
        self.promote_button.setAccessibleName(
            translate("Board", "Promote this student: next belt or stripe, with the PIN")
        )
        self.promote_button.setEnabled(False)
        self.promote_button.clicked.connect(self._on_promote_button_clicked)
        for widget in (
            self.name,
            self.belt,
            self.stripes,
            self.status,
            self.reasons,
            self.steps,
            self.stats,
            self.promotions,
        ):
            layout.addWidget(widget)
        layout.addWidget(muted(translate("Board", "Recent attendance on this kiosk")))
        layout.addWidget(self.recent, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.promote_button)
        buttons.addWidget(self.check_button)
        layout.addLayout(buttons)
        layout.addWidget(self.online_result)

    def show_student(self, student_id: str) -> None:
        self.student_id = student_id
        board = self._services.board
        DialogOp(self._tasks, self, lambda: board.student_detail(student_id), self._show).latest(
            self._reading
        ).run()

    def _show(self, detail: StudentDetail | None) -> None:
        if detail is not None and detail.row.student.id != self.student_id:
            return  # a read for a student no longer chosen came back late
        self.online_result.clear()
        self.detail = detail
        if detail is None:
            self.promote_button.setEnabled(False)
            return
        row = detail.row
        self.stripes.setText(stripe_summary(row))
        self.stripes.setVisible(row.scale is not None)
        stripe_left = row.scale is not None and row.student.stripes < row.scale.count
        self.promote_button.setEnabled(row.next_rank is not None or stripe_left)
        lines = [promotion_line(p, self._zone, self.rank_names) for p in detail.promotions[:3]]
        self.promotions.setText(
            translate("Board", "Promoted on this kiosk: %1").replace("%1", "; ".join(lines))
            if lines
            else ""
        )
        self.promotions.setVisible(bool(lines))
        eligibility, stats = row.eligibility, row.eligibility.stats
        self.name.setText(row.student.display_name)
        belt = row.rank.name + (f" → {row.next_rank.name}" if row.next_rank else "")
        self.belt.setText(translate("Board", "Belt: %1").replace("%1", belt))
        if eligibility.eligible:
            self.status.setText("★ " + translate("Board", "Eligible for promotion"))
            self.status.setProperty("role", "ok")
        else:
            self.status.setText(translate("Board", "Not eligible yet"))
            self.status.setProperty("role", "warn")
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)
        reasons = [note_text(n) for n in eligibility.reasons]
        steps = [note_text(n) for n in eligibility.next_steps]
        self.reasons.setText(
            translate("Board", "Why: %1").replace("%1", "; ".join(reasons)) if reasons else ""
        )
        self.steps.setText(
            translate("Board", "Next steps: %1").replace("%1", "; ".join(steps)) if steps else ""
        )
        parts = [
            translate("Board", "Classes %1").replace(
                "%1", fraction(stats.classes_attended, stats.classes_required)
            ),
            translate("Board", "Days in belt %1").replace(
                "%1", fraction(stats.days_in_rank, stats.days_required)
            ),
        ]
        if stats.age_years is not None:
            parts.append(translate("Board", "Age %1").replace("%1", str(stats.age_years)))
        self.stats.setText(" · ".join(parts))
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
        detail = self.detail
        if detail is None:
            return
        dialog = PromoteDialog(self._services, self._tasks, detail.row, self.window())
        dialog.promoted.connect(self._on_promote_dialog_promoted)
        dialog.open()

    @Slot(str)
    def _on_promote_dialog_promoted(self, promotion_id: str) -> None:
        self.promoted.emit(promotion_id)
        if self.student_id is not None:
            self.show_student(self.student_id)

    @Slot()
    def _on_check_button_clicked(self) -> None:
        student_id = self.student_id
        if student_id is None:
            return
        self.online_result.setText(translate("Board", "Asking TatamiTech…"))
        sync = self._services.sync
        DialogOp(
            self._tasks, self, lambda: sync.promotion_check(student_id), self._on_checked
        ).busy(self.check_button).run()

    def _on_checked(self, answer: PromotionVerdict | None) -> None:
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

"""Promote a student from the board: the next belt or the next stripe, a note, the instructor PIN.

Offline too: the promotion is recorded on the kiosk (its own outbox item) and shows at once on
every screen; sync takes it to TatamiTech, which applies it once. The PIN is asked here even
when the board is already open, so that a board left open never promotes anyone by itself; the
PIN pad's lockout (failures counted across restarts) applies.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QRegularExpression, Signal, Slot
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QWidget,
)

from kiosk.domain.grading import PromotionProblem
from kiosk.domain.model import PromotionKind, StripeKind
from kiosk.domain.ports import PromotionRecord
from kiosk.services.board import BoardRow
from kiosk.services.grading import PromotionRefused
from kiosk.services.staff import PinCheck, PinRole
from kiosk.ui.dialogs import StaffDialog, muted
from kiosk.ui.i18n import format_time, promotion_problem_text, stripes_text
from kiosk.ui.operations import DialogOp
from kiosk.ui.ports import KioskServices
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What the worker found: a promotion, a refused PIN, or a promotion refused."""

    record: PromotionRecord | None = None
    pin: PinCheck | None = None
    problem: PromotionProblem | None = None


def _belt(name: str) -> str:
    return translate("Promote", "%1 belt").replace("%1", name)


class PromoteDialog(StaffDialog):
    """One student's next belt or stripe, confirmed with a note and the instructor PIN.

    Signals:
        promoted(str): A promotion was recorded (its id); the board reads itself again.
    """

    promoted = Signal(str)

    def __init__(
        self, services: KioskServices, tasks: TaskManager, row: BoardRow, parent: QWidget | None
    ) -> None:
        name = row.student.display_name
        super().__init__(
            translate("Promote", "Promote %1").replace("%1", name), parent, full_window=False
        )
        self._services = services
        self._tasks = tasks
        self._row = row
        self.setMinimumWidth(620)
        student = row.student
        scale = row.scale
        held = _belt(row.rank.name)
        if scale is not None:
            held += " · " + stripes_text(student.stripes, scale.kind)
        self.body.addWidget(muted(translate("Promote", "Now: %1").replace("%1", held)))

        self.kinds = QButtonGroup(self)
        next_rank = row.next_rank
        self.belt_choice = QRadioButton(
            translate("Promote", "Next belt: %1").replace("%1", _belt(next_rank.name))
            if next_rank is not None
            else translate("Promote", "Next belt: none (highest belt)")
        )
        self.belt_choice.setEnabled(next_rank is not None)
        stripe_left = scale is not None and student.stripes < scale.count
        if scale is not None and stripe_left:
            label = (
                translate("Promote", "Next degree: %1 of %2")
                if scale.kind is StripeKind.DEGREE
                else translate("Promote", "Next stripe: %1 of %2")
            )
            stripe_text = label.replace("%1", str(student.stripes + 1)).replace(
                "%2", str(scale.count)
            )
        elif scale is not None:
            stripe_text = translate("Promote", "Next stripe: none (every stripe is on)")
        else:
            stripe_text = translate("Promote", "Next stripe: this belt takes none")
        self.stripe_choice = QRadioButton(stripe_text)
        self.stripe_choice.setEnabled(stripe_left)
        for button in (self.belt_choice, self.stripe_choice):
            self.kinds.addButton(button)
            self.body.addWidget(button)
        # The one due (or the only one possible) is chosen; a belt when both are due.
        stripe_due = row.stripe is not None and row.stripe.eligible
        if stripe_left and ((stripe_due and not row.eligibility.eligible) or next_rank is None):
            self.stripe_choice.setChecked(True)
        elif next_rank is not None:
            self.belt_choice.setChecked(True)

        self.note = QLineEdit()
        self.note.setPlaceholderText(translate("Promote", "Why (kept with the promotion)"))
        self.note.setAccessibleName(translate("Promote", "Note"))
        self.note.setMaxLength(500)
        self.body.addWidget(QLabel(translate("Promote", "Note")))
        self.body.addWidget(self.note)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,12}")))
        self.pin.setAccessibleName(translate("Promote", "Instructor PIN"))
        self.pin.returnPressed.connect(self._on_pin_return_pressed)
        self.body.addWidget(QLabel(translate("Promote", "Instructor PIN")))
        self.body.addWidget(self.pin)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "warn")
        self.problem.setVisible(False)
        self.body.addWidget(self.problem)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel_button = QPushButton(translate("StaffDialog", "Cancel"))
        self.cancel_button.clicked.connect(self._on_close_button_clicked)
        self.promote_button = QPushButton(translate("Promote", "Promote"))
        self.promote_button.setProperty("role", "primary")
        self.promote_button.clicked.connect(self._on_promote_button_clicked)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.promote_button)
        self.body.addLayout(buttons)
        self.close_button.setVisible(False)
        self.promote_button.setEnabled(next_rank is not None or stripe_left)
        self.note.setFocus()

    def chosen_kind(self) -> PromotionKind | None:
        if self.stripe_choice.isChecked():
            return PromotionKind.STRIPE
        if self.belt_choice.isChecked():
            return PromotionKind.BELT
        return None

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    @Slot()
    def _on_pin_return_pressed(self) -> None:
        self._on_promote_button_clicked()

    @Slot()
    def _on_promote_button_clicked(self) -> None:
        kind = self.chosen_kind()
        note = self.note.text().strip()
        pin = self.pin.text()
        if kind is None:
            return
        if not note:
            self._say(translate("Promote", "Write a note: it is kept with the promotion."))
            self.note.setFocus()
            return
        if not pin:
            self._say(translate("Promote", "Enter the instructor PIN."))
            self.pin.setFocus()
            return
        self._say("")
        pins, grading = self._services.pins, self._services.grading
        student_id = self._row.student.id

        def work() -> _Outcome:
            check = pins.verify(pin, PinRole.INSTRUCTOR)
            if not check.ok or check.role is None:
                return _Outcome(pin=check)
            try:
                record = grading.promote(student_id, kind, note, f"pin:{check.role.value}")
            except PromotionRefused as refused:
                return _Outcome(problem=refused.problem)
            return _Outcome(record=record)

        DialogOp(self._tasks, self, work, self._on_promote_done).busy(
            self.promote_button
        ).on_failure(self._on_promote_failed).run()

    def _on_promote_done(self, outcome: _Outcome) -> None:
        if outcome.record is not None:
            self.promoted.emit(outcome.record.promotion_id)
            self.accept()
            return
        self.pin.clear()
        if outcome.problem is not None:
            self._say(
                translate("Promote", "Not promoted: %1").replace(
                    "%1", promotion_problem_text(outcome.problem)
                )
            )
            return
        check = outcome.pin
        if check is not None and check.locked_until is not None:
            self._say(
                translate("Promote", "Too many wrong PINs: try again after %1.").replace(
                    "%1", format_time(check.locked_until)
                )
            )
        else:
            self._say(translate("Promote", "That is not the instructor PIN."))
        self.pin.setFocus()

    def _on_promote_failed(self, error: BaseException) -> None:
        # A store that could not commit: nothing was recorded.
        self._say(
            translate("Promote", "Not saved (%1): nothing was recorded. Try again.").replace(
                "%1", type(error).__name__
            )
        )

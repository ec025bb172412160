"""Grading on the instructor board: stripes in the table and the detail, the promotions made on
this kiosk, the promote button, and the grading list's buttons (CSV, PDF, print).

The board's own widgets stay where they are; this module gives them words and the
:class:`GradingActions` bar, so that grading is one place to read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, Signal, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.domain.eligibility import Eligibility
from kiosk.domain.model import PromotionKind, StripeKind
from kiosk.domain.ports import PromotionRecord, SyncState
from kiosk.services.board import BoardRow
from kiosk.ui.board.grading_list import (
    GradingTable,
    print_with_dialog,
    printers_available,
    write_csv,
    write_pdf,
)
from kiosk.ui.i18n import format_date_time, note_text, server_refusal, stripes_text
from kiosk.ui.icons import belt_icon
from kiosk.ui.operations import DialogOp
from kiosk.ui.tasks import TaskManager

translate = QCoreApplication.translate


def belt_text(row: BoardRow) -> str:
    """The rank's name, and its stripes when it has some ("Blue · 2 stripes"; the belt icon
    shows an empty rank bar)."""
    if row.scale is None or not row.student.stripes:
        return row.rank.name
    return f"{row.rank.name} · {stripes_text(row.student.stripes, row.scale.kind)}"


def belt_row_icon(row: BoardRow) -> QIcon:
    slots = row.scale.count if row.scale is not None else 0
    return belt_icon(row.rank.color, stripes=row.student.stripes, slots=slots)


def status_text(row: BoardRow, stripes: bool) -> str:
    """The board's status column: eligible now, or the next steps (belt, or stripe)."""
    evaluation: Eligibility | None = row.evaluation(stripes)
    if evaluation is None:
        return ""
    if evaluation.eligible:
        if stripes:
            degree = row.scale is not None and row.scale.kind is StripeKind.DEGREE
            return "★ " + (
                translate("Board", "Degree due") if degree else translate("Board", "Stripe due")
            )
        return "★ " + translate("Board", "Eligible now")
    if evaluation.next_steps:
        return ", ".join(note_text(n) for n in evaluation.next_steps[:2])
    if evaluation.reasons:
        return note_text(evaluation.reasons[0])
    return ""


def stripe_summary(row: BoardRow) -> str:
    """The detail's stripe line: "Stripes 2 of 4 · next: 3 more classes" or "… · due"."""
    scale, stripe = row.scale, row.stripe
    if scale is None:
        return ""
    degree = scale.kind is StripeKind.DEGREE
    held = (
        translate("Board", "Degrees %1 of %2") if degree else translate("Board", "Stripes %1 of %2")
    )
    text = held.replace("%1", str(row.student.stripes)).replace("%2", str(scale.count))
    if stripe is None:
        return text
    if stripe.eligible:
        due = (
            translate("Board", "next degree due")
            if degree
            else translate("Board", "next stripe due")
        )
        return f"{text} · ★ {due}"
    if stripe.next_steps:
        steps = ", ".join(note_text(n) for n in stripe.next_steps[:3])
        return f"{text} · " + translate("Board", "next: %1").replace("%1", steps)
    return text


def promotion_line(
    record: PromotionRecord, zone: ZoneInfo | None, rank_names: Mapping[str, str]
) -> str:
    """One promotion made on this kiosk, with where it stands with TatamiTech."""
    target = record.target
    if target.kind is PromotionKind.BELT:
        what = (
            translate("Board", "Belt %1 → %2")
            .replace("%1", rank_names.get(target.from_rank, target.from_rank))
            .replace("%2", rank_names.get(target.to_rank, target.to_rank))
        )
    else:
        what = (
            translate("Board", "Stripe %1 → %2")
            .replace("%1", str(target.from_stripes))
            .replace("%2", str(target.to_stripes))
        )
    state = {
        SyncState.PENDING: translate("Board", "waiting to sync"),
        SyncState.SENT: translate("Board", "synced"),
        SyncState.PARKED: translate("Board", "refused: %1").replace(
            "%1", server_refusal(record.reason)
        ),
    }.get(record.sync_state, "")
    return f"{format_date_time(record.promoted_at, zone)} · {what} · {state}"


class GradingActions(QWidget):
    """Save the board's current list as CSV or PDF, or print it (where a printer exists).

    Args:
        tasks: Runs the writing on a worker.
        table: Builds the grading list of what the board shows now.
        folder: Where the file dialog starts.

    Signals:
        saved(str): A file was written (its path).
    """

    saved = Signal(str)

    def __init__(
        self, tasks: TaskManager, table: Callable[[], GradingTable], folder: Path | None
    ) -> None:
        super().__init__()
        self._tasks = tasks
        self._table = table
        self._folder = folder or Path.home()
        self._dialog: QFileDialog | None = None
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(QLabel(translate("Board", "Grading list:")))
        self.csv_button = QPushButton(translate("Board", "Save as CSV…"))
        self.pdf_button = QPushButton(translate("Board", "Save as PDF…"))
        self.print_button = QPushButton(translate("Board", "Print…"))
        has_printer = printers_available()
        self.print_button.setEnabled(has_printer)
        if not has_printer:
            self.print_button.setToolTip(translate("Board", "No printer on this computer"))
        self.csv_button.clicked.connect(self._on_csv_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        for button in (self.csv_button, self.pdf_button, self.print_button):
            row.addWidget(button)
        self.result = QLabel()
        self.result.setProperty("role", "muted")
        row.addWidget(self.result, 1)

    # -- writing (tests call these with a path) -------------------------------------------------

    def save_csv(self, path: Path) -> None:
        table = self._table()
        self._write(lambda: write_csv(table, path))

    def save_pdf(self, path: Path) -> None:
        table = self._table()
        self._write(lambda: write_pdf(table, path))

    def _write(self, work: Callable[[], Path]) -> None:
        self.result.setText(translate("Board", "Writing…"))
        DialogOp(self._tasks, self, work, self._on_written).busy(
            self.csv_button, self.pdf_button
        ).on_failure(self._on_write_failed).run()

    def _on_written(self, path: Path) -> None:
        self.result.setText(translate("Board", "Saved: %1").replace("%1", path.name))
        self.saved.emit(str(path))

    def _on_write_failed(self, error: BaseException) -> None:
        self.result.setText(
            translate("Board", "Not saved (%1): choose another folder.").replace(
                "%1", type(error).__name__
            )
        )

    # -- the buttons ------------------------------------------------------------------------------

    def _ask_path(self, suffix: str, kind: str, then: Callable[[Path], None]) -> None:
        """A non-native save dialog (a full-screen kiosk shows no platform dialogs), opened
        without a nested event loop."""
        name = f"grading-list-{date.today().isoformat()}.{suffix}"
        dialog = QFileDialog(self, translate("Board", "Save the grading list"), str(self._folder))
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setNameFilter(kind)
        dialog.setDefaultSuffix(suffix)
        dialog.selectFile(name)

        def chosen(path: str) -> None:
            self._folder = Path(path).parent
            then(Path(path))

        dialog.fileSelected.connect(chosen)
        self._dialog = dialog
        dialog.open()

    @Slot()
    def _on_csv_button_clicked(self) -> None:
        self._ask_path("csv", translate("Board", "CSV for spreadsheets (*.csv)"), self.save_csv)

    @Slot()
    def _on_pdf_button_clicked(self) -> None:
        self._ask_path("pdf", translate("Board", "PDF (*.pdf)"), self.save_pdf)

    @Slot()
    def _on_print_button_clicked(self) -> None:
        if print_with_dialog(self._table(), self):
            self.result.setText(translate("Board", "Sent to the printer"))

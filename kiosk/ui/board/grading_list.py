"""Grading lists: the board's current filter as a table, for a spreadsheet, a PDF or a printer.

:func:`grading_table` words the board's rows in the instructor's language (name, program, belt
→ next belt or stripe, classes, days, reasons); :func:`write_csv`, :func:`write_pdf` and
:func:`print_table` put the same table on a file or on paper. The PDF is drawn by Qt
(``QPdfWriter``, a ``QTextDocument`` table); printing goes through Qt's print dialog, offered
only where this computer has a printer (:func:`printers_available`). ``QtPrintSupport`` is
imported only when printing: the kiosk's start-up never pays for it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QMarginsF
from PySide6.QtGui import QPagedPaintDevice, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from kiosk.domain.eligibility import Eligibility
from kiosk.domain.model import Rank, StripeKind
from kiosk.services.board import BoardRow
from kiosk.services.grading import table_csv
from kiosk.ui.i18n import QT_TRANSLATE_NOOP, note_text, stripes_text

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

translate = QCoreApplication.translate

_COLUMNS = (
    QT_TRANSLATE_NOOP("GradingList", "Student"),
    QT_TRANSLATE_NOOP("GradingList", "Program"),
    QT_TRANSLATE_NOOP("GradingList", "Belt"),
    QT_TRANSLATE_NOOP("GradingList", "Next"),
    QT_TRANSLATE_NOOP("GradingList", "Classes"),
    QT_TRANSLATE_NOOP("GradingList", "Days"),
    QT_TRANSLATE_NOOP("GradingList", "Eligible"),
    QT_TRANSLATE_NOOP("GradingList", "Reasons and next steps"),
)


@dataclass(frozen=True, slots=True)
class GradingTable:
    """A grading list, worded: a title, a line saying which list it is, a header and rows."""

    title: str
    subtitle: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def _belt(rank: Rank) -> str:
    return translate("GradingList", "%1 belt").replace("%1", rank.name)


def _fraction(done: int, needed: int | None) -> str:
    return f"{done} / {needed}" if needed else str(done)


def _why(evaluation: Eligibility) -> str:
    if evaluation.eligible:
        return "; ".join(note_text(n) for n in evaluation.reasons)
    notes = list(evaluation.reasons) + list(evaluation.next_steps)
    return "; ".join(note_text(n) for n in notes)


def _row(row: BoardRow, programs: dict[str, str], stripes: bool) -> tuple[str, ...]:
    student = row.student
    scale = row.scale
    kind = scale.kind if scale else StripeKind.STRIPE
    belt = _belt(row.rank)
    if scale is not None:
        belt += " · " + stripes_text(student.stripes, kind)
    evaluation = row.evaluation(stripes) or row.eligibility
    stats = evaluation.stats
    if stripes:
        target = stats.next_stripes
        following = stripes_text(target, kind) if target is not None else "—"
    else:
        following = _belt(row.next_rank) if row.next_rank is not None else "—"
    return (
        student.display_name,
        programs.get(student.program_id, student.program_id),
        belt,
        following,
        _fraction(stats.classes_attended, stats.classes_required),
        _fraction(stats.days_in_rank, stats.days_required),
        translate("GradingList", "yes") if evaluation.eligible else translate("GradingList", "no"),
        _why(evaluation),
    )


def grading_table(
    rows: Sequence[BoardRow],
    *,
    academy: str,
    when: str,
    programs: dict[str, str],
    stripes: bool = False,
) -> GradingTable:
    """The board's rows as a grading list (belts, or stripes when ``stripes``).

    Args:
        rows: The board's rows, in the board's order (its current filter).
        academy: The academy's name, for the title.
        when: The date and time of the list, already formatted.
        programs: Program names by id.
        stripes: The list is about the next stripe instead of the next belt.
    """
    if stripes:
        kind = translate("GradingList", "Grading list: stripes")
    else:
        kind = translate("GradingList", "Grading list: belts")
    count = len(rows)
    shown = translate("GradingList", "%n students", None, count)
    return GradingTable(
        title=f"{academy} · {kind}",
        subtitle=f"{academy} · {when} · {shown}",
        header=tuple(translate("GradingList", column) for column in _COLUMNS),
        rows=tuple(_row(row, programs, stripes) for row in rows),
    )


def write_csv(table: GradingTable, path: Path) -> Path:
    """The table as CSV for a spreadsheet (UTF-8 with a byte-order mark: Excel then reads
    accents and Japanese names right)."""
    path.write_text(table_csv(table.header, table.rows), encoding="utf-8-sig", newline="")
    return path


def table_html(table: GradingTable) -> str:
    """The table as the HTML a ``QTextDocument`` lays out (every text escaped)."""
    head = "".join(
        f'<th align="left" bgcolor="#e5e7eb">{html.escape(cell)}</th>' for cell in table.header
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
        for row in table.rows
    )
    return (
        "<html><body>"
        f"<h2>{html.escape(table.title)}</h2>"
        f"<p>{html.escape(table.subtitle)}</p>"
        '<table border="1" cellspacing="0" cellpadding="5" width="100%"'
        ' style="border-collapse: collapse; border-color: #9ca3af">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</body></html>"
    )


def print_table(table: GradingTable, device: QPagedPaintDevice) -> None:
    """Lay the table out on pages of ``device`` (a PDF writer or a printer), landscape A4 by
    default; a header row is repeated on every page."""
    device.setPageLayout(
        QPageLayout(
            device.pageLayout().pageSize()
            if device.pageLayout().pageSize().isValid()
            else QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    document = QTextDocument()
    document.setDocumentMargin(0)
    document.setHtml(table_html(table))
    # Not paginated yet: print_ breaks a copy into pages of the device's own size.
    document.print_(device)


def write_pdf(table: GradingTable, path: Path) -> Path:
    """The table as a printable PDF (A4, landscape)."""
    writer = QPdfWriter(str(path))
    writer.setTitle(table.title)
    writer.setCreator("TatamiTech Kiosk")
    writer.setResolution(300)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    print_table(table, writer)
    del writer  # finishes the file
    return path


def printers_available() -> bool:
    """Whether this computer has a printer Qt can print to."""
    from PySide6.QtPrintSupport import QPrinterInfo  # only when asked: start-up stays light

    return bool(QPrinterInfo.availablePrinters())


def print_with_dialog(table: GradingTable, parent: QWidget) -> bool:
    """Qt's print dialog, then the table on the printer chosen; whether it printed."""
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(table.title)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return False
    print_table(table, printer)
    return True

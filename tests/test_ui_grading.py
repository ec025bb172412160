"""Grading on screen: the result card (stripes, a due stripe, late, a class above the belt),
promoting from the board with the instructor PIN, grading lists as CSV, PDF and on a printer.

A real kiosk window on a real store; the roster is the vector academy's with BJJ-like stripes
and a class on now, scans come from a decoder-like thread.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome
from kiosk.domain.model import PromotionKind
from kiosk.gui import GuiRuntime
from kiosk.services.board import BoardFilter
from kiosk.ui.board.grading_list import (
    grading_table,
    print_table,
    printers_available,
    write_csv,
    write_pdf,
)
from kiosk.ui.board.promote import PromoteDialog
from tests import ui_support as ui
from tests.support import roster_doc, roster_student, student_id
from tests.ui_support import INSTRUCTOR_PIN, now, scan_from_thread, token

WAIT = 10_000
MADRID = ZoneInfo("Europe/Madrid")


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        grading_roster(runtime)
        yield runtime


def _since(days: int) -> str:
    return (now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def grading_roster(runtime: GuiRuntime) -> None:
    """Stripes on white (four), a class that began 20 minutes ago for yellow belts and up,
    tardy after 5 minutes; Ana is due a stripe, Ben has all four, Eve is far from both."""
    started = (now() - timedelta(minutes=20)).astimezone(MADRID)
    doc: dict[str, Any] = roster_doc(
        schema="tatamitech.kiosk.roster/2",
        seq=200,
        programs=[
            {
                "id": "adults",
                "name": "Adults",
                "ranks": ["white", "yellow"],
                "stripes": {"white": {"count": 4}},
                "stripeRules": {"white": {"attendances": 5, "daysInRank": 10}},
            }
        ],
        classes=[
            {
                "id": "evening",
                "name": "Evening class",
                "program": "adults",
                "weekday": started.weekday(),
                "start": started.strftime("%H:%M"),
                "durationMinutes": 120,
                "tardyAfterMinutes": 5,
                "minRank": "yellow",
            }
        ],
        students=[
            roster_student(
                "ana",
                rankSince=_since(100),
                classesSincePromotion=12,
                stripes=2,
                stripeSince=_since(30),
                classesSinceStripe=8,
            ),
            roster_student("ben", rankSince=_since(300), classesSincePromotion=30, stripes=4),
            roster_student("eve", rankSince=_since(3), classesSincePromotion=1),
        ],
    )
    runtime.core.provisioning.apply_document(doc)


def shown(runtime: GuiRuntime, qtbot: QtBot, text: str) -> Any:
    controller = runtime.shell.controller
    before = controller.shown
    scan_from_thread(runtime, text)
    qtbot.waitUntil(lambda: controller.shown > before, timeout=WAIT)
    return controller.current


def test_the_card_shows_stripes_a_due_stripe_lateness_and_the_class_belt(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    result = shown(kiosk, qtbot, token("ana", kind="card", ttl=timedelta(days=365)))
    assert result.outcome is Outcome.ACCEPTED and result.tardy and result.stripe_eligible
    card = kiosk.shell.window.scan_screen.card
    assert card.ribbon.isVisibleTo(card) and "stripe" in card.ribbon_text.text()
    assert not card.eligible  # the gold frame is for the belt
    assert not card.stripe_line.isVisibleTo(card)  # the ribbon says it; the belt shows 2
    notice = card.notice.text()
    assert "Late: the class began at" in notice
    assert "This class is for Yellow belt and up" in notice
    assert "Stripes" not in card.rank_label.text()
    assert "2 stripes" in card.rank_row.accessibleName()
    # Eve is not due: the line says where she stands.
    eve = shown(kiosk, qtbot, token("eve", kind="card", ttl=timedelta(days=365)))
    assert not eve.stripe_eligible
    assert card.stripe_line.text().startswith("Stripes: 0 of 4 · next: ")


def test_promoting_from_the_board_needs_a_note_and_the_instructor_pin(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    services, tasks = kiosk.shell.services, kiosk.shell.tasks
    ana = student_id("ana")
    detail = services.board.student_detail(ana)
    assert detail is not None
    dialog = PromoteDialog(services, tasks, detail.row, kiosk.shell.window)
    dialog.open()
    try:
        # Ana is due a stripe, not a belt: the stripe is chosen.
        assert dialog.chosen_kind() is PromotionKind.STRIPE
        assert dialog.belt_choice.isEnabled() and dialog.stripe_choice.isEnabled()
        dialog.promote_button.click()
        assert "note" in dialog.problem.text()
        dialog.note.setText("Clean guard passes")
        dialog.pin.setText("0000")
        dialog.promote_button.click()
        qtbot.waitUntil(lambda: "not the instructor PIN" in dialog.problem.text(), timeout=WAIT)
        assert not services.board.student_detail(ana).promotions  # type: ignore[union-attr]
        dialog.pin.setText(INSTRUCTOR_PIN)
        with qtbot.waitSignal(dialog.promoted, timeout=WAIT):
            dialog.promote_button.click()
    finally:
        dialog.close()
    after = services.board.student_detail(ana)
    assert after is not None and after.row.student.stripes == 3
    record = after.promotions[0]
    assert record.created_by == "pin:instructor" and record.note == "Clean guard passes"
    # Ben has every stripe: only the belt can be given.
    ben = services.board.student_detail(student_id("ben"))
    assert ben is not None
    full = PromoteDialog(services, tasks, ben.row, kiosk.shell.window)
    try:
        assert not full.stripe_choice.isEnabled()
        assert full.chosen_kind() is PromotionKind.BELT
    finally:
        full.close()


def _pdf_text(path: Path) -> str:
    ran = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return ran.stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_grading_lists_as_csv_pdf_and_on_a_printer(
    kiosk: GuiRuntime, tmp_path: Path, qtbot: QtBot
) -> None:
    board = kiosk.shell.services.board
    belts = board.eligibility_board(BoardFilter(eligible_only=True))
    assert [row.student.display_name for row in belts] == ["Ben"]
    programs = {"adults": "Adults"}
    table = grading_table(belts, academy="Vector Dojo", when="4 Dec 2026", programs=programs)
    assert table.rows[0][:4] == ("Ben", "Adults", "White belt · 4 stripes", "Yellow belt")
    csv_path = write_csv(table, tmp_path / "list.csv")
    raw = csv_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheets read UTF-8
    assert b"Ben,Adults" in raw
    stripes = board.eligibility_board(BoardFilter(eligible_only=True, stripes=True))
    stripe_table = grading_table(
        stripes, academy="Vector Dojo", when="4 Dec 2026", programs=programs, stripes=True
    )
    assert [row[0] for row in stripe_table.rows] == ["Ana"]
    assert stripe_table.rows[0][3] == "3 stripes"
    pdf = write_pdf(stripe_table, tmp_path / "stripes.pdf")
    text = _pdf_text(pdf)
    assert "Grading list: stripes" in text and "Ana" in text and "3 stripes" in text
    # The print path, on a printer that writes a PDF (no printer on this machine: the board
    # offers printing only where one exists).
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_table(table, printer)
    del printer
    assert "Ben" in _pdf_text(tmp_path / "printed.pdf")
    assert printers_available() is False


def test_the_grading_list_speaks_japanese(kiosk: GuiRuntime, qapp: QApplication) -> None:
    from kiosk.adapters.paths import resource_dir
    from kiosk.ui.i18n import install_translator

    translator = install_translator(qapp, resource_dir() / "translations", "ja")
    try:
        rows = kiosk.shell.services.board.eligibility_board(BoardFilter(eligible_only=True))
        table = grading_table(rows, academy="Dojo", when="today", programs={})
        assert table.header[0] != "Student"
    finally:
        qapp.removeTranslator(translator)


def test_the_board_grades_stripes_promotes_and_saves_its_list(
    kiosk: GuiRuntime, qtbot: QtBot, tmp_path: Path
) -> None:
    board = kiosk.shell.staff.open_board()
    qtbot.waitUntil(lambda: board.loaded > 0, timeout=WAIT)
    loaded = board.loaded
    board.filters.eligible_only.setChecked(True)
    board.filters.stripes.setChecked(True)
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    assert board.shown_names() == ["Ana"]
    assert board.table.item(0, 1).text() == "White · 2 stripes"
    assert board.table.item(0, 4).text() == "★ Stripe due"
    board.table.selectRow(0)
    qtbot.waitUntil(lambda: board.detail.promote_button.isEnabled(), timeout=WAIT)
    assert board.detail.stripes.text().startswith("Stripes 2 of 4 · ★ next stripe due")
    # The list as it stands, to a spreadsheet.
    with qtbot.waitSignal(board.grading.saved, timeout=WAIT) as saved:
        board.grading.save_csv(tmp_path / "stripes.csv")
    assert "Ana" in Path(str(saved.args[0])).read_text(encoding="utf-8-sig")
    assert not board.grading.print_button.isEnabled()  # no printer here
    board.detail.promote_button.click()
    dialog = board.findChild(PromoteDialog)
    assert dialog is not None and dialog.chosen_kind() is PromotionKind.STRIPE
    dialog.note.setText("After class")
    dialog.pin.setText(INSTRUCTOR_PIN)
    loaded = board.loaded
    dialog.promote_button.click()
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    qtbot.waitUntil(lambda: "waiting to sync" in board.detail.promotions.text(), timeout=WAIT)
    # Promoted offline: no longer due, three stripes, at once.
    assert board.shown_names() == []
    assert board.detail.stripes.text().startswith("Stripes 3 of 4")
    board.close()

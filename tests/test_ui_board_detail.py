"""Instructor board: the "within N days" filter and the detail pane (reasons, stats, recent
attendance on this kiosk)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome
from kiosk.gui import GuiRuntime
from kiosk.ui.board import InstructorBoard
from tests import ui_support as ui
from tests.support import roster_doc, roster_student
from tests.ui_support import now, scan_from_thread, token


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


WAIT = 10_000


def since(days: int) -> str:
    return (now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def days_roster(runtime: GuiRuntime) -> None:
    """Students at known distances in days (the rule: 16 classes, 60 days, fees paid)."""
    students = [
        roster_student("ivy", classesSincePromotion=20, rankSince=since(90)),  # eligible now
        roster_student("lia", classesSincePromotion=20, rankSince=since(50)),  # 10 days short
        roster_student("max", classesSincePromotion=20, rankSince=since(20)),  # 40 days short
        roster_student("noa", classesSincePromotion=14, rankSince=since(90)),  # 2 classes short
        # 10 days short, and fees not paid: never "close", whatever the distance.
        roster_student("kai", classesSincePromotion=20, rankSince=since(50), flags={}),
    ]
    runtime.core.provisioning.apply_document(roster_doc(students=students, seq=101))


def reloaded(board: InstructorBoard, qtbot: QtBot, change: Callable[[], object]) -> list[str]:
    loaded = board.loaded
    change()
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    return board.shown_names()


def test_within_days_filter(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    days_roster(kiosk)
    board = kiosk.shell.staff.open_board()
    qtbot.waitUntil(lambda: board.table.rowCount() == 5, timeout=WAIT)
    assert board.filters.within_days.value() == 14 and not board.filters.within_days_on.isChecked()

    names = reloaded(board, qtbot, lambda: board.filters.within_days_on.setChecked(True))
    # Within 14 days: eligible Ivy and Lia (10 days short); Noa's days are done but classes
    # are short, Max is 40 days short, Kai also owes fees.
    assert names == ["Ivy", "Lia"]
    assert board.filters.current().within_days == 14
    assert "2 students shown" in board.footer.text()

    names = reloaded(board, qtbot, lambda: board.filters.within_days.setValue(5))
    assert names == ["Ivy"]  # Lia's 10 days are too far now

    names = reloaded(board, qtbot, lambda: board.filters.within_days.setValue(45))
    assert names == ["Ivy", "Lia", "Max"]

    # Both limits together: within 45 days and within 0 classes.
    board.filters.within_classes.setValue(0)
    names = reloaded(board, qtbot, lambda: board.filters.within_classes_on.setChecked(True))
    assert names == ["Ivy", "Lia", "Max"]

    names = reloaded(board, qtbot, lambda: board.filters.within_days_on.setChecked(False))
    assert names == ["Ivy"]  # within 0 classes alone: no day may be missing either
    board.close()


def test_detail_shows_reasons_stats_and_recent_attendance(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    days_roster(kiosk)
    controller = kiosk.shell.controller
    scan_from_thread(kiosk, token("kai", kind="card"))
    qtbot.waitUntil(lambda: controller.shown == 1, timeout=WAIT)
    scan_from_thread(kiosk, token("kai", now=now() - timedelta(hours=2)))  # an old pass
    qtbot.waitUntil(lambda: controller.shown == 2, timeout=WAIT)
    assert controller.current is not None and controller.current.outcome is Outcome.EXPIRED

    board = kiosk.shell.staff.open_board()
    qtbot.waitUntil(lambda: board.table.rowCount() == 5, timeout=WAIT)
    board.filters.search.setText("kai")
    qtbot.waitUntil(lambda: board.shown_names() == ["Kai"], timeout=WAIT)
    board.table.selectRow(0)
    qtbot.waitUntil(lambda: board.detail.name.text() == "Kai", timeout=WAIT)

    assert board.detail.belt.text() == "Belt: White → Yellow"
    assert board.detail.status.text() == "Not eligible yet"
    assert board.detail.status.property("role") == "warn"
    reasons = board.detail.reasons.text()
    assert reasons.startswith("Why: ") and "fees not paid" in reasons and "days short" in reasons
    assert "settle fees at the front desk" in board.detail.steps.text()
    # 20 from the roster plus this kiosk's accepted scan the roster cannot know yet.
    stats = board.detail.stats.text()
    assert stats.startswith("Classes 21 / 16 · Days in belt ") and stats.endswith(" / 60")
    days = int(stats.split("Days in belt ")[1].split(" /")[0])
    assert 49 <= days <= 51

    recent = [board.detail.recent.item(i).text() for i in range(board.detail.recent.count())]
    assert len(recent) == 2
    assert any(line.endswith("· Welcome · camera") for line in recent)
    assert any(line.endswith("· Code expired · camera") for line in recent)

    # Another student: the pane follows, with nothing on this kiosk yet.
    board.filters.search.setText("")
    qtbot.waitUntil(lambda: len(board.shown_names()) == 5, timeout=WAIT)
    board.table.selectRow(board.shown_names().index("Ivy"))
    qtbot.waitUntil(lambda: board.detail.name.text() == "Ivy", timeout=WAIT)
    assert board.detail.status.text() == "★ Eligible for promotion"
    assert board.detail.status.property("role") == "ok"
    assert board.detail.reasons.text() == "Why: all requirements met"
    assert board.detail.stats.text().startswith("Classes 20 / 16")
    assert [board.detail.recent.item(i).text() for i in range(board.detail.recent.count())] == [
        "No scans on this kiosk yet"
    ]
    board.close()

"""Staff screens: instructor board filters, manual check-in, overrides, health, diagnostics."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.gui import GuiRuntime
from kiosk.services.reception import redact
from tests import ui_support as ui
from tests.support import VECTOR_ROSTER, roster_doc, roster_student
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


def board_roster(runtime: GuiRuntime) -> None:
    """The vector students plus three at known distances from their next belt."""
    students = [
        *VECTOR_ROSTER["students"],
        roster_student("ivy", classesSincePromotion=20),  # eligible now
        roster_student("jon", classesSincePromotion=14),  # 2 classes short
        roster_student("kai", classesSincePromotion=15, flags={}),  # fees missing too
    ]
    runtime.core.provisioning.apply_document(roster_doc(students=students, seq=101))


def test_instructor_board_filters(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    board_roster(kiosk)
    board = kiosk.shell.staff.open_board()
    qtbot.waitUntil(lambda: board.table.rowCount() == 12, timeout=WAIT)
    assert board.shown_names()[0] == "Ivy"  # by progress: eligible first
    loaded = board.loaded
    board.filters.eligible_only.setChecked(True)
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    assert board.shown_names() == ["Ivy"]
    board.filters.eligible_only.setChecked(False)
    board.filters.within_classes.setValue(2)
    loaded = board.loaded
    board.filters.within_classes_on.setChecked(True)
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    # Within 2 classes: Ivy (eligible) and Jon (2 short); Kai also lacks fees: not "close".
    assert board.shown_names() == ["Ivy", "Jon"]
    loaded = board.loaded
    board.filters.within_classes_on.setChecked(False)
    board.filters.search.setText("car")
    qtbot.waitUntil(
        lambda: board.loaded > loaded and board.shown_names() == ["Carla"], timeout=WAIT
    )
    board.table.selectRow(0)
    qtbot.waitUntil(lambda: board.detail.name.text() == "Carla", timeout=WAIT)
    assert "more class" in board.detail.steps.text()
    assert not board.detail.check_button.isEnabled()  # offline kiosk: no online check
    board.close()


def test_board_program_and_rank_filters(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    board = kiosk.shell.staff.open_board()
    qtbot.waitUntil(
        lambda: board.filters.program.count() == 2 and board.filters.rank.count() == 3, timeout=WAIT
    )
    loaded = board.loaded
    board.filters.rank.setCurrentIndex(board.filters.rank.findData("yellow"))
    qtbot.waitUntil(lambda: board.loaded > loaded, timeout=WAIT)
    assert board.shown_names() == []  # everyone in the vector roster wears white
    loaded = board.loaded
    board.filters.rank.setCurrentIndex(board.filters.rank.findData("white"))
    board.filters.program.setCurrentIndex(board.filters.program.findData("adults"))
    qtbot.waitUntil(lambda: board.loaded > loaded and len(board.shown_names()) == 9, timeout=WAIT)
    board.close()


def test_manual_checkin_by_name_works_offline(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    reception = kiosk.shell.staff.open_reception()
    reception.manual.name_search.setText("fin")
    qtbot.waitUntil(lambda: reception.manual.matches.count() == 1, timeout=WAIT)
    with qtbot.waitSignal(reception.result_made, timeout=WAIT) as made:
        reception.manual.checkin_button.click()
    result = made.args[0]
    assert result.outcome is Outcome.ACCEPTED and result.source is ScanSource.MANUAL
    assert result.display_name == "Finn"
    assert kiosk.shell.controller.current is result  # the scan screen shows it as well
    rows = kiosk.reception.recent(5)
    assert rows[0].record.created_by == "pin:staff"
    reception.close()


def test_override_a_failed_scan_with_a_note(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    expired = token("gus", now=now() - timedelta(hours=1), ttl=timedelta(minutes=5))
    scan_from_thread(kiosk, expired)
    qtbot.waitUntil(lambda: kiosk.shell.controller.current is not None, timeout=WAIT)
    failed = kiosk.shell.controller.current
    assert failed is not None and failed.outcome is Outcome.EXPIRED
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: reception.recent.outcomes() == ["expired"], timeout=WAIT)
    reception.recent.select(str(failed.scan_id))
    assert reception.recent.override_button.isEnabled()
    reception.recent.override_button.click()
    assert "needs a note" in reception.recent.override_result.text()  # a note is required
    reception.recent.override_note.setText("pass expired at the door, ID checked")
    with qtbot.waitSignal(reception.result_made, timeout=WAIT) as made:
        reception.recent.override_button.click()
    assert made.args[0].outcome is Outcome.ACCEPTED
    qtbot.waitUntil(lambda: reception.recent.outcomes()[:1] == ["accepted"], timeout=WAIT)
    reception.close()


def test_health_panel_and_redacted_diagnostics(
    kiosk: GuiRuntime, qtbot: QtBot, tmp_path: Path
) -> None:
    card = token("hana", kind="card")
    scan_from_thread(kiosk, card)
    qtbot.waitUntil(lambda: kiosk.shell.controller.current is not None, timeout=WAIT)
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: bool(reception.health.values), timeout=WAIT)
    values = reception.health.values
    assert values["queue"] == "1" and values["keys"] == "gt-2026-05, gt-2026-11"
    assert values["version"] == kiosk.services.version
    target = tmp_path / "bundle.zip"
    reception.health.export_diagnostics(target)
    qtbot.waitUntil(lambda: "Saved" in reception.health.export_result.text(), timeout=WAIT)
    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        text = "\n".join(bundle.read(name).decode() for name in names)
    assert {"status.json", "versions.json", "counts.json", "recent.log"} <= names
    assert json.loads(bundle_json(target, "status.json"))["pending"] == 1
    for secret in ("Hana", "Ana", card, card.split(".")[1], "2468", "1357"):
        assert secret not in text
    reception.close()


def bundle_json(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as bundle:
        return bundle.read(name).decode()


def test_redaction_rules() -> None:
    jws = token("ana")
    line = (
        f"scan {jws} by ana.lee@golden-tiger.test token=abc123def456ghi789jkl012mno "
        "pin: 2468 for Ana Lee id ff56a182-e96c-579b-9be3-4c605868bbb1"
    )
    clean = redact(line, ["Ana Lee", "Ana"])
    assert jws not in clean and "[token]" in clean
    assert "ana.lee@" not in clean and "[email]" in clean
    assert "abc123def456" not in clean and "2468" not in clean
    assert "Ana" not in clean
    assert "ff56a182-e96c-579b-9be3-4c605868bbb1" in clean  # ids are not personal data


def test_sign_out_and_wipe_refuses_unsent_checkins_until_staff_insist(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    scan_from_thread(kiosk, token("ana", kind="card"))
    qtbot.waitUntil(lambda: kiosk.shell.controller.current is not None, timeout=WAIT)
    settings = kiosk.shell.staff.open_settings()
    settings.tabs.setCurrentIndex(4)  # connection
    settings.connection.wipe_button.click()
    first = settings.connection.wipe_confirm
    first.confirm_button.click()
    # One check-in waits for upload: the first confirmation is refused with the count.
    qtbot.waitUntil(lambda: settings.connection.wipe_confirm is not first, timeout=WAIT)
    second = settings.connection.wipe_confirm
    assert any("not uploaded" in label.text() for label in second.findChildren(QLabel))
    assert kiosk.reception.tenant() is not None  # nothing wiped yet
    with qtbot.waitSignal(settings.wiped, timeout=WAIT):
        second.confirm_button.click()
    assert kiosk.reception.tenant() is None
    qtbot.waitUntil(lambda: kiosk.shell.staff.wizard is not None, timeout=WAIT)
    wizard = kiosk.shell.staff.wizard
    assert wizard is not None
    wizard.close()


def test_settings_give_this_kiosk_its_own_check_in_window(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    settings = kiosk.shell.staff.open_settings()
    choice = settings.checkin.window_choice
    qtbot.waitUntil(lambda: "(120 min)" in choice.academy.text(), timeout=WAIT)
    assert choice.academy.isChecked() and choice.minutes.value() == 120
    choice.own.setChecked(True)
    choice.minutes.setValue(30)
    with qtbot.waitSignal(settings.preferences_changed, timeout=WAIT):
        settings.checkin.save_button.click()
    assert kiosk.preferences_service.load().checkin_window_minutes == 30
    assert settings.checkin.result.text() == "Saved."
    settings.close()
    card = token("ana", kind="card", ttl=timedelta(days=1))
    checkin = kiosk.core.checkin
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    later = checkin.handle_scan(card, ScanSource.CAMERA, now=now() + timedelta(minutes=45))
    assert later.outcome is Outcome.ACCEPTED  # the academy's 120 minutes would say duplicate


def test_a_configured_check_in_window_locks_the_choice(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ui.ensure_theme(qapp)
    context = ui.open_runtime(tmp_path, window_override_minutes=90)
    ui.provision(context)
    runtime = ui.make_runtime(context)
    runtime.start()
    try:
        settings = runtime.shell.staff.open_settings()
        choice = settings.checkin.window_choice
        assert choice.own.isChecked() and choice.minutes.value() == 90
        assert not (choice.own.isEnabled() or choice.academy.isEnabled())
        assert not settings.checkin.save_button.isEnabled()
        assert "90 minutes" in choice.note.text()
        settings.close()
    finally:
        runtime.shutdown()

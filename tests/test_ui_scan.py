"""The scan screen end to end: a code in, the right card on screen, the ledger written."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome, Tone
from kiosk.domain.ports import ScanSource
from kiosk.gui import GuiRuntime
from kiosk.services.checkin import ScanResult
from kiosk.ui.controller import ScreenState
from kiosk.ui.theme import NOT_SAVED_STYLE, TONE_STYLES, Shape
from tests import ui_support as ui
from tests.support import OTHER_KEY, VECTOR_ROSTER, make_token, roster_doc, roster_student
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


def shown(runtime: GuiRuntime, qtbot: QtBot, text: str) -> ScanResult:
    """Scan ``text`` like the decoder thread does and wait for its card."""
    controller = runtime.shell.controller
    before = controller.shown
    scan_from_thread(runtime, text)
    qtbot.waitUntil(lambda: controller.shown > before, timeout=WAIT)
    assert controller.current is not None
    return controller.current


def test_green_scan_shows_name_belt_progress_and_queues_the_upload(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    result = shown(kiosk, qtbot, token("ana"))
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is Outcome.ACCEPTED and result.recorded
    assert kiosk.shell.window.scan_screen.showing_result
    assert card.tone_style == TONE_STYLES[Tone.GREEN] and card.badge.shape is Shape.CIRCLE
    assert card.big.text() == "Ana"
    assert card.rank_label.text() == "White belt" and card.next_label.text() == "Yellow belt"
    assert card.classes.isVisibleTo(card) and card.classes.value.text() == "11 of 16"
    assert 0 < card.classes.meter.value < 1
    assert not card.ribbon.isVisibleTo(card)  # 11 of 16 classes: not eligible yet
    assert "Ana" in card.accessibleName()
    assert kiosk.sounds.played[-1] == "accepted"
    strip = kiosk.shell.window.strip
    qtbot.waitUntil(lambda: "⇡ 1 to upload" in strip.pill_texts(), timeout=WAIT)
    assert "Offline mode" in strip.pill_texts()  # provisioned offline: no backend


def test_second_scan_is_a_duplicate_with_the_first_time(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    first = shown(kiosk, qtbot, token("ben", kind="card"))
    second = shown(kiosk, qtbot, token("ben", kind="card"))
    card = kiosk.shell.window.scan_screen.card
    assert first.outcome is Outcome.ACCEPTED and second.outcome is Outcome.DUPLICATE
    assert not second.recorded
    assert card.tone_style == TONE_STYLES[Tone.AMBER_GREEN]
    assert card.badge.shape is Shape.ROUNDED_SQUARE
    local = first.scanned_at.astimezone(kiosk.shell.window.scan_screen._zone)
    assert card.kicker.text() == f"Already checked in at {local:%H:%M}"
    assert card.big.text() == "Ben"
    assert kiosk.sounds.played[-1] == "duplicate"


def test_foreign_card_is_red_and_names_nobody(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    foreign = make_token(
        "ana", now=now(), tenant_id="0b8c1f42-9d1b-4a57-9a64-52c1d7a0e111", key=OTHER_KEY
    )
    result = shown(kiosk, qtbot, foreign)
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is Outcome.WRONG_TENANT
    assert card.tone_style == TONE_STYLES[Tone.RED] and card.badge.shape is Shape.OCTAGON
    assert card.big.text() == "This code belongs to another academy"
    assert not card.kicker.isVisibleTo(card) and not card.rank_row.isVisibleTo(card)
    assert card.help.isVisibleTo(card)
    assert kiosk.sounds.played[-1] == "error"


def test_expired_pass_asks_for_a_fresh_code(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    old = token("carla", now=now() - timedelta(hours=1), ttl=timedelta(minutes=10))
    result = shown(kiosk, qtbot, old)
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is Outcome.EXPIRED and result.tone is Tone.RED
    assert card.big.text() == "Code expired"
    assert "Refresh the code on your phone" in card.advice.text()
    assert kiosk.shell.controller.duration_for(result) == 5.0  # more to read: a second longer


def test_garbage_from_the_scanner_is_not_a_tatamitech_code(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    result = shown(kiosk, qtbot, "https://example.com/menu?table=4")
    assert result.outcome is Outcome.INVALID_CODE
    assert kiosk.shell.window.scan_screen.card.big.text() == "Not a TatamiTech code"


def test_a_new_scan_replaces_the_result_at_once(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    shown(kiosk, qtbot, "not a code at all")
    controller = kiosk.shell.controller
    assert controller.state is ScreenState.RESULT
    result = shown(kiosk, qtbot, token("dai"))
    assert result.outcome is Outcome.ACCEPTED
    assert kiosk.shell.window.scan_screen.card.big.text() == result.display_name
    assert controller.remaining_ms > 3000  # the countdown restarted for the new card


def test_result_counts_down_then_the_screen_returns_to_idle(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    controller = kiosk.shell.controller
    shown(kiosk, qtbot, token("ana"))
    card = kiosk.shell.window.scan_screen.card
    qtbot.waitUntil(lambda: "resets in 3 s" in card.countdown_label.text(), timeout=WAIT)
    assert card.countdown.fraction < 1.0
    with qtbot.waitSignal(controller.returned_to_idle, timeout=WAIT):
        pass
    assert controller.state is ScreenState.IDLE
    assert not kiosk.shell.window.scan_screen.showing_result


def test_eligible_student_gets_the_gold_ribbon_and_the_chime(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    students = [*VECTOR_ROSTER["students"], roster_student("ivy", classesSincePromotion=20)]
    kiosk.core.provisioning.apply_document(roster_doc(students=students, seq=101))
    result = shown(kiosk, qtbot, token("ivy"))
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is Outcome.ACCEPTED and result.eligible
    assert card.eligible and card.ribbon.isVisibleTo(card)
    assert "Eligible for promotion to Yellow belt" in card.ribbon_text.text()
    assert not card.steps.isVisibleTo(card)
    assert kiosk.sounds.played[-1] == "eligible"


def test_not_saved_is_red_with_its_own_icon_never_green(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    result = ScanResult(
        outcome=Outcome.NOT_SAVED,
        tone=Tone.RED,
        headline="",
        message="",
        source=ScanSource.CAMERA,
        scanned_at=now(),
    )
    kiosk.scan_bridge.deliver(result, None)
    controller = kiosk.shell.controller
    qtbot.waitUntil(lambda: controller.current is result, timeout=WAIT)
    card = kiosk.shell.window.scan_screen.card
    assert card.tone_style == NOT_SAVED_STYLE
    assert card.tone_style.fill not in {TONE_STYLES[Tone.GREEN].fill}
    assert card.big.text() == "Check-in NOT saved"
    assert kiosk.sounds.played[-1] == "not_saved"

"""USB keyboard-wedge scanners: the pure timing classifier and the application-wide capture."""

from __future__ import annotations

import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtWidgets import QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome
from kiosk.domain.wedge import WedgeAction, WedgeClassifier
from kiosk.gui import GuiRuntime
from kiosk.services.staff import PinRole
from tests import ui_support as ui
from tests.ui_support import focused_window, token, type_into_window


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


WAIT = 10_000


# -- the classifier (pure, time as a parameter) -------------------------------------------


def feed(classifier: WedgeClassifier, text: str, start: float, gap: float) -> list[WedgeAction]:
    return [classifier.key(ch, start + i * gap).action for i, ch in enumerate(text)]


def test_scanner_burst_ending_in_enter_is_one_scan() -> None:
    wedge = WedgeClassifier()
    actions = feed(wedge, "eyJhbGciOi.payload.sig", 1000.0, 4.0)
    assert set(actions) == {WedgeAction.HOLD}
    decision = wedge.enter(1000.0 + 22 * 4.0)
    assert decision.action is WedgeAction.SCAN and decision.text == "eyJhbGciOi.payload.sig"
    assert wedge.holding == 0 and wedge.scans == 1


def test_a_lone_key_is_released_to_the_focused_widget() -> None:
    wedge = WedgeClassifier()
    assert wedge.key("a", 0.0).action is WedgeAction.HOLD
    assert wedge.expire(10.0).action is WedgeAction.PASS  # not yet: still within the gap
    decision = wedge.expire(40.0)
    assert decision.action is WedgeAction.REPLAY and decision.released == 1


def test_human_typing_is_replayed_key_by_key() -> None:
    wedge = WedgeClassifier()
    assert wedge.key("J", 0.0).action is WedgeAction.HOLD
    decision = wedge.key("o", 120.0)  # a person: 120 ms later
    assert decision.action is WedgeAction.REPLAY and decision.released == 1
    assert decision.then is WedgeAction.HOLD
    decision = wedge.enter(260.0)
    assert decision.action is WedgeAction.REPLAY and decision.then is WedgeAction.PASS


def test_fast_typist_pair_then_enter_is_not_a_scan() -> None:
    wedge = WedgeClassifier()
    feed(wedge, "12", 0.0, 20.0)  # two keys in quick succession (rollover)
    decision = wedge.enter(30.0)
    assert decision.action is WedgeAction.REPLAY and decision.released == 2


def test_unfinished_burst_is_dropped_not_replayed() -> None:
    wedge = WedgeClassifier()
    feed(wedge, "eyJhbGciOiJFZERTQSJ9", 0.0, 3.0)
    decision = wedge.expire(200.0)
    assert decision.action is WedgeAction.DISCARD and wedge.discarded == 1


def test_enter_alone_passes_through() -> None:
    assert WedgeClassifier().enter(5.0).action is WedgeAction.PASS


@given(
    text=st.text(alphabet=string.ascii_letters + string.digits + "-_.:/?=&%", min_size=6),
    gap=st.floats(min_value=0.0, max_value=30.0),
)
def test_any_burst_at_scanner_pace_is_captured_whole(text: str, gap: float) -> None:
    wedge = WedgeClassifier()
    feed(wedge, text, 0.0, gap)
    decision = wedge.enter(len(text) * gap)
    assert decision.action is WedgeAction.SCAN and decision.text == text


@given(st.text(alphabet=string.ascii_letters, min_size=1, max_size=40))
def test_typing_at_human_pace_is_never_swallowed(text: str) -> None:
    wedge = WedgeClassifier()
    released = 0
    for i, char in enumerate(text):
        decision = wedge.key(char, i * 90.0)
        if decision.action is WedgeAction.REPLAY:
            released += decision.released
    final = wedge.expire(len(text) * 90.0 + 100.0)
    released += final.released
    assert released == len(text) and wedge.scans == 0 and wedge.discarded == 0


# -- the capture, application-wide --------------------------------------------------------


def test_wedge_scan_while_a_staff_dialog_has_focus(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    pad = kiosk.shell.staff.ask_pin(PinRole.STAFF)
    qtbot.waitUntil(lambda: pad.isVisible() and pad.keypad.pin_edit.isEnabled(), timeout=WAIT)
    pad.activateWindow()
    pad.keypad.pin_edit.setFocus()
    qtbot.waitUntil(lambda: pad.keypad.pin_edit.hasFocus(), timeout=WAIT)
    controller = kiosk.shell.controller
    type_into_window(focused_window(), token("ana", kind="card"))
    qtbot.waitUntil(lambda: controller.current is not None, timeout=WAIT)
    assert controller.current is not None and controller.current.outcome is Outcome.ACCEPTED
    assert controller.current.source.value == "wedge"
    assert pad.keypad.pin_edit.text() == ""  # not one character of the code leaked into the PIN
    assert pad.toast.isVisibleTo(pad) and "Ana" in pad.toast.text()  # staff see the scan
    pad.close()


def test_a_person_typing_still_reaches_the_focused_field(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    reception = kiosk.shell.staff.open_reception()
    qtbot.waitUntil(lambda: reception.isVisible(), timeout=WAIT)
    reception.activateWindow()
    edit: QLineEdit = reception.manual.name_search
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=WAIT)
    for expected in ("C", "Ca", "Car"):
        type_into_window(focused_window(), expected[-1], enter=False)
        qtbot.waitUntil(lambda text=expected: edit.text() == text, timeout=WAIT)
    assert kiosk.shell.wedge_scans == 0
    qtbot.waitUntil(lambda: reception.manual.matches.count() == 1, timeout=WAIT)
    assert reception.manual.matches.item(0).text().startswith("Carla")
    reception.close()

"""The kiosk lock: every way out is refused without staff; PINs lock out across restarts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.gui import GuiRuntime
from kiosk.services.staff import PinRole
from kiosk.ui.dialogs import ConfirmDialog
from kiosk.ui.pin_dialog import PinDialog
from kiosk.ui.staff_menu import StaffMenu
from tests import ui_support as ui
from tests.ui_support import (
    INSTRUCTOR_PIN,
    STAFF_PIN,
    ensure_theme,
    make_runtime,
    open_runtime,
    provision,
)


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


WAIT = 10_000


def enter_pin(qtbot: QtBot, pad: PinDialog, pin: str) -> None:
    qtbot.waitUntil(lambda: pad.keypad.pin_edit.isEnabled(), timeout=WAIT)
    for digit in pin:
        pad.keypad.keys[digit].click()
    pad.keypad.keys["OK"].click()


def test_every_escape_attempt_is_refused(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    window = kiosk.shell.window
    qtbot.waitUntil(window.isVisible, timeout=WAIT)
    with qtbot.waitSignal(window.escape_refused):
        assert window.close() is False  # close button, close()
    QApplication.sendEvent(window, QCloseEvent())  # the window manager's Alt+F4
    QApplication.closeAllWindows()
    for key, modifiers in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
        (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
        (Qt.Key.Key_F11, Qt.KeyboardModifier.NoModifier),
    ):
        QApplication.sendEvent(window, QKeyEvent(QEvent.Type.KeyPress, key, modifiers))
    window.showMinimized()
    qtbot.waitUntil(lambda: not window.isMinimized(), timeout=WAIT)
    assert window.isVisible()
    assert window.refused >= 9


def test_exit_needs_the_staff_pin(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    shell = kiosk.shell
    pad = shell.staff.ask_pin(PinRole.INSTRUCTOR)
    enter_pin(qtbot, pad, INSTRUCTOR_PIN)
    # The instructor PIN opens the board, not the staff menu (no exit for instructors).
    qtbot.waitUntil(lambda: type(shell.staff.dialog).__name__ == "InstructorBoard", timeout=WAIT)
    assert shell.staff.dialog is not None
    shell.staff.dialog.close()
    pad = shell.staff.ask_pin(PinRole.INSTRUCTOR)
    enter_pin(qtbot, pad, STAFF_PIN)
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, StaffMenu), timeout=WAIT)
    menu = shell.staff.dialog
    assert isinstance(menu, StaffMenu)
    menu.buttons["exit"].click()
    qtbot.waitUntil(lambda: type(shell.staff.dialog).__name__ == "ConfirmDialog", timeout=WAIT)
    confirm = shell.staff.dialog
    assert isinstance(confirm, ConfirmDialog)
    with qtbot.waitSignal(shell.exit_requested, timeout=WAIT):
        confirm.confirm_button.click()
    assert kiosk.shell.window.close() is True  # unlocked by staff


def test_wrong_pins_lock_out_and_the_lockout_survives_a_restart(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ensure_theme(qapp)
    data = tmp_path / "kiosk"
    context = open_runtime(data)
    provision(context)
    runtime = make_runtime(context)
    runtime.start()
    pad = runtime.shell.staff.ask_pin(PinRole.STAFF)
    for attempt in range(3):
        enter_pin(qtbot, pad, "0000")
        if attempt < 2:
            qtbot.waitUntil(lambda: "Wrong PIN" in pad.keypad.message.text(), timeout=WAIT)
    qtbot.waitUntil(lambda: pad.locked, timeout=WAIT)
    assert "Too many wrong PINs" in pad.keypad.message.text()
    assert not pad.keypad.keys["5"].isEnabled() and not pad.keypad.pin_edit.isEnabled()
    pad.close()
    runtime.shutdown()  # the kiosk restarts (power cut, or someone trying their luck)

    runtime = make_runtime(open_runtime(data))
    runtime.start()
    pad = runtime.shell.staff.ask_pin(PinRole.STAFF)
    qtbot.waitUntil(lambda: pad.locked, timeout=WAIT)
    assert "Too many wrong PINs" in pad.keypad.message.text()
    # Even the right PIN is not compared while locked.
    check = runtime.services.pins.verify(STAFF_PIN, PinRole.STAFF)
    assert not check.ok and check.locked
    pad.close()
    runtime.shutdown()


def test_an_offline_kiosk_without_a_pin_offers_no_way_out_at_the_screen(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    """Provisioned offline, never registered, no PIN: nobody at the screen may choose one."""
    ensure_theme(qapp)
    context = open_runtime(tmp_path / "kiosk")
    provision(context, pins=False)
    runtime = make_runtime(context)
    runtime.start()
    try:
        pad = runtime.shell.staff.ask_pin(PinRole.STAFF)
        qtbot.waitUntil(lambda: "tatami-kiosk pin set" in pad.keypad.message.text(), timeout=WAIT)
        assert not pad.keypad.pin_edit.isEnabled() and not pad.keypad.keys["1"].isEnabled()
        assert (
            not pad.keypad.account_button.isVisible()
        )  # no account can vouch on an unregistered kiosk
        pad.keypad.pin_edit.setText("1234")
        pad.keypad.submit()  # even a PIN typed in some other way grants nothing
        assert pad.isVisible() and not runtime.services.pins.is_set(PinRole.STAFF)
        pad.close()
        assert runtime.shell.window.close() is False
    finally:
        runtime.shutdown()

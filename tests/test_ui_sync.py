"""Against a real reference server on 127.0.0.1: the set-up wizard, offline and back online."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.config import load_config
from kiosk.domain.decision import Outcome
from kiosk.gui import GuiRuntime
from kiosk.runtime import SyncSettings
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER
from kiosk.services.staff import PinRole, StaffAccess
from kiosk.ui.board import InstructorBoard
from kiosk.ui.dialogs import ConfirmDialog
from kiosk.ui.reception import ReceptionDialog
from kiosk.ui.settings import SettingsDialog
from kiosk.ui.staff_menu import StaffMenu
from tests import ui_support as ui
from tests.keyring_backends import MemoryKeyring
from tests.ui_support import ensure_theme, make_runtime, open_runtime, scan_from_thread


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


WAIT = 20_000
SECRET = "ui-tests-jwt-secret-that-is-long-enough-for-any-environment"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", jwt_secret=SECRET)
    yield running
    running.stop()


def test_wizard_registers_against_the_reference_server(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ensure_theme(qapp)
    keyring = MemoryKeyring()
    runtime = make_runtime(open_runtime(tmp_path / "kiosk", keyring))
    assert runtime.first_run
    runtime.start()
    wizard = runtime.shell.staff.wizard
    assert wizard is not None and wizard.isVisible()
    assert not runtime.shell.window.isVisible()  # nothing to check in against yet
    assert not wizard.next_button.isEnabled()
    wizard.connection.slug.setText(GOLDEN_TIGER)
    wizard.connection.buttons["custom"].setChecked(True)
    wizard.connection.custom.setText(server.base_url)
    assert wizard.connection.url == server.base_url
    wizard.next_button.click()
    assert server.seed is not None
    wizard.account.email.setText(f"admin@{GOLDEN_TIGER}.test")
    wizard.account.password.setText("not the password")
    wizard.account.register_button.click()
    qtbot.waitUntil(lambda: "Not registered" in wizard.account.status.text(), timeout=WAIT)
    assert wizard.account.password.text() == ""  # never kept, not even after a failure
    wizard.account.password.setText(server.seed.password)
    wizard.account.register_button.click()
    qtbot.waitUntil(lambda: wizard.account.registered is not None, timeout=WAIT)
    assert wizard.account.password.text() == ""
    assert "Golden Tiger" in wizard.account.status.text()
    wizard.next_button.click()  # camera
    assert wizard.camera is not None and wizard.camera.source.count() >= 4
    wizard.next_button.click()  # PINs and sound
    assert wizard.kiosk is not None and not wizard.next_button.isEnabled()
    wizard.kiosk.staff_pin.setText("4321")
    wizard.kiosk.staff_pin2.setText("4321")
    wizard.kiosk.instructor_pin.setText("8765")
    wizard.kiosk.instructor_pin2.setText("8765")
    choice = wizard.kiosk.checkin_window
    qtbot.waitUntil(lambda: "(120 min)" in choice.academy.text(), timeout=WAIT)  # the roster's
    assert choice.academy.isChecked() and not choice.minutes.isEnabled()
    choice.own.setChecked(True)  # a longer window at this door, for a seminar
    choice.minutes.setValue(180)
    assert wizard.next_button.isEnabled()
    wizard.next_button.click()  # ready
    with qtbot.waitSignal(runtime.shell.ready, timeout=WAIT):
        wizard.next_button.click()
    window = runtime.shell.window
    qtbot.waitUntil(lambda: window.strip.tenant_label.text() == "Golden Tiger", timeout=WAIT)
    qtbot.waitUntil(lambda: "● Online" in window.strip.pill_texts(), timeout=WAIT)
    pins = runtime.services.pins
    assert pins.verify("4321", PinRole.STAFF).ok and pins.verify("8765", PinRole.INSTRUCTOR).ok
    stored = runtime.preferences_service.load()
    assert stored.setup_done and stored.checkin_window_minutes == 180
    identity = runtime.core.setup.identity()
    assert identity is not None and identity.tenant_slug == GOLDEN_TIGER
    secrets = list(keyring.items.values())
    assert len(secrets) == 1 and server.seed.password not in secrets  # only the device token
    runtime.shutdown()


def test_the_wizard_builds_the_configurations_url_for_each_environment(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    """One table of URL patterns: what staff choose here is what the configuration would name."""
    ensure_theme(qapp)
    runtime = make_runtime(open_runtime(tmp_path / "kiosk"))
    runtime.start()
    wizard = runtime.shell.staff.wizard
    assert wizard is not None
    connection = wizard.connection
    connection.slug.setText("Golden-Tiger")
    environments = [key for key in connection.buttons if key != "custom"]
    assert environments == ["production", "staging", "preview"]
    for environment in environments:
        connection.buttons[environment].setChecked(True)
        env = {"TATAMI_ENVIRONMENT": environment, "TATAMI_TENANT": "Golden-Tiger"}
        if environment == "preview":
            assert connection.preview_row.isVisibleTo(wizard)  # asked for only here
            assert connection.url is None and not wizard.next_button.isEnabled()
            assert "preview's name" in connection.url_label.text()
            connection.preview.setText("pr 42!")  # not a DNS label
            assert connection.url is None and not wizard.next_button.isEnabled()
            connection.preview.setText("PR-42")
            env["TATAMI_PREVIEW"] = "pr-42"
        else:
            assert not connection.preview_row.isVisibleTo(wizard)
        expected = load_config(None, env, {}).resolved_api_url
        assert expected is not None and connection.url == expected
        assert expected in connection.url_label.text() and wizard.next_button.isEnabled()
    assert connection.url == "https://golden-tiger.pr-42.preview.tatamitech.com"
    connection.buttons["production"].setChecked(True)
    assert not connection.preview_row.isVisibleTo(wizard)
    assert connection.url == "https://golden-tiger.tatamitech.com"  # the name is not used here
    wizard.close()
    runtime.shutdown()


def registered_kiosk(server: RunningServer, data: Path) -> GuiRuntime:
    context = open_runtime(data, sync=SyncSettings(1.0, 60.0))
    api = context.backend_for(server.base_url, GOLDEN_TIGER)
    assert server.seed is not None
    try:
        context.setup.register(
            api, server.base_url, f"admin@{GOLDEN_TIGER}.test", server.seed.password, "k1"
        )
    finally:
        api.close()
    return make_runtime(context)


def test_offline_banner_when_the_server_stops_and_draining_when_it_returns(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ensure_theme(qapp)
    runtime = registered_kiosk(server, tmp_path / "kiosk")
    runtime.start()
    strip = runtime.shell.window.strip
    qtbot.waitUntil(lambda: "● Online" in strip.pill_texts(), timeout=WAIT)
    qtbot.waitUntil(lambda: strip.tenant_label.text() == "Golden Tiger", timeout=WAIT)
    assert server.seed is not None
    card = server.seed.tenants[GOLDEN_TIGER].cards[
        server.seed.tenants[GOLDEN_TIGER].students["card_holder"]
    ]
    port = server.port
    server.stop()

    scan_from_thread(runtime, card)
    controller = runtime.shell.controller
    qtbot.waitUntil(lambda: controller.current is not None, timeout=WAIT)
    assert controller.current is not None and controller.current.outcome is Outcome.ACCEPTED
    runtime.sync.nudge()
    offline = "Offline: check-ins are kept here"
    qtbot.waitUntil(lambda: offline in strip.pill_texts(), timeout=WAIT)
    assert "⇡ 1 to upload" in strip.pill_texts()
    assert strip.connection.level == "warn"

    back = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", port=port, jwt_secret=SECRET)
    try:
        runtime.sync.nudge()
        qtbot.waitUntil(lambda: "● Online" in strip.pill_texts(), timeout=WAIT)
        qtbot.waitUntil(lambda: not any("to upload" in t for t in strip.pill_texts()), timeout=WAIT)
        assert runtime.sync.status().pending == 0
    finally:
        runtime.shutdown()
        back.stop()


def test_account_login_and_the_online_promotion_check(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    """A registered kiosk without PINs: staff sign in with their account instead."""
    ui.ensure_theme(qapp)
    runtime = registered_kiosk(server, tmp_path / "kiosk")
    runtime.start()
    qtbot.waitUntil(lambda: runtime.sync.status().roster_students > 0, timeout=WAIT)
    pad = runtime.shell.staff.ask_pin(PinRole.INSTRUCTOR)
    qtbot.waitUntil(lambda: pad.pages.currentIndex() == 1, timeout=WAIT)  # no PIN: account
    assert server.seed is not None
    pad.account.email_edit.setText(f"instructor@{GOLDEN_TIGER}.test")
    pad.account.password_edit.setText(server.seed.password)
    shell = runtime.shell
    pad.account.sign_in_button.click()
    assert pad.account.password_edit.text() == ""
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, InstructorBoard), timeout=WAIT)
    board = shell.staff.dialog
    assert isinstance(board, InstructorBoard)
    qtbot.waitUntil(lambda: board.table.rowCount() > 0, timeout=WAIT)
    board.table.selectRow(0)
    qtbot.waitUntil(board.detail.check_button.isEnabled, timeout=WAIT)
    board.detail.check_button.click()
    qtbot.waitUntil(lambda: "TatamiTech says" in board.detail.online_result.text(), timeout=WAIT)
    board.close()
    runtime.shutdown()


def test_an_assistant_account_reaches_reception_only(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    """Assistants work the front desk: reception, but never settings, wipe or exit."""
    ui.ensure_theme(qapp)
    runtime = registered_kiosk(server, tmp_path / "kiosk")
    runtime.start()
    shell = runtime.shell
    assert server.seed is not None
    pad = shell.staff.ask_pin(PinRole.INSTRUCTOR)  # what the Staff button asks
    qtbot.waitUntil(lambda: pad.pages.currentIndex() == 1, timeout=WAIT)  # no PIN: account
    pad.account.email_edit.setText(f"assistant@{GOLDEN_TIGER}.test")
    pad.account.password_edit.setText(server.seed.password)
    pad.account.sign_in_button.click()
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, ReceptionDialog), timeout=WAIT)
    assert shell.staff.access is StaffAccess.RECEPTION
    assert shell.staff.allows("reception")
    assert not any(shell.staff.allows(screen) for screen in ("settings", "exit", "board"))
    assert not shell.staff.open_screen("settings") and not shell.staff.open_screen("exit")
    menu = shell.staff.open_staff_menu()  # even if a menu were reached, it offers reception only
    assert set(menu.buttons) == {"reception"}
    with qtbot.waitSignal(menu.closed, timeout=WAIT):
        menu.chosen.emit("settings")
        menu.chosen.emit("exit")
        menu.buttons["reception"].click()  # after the refused ones, in the same order
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, ReceptionDialog), timeout=WAIT)
    assert not any(isinstance(w, SettingsDialog | ConfirmDialog) for w in qapp.allWidgets())
    shell.staff.dialog.close()

    # The staff-only pad (settings, exit) refuses the assistant outright.
    pad = shell.staff.ask_pin(PinRole.STAFF)
    qtbot.waitUntil(lambda: pad.pages.currentIndex() == 1, timeout=WAIT)
    pad.account.email_edit.setText(f"assistant@{GOLDEN_TIGER}.test")
    pad.account.password_edit.setText(server.seed.password)
    pad.account.sign_in_button.click()
    qtbot.waitUntil(
        lambda: "cannot open the staff screens" in pad.account.message.text(), timeout=WAIT
    )
    assert shell.staff.dialog is pad
    pad.close()

    # An admin account still gets the whole staff menu.
    pad = shell.staff.ask_pin(PinRole.INSTRUCTOR)
    qtbot.waitUntil(lambda: pad.pages.currentIndex() == 1, timeout=WAIT)
    pad.account.email_edit.setText(f"admin@{GOLDEN_TIGER}.test")
    pad.account.password_edit.setText(server.seed.password)
    pad.account.sign_in_button.click()
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, StaffMenu), timeout=WAIT)
    assert shell.staff.access is StaffAccess.STAFF
    assert isinstance(shell.staff.dialog, StaffMenu)
    assert set(shell.staff.dialog.buttons) == {"reception", "board", "settings", "exit"}
    shell.staff.dialog.close()
    runtime.shutdown()

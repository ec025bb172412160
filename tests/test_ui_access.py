"""Accessibility of the staff screens: every control is named, and the keyboard reaches it.

A control counts as labelled when it has an accessible name, a text of its own (buttons, check
boxes, tabs), or a text label next to it (a form row's label or a QLabel buddy): what a screen
reader announces or a sighted user reads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSlider,
    QTabBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.gui import GuiRuntime
from kiosk.services.staff import PinRole
from kiosk.ui.dialogs import StaffDialog
from kiosk.ui.staff_menu import StaffMenu
from tests import ui_support as ui
from tests.ui_support import make_runtime, open_runtime

WAIT = 10_000
INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QSlider,
    QAbstractItemView,
    QTabBar,
)


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


def controls(root: QWidget) -> list[QWidget]:
    """The screen's own controls (not the parts of a composite: a spin box's editor, a table's
    header, a line edit's clear button, a combo box's popup)."""
    found = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INTERACTIVE) or widget.objectName().startswith("qt_"):
            continue
        parent = widget.parentWidget()
        inside = False
        while parent is not None and parent is not root:
            if isinstance(parent, INTERACTIVE):
                inside = True
                break
            parent = parent.parentWidget()
        if not inside:
            found.append(widget)
    return found


def label_of(widget: QWidget, root: QWidget) -> str:
    if widget.accessibleName().strip():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text().strip():
        return widget.text()
    if isinstance(widget, QTabBar):
        texts = [widget.tabText(i).strip() for i in range(widget.count())]
        return " | ".join(texts) if texts and all(texts) else ""
    for label in root.findChildren(QLabel):
        if label.buddy() is widget and label.text().strip():
            return label.text()
    for form in root.findChildren(QFormLayout):
        row_label = form.labelForField(widget)
        if isinstance(row_label, QLabel) and row_label.text().strip():
            return row_label.text()
    return ""


def unlabelled(root: QWidget) -> list[str]:
    return [
        f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}"
        for w in controls(root)
        if not label_of(w, root)
    ]


def open_settings(runtime: GuiRuntime, qtbot: QtBot) -> StaffDialog:
    return runtime.shell.staff.open_settings()


def open_reception(runtime: GuiRuntime, qtbot: QtBot) -> StaffDialog:
    return runtime.shell.staff.open_reception()


def open_board(runtime: GuiRuntime, qtbot: QtBot) -> StaffDialog:
    return runtime.shell.staff.open_board()


def open_pin_pad(runtime: GuiRuntime, qtbot: QtBot) -> StaffDialog:
    pad = runtime.shell.staff.ask_pin(PinRole.STAFF)
    qtbot.waitUntil(pad.keypad.pin_edit.isEnabled, timeout=WAIT)
    return pad


def open_menu(runtime: GuiRuntime, qtbot: QtBot) -> StaffDialog:
    """The staff menu as staff reach it: the staff PIN on the pad."""
    shell = runtime.shell
    pad = open_pin_pad(runtime, qtbot)
    pad.keypad.pin_edit.setText(ui.STAFF_PIN)
    pad.keypad.keys["OK"].click()
    qtbot.waitUntil(lambda: isinstance(shell.staff.dialog, StaffMenu), timeout=WAIT)
    assert isinstance(shell.staff.dialog, StaffMenu)
    return shell.staff.dialog


Opener = Callable[[GuiRuntime, QtBot], StaffDialog]
SCREENS: dict[str, Opener] = {
    "settings": open_settings,
    "reception": open_reception,
    "board": open_board,
    "pin_pad": open_pin_pad,
    "staff_menu": open_menu,
}


@pytest.mark.parametrize("opener", SCREENS.values(), ids=SCREENS.keys())
def test_every_control_of_a_staff_screen_is_named(
    kiosk: GuiRuntime, qtbot: QtBot, opener: Opener
) -> None:
    dialog = opener(kiosk, qtbot)
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT)
    found = controls(dialog)
    assert len(found) >= 3  # the screen was inspected, not an empty shell
    assert unlabelled(dialog) == []
    assert dialog.close_button.accessibleName() == "Close this screen"
    dialog.close()


def test_every_control_of_the_wizard_is_named(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ui.ensure_theme(qapp)
    runtime = make_runtime(open_runtime(tmp_path / "kiosk"))
    runtime.start()
    try:
        wizard = runtime.shell.staff.wizard
        assert wizard is not None and wizard.camera is not None and wizard.kiosk is not None
        found = controls(wizard)  # every step, shown or not: they are built up front
        for expected in (
            wizard.connection.slug,
            wizard.account.password,
            wizard.camera.engine,
            wizard.kiosk.staff_pin,
            wizard.kiosk.checkin_window.minutes,
            wizard.next_button,
        ):
            assert expected in found
        assert unlabelled(wizard) == []
        wizard.close()
    finally:
        runtime.shutdown()


# -- keyboard navigation -------------------------------------------------------------------------


def tab_through(qtbot: QtBot, start: QWidget, presses: int = 40) -> list[QWidget]:
    """Focus ``start``, then press Tab as the platform delivers it (to the window)."""
    start.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(start.hasFocus, timeout=WAIT)
    seen: list[QWidget] = [start]
    for _ in range(presses):
        window = QGuiApplication.focusWindow()
        assert window is not None
        QTest.keyClick(window, Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
        if focused is start:
            break
        seen.append(focused)
    return seen


def active(qtbot: QtBot, dialog: QWidget) -> None:
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is dialog.windowHandle(), timeout=WAIT)


def test_tab_order_of_the_pin_settings_reaches_the_primary_button(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    settings = kiosk.shell.staff.open_settings()
    qtbot.waitUntil(settings.isVisible, timeout=WAIT)
    active(qtbot, settings)
    settings.tabs.setCurrentIndex(3)  # PINs
    order = tab_through(qtbot, settings.pins.role)
    wanted = [
        settings.pins.role,
        settings.pins.new_pin,
        settings.pins.new_pin2,
        settings.pins.change_button,
    ]
    assert order[:4] == wanted  # top to bottom, as laid out
    assert settings.pins.change_button.property("role") == "primary"
    # The cycle leaves the page and comes back: nothing traps the keyboard, and the way out
    # (the close button) and the tabs are on it.
    assert settings.close_button in order and settings.tabs.tabBar() in order
    assert all(w.isVisible() for w in order)  # never into another tab's hidden page

    # Enter on the focused primary button confirms.
    settings.pins.new_pin.setText("97531")
    settings.pins.new_pin2.setText("97531")
    settings.pins.change_button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(settings.pins.change_button.hasFocus, timeout=WAIT)
    window = QGuiApplication.focusWindow()
    assert window is not None
    QTest.keyClick(window, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: settings.pins.result.text() == "PIN changed.", timeout=WAIT)
    assert kiosk.services.pins.verify("97531", PinRole.STAFF).ok
    settings.close()


def test_tab_order_of_reception_check_in_by_name(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    reception = kiosk.shell.staff.open_reception()
    qtbot.waitUntil(reception.isVisible, timeout=WAIT)
    active(qtbot, reception)
    order = tab_through(qtbot, reception.manual.name_search)
    assert order[:3] == [
        reception.manual.name_search,
        reception.manual.matches,
        reception.manual.checkin_button,
    ]
    assert reception.manual.checkin_button.property("role") == "primary"
    assert reception.close_button in order
    reception.close()


def test_tab_order_of_the_wizard_account_step(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ui.ensure_theme(qapp)
    runtime = make_runtime(open_runtime(tmp_path / "kiosk"))
    runtime.start()
    try:
        wizard = runtime.shell.staff.wizard
        assert wizard is not None
        active(qtbot, wizard)
        assert wizard.connection.slug.hasFocus()  # each step opens on its first field
        wizard.connection.slug.setText("golden-tiger")
        wizard.next_button.click()
        account = wizard.account
        qtbot.waitUntil(account.email.hasFocus, timeout=WAIT)
        order = tab_through(qtbot, account.email)
        assert order[:4] == [account.email, account.password, account.name, account.register_button]
        assert wizard.cancel_button in order and wizard.back_button in order
        # Next waits for the registration: disabled, so the keyboard skips it.
        assert not wizard.next_button.isEnabled() and wizard.next_button not in order
        # Enter on the focused register button: it asks for what is missing.
        account.register_button.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(account.register_button.hasFocus, timeout=WAIT)
        window = QGuiApplication.focusWindow()
        assert window is not None
        QTest.keyClick(window, Qt.Key.Key_Return)
        assert account.status.text() == "Enter the admin's email and password."
        assert wizard.index == 1  # Enter pressed the focused button, not Next
        wizard.close()
    finally:
        runtime.shutdown()

"""DialogOp: slow work for a staff screen on a real worker thread, its answer on the GUI thread,
dropped when the screen closed first, failures shown on the screen."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from kiosk.ui.dialogs import StaffDialog
from kiosk.ui.operations import DialogOp, LatestOnly
from kiosk.ui.tasks import TaskManager
from tests import ui_support as ui

WAIT = 10_000


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def tasks(qapp: QApplication) -> Iterator[TaskManager]:
    manager = TaskManager("test-ops", workers=2)
    yield manager
    manager.shutdown()
    manager.deleteLater()


def screen(qtbot: QtBot) -> tuple[StaffDialog, QPushButton]:
    """A staff screen with a button, kept (not deleted) when it closes."""
    dialog = StaffDialog("Screen", None, full_window=False)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
    button = QPushButton("go")
    dialog.body.addWidget(button)
    qtbot.addWidget(dialog)
    dialog.open()
    return dialog, button


def test_work_runs_on_a_worker_and_answers_on_the_gui_thread(
    tasks: TaskManager, qtbot: QtBot
) -> None:
    dialog, button = screen(qtbot)
    release = threading.Event()
    seen: dict[str, threading.Thread] = {}
    answers: list[int] = []

    def work() -> int:
        seen["work"] = threading.current_thread()
        release.wait(WAIT / 1000)
        return 42

    def done(value: int) -> None:
        seen["done"] = threading.current_thread()
        answers.append(value)

    DialogOp(tasks, dialog, work, done).busy(button).run()
    assert not button.isEnabled()  # busy while the worker holds it
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        release.set()
    assert answers == [42]
    assert seen["done"] is threading.main_thread()
    assert seen["work"] is not threading.main_thread()
    assert button.isEnabled()


def test_an_answer_after_the_dialog_closed_is_dropped(tasks: TaskManager, qtbot: QtBot) -> None:
    dialog, button = screen(qtbot)
    release = threading.Event()
    answers: list[str] = []
    failures: list[BaseException] = []
    DialogOp(
        tasks, button, lambda: release.wait(WAIT / 1000) and "late", answers.append
    ).on_failure(failures.append).run()
    dialog.close()  # finished, not deleted: the answer must still not arrive
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        release.set()
    assert answers == [] and failures == []


def test_an_answer_after_the_staff_dialog_was_deleted_is_dropped(
    tasks: TaskManager, qtbot: QtBot
) -> None:
    dialog = StaffDialog("Screen", None, full_window=False)
    dialog.open()
    release = threading.Event()
    answers: list[str] = []
    DialogOp(tasks, dialog, lambda: release.wait(WAIT / 1000) and "late", answers.append).run()
    with qtbot.waitSignal(dialog.destroyed, timeout=WAIT):
        dialog.close()  # deleted on close
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        release.set()
    assert answers == []


def test_a_failure_is_shown_on_the_screen_and_the_buttons_come_back(
    tasks: TaskManager, qtbot: QtBot
) -> None:
    dialog = StaffDialog("Screen", None, full_window=False)
    button = QPushButton("save")
    dialog.body.addWidget(button)
    dialog.open()
    answers: list[None] = []

    def work() -> None:
        raise OSError("disk full")

    assert not dialog.problem.isVisible()
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        DialogOp(tasks, button, work, answers.append).busy(button).run()
    assert answers == []
    assert dialog.problem.isVisible() and "OSError" in dialog.problem.text()
    assert button.isEnabled()
    dialog.close()


def test_a_screen_can_handle_its_own_failures(tasks: TaskManager, qtbot: QtBot) -> None:
    dialog = StaffDialog("Screen", None, full_window=False)
    dialog.open()
    handled: list[BaseException] = []

    def work() -> None:
        raise ValueError("wrong PIN format")

    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        DialogOp(tasks, dialog, work).on_failure(handled.append).run()
    assert [type(error) for error in handled] == [ValueError]
    assert not dialog.problem.isVisible()  # the screen said it its own way
    dialog.close()


def test_only_the_latest_operation_of_a_kind_answers(tasks: TaskManager, qtbot: QtBot) -> None:
    dialog, _button = screen(qtbot)
    searching = LatestOnly()
    slow = threading.Event()
    shown: list[str] = []
    DialogOp(tasks, dialog, lambda: slow.wait(WAIT / 1000) and "an", shown.append).latest(
        searching
    ).run()
    with qtbot.waitSignal(tasks.finished, timeout=WAIT):
        DialogOp(tasks, dialog, lambda: "ana", shown.append).latest(searching).run()
    assert shown == ["ana"]
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        slow.set()  # the older, slower search comes back last: ignored
    assert shown == ["ana"]

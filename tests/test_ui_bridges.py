"""The thread bridges: frames (newest wins, converted off the GUI thread) and the task manager."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.frames import preview_pixels
from kiosk.ui.bridges import FrameBridge
from kiosk.ui.tasks import TaskManager
from tests import ui_support as ui

WAIT = 5_000


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


def frame(value: int, width: int = 64, height: int = 36) -> np.ndarray:
    return np.full((height, width, 3), value, dtype=np.uint8)


def test_newest_frame_wins_and_arrives_converted(qtbot: QtBot) -> None:
    bridge = FrameBridge()
    bridge.set_target(64, 36)
    bridge.set_mirror(False)

    def camera() -> None:
        for value in (10, 20, 30, 40, 250):
            bridge.offer(frame(value))

    with qtbot.waitSignal(bridge.frame_shown, timeout=WAIT):
        worker = threading.Thread(target=camera)
        worker.start()
        worker.join()
    qtbot.waitUntil(lambda: bridge.current is not None and bridge.offered == 5, timeout=WAIT)
    image = bridge.current
    assert image is not None and image.format() == QImage.Format.Format_RGB32
    assert image.pixelColor(0, 0).red() == 250  # the newest frame, not a backlog
    assert bridge.dropped >= 1 and bridge.shown <= 2


def test_mirror_flips_the_preview(qtbot: QtBot) -> None:
    bridge = FrameBridge()
    bridge.set_target(64, 36)
    pixels = frame(0)
    pixels[:, :32] = 255  # left half white
    with qtbot.waitSignal(bridge.frame_shown, timeout=WAIT):
        bridge.offer(pixels)
    assert bridge.current is not None
    assert bridge.current.pixelColor(0, 0).red() == 0  # mirrored: the left edge is now black
    assert bridge.current.pixelColor(63, 0).red() == 255


@pytest.mark.parametrize("prepare", [None, preview_pixels], ids=["qimage", "opencv"])
def test_frames_cover_the_preview_and_mirror(qtbot: QtBot, prepare: object) -> None:
    """Both paths (QImage, and OpenCV without the GIL) scale to cover the target and mirror."""
    bridge = FrameBridge(prepare=prepare)  # type: ignore[arg-type]
    bridge.set_target(32, 32)  # square target, wide frame: covers by height
    pixels = frame(0, width=128, height=72)
    pixels[:, :64] = (255, 0, 0)  # left half blue (BGR)
    with qtbot.waitSignal(bridge.frame_shown, timeout=WAIT):
        bridge.offer(pixels)
    image = bridge.current
    assert image is not None and image.format() == QImage.Format.Format_RGB32
    assert image.height() == 32 and image.width() >= 32
    assert image.pixelColor(0, 16).blue() < 50  # mirrored: the blue half is now on the right
    assert image.pixelColor(image.width() - 1, 16).blue() > 200


def test_task_results_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    tasks = TaskManager("test-tasks", workers=2)
    seen: list[tuple[int, bool]] = []

    def done(value: int) -> None:
        seen.append((value, threading.current_thread() is threading.main_thread()))

    tasks.run(lambda: 6 * 7, done)
    qtbot.waitUntil(lambda: bool(seen), timeout=WAIT)
    assert seen == [(42, True)]
    errors: list[BaseException] = []
    tasks.run(lambda: 1 // 0, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT)
    assert isinstance(errors[0], ZeroDivisionError)
    tasks.shutdown()
    assert tasks.run(lambda: 1) is None  # refused after shutdown
    tasks.deleteLater()


def test_results_for_a_closed_screen_are_dropped(qtbot: QtBot) -> None:
    tasks = TaskManager("test-tasks-owner", workers=1)
    gate = threading.Event()
    owner = QObject()
    called: list[int] = []
    tasks.run(lambda: gate.wait(5), lambda _r: called.append(1), owner=owner)
    shiboken6.delete(owner)  # the staff screen closed before its read came back
    gate.set()
    with qtbot.waitSignal(tasks.idle, timeout=WAIT):
        pass
    assert called == []
    tasks.shutdown()
    tasks.deleteLater()

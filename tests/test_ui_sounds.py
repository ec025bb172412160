"""Sounds where there is no audio output (this build machine has none): silent, and says so.

The kiosk's own Qt message handler files QtMultimedia's complaints about missing system
libraries (PipeWire, VA-API, PulseAudio) under debug; under pytest-qt they would fail the test
as warnings, so exactly those environment messages are ignored here, nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.paths import resource_dir
from kiosk.domain.decision import Outcome
from kiosk.gui import GuiRuntime
from kiosk.ui.sounds import SOUND_NAMES, SoundBoard, SoundStatus, sound_status_text
from tests import ui_support as ui
from tests.ui_support import make_runtime, open_runtime, scan_from_thread, token

WAIT = 10_000

pytestmark = pytest.mark.qt_log_ignore(
    r"^Couldn't (load|resolve) .+ (library|symbols)$",
    r"PulseAudioService: pa_context_connect\(\) failed",
)


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture(autouse=True)
def _no_audio_output(qapp: QApplication) -> None:
    from PySide6.QtMultimedia import QMediaDevices

    if QMediaDevices.audioOutputs():
        pytest.skip("this machine has an audio output: the silent path is not reachable")


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    """A provisioned kiosk with sound allowed, as ``run_gui`` builds it."""
    ui.ensure_theme(qapp)
    context = open_runtime(tmp_path / "kiosk")
    ui.provision(context)
    runtime = make_runtime(context, sound=True)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.shutdown()


def test_without_an_audio_output_the_board_is_silent_and_says_why(qapp: QApplication) -> None:
    board = SoundBoard(resource_dir() / "sounds", enabled=True, volume=0.5)
    assert board.status is SoundStatus.NOT_STARTED
    board.start()
    assert board.status is SoundStatus.NO_OUTPUT and not board.available
    assert sound_status_text(board.status) == "silent: no audio output"
    for name in SOUND_NAMES:
        board.play(name)  # nothing to play on, nothing raised
    assert board.played == list(SOUND_NAMES)
    board.start()  # a second start does not probe again
    assert board.status is SoundStatus.NO_OUTPUT
    board.deleteLater()


def test_scans_stay_fine_and_the_health_panel_says_sound_is_unavailable(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    sounds = kiosk.sounds
    assert sounds.status is SoundStatus.NOT_STARTED
    sounds.start()  # run_gui does this before the camera and sync threads start
    assert sounds.status is SoundStatus.NO_OUTPUT
    controller = kiosk.shell.controller
    scan_from_thread(kiosk, token("ana"))
    qtbot.waitUntil(lambda: controller.shown == 1, timeout=WAIT)
    scan_from_thread(kiosk, "not a code")
    qtbot.waitUntil(lambda: controller.shown == 2, timeout=WAIT)
    assert controller.current is not None
    assert controller.current.outcome is Outcome.INVALID_CODE
    assert sounds.played[-2:] == ["accepted", "error"]

    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: "sound" in reception.health.values, timeout=WAIT)
    assert reception.health.values["sound"] == "silent: no audio output"
    reception.close()


def test_turning_sound_off_and_on_again_keeps_saying_it_is_unavailable(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    """Staff untick and tick "Play sounds" in the settings; the machine still has no output."""
    kiosk.sounds.start()
    settings = kiosk.shell.staff.open_settings()
    for wanted in (False, True):
        settings.display.sound.setChecked(wanted)
        with qtbot.waitSignal(settings.preferences_changed, timeout=WAIT):
            settings.display.save_button.click()
        assert kiosk.shell.preferences.sound is wanted
    settings.close()
    assert kiosk.sounds.status is SoundStatus.NO_OUTPUT  # enabled again, still no output
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: "sound" in reception.health.values, timeout=WAIT)
    assert reception.health.values["sound"] == "silent: no audio output"
    reception.close()

"""The GUI as a process: demo run, single instance, crash log; and the Qt binding itself."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from kiosk.adapters.backup import list_backups
from kiosk.gui import EXIT_ALREADY_RUNNING
from tests import ui_support as ui
from tests.ui_support import open_runtime, provision


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


ROOT = Path(__file__).parent.parent


def kiosk_process(*args: str, data: Path) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "QT_LOGGING_RULES": "qt.qpa.*=false",
        "TATAMI_WINDOWED": "1",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data), "--log-level", "INFO", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_void_qt_calls_do_not_eat_references_to_none(qtbot: QtBot) -> None:
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void call and aborts
    the process after ~5000 of them (seconds of kiosk time). Guard against that build."""
    widget = QWidget()
    qtbot.addWidget(widget)
    before = sys.getrefcount(None)
    for _ in range(200):
        widget.update()
    assert sys.getrefcount(None) > before - 50


@pytest.mark.slow
def test_demo_window_runs_and_quits_cleanly(tmp_path: Path) -> None:
    process = kiosk_process("--demo", "--quit-after", "6", data=tmp_path / "demo")
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "Fatal Python error" not in err
    assert "kiosk window shown" in err
    assert "outcome=accepted" in err  # the synthetic feed's first card was checked in
    # The redacted JSON-lines log that kiosk.app sets up for every command.
    log = (tmp_path / "demo" / "logs" / "kiosk.jsonl").read_text()
    assert "camera started" in log
    crash = tmp_path / "demo" / "logs" / "crash.log"
    assert not crash.exists() or crash.read_text() == ""


@pytest.mark.slow
def test_a_second_kiosk_on_the_same_data_refuses_to_start(tmp_path: Path) -> None:
    data = tmp_path / "kiosk"
    with open_runtime(data) as context:
        provision(context)
    first = kiosk_process("--source", "none", "--quit-after", "60", data=data)
    try:
        assert first.stderr is not None
        for line in first.stderr:  # wait for the window, line by line (no sleeps)
            if "kiosk window shown" in line:
                break
        second = kiosk_process("--source", "none", "--quit-after", "1", data=data)
        _, err = second.communicate(timeout=60)
        assert second.returncode == EXIT_ALREADY_RUNNING
        assert "already running" in err
    finally:
        first.terminate()  # SIGTERM: the orderly shutdown path
        first.communicate(timeout=60)
    assert first.returncode == 0
    # The window's daily backup ran at start (and would again each new day, hourly checks).
    assert [i.kind for i in list_backups(data / "data" / "backups")] == ["auto"]

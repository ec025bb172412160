"""Full screen on a real X server with no window manager, as kiosks often run (``xinit``).

The full-screen request is a hint to a window manager; without one the kiosk once kept Qt's
default size in a corner of the screen (found on a demo screenshot under Xvfb). The test runs
the real xcb platform on Xvfb in a child process: offscreen Qt has no window manager to ignore.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

CHILD = """
import json, sys
from PySide6.QtWidgets import QApplication, QWidget
from kiosk.ui.shell import show_full_screen

app = QApplication(sys.argv)
window = QWidget()
show_full_screen(window)
for _ in range(20):
    app.processEvents()
screen = window.screen().geometry()
print(json.dumps({"window": window.geometry().getRect(), "screen": screen.getRect()}))
"""


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb (.ci/run installs it)")
def test_kiosk_covers_the_screen_without_a_window_manager() -> None:
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"} | {
        "QT_QPA_PLATFORM": "xcb"
    }
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1600x900x24", sys.executable, "-c", CHILD],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown["screen"] == [0, 0, 1600, 900]
    assert shown["window"] == shown["screen"]

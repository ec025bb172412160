"""`tatami-kiosk --demo` on a machine without a display: the headless runner, JSON lines out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from kiosk.domain.decision import Outcome

ROOT = Path(__file__).parent.parent


def test_demo_without_a_display_runs_headless_and_prints_scans(tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
        and not name.startswith("TATAMI_")
    }
    env["PYTHONWARNINGS"] = "error"
    home = tmp_path / "home"
    home.mkdir()
    env["HOME"] = str(home)  # nothing may land in the user's directories
    data = tmp_path / "demo"
    ran = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data), "--demo", "--quit-after", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr
    # stdout: exactly one JSON line per scan (it may end up in a journal: no names).
    scans = [json.loads(line) for line in ran.stdout.splitlines()]
    assert scans, ran.stderr
    assert {scan["outcome"] for scan in scans} <= {o.value for o in Outcome}
    first = scans[0]
    # The demo's first code is the academy's printed card: a real, recorded check-in.
    assert first["outcome"] == "accepted" and first["recorded"] is True
    assert first["scanId"] and first["studentId"] and first["source"] == "camera"
    assert all("displayName" not in scan and "name" not in scan for scan in scans)
    # stderr: camera states, the closing summary and the final sync status.
    notes = [json.loads(line) for line in ran.stderr.splitlines() if line.startswith("{")]
    assert any(note.get("camera") == "live" for note in notes)
    summary = next(note for note in notes if note.get("summary"))
    assert summary["scans"] == len(scans) and summary["captureFps"] > 0
    # The last upload ran before exit: the demo server got every check-in.
    sync = next(note["sync"] for note in notes if "sync" in note)
    assert sync["online"] is True and sync["pending"] == 0
    assert (data / "kiosk").is_dir() and (data / "demo-server.sqlite3").is_file()
    assert list(home.iterdir()) == []

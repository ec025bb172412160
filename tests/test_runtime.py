"""The Qt-free kiosk runtime: one life cycle, every thread it starts joined by ``stop()``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from kiosk.runtime import KioskRuntime
from kiosk.server.embedded import start_server
from kiosk.server.seed import GOLDEN_TIGER
from tests.ui_support import open_runtime

ROOT = Path(__file__).parent.parent


def test_the_runtime_runs_a_kiosk_without_qt_and_leaves_no_thread(tmp_path: Path) -> None:
    with start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as server:
        assert server.seed is not None
        student = server.seed.tenants[GOLDEN_TIGER].student_ids[0]
        token = server.issue_token(GOLDEN_TIGER, student, "pass")
        probe = _probe(tmp_path, server.base_url, server.seed.password, token)
    report = json.loads(probe.splitlines()[-1])
    # It really ran: the store writer, both sync threads, the backup, camera and decoder.
    assert {
        "store-writer",
        "sync-upload",
        "sync-pull",
        "kiosk-backup",
        "kiosk-camera",
        "kiosk-decoder",
    } <= set(report["ran"]), report["ran"]
    assert report["left"] == []
    assert report["qt"] == []
    # A printed pass read by the real decoder, checked in, uploaded; the day's backup made.
    assert report["outcome"] == "accepted" and report["student"] == student
    assert report["pending"] == 0
    assert report["engine"]
    assert report["backups"] >= 1


def _probe(root: Path, *args: str) -> str:
    probe = subprocess.run(
        [sys.executable, "-m", "tests.runtime_probe", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert probe.returncode == 0, probe.stderr[-3000:]
    return probe.stdout


def test_a_runtime_opened_for_a_command_only_runs_its_store(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    with open_runtime(tmp_path) as runtime:
        assert isinstance(runtime, KioskRuntime)
        started = {t.name for t in set(threading.enumerate()) - before}
        assert started == {"store-writer"}
        assert runtime.sync.connect() is None  # not registered: no backend, no engine
    assert set(threading.enumerate()) - before == set()

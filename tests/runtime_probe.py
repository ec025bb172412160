"""A whole kiosk life cycle without Qt, in its own process.

    python -m tests.runtime_probe DIR SERVER_URL ADMIN_PASSWORD PASS_TOKEN

Opens a :class:`KioskRuntime` in ``DIR``, registers it with the reference server at
``SERVER_URL`` as staff would, starts it (sync threads, daily backup), lets its camera read the
printed pass from a folder source through the real decoder, waits for the check-in to be
uploaded, and stops the runtime. Prints one JSON object: the threads that ran, the threads left
after ``stop()``, whether anything imported Qt, the outcome and the final queue.

``tests/test_runtime.py`` serves the server from the test process and runs this in another, so
that the probe's threads are the runtime's only and "nothing imported Qt" means something (the
test process has pytest-qt loaded).
"""

from __future__ import annotations

import json
import queue
import sys
import threading
from pathlib import Path

import segno

from kiosk.adapters.camera import CameraSettings
from kiosk.adapters.secrets import KeyringVault
from kiosk.runtime import KioskRuntime, RuntimeSettings, SyncSettings
from kiosk.server.seed import GOLDEN_TIGER
from kiosk.services.checkin import ScanResult
from kiosk.services.sync import SyncStatus
from tests.keyring_backends import MemoryKeyring

TIMEOUT = 60.0
QT_PACKAGES = ("PySide6", "shiboken6")


def _wait_for(statuses: queue.Queue[SyncStatus], done: object) -> SyncStatus:
    """The first status the sync threads publish for which ``done(status)`` holds."""
    while True:
        status = statuses.get(timeout=TIMEOUT)
        if done(status):  # type: ignore[operator]
            return status


def main(root: Path, server_url: str, password: str, token: str) -> dict[str, object]:
    before = {thread.ident for thread in threading.enumerate()}
    runtime = KioskRuntime.open(
        root / "kiosk",
        vault=KeyringVault(MemoryKeyring()),
        settings=RuntimeSettings(
            sync=SyncSettings(upload_interval=0.5, pull_interval=60.0),
            camera=CameraSettings(fps=10.0, loop=True),
            backup_keep=2,
        ),
    )
    api = runtime.backend_for(server_url, GOLDEN_TIGER)
    try:
        runtime.setup.register(api, server_url, f"admin@{GOLDEN_TIGER}.test", password, "probe")
    finally:
        api.close()
    statuses: queue.Queue[SyncStatus] = queue.Queue()
    results: queue.Queue[ScanResult] = queue.Queue()
    runtime.sync.on_status = statuses.put
    runtime.coordinator.on_result = lambda result, _latency: results.put(result)
    runtime.start()
    _wait_for(statuses, lambda status: status.roster_students > 0)

    card = root / "card"
    card.mkdir()
    segno.make(token, error="m").save(card / "pass.png", scale=6, border=4)
    camera = runtime.make_camera()
    camera.start(f"folder:{card}")
    result = results.get(timeout=TIMEOUT)
    final = _wait_for(statuses, lambda status: status.pending == 0 and status.online)
    ran = sorted(t.name for t in threading.enumerate() if t.ident not in before)
    stats = camera.stats()
    runtime.stop()
    left = sorted(t.name for t in threading.enumerate() if t.ident not in before)
    return {
        "ran": ran,
        "left": left,
        "qt": sorted(name for name in sys.modules if name.split(".")[0] in QT_PACKAGES),
        "outcome": str(result.outcome),
        "student": result.student_id,
        "pending": final.pending,
        "engine": stats.engine,
        "backups": len(list(runtime.paths.backups.glob("*"))),
    }


if __name__ == "__main__":
    root, server_url, password, token = sys.argv[1:5]
    print(json.dumps(main(Path(root), server_url, password, token)))

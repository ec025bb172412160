"""Helpers for the operations tests: the CLI as a process, a reference server on the system clock.

The operations commands are exercised as an operator runs them: a real ``tatami-kiosk`` process
with its own data directory, against the reference server on 127.0.0.1 port 0.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from kiosk.server.embedded import RunningServer, start_server

ROOT = Path(__file__).parent.parent
GT = "golden-tiger"
ADMIN = "admin@golden-tiger.test"

#: Runs ``kiosk.app.main`` with the redacted logging of ``kiosk.adapters.logs`` installed first
#: (DEBUG, file and console) and the crash handler, as the composition root is meant to.
LOGGED_MAIN = """
import sys
from kiosk.adapters.logs import install_crash_handler, setup_logging
from kiosk.adapters.paths import resolve_paths

paths = resolve_paths(None).ensure()
setup_logging(paths, "DEBUG")
install_crash_handler(paths)
from kiosk.app import main

sys.exit(main(sys.argv[1:]))
"""


def kiosk_env(data_dir: Path, keyring_file: Path | None = None, **extra: str) -> dict[str, str]:
    env = {**os.environ, "TATAMI_DATA_DIR": str(data_dir), "PYTHONWARNINGS": "error"}
    for name in [n for n in env if n.startswith("TATAMI_") and n != "TATAMI_DATA_DIR"]:
        del env[name]  # an operator's own settings must not leak into a test
    env["TATAMI_DATA_DIR"] = str(data_dir)
    if keyring_file is not None:
        # A file-backed keyring chosen explicitly, as a headless installation would.
        env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_backends.FileKeyring"
        env["TATAMI_TEST_KEYRING"] = str(keyring_file)
    env.update(extra)
    return env


def kiosk(
    *args: str,
    env: Mapping[str, str],
    stdin: str = "",
    logged: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    command = (
        [sys.executable, "-c", LOGGED_MAIN, *args]
        if logged
        else [
            sys.executable,
            "-m",
            "kiosk",
            *args,
        ]
    )
    return subprocess.run(
        command,
        input=stdin,
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )


@contextmanager
def live_server(folder: Path, **kwargs: object) -> Iterator[RunningServer]:
    """A seeded reference server on the system clock (the CLI uses the system clock too)."""
    folder.mkdir(parents=True, exist_ok=True)
    with start_server(f"sqlite:///{folder / 'server.db'}", **kwargs) as server:  # type: ignore[arg-type]
        yield server

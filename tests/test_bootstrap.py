"""The README's two commands pass the user's arguments through to the kiosk and to pytest.

The bootstrap is *sourced*, so without care it sees the caller's arguments as its own (it once
read ``./run-kiosk --demo`` as a request for a ``[--demo]`` extra and failed to install). Here the
venv is a stand-in whose ``python`` runs this interpreter, with the install stamp current, so the
scripts run exactly as on a user's machine after the first install, without reinstalling.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk import __version__

ROOT = Path(__file__).parent.parent


def prepared_venv(tmp_path: Path, extras: str) -> Path:
    venv = tmp_path / "venv"
    bin_dir = venv / "bin"
    bin_dir.mkdir(parents=True)
    python = bin_dir / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    stamp = venv / (".tatami-installed" + (f"-{extras}" if extras else ""))
    checksum = subprocess.run(
        ["bash", "-c", "{ cat pyproject.toml; cat constraints.txt 2>/dev/null || true; } | cksum"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    stamp.write_text(checksum)
    return venv


def run(script: str, *args: str, venv: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TATAMI_VENV": str(venv), "TATAMI_DATA_DIR": str(cwd / "data")}
    return subprocess.run(
        [str(ROOT / script), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_run_kiosk_passes_option_arguments_to_the_kiosk(tmp_path: Path) -> None:
    venv = prepared_venv(tmp_path, "")
    done = run("run-kiosk", "--version", venv=venv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert __version__ in done.stdout
    assert "installing" not in done.stderr  # the stamp was current: no reinstall


def test_run_tests_passes_pytest_arguments(tmp_path: Path) -> None:
    venv = prepared_venv(tmp_path, "test")
    done = run("run-tests", "--collect-only", "-q", "tests/test_bootstrap.py", venv=venv, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "test_run_kiosk_passes_option_arguments_to_the_kiosk" in done.stdout
    assert "installing" not in done.stderr


def test_run_kiosk_with_options_only_is_still_the_demo(tmp_path: Path) -> None:
    # "./run-kiosk --quit-after 20" once ran a real kiosk on camera 0: no demo, no scans.
    venv = prepared_venv(tmp_path, "")
    done = run("run-kiosk", "--headless", "--quit-after", "1", venv=venv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"detail":"demo feed' in done.stderr
    assert "camera 0" not in done.stderr


def test_run_kiosk_no_demo_runs_this_computers_kiosk(tmp_path: Path) -> None:
    venv = prepared_venv(tmp_path, "")
    done = run("run-kiosk", "--no-demo", "--headless", "--quit-after", "1", venv=venv, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "camera 0" in done.stderr  # the configured camera (none here), not the demo feed
    assert "demo feed" not in done.stderr

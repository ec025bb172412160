"""The command line as a user runs it: a real process, real files, JSON lines out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops_support import kiosk as run_kiosk
from tests.ops_support import kiosk_env
from tests.support import DATA, VECTOR_ROSTER, make_token


def kiosk(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_kiosk(*args, env=kiosk_env(data_dir), stdin=stdin)


def test_roster_import_then_headless_stdin_scans(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    imported = kiosk("roster", "import", str(roster), data_dir=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["studentsTotal"] == 9

    # Real-time tokens: the headless runner uses the system clock.
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    lines = [
        make_token("ana", now=now),
        "",
        make_token("ana", now=now, kind="card"),
        "https://golden-tiger.tatamitech.com/checkin?token=" + make_token("ben", now=now),
        "not a code",
        (DATA / "tokens" / "other_tenant.txt").read_text(),
    ]
    ran = kiosk("run", "--headless", "--source", "stdin", data_dir=tmp_path, stdin="\n".join(lines))
    assert ran.returncode == 0, ran.stderr
    out = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [o["outcome"] for o in out] == [
        "accepted",
        "duplicate",
        "accepted",
        "invalid_code",
        "wrong_tenant",
    ]
    first = out[0]
    assert first["scanId"] and first["studentId"] and first["recorded"] is True
    assert isinstance(first["eligible"], bool) and first["message"]
    assert out[3]["scanId"] and out[3]["studentId"] is None
    # Nothing personal on stderr (logs) either.
    assert "Ana" not in ran.stderr and lines[0] not in ran.stderr


def test_corrupt_roster_file_is_refused_clearly(tmp_path: Path) -> None:
    bad = tmp_path / "roster.json"
    bad.write_text('{"schema": "tatamitech.kiosk.roster/1", "tenant": ')
    result = kiosk("roster", "import", str(bad), data_dir=tmp_path)
    assert result.returncode == 2
    assert "not valid JSON" in result.stderr and "nothing changed" in result.stderr
    missing = kiosk("roster", "import", str(tmp_path / "nope.json"), data_dir=tmp_path)
    assert missing.returncode == 2 and "cannot read" in missing.stderr


def test_version(tmp_path: Path) -> None:
    from kiosk import __version__

    result = kiosk("--version", data_dir=tmp_path)
    assert result.returncode == 0 and __version__ in result.stdout


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG layout is Linux's")
def test_console_script_uses_the_platform_places_by_default(tmp_path: Path) -> None:
    """``tatami-kiosk`` as installed, without ``--data-dir``: the README's default places."""
    script = Path(sys.executable).with_name("tatami-kiosk")
    if not script.exists():
        pytest.skip("the console script is not installed next to this interpreter")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TATAMI_", "XDG_"))}
    env["HOME"] = str(tmp_path)
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    done = subprocess.run(
        [str(script), "roster", "import", str(roster)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / ".local/share/tatami-kiosk/kiosk.sqlite3").is_file()
    assert (tmp_path / ".local/state/tatami-kiosk/log").is_dir()


def test_pin_set_on_the_computer_after_an_offline_import(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    imported = kiosk("roster", "import", str(roster), data_dir=tmp_path)
    assert imported.returncode == 0 and "tatami-kiosk pin set" in imported.stderr
    short = kiosk("pin", "set", "--pin-stdin", data_dir=tmp_path, stdin="12\n")
    assert short.returncode == 1 and "4 to 12 digits" in short.stderr
    done = kiosk("pin", "set", "--pin-stdin", data_dir=tmp_path, stdin="482913\n")
    assert done.returncode == 0, done.stderr
    assert "482913" not in done.stdout + done.stderr
    from kiosk.runtime import KioskRuntime
    from kiosk.services.staff import PinRole, PinService

    with KioskRuntime.open(tmp_path) as context:
        pins = PinService(context.store, context.clock)
        assert pins.verify("482913", PinRole.STAFF).ok
    again = kiosk("roster", "import", str(roster), data_dir=tmp_path)
    assert again.returncode == 0 and "pin set" not in again.stderr

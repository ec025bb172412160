"""``tatami-kiosk doctor`` against the reference server, as an operator runs it."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.adapters.instance_lock import InstanceLock
from kiosk.server.clock import ManualClock, SystemClock
from tests.ops_support import ADMIN, GT, ROOT, kiosk, kiosk_env, live_server

HAS_CAMERA = any(Path(f"/dev/video{n}").exists() for n in range(4))


def doctor(env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    result = kiosk("doctor", "--json", *args, env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result.returncode, json.loads(result.stdout)


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {check["name"]: check for check in report["checks"]}


def test_registered_kiosk_is_healthy_against_the_reference_server(tmp_path: Path) -> None:
    data_dir, keyring_file = tmp_path / "kiosk", tmp_path / "keyring.json"
    env = kiosk_env(data_dir, keyring_file, TATAMI_CAMERA_SOURCE="stdin")
    with live_server(tmp_path / "server") as server:
        assert server.seed is not None
        setup = kiosk(
            "setup",
            "--api",
            server.base_url,
            "--tenant",
            GT,
            "--email",
            ADMIN,
            "--password-stdin",
            env=env,
            stdin=server.seed.password + "\n",
        )
        assert setup.returncode == 0, setup.stderr
        assert kiosk("backup", "create", env=env).returncode == 0
        code, report = doctor(env)
        checks = by_name(report)
        assert code == 0 and report["ok"] is True
        for name in (
            "config",
            "data-dir",
            "log-dir",
            "database",
            "roster",
            "sync-queue",
            "decoders",
            "keyring",
            "device-token",
            "health",
            "ready",
            "clock",
            "backups",
        ):
            assert checks[name]["status"] == "ok", checks[name]
        assert checks["config"]["data"]["origin"]["camera_source"] == "env"
        assert checks["roster"]["data"]["tenant"] == GT and checks["roster"]["data"]["students"]
        assert checks["health"]["data"]["api"] == server.base_url  # from the registered identity
        assert abs(checks["clock"]["data"]["skewSeconds"]) < 5
        assert checks["ready"]["data"]["body"]["status"] == "ready"
        assert "zxing" in checks["decoders"]["summary"]
        assert checks["keyring"]["data"]["backend"].endswith("FileKeyring")
        expected_camera = "ok" if HAS_CAMERA else "warn"
        assert checks["camera"]["status"] == expected_camera

        # The same kiosk without its keyring: still able to check in (warnings only).
        no_keyring = kiosk_env(
            data_dir,
            TATAMI_CAMERA_SOURCE="stdin",
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        code, report = doctor(no_keyring)
        checks = by_name(report)
        assert code == 0
        assert (
            checks["keyring"]["status"] == "warn" and "memory only" in checks["keyring"]["summary"]
        )
        assert checks["device-token"]["status"] == "warn"

    # Backend gone: offline-first, so a warning, not a failure.
    code, report = doctor(env)
    backend = by_name(report)["backend"]
    assert code == 0 and backend["status"] == "warn" and "unreachable" in backend["summary"]


def test_clock_skew_from_the_date_header_is_reported(tmp_path: Path) -> None:
    env = kiosk_env(tmp_path / "kiosk", TATAMI_CAMERA_SOURCE="stdin")
    late = ManualClock(SystemClock().now() - timedelta(minutes=10))
    with live_server(tmp_path / "server", clock=late) as server:
        code, report = doctor(env, "--api", server.base_url, "--tenant", GT)
    clock = by_name(report)["clock"]
    assert clock["status"] == "warn" and "ahead of the backend" in clock["summary"]
    assert 590 < clock["data"]["skewSeconds"] < 610
    assert "set-ntp" in clock["hint"]
    assert code == 1  # not because of the clock: this kiosk has no roster
    assert [c["name"] for c in report["checks"] if c["status"] == "fail"] == ["roster"]


def test_what_blocks_check_in_fails_with_a_hint(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    roster = ROOT / "tests" / "data" / "vector_roster.json"
    env = kiosk_env(data_dir, TATAMI_CAMERA_SOURCE="camera:3", TATAMI_DECODER_ENGINE="wechat")
    assert kiosk("roster", "import", str(roster), env=env).returncode == 0
    result = kiosk("doctor", env=env)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith("fail  decoders") and "wechat" in line for line in lines)
    assert "check-in is BLOCKED" in result.stdout
    if not HAS_CAMERA:
        assert any(line.startswith("fail  camera") for line in lines)
        assert any("→ plug the camera in" in line for line in lines)
    assert any(
        line.startswith("ok    instance") and "no kiosk is running" in line for line in lines
    )

    # Beside a running kiosk: doctor says so and does not open its camera.
    with InstanceLock(data_dir / "data" / "kiosk.lock", "kiosk"):
        code, report = doctor(env)
    checks = by_name(report)
    assert f"pid {os.getpid()}" in checks["instance"]["summary"]
    assert checks["camera"]["data"]["probed"] is False

    broken = kiosk_env(data_dir, TATAMI_SOUND="loud")
    code, report = doctor(broken)
    config = by_name(report)["config"]
    assert code == 1 and config["status"] == "fail"
    assert "TATAMI_SOUND: sound = 'loud'" in config["summary"]


def test_newer_or_damaged_database_fails(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk"
    env = kiosk_env(data_dir, TATAMI_CAMERA_SOURCE="stdin")
    roster = ROOT / "tests" / "data" / "vector_roster.json"
    assert kiosk("roster", "import", str(roster), env=env).returncode == 0
    database = data_dir / "data" / "kiosk.sqlite3"
    conn = sqlite3.connect(database)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('tatami-kiosk', 'm999_future', 'x')"
        )
    conn.close()
    code, report = doctor(env)
    assert code == 1
    assert "newer version" in by_name(report)["database"]["summary"]

    with database.open("r+b") as damaged:
        damaged.seek(0)
        damaged.write(b"this is no longer a database")
    code, report = doctor(env)
    assert code == 1 and by_name(report)["database"]["status"] == "fail"
    assert "backup restore" in by_name(report)["database"]["hint"]


@pytest.mark.parametrize("flag", [[], ["--json"]])
def test_fresh_machine_names_the_first_step(tmp_path: Path, flag: list[str]) -> None:
    env = kiosk_env(tmp_path, TATAMI_CAMERA_SOURCE="stdin")
    result = kiosk("doctor", *flag, env=env)
    assert result.returncode == 1
    assert "tatami-kiosk setup" in result.stdout
    assert not (tmp_path / "data" / "kiosk.sqlite3").exists()  # doctor creates no database

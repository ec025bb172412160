"""``tatami-kiosk smoke``: the release smoke against the reference server (as CI runs it)."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

from kiosk.commands.smoke import run_smoke
from kiosk.server.seed import student_id_for
from tests.ops_support import ADMIN, GT, kiosk, kiosk_env, live_server

STEPS = [
    "health",
    "ready",
    "login",
    "student",
    "issue_pass",
    "attendance_scan",
    "rescan_counted_once",
    "promotion_check",
]


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {step["name"]: step["status"] for step in report["steps"]}


def test_release_smoke_passes_against_the_reference_server(tmp_path: Path) -> None:
    with live_server(tmp_path / "server") as server:
        assert server.seed is not None
        password = server.seed.password
        result = kiosk(
            "smoke",
            "--api",
            server.base_url,
            "--tenant",
            GT,
            "--email",
            ADMIN,
            "--password-stdin",
            env=kiosk_env(tmp_path / "kiosk"),
            stdin=password + "\n",
        )
        assert result.returncode == 0, result.stdout + result.stderr
        report = json.loads(result.stdout)
        assert report["ok"] is True and report["api"] == server.base_url
        assert [step["name"] for step in report["steps"]] == STEPS
        assert set(statuses(report).values()) == {"passed"}
        steps = {step["name"]: step for step in report["steps"]}
        assert steps["attendance_scan"]["data"]["status"] == "created"
        assert isinstance(steps["promotion_check"]["data"]["eligible"], bool)
        assert password not in result.stdout + result.stderr

        # Again for a chosen student, by an instructor: a second pass for the same student in
        # the same window is "duplicate" at the first scan, and that is a pass too.
        eligible = student_id_for(GT, "eligible")
        again = run_smoke(server.base_url, GT, "instructor@golden-tiger.test", password, eligible)
        assert again["ok"] is True, again
        first_scan = next(s for s in again["steps"] if s["name"] == "attendance_scan")
        assert first_scan["data"]["status"] in ("created", "duplicate")
        check = next(s for s in again["steps"] if s["name"] == "promotion_check")
        assert check["data"]["eligible"] is True


def test_failures_are_reported_and_dependent_steps_skipped(tmp_path: Path) -> None:
    with live_server(tmp_path / "server") as server:
        assert server.seed is not None
        wrong = run_smoke(server.base_url, GT, ADMIN, "not-the-password")
        assert wrong["ok"] is False
        assert statuses(wrong) == {
            "health": "passed",
            "ready": "passed",
            "login": "failed",
            "student": "skipped",
            "issue_pass": "skipped",
            "attendance_scan": "skipped",
            "rescan_counted_once": "skipped",
            "promotion_check": "skipped",
        }
        login = next(s for s in wrong["steps"] if s["name"] == "login")
        assert "401" in login["detail"] and "request id" in login["detail"]

        student = run_smoke(server.base_url, GT, "student@golden-tiger.test", server.seed.password)
        login = next(s for s in student["steps"] if s["name"] == "login")
        assert login["status"] == "failed" and "needs a staff role" in login["detail"]

        unknown = run_smoke(
            server.base_url, GT, ADMIN, server.seed.password, "00000000-0000-4000-8000-000000000000"
        )
        assert statuses(unknown)["issue_pass"] == "failed"
        assert statuses(unknown)["promotion_check"] == "failed"


def test_unreachable_environment_fails_fast_with_exit_1(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = kiosk(
        "smoke",
        "--api",
        f"http://127.0.0.1:{port}",
        "--tenant",
        GT,
        "--email",
        ADMIN,
        "--password-stdin",
        env=kiosk_env(tmp_path),
        stdin="secret\n",
    )
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert statuses(report)["health"] == "failed" and "ConnectError" in report["steps"][0]["detail"]
    empty = kiosk(
        "smoke",
        "--api",
        "http://127.0.0.1:1",
        "--tenant",
        GT,
        "--email",
        ADMIN,
        "--password-stdin",
        env=kiosk_env(tmp_path),
        stdin="\n",
    )
    assert empty.returncode == 2 and "empty password" in empty.stderr

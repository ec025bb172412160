"""Logs: JSON lines with a request id, and no planted secret ever reaches them."""

from __future__ import annotations

import json
import logging
import uuid
from pathlib import Path

import pytest

from kiosk.server.observability import JsonFormatter
from kiosk.server.seed import student_id_for
from tests.server_support import GT, NOW, Api, bearer, item, running

CANARY_PASSWORD = "Canary-Password-8841"
CANARY_NAME = "Zebulon Canaryfield"
CANARY_EMAIL = "zebulon.canary@example.org"


def _server_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    # httpx logs the *client's* requests in this process; only the server's lines matter here.
    return [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]


def test_no_secret_reaches_the_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with running(tmp_path) as (server, _clock), Api(server) as api:
        login = api.login()
        admin = bearer(login["accessToken"])
        secrets = {
            login["accessToken"],
            login["refreshToken"],
            CANARY_PASSWORD,
            CANARY_NAME,
            CANARY_EMAIL,
        }
        api.http.post("/api/auth/login", json={"email": CANARY_EMAIL, "password": CANARY_PASSWORD})
        student = api.http.post(
            "/api/students",
            json={
                "fullName": CANARY_NAME,
                "email": CANARY_EMAIL,
                "program": "kids",
                "rank": "white",
            },
            headers=admin,
        ).json()
        qr = api.http.post("/api/qr", json={"studentId": student["id"]}, headers=admin).json()
        secrets.add(qr["token"])
        scanned = api.http.post("/api/attendance/scan", json={"token": qr["token"]}, headers=admin)
        assert scanned.status_code == 201
        api.http.post("/api/attendance/scan", json={"token": qr["token"] + "x"}, headers=admin)
        kiosk_id, device = api.register_kiosk()
        secrets.add(device)
        kiosk_token = api.kiosk_token(device)
        secrets.add(kiosk_token)
        kiosk = bearer(kiosk_token)
        # A token in a query string must not be logged with the path.
        api.http.get("/api/kiosk/roster", params={"since": 0, "token": qr["token"]}, headers=kiosk)
        nonce = "n" * 22
        secrets.add(nonce)
        api.checkins(kiosk, [item(student_id_for(GT, "close"), NOW, nonce=nonce, kind="pass")])
        api.http.post(
            "/api/kiosk/events",
            json={
                "events": [
                    {
                        "eventId": str(uuid.uuid4()),
                        "kind": "scan_error",
                        "at": "2026-11-23T16:40:00Z",
                        "data": {"token": qr["token"], "name": CANARY_NAME},
                    }
                ]
            },
            headers=kiosk,
        )
        refresh = api.http.post("/api/auth/refresh", json={"refreshToken": login["refreshToken"]})
        secrets.add(refresh.json()["refreshToken"])
        assert kiosk_id
    records = _server_records(caplog)
    formatter = JsonFormatter()
    lines = [formatter.format(r) for r in records]
    assert any('"event": "access"' in line for line in lines)
    for record, line in zip(records, lines, strict=True):
        raw = f"{record.getMessage()} {vars(record)}"
        for secret in secrets:
            assert secret not in line, f"{secret[:12]}… in a log line: {line}"
            assert secret not in raw, f"{secret[:12]}… in a log record: {raw}"
    for line in lines:
        assert json.loads(line)["request_id"]


def test_every_request_line_has_the_response_request_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    with running(tmp_path) as (server, _clock), Api(server) as api:
        ids = {api.http.get(path).headers["x-request-id"] for path in ("/health", "/nope")}
        staff = bearer(api.token("assistant"))
        scan = api.http.post("/api/attendance/scan", json={"token": "junk"}, headers=staff)
        ids.add(scan.headers["x-request-id"])
    lines = [json.loads(JsonFormatter().format(r)) for r in _server_records(caplog)]
    access = [line for line in lines if line.get("event") == "access"]
    assert ids <= {line["request_id"] for line in access}
    scan_lines = [line for line in lines if line.get("event") == "scan"]
    assert scan_lines and scan_lines[0]["request_id"] == scan.headers["x-request-id"]
    assert scan_lines[0]["tenant"] == GT
    assert all(line["tenant"] in {"-", GT} for line in access)

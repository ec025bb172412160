"""Tenant isolation: resolution from the host, cross-tenant credentials, scoped data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kiosk.server.clock import ManualClock
from kiosk.server.embedded import RunningServer
from kiosk.server.seed import student_id_for, tenant_id_for
from tests.server_support import GT, IC, NOW, PASSWORD, Api, bearer, item, running


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[RunningServer, Api, Api]]:
    with running(tmp_path) as (server, _clock):
        golden, iron = Api(server, GT), Api(server, IC)
        yield server, golden, iron
        golden.close()
        iron.close()


def _security_reasons(api: Api) -> list[str]:
    events = api.http.get(
        "/api/events", params={"kind": "security"}, headers=bearer(api.token())
    ).json()["events"]
    return [e["data"].get("reason", "") for e in events]


def test_a_token_on_b_host_is_403_and_a_security_event(
    env: tuple[RunningServer, Api, Api],
) -> None:
    server, golden, iron = env
    golden_token = golden.token()
    response = iron.http.get("/api/students", headers=bearer(golden_token))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "cross_tenant"
    assert "cross_tenant" in _security_reasons(iron)
    assert "cross_tenant" not in _security_reasons(golden)
    assert server.metrics.value("tatami_cross_tenant_attempts_total", tenant=IC) == 1


def test_a_device_token_on_b_host_is_403(env: tuple[RunningServer, Api, Api]) -> None:
    _server, golden, iron = env
    _kiosk_id, device = golden.register_kiosk()
    refused = iron.http.post("/api/auth/refresh", json={"deviceToken": device})
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "cross_tenant"
    kiosk = bearer(golden.kiosk_token(device))
    roster = iron.http.get("/api/kiosk/roster", headers=kiosk)
    assert roster.status_code == 403
    assert _security_reasons(iron).count("cross_tenant") == 2


def test_a_refresh_token_on_b_host_is_403(env: tuple[RunningServer, Api, Api]) -> None:
    _server, golden, iron = env
    refresh = golden.login()["refreshToken"]
    response = iron.http.post("/api/auth/refresh", json={"refreshToken": refresh})
    assert response.status_code == 403


def test_roster_and_queries_never_show_the_other_tenant(
    env: tuple[RunningServer, Api, Api],
) -> None:
    _server, golden, _iron = env
    iron_ids = {student_id_for(IC, i) for i in range(40)}
    roster = golden.roster(golden.new_kiosk())
    assert roster["tenant"]["id"] == tenant_id_for(GT)
    assert not iron_ids & {s["id"] for s in roster["students"]}
    assert len(roster["students"]) == 40
    staff = bearer(golden.token())
    foreign = student_id_for(IC, "eligible")
    assert golden.http.get(f"/api/students/{foreign}", headers=staff).status_code == 404
    check = golden.http.post("/api/promotions/check", json={"studentId": foreign}, headers=staff)
    assert check.status_code == 404
    listed = golden.http.get("/api/students", params={"limit": 1000}, headers=staff).json()
    assert not iron_ids & {s["id"] for s in listed["students"]}


def test_a_foreign_student_uploaded_by_a_kiosk_is_rejected(
    env: tuple[RunningServer, Api, Api],
) -> None:
    _server, golden, _iron = env
    kiosk = golden.new_kiosk()
    result = golden.checkins(kiosk, [item(student_id_for(IC, "eligible"), NOW)]).json()
    assert result["results"][0]["status"] == "rejected"
    assert result["results"][0]["reason"] == "wrong_tenant"


def test_tenant_comes_from_the_host(env: tuple[RunningServer, Api, Api]) -> None:
    server, _golden, _iron = env
    with httpx.Client(base_url=server.base_url, timeout=30) as plain:
        by_host = plain.post(
            "/api/auth/login",
            json={"email": "admin@iron-crane.test", "password": PASSWORD},
            headers={"Host": "iron-crane.localhost:4000"},
        )
        assert by_host.status_code == 200
        assert by_host.json()["user"]["tenantId"] == tenant_id_for(IC)
        by_domain = plain.get("/api/classes", headers={"Host": "iron-crane.tatamitech.com"})
        assert by_domain.status_code == 401  # the tenant resolved; the caller did not sign in
        none = plain.get("/api/classes")
        assert none.status_code == 400
        assert none.json()["error"]["code"] == "tenant_required"
        ghost = plain.get("/api/classes", headers={"X-Tenant": "no-such-dojo"})
        assert ghost.status_code == 404
        assert ghost.json()["error"]["code"] == "tenant_not_found"
        conflict = plain.get(
            "/api/classes", headers={"Host": "golden-tiger.localhost", "X-Tenant": IC}
        )
        assert conflict.json()["error"]["code"] == "tenant_conflict"


def test_x_tenant_and_localhost_only_in_development(tmp_path: Path) -> None:
    staging = running(tmp_path, clock=ManualClock(NOW), app_env="staging", jwt_secret="s" * 40)
    with staging as (server, _clock), httpx.Client(base_url=server.base_url, timeout=30) as plain:
        header_only = plain.get("/api/classes", headers={"X-Tenant": GT})
        assert header_only.json()["error"]["code"] == "tenant_required"
        localhost = plain.get("/api/classes", headers={"Host": "golden-tiger.localhost"})
        assert localhost.json()["error"]["code"] == "tenant_required"
        domain = plain.get("/api/classes", headers={"Host": "golden-tiger.tatamitech.com"})
        assert domain.status_code == 401

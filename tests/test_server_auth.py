"""Auth flows of the reference server: login, refresh rotation and grace, kiosks, RBAC."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import jwt
import pytest
import sqlalchemy as sa

from kiosk.server import schema
from kiosk.server.clock import ManualClock
from kiosk.server.config import RateLimit
from kiosk.server.embedded import RunningServer
from kiosk.server.security import verify_password
from kiosk.server.seed import student_id_for
from tests.server_support import GT, PASSWORD, Api, bearer, running


@pytest.fixture
def env(tmp_path: Path) -> Iterator[tuple[RunningServer, ManualClock, Api]]:
    with running(tmp_path) as (server, clock):
        api = Api(server)
        yield server, clock, api
        api.close()


def test_login_me_and_wrong_password(env: tuple[RunningServer, ManualClock, Api]) -> None:
    server, _clock, api = env
    body = api.login("instructor")
    assert body["user"]["role"] == "instructor"
    assert body["user"]["email"] == "instructor@golden-tiger.test"
    assert body["refreshToken"] and body["accessToken"]
    claims = jwt.decode(body["accessToken"], options={"verify_signature": False})
    assert {"sub", "tenantId", "role", "iat", "exp"} <= set(claims)
    assert claims["exp"] - claims["iat"] == 15 * 60
    me = api.http.get("/api/me", headers=bearer(body["accessToken"]))
    assert me.status_code == 200 and me.json()["id"] == body["user"]["id"]

    wrong = api.http.post(
        "/api/auth/login",
        json={"email": "instructor@golden-tiger.test", "password": "nope", "tenantSlug": GT},
    )
    assert wrong.status_code == 401
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    unknown = api.http.post(
        "/api/auth/login", json={"email": "ghost@golden-tiger.test", "password": PASSWORD}
    )
    assert unknown.status_code == 401
    assert (
        server.metrics.value("tatami_auth_failures_total", tenant=GT, reason="invalid_credentials")
        == 2
    )


def test_login_slug_must_match_the_host(env: tuple[RunningServer, ManualClock, Api]) -> None:
    _server, _clock, api = env
    response = api.http.post(
        "/api/auth/login",
        json={"email": "admin@iron-crane.test", "password": PASSWORD, "tenantSlug": "iron-crane"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "tenant_mismatch"


def test_refresh_rotates_with_a_grace_then_detects_reuse(
    env: tuple[RunningServer, ManualClock, Api],
) -> None:
    _server, clock, api = env
    first = api.login()["refreshToken"]
    rotated = api.http.post("/api/auth/refresh", json={"refreshToken": first})
    assert rotated.status_code == 200
    second = rotated.json()["refreshToken"]
    assert second != first
    # A lost response: the old token still works within 30 s.
    clock.advance(timedelta(seconds=20))
    again = api.http.post("/api/auth/refresh", json={"refreshToken": first})
    assert again.status_code == 200
    # After the grace it is a replay: the whole family is revoked.
    clock.advance(timedelta(seconds=15))
    replay = api.http.post("/api/auth/refresh", json={"refreshToken": first})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "refresh_token_reused"
    revoked = api.http.post("/api/auth/refresh", json={"refreshToken": second})
    assert revoked.status_code == 401
    events = api.http.get(
        "/api/events", params={"kind": "security"}, headers=bearer(api.token())
    ).json()["events"]
    assert any(e["data"]["reason"] == "refresh_token_reuse" for e in events)


def test_refresh_cookie_for_browsers(env: tuple[RunningServer, ManualClock, Api]) -> None:
    _server, _clock, api = env
    login = api.http.post(
        "/api/auth/login", json={"email": "admin@golden-tiger.test", "password": PASSWORD}
    )
    cookie = login.headers["set-cookie"]
    assert "tatami_refresh=" in cookie and "HttpOnly" in cookie
    # httpx keeps the cookie; an empty body refreshes through it.
    assert api.http.post("/api/auth/refresh", json={}).status_code == 200


def test_access_token_expires_on_the_server_clock(
    env: tuple[RunningServer, ManualClock, Api],
) -> None:
    _server, clock, api = env
    token = api.token()
    assert api.http.get("/api/me", headers=bearer(token)).status_code == 200
    clock.advance(timedelta(minutes=16))
    expired = api.http.get("/api/me", headers=bearer(token))
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "token_expired"


def test_algorithm_is_pinned(env: tuple[RunningServer, ManualClock, Api]) -> None:
    _server, _clock, api = env
    claims = jwt.decode(api.token(), options={"verify_signature": False})
    unsigned = jwt.encode(claims, key=None, algorithm="none")
    forged = jwt.encode(claims, "not-the-secret-not-the-secret-not-the-secret", "HS256")
    for token in (unsigned, forged):
        response = api.http.get("/api/me", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_token"


def test_credentials_are_stored_hashed(env: tuple[RunningServer, ManualClock, Api]) -> None:
    server, _clock, api = env
    kiosk_id, device = api.register_kiosk()
    refresh = api.login()["refreshToken"]
    with server.database.read_tx() as conn:
        stored = conn.execute(
            sa.select(schema.kiosks.c.device_token_hash).where(schema.kiosks.c.id == kiosk_id)
        ).scalar_one()
        refresh_hashes = conn.execute(sa.select(schema.refresh_tokens.c.token_hash)).scalars()
        assert hashlib.sha256(refresh.encode()).hexdigest() in set(refresh_hashes)
        passwords = conn.execute(sa.select(schema.users.c.password_hash)).scalars().all()
        everything = [
            str(row)
            for table in schema.metadata.sorted_tables
            for row in conn.execute(sa.select(table))
        ]
    assert stored != device and stored == hashlib.sha256(device.encode()).hexdigest()
    assert len(passwords) == 10  # five users in each academy
    for encoded in passwords:
        assert re.fullmatch(r"scrypt\$16384\$8\$1\$[\w-]{22}\$[\w-]{43}", encoded), encoded
        assert verify_password(PASSWORD, encoded)
    assert len({encoded.split("$")[4] for encoded in passwords}) == len(passwords)  # own salts
    # No column of any table holds a secret in clear.
    for secret in (device, refresh, PASSWORD):
        assert not any(secret in row for row in everything)


def test_kiosk_session_and_revocation(env: tuple[RunningServer, ManualClock, Api]) -> None:
    _server, _clock, api = env
    kiosk_id, device = api.register_kiosk("dojo entrance")
    assert len(device) <= 256
    refreshed = api.http.post("/api/auth/refresh", json={"deviceToken": device}).json()
    assert refreshed["expiresIn"] == 15 * 60
    claims = jwt.decode(refreshed["accessToken"], options={"verify_signature": False})
    assert claims["role"] == "kiosk" and claims["sub"] == kiosk_id
    kiosk = bearer(refreshed["accessToken"])
    me = api.http.get("/api/me", headers=kiosk).json()
    assert me["kind"] == "kiosk" and me["role"] == "kiosk"

    deleted = api.http.delete(f"/api/kiosks/{kiosk_id}", headers=bearer(api.token()))
    assert deleted.status_code == 204
    refused = api.http.post("/api/auth/refresh", json={"deviceToken": device})
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "device_revoked"
    # The access token already handed out stops working at once too.
    assert api.http.get("/api/kiosk/roster", headers=kiosk).json()["error"]["code"] == (
        "device_revoked"
    )


@pytest.mark.parametrize(
    ("who", "method", "path", "body", "allowed"),
    [
        ("student", "GET", "/api/students", None, False),
        ("assistant", "GET", "/api/students", None, True),
        ("assistant", "POST", "/api/promotions/promote", {"studentId": "eligible"}, False),
        ("instructor", "POST", "/api/kiosks", {"name": "x"}, False),
        ("instructor", "GET", "/api/events", None, False),
        ("student", "POST", "/api/attendance/scan", {"token": "x"}, False),
        ("student", "POST", "/api/qr", {"studentId": "close"}, False),
        ("student", "POST", "/api/qr", {"studentId": "eligible", "kind": "card"}, False),
        ("student", "POST", "/api/qr", {"studentId": "eligible"}, True),
        ("student", "POST", "/api/promotions/check", {"studentId": "eligible"}, True),
        ("student", "POST", "/api/promotions/check", {"studentId": "close"}, False),
        (
            "instructor",
            "POST",
            "/api/students/{eligible}/override",
            {"type": "defer", "note": "wait"},
            True,
        ),
        (
            "assistant",
            "POST",
            "/api/students/{eligible}/override",
            {"type": "defer", "note": "wait"},
            False,
        ),
    ],
)
def test_role_allowlists(
    env: tuple[RunningServer, ManualClock, Api],
    who: str,
    method: str,
    path: str,
    body: dict[str, str] | None,
    allowed: bool,
) -> None:
    _server, _clock, api = env
    if body and body.get("studentId") in ("eligible", "close"):
        body = {**body, "studentId": student_id_for(GT, body["studentId"])}
    path = path.replace("{eligible}", student_id_for(GT, "eligible"))
    response = api.http.request(method, path, json=body, headers=bearer(api.token(who)))
    if allowed:
        assert response.status_code < 400, response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["error"]["code"] == "forbidden"


def test_kiosk_role_reaches_only_kiosk_endpoints(
    env: tuple[RunningServer, ManualClock, Api],
) -> None:
    _server, _clock, api = env
    kiosk = api.new_kiosk()
    assert api.http.get("/api/students", headers=kiosk).status_code == 403
    assert api.http.get("/api/kiosks", headers=kiosk).status_code == 403
    assert api.http.get("/api/classes", headers=kiosk).status_code == 200
    staff = bearer(api.token("assistant"))
    assert api.http.get("/api/kiosk/roster", headers=staff).status_code == 403


def test_login_is_rate_limited(tmp_path: Path) -> None:
    overrides = {"login_rate": RateLimit(capacity=3, per_second=0.001)}
    with (
        running(tmp_path, config_overrides=overrides) as (server, _clock),
        Api(server) as api,
        Api(server, "iron-crane") as other,
    ):
        body = {"email": "admin@golden-tiger.test", "password": "wrong"}
        codes = [api.http.post("/api/auth/login", json=body).status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        limited = api.http.post("/api/auth/login", json=body)
        assert int(limited.headers["Retry-After"]) >= 1
        assert limited.json()["error"]["code"] == "rate_limited"
        # Another academy (another bucket) is not affected.
        assert other.http.post("/api/auth/login", json=body).status_code == 401

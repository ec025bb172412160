"""QR passes and cards: issuing, online scan outcomes, revocation and key rotation."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.domain.tokens import read_token, verify_signature
from kiosk.server.clock import ManualClock
from kiosk.server.config import RateLimit
from kiosk.server.embedded import RunningServer
from kiosk.server.keys import rotate_keys, verification_keys
from kiosk.server.qr import PASS_MINUTES_MAX, PASS_MINUTES_MIN
from kiosk.server.seed import student_id_for
from tests.server_support import GT, IC, Api, bearer, running

Env = tuple[RunningServer, ManualClock, Api, dict[str, str]]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with running(tmp_path) as (server, clock):
        api = Api(server)
        yield server, clock, api, bearer(api.token("assistant"))
        api.close()


def _scan(
    api: Api, staff: dict[str, str], token: str, class_id: str | None = None
) -> tuple[int, dict[str, object]]:
    response = api.http.post(
        "/api/attendance/scan", json={"token": token, "classId": class_id}, headers=staff
    )
    return response.status_code, response.json()


def _code(body: dict[str, object]) -> str:
    error = body["error"]
    assert isinstance(error, dict)
    return str(error["code"])


def test_issue_pass_and_card(env: Env) -> None:
    _server, clock, api, staff = env
    student = student_id_for(GT, "close")
    issued = api.http.post("/api/qr", json={"studentId": student}, headers=staff).json()
    assert issued["kind"] == "pass"
    reading = read_token(issued["token"])
    assert reading.claims is not None
    assert reading.claims.student_id == student
    assert reading.claims.exp - int(clock.now().timestamp()) == 10 * 60
    assert len(reading.claims.nonce) >= 22  # ≥ 128 random bits, base64url
    too_long = api.http.post(
        "/api/qr", json={"studentId": student, "ttlMinutes": 20}, headers=staff
    )
    assert too_long.status_code == 422
    card = api.http.post(
        "/api/qr", json={"studentId": student, "kind": "card"}, headers=staff
    ).json()
    assert card["kind"] == "card" and card["cardId"]
    card_claims = read_token(card["token"]).claims
    assert card_claims is not None and card_claims.exp > reading.claims.exp + 300 * 86400
    missing = api.http.post("/api/qr", json={"studentId": str(uuid.uuid4())}, headers=staff)
    assert missing.status_code == 404


def test_pass_lifetime_bounds_are_documented_and_enforced(env: Env) -> None:
    _server, clock, api, staff = env
    ttl = api.http.get("/openapi.json").json()["components"]["schemas"]["QrIn"]["properties"][
        "ttlMinutes"
    ]
    (bounds,) = [branch for branch in ttl["anyOf"] if branch.get("type") == "integer"]
    assert (bounds["minimum"], bounds["maximum"]) == (PASS_MINUTES_MIN, PASS_MINUTES_MAX)
    student = student_id_for(GT, "close")
    for minutes in (PASS_MINUTES_MIN - 1, PASS_MINUTES_MAX + 1):
        refused = api.http.post(
            "/api/qr", json={"studentId": student, "ttlMinutes": minutes}, headers=staff
        )
        assert refused.status_code == 422, minutes
        error = refused.json()["error"]
        assert set(error) == {"code", "message", "details"}
        assert error["code"] == "validation_error" and error["message"]
        assert [e["loc"] for e in error["details"]["errors"]] == [["body", "ttlMinutes"]]
    for minutes in (PASS_MINUTES_MIN, PASS_MINUTES_MAX):
        issued = api.http.post(
            "/api/qr", json={"studentId": student, "ttlMinutes": minutes}, headers=staff
        )
        assert issued.status_code == 200, issued.text
        claims = read_token(issued.json()["token"]).claims
        assert claims is not None
        assert claims.exp - int(clock.now().timestamp()) == minutes * 60


def test_online_scans_are_rate_limited(tmp_path: Path) -> None:
    # Almost no refill, so the bucket cannot fill up again while the test runs.
    overrides = {"scan_rate": RateLimit(capacity=2, per_second=0.001)}
    with (
        running(tmp_path, config_overrides=overrides) as (server, _clock),
        Api(server) as api,
        Api(server, IC) as other,
    ):
        staff = bearer(api.token("assistant"))
        token = server.issue_token(GT, student_id_for(GT, "close"))
        assert _scan(api, staff, "not a token")[0] == 400
        assert _scan(api, staff, token)[0] == 201
        limited = api.http.post("/api/attendance/scan", json={"token": token}, headers=staff)
        assert limited.status_code == 429
        error = limited.json()["error"]
        assert error["code"] == "rate_limited"
        retry_after = int(limited.headers["Retry-After"])
        assert retry_after >= 1 and error["details"]["retryAfterSeconds"] == retry_after
        assert server.metrics.value("tatami_rate_limited_total", tenant=GT, scope="scan") == 1
        # Refused before the token was read: only the first two scans were counted.
        assert server.metrics.value("tatami_scans_total", tenant=GT, result="ok") == 1
        # Another academy has its own bucket.
        other_staff = bearer(other.token("assistant"))
        other_token = server.issue_token(IC, student_id_for(IC, "close"))
        assert _scan(other, other_staff, other_token)[0] == 201


def test_online_scan_records_then_answers_duplicate(env: Env) -> None:
    _server, _clock, api, staff = env
    student = student_id_for(GT, "close")
    token = api.http.post("/api/qr", json={"studentId": student}, headers=staff).json()["token"]
    status, body = _scan(api, staff, token)
    assert status == 201
    assert body["status"] == "created"
    attendance = body["attendance"]
    assert isinstance(attendance, dict)
    assert attendance["sessionId"] == "c-mon-1700@2026-11-23"  # the kids' class in progress
    student_view = body["student"]
    assert isinstance(student_view, dict) and student_view["classesSincePromotion"] == 15
    # The same pass again for the same class: "already checked in", nothing new.
    status, body = _scan(api, staff, token)
    assert status == 200 and body["status"] == "duplicate"
    check = api.http.post("/api/promotions/check", json={"studentId": student}, headers=staff)
    assert check.json()["stats"]["classesAttended"] == 15


def test_replayed_pass_is_409(env: Env) -> None:
    server, clock, api, staff = env
    student = student_id_for(GT, "eligible")
    token = server.issue_token(GT, student, ttl=timedelta(hours=6))
    assert _scan(api, staff, token)[0] == 201
    clock.advance(timedelta(hours=3))  # another session, outside the window: a replay
    status, body = _scan(api, bearer(api.token("assistant")), token)
    assert status == 409 and _code(body) == "replay"


def test_scan_errors(env: Env) -> None:
    server, clock, api, staff = env
    eligible = student_id_for(GT, "eligible")
    expired = server.issue_token(GT, eligible, now=clock.now() - timedelta(hours=1))
    assert server.seed is not None
    cases = {
        "invalid_code": (400, "hello, not a token"),
        "token_expired": (401, expired),
        "wrong_tenant": (403, server.issue_token(IC, student_id_for(IC, "eligible"))),
        "bad_signature": (401, server.issue_token(GT, eligible)[:-6] + "AAAAAA"),
        "unknown_student": (404, server.issue_token(GT, str(uuid.uuid4()))),
        "revoked": (403, server.seed.tenants[GT].revoked_card),
        "student_inactive": (409, server.issue_token(GT, student_id_for(GT, "suspended"))),
    }
    for code, (status, token) in cases.items():
        got_status, body = _scan(api, staff, token)
        assert (got_status, _code(body)) == (status, code), code
    admin = bearer(api.token())
    events = api.http.get("/api/events", headers=admin).json()["events"]
    reasons = {(e["kind"], e["data"]["reason"]) for e in events}
    assert ("security", "wrong_tenant") in reasons
    assert ("security", "bad_signature") in reasons
    assert ("attempt", "student_inactive") in reasons
    assert ("scan_error", "expired") in reasons
    # Events never carry the token itself.
    assert not any(token in str(e) for e in events for _s, token in cases.values())
    assert server.metrics.value("tatami_scans_total", tenant=GT, result="replay") == 0
    assert server.metrics.value("tatami_scans_total", tenant=GT, result="expired") == 1


def test_cards_are_reusable_and_revocable(env: Env) -> None:
    server, clock, api, staff = env
    assert server.seed is not None
    holder = student_id_for(GT, "card_holder")
    card = server.seed.tenants[GT].cards[holder]
    assert _scan(api, staff, card)[0] == 201
    clock.advance(timedelta(days=1))
    staff = bearer(api.token("assistant"))
    assert _scan(api, staff, card)[0] == 201  # a card is not single use
    cards = api.http.get(f"/api/students/{holder}/cards", headers=staff).json()["cards"]
    assert len(cards) == 1
    assert api.http.delete(f"/api/qr/cards/{cards[0]['cardId']}", headers=staff).status_code == 204
    clock.advance(timedelta(days=1))
    status, body = _scan(api, bearer(api.token("assistant")), card)
    assert (status, _code(body)) == (403, "revoked")
    roster = api.roster(api.new_kiosk())
    nonce = read_token(card).claims
    assert nonce is not None and nonce.nonce in roster["revokedNonces"]


def test_key_rotation_keeps_old_cards_valid(env: Env) -> None:
    server, clock, api, staff = env
    assert server.seed is not None
    holder = student_id_for(GT, "card_holder")
    old_card = server.seed.tenants[GT].cards[holder]
    new_kid, retired = rotate_keys(server.database, GT, clock.now())
    assert len(retired) == 1
    roster = api.roster(api.new_kiosk())
    statuses = {k["kid"]: k["status"] for k in roster["keys"]}
    assert statuses == {new_kid: "active", retired[0]: "retired"}
    fresh = api.http.post("/api/qr", json={"studentId": holder}, headers=staff).json()["token"]
    fresh_reading = read_token(fresh)
    assert fresh_reading.kid == new_kid
    keys = verification_keys(roster["keys"])
    assert verify_signature(read_token(old_card), keys)
    assert verify_signature(fresh_reading, keys)
    assert _scan(api, staff, old_card)[0] == 201


def test_class_named_by_staff_must_be_on(env: Env) -> None:
    server, _clock, api, staff = env
    token = server.issue_token(GT, student_id_for(GT, "eligible_adult"))
    status, body = _scan(api, staff, token, class_id="c-sat-1000")
    assert (status, _code(body)) == (409, "class_not_in_session")
    status, body = _scan(api, staff, token, class_id="c-mon-1700")
    assert status == 201

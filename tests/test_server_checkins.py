"""Kiosk check-in batches: idempotency forever, duplicates, flags, rejections, poison items."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.domain.tokens import read_token
from kiosk.server import schema
from kiosk.server.clock import ManualClock
from kiosk.server.config import RateLimit
from kiosk.server.embedded import RunningServer
from kiosk.server.ingest import count_since
from kiosk.server.seed import student_id_for, tenant_id_for
from tests.server_support import GT, NOW, Api, bearer, item, running

Env = tuple[RunningServer, ManualClock, Api, dict[str, str]]
KIDS_SESSION = {"classId": "c-mon-1700", "sessionId": "c-mon-1700@2026-11-23"}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with running(tmp_path) as (server, clock):
        api = Api(server)
        yield server, clock, api, api.new_kiosk("kiosk A")
        api.close()


def _results(response: Any) -> dict[str, dict[str, Any]]:
    assert response.status_code == 200, response.text
    return {r["scanId"]: r for r in response.json()["results"]}


def _count_truth(server: RunningServer, student_id: str) -> tuple[int, int]:
    """(kept counter, recount from attendance rows)."""
    with server.database.read_tx() as conn:
        row = conn.execute(
            sa.select(
                schema.students.c.classes_since_promotion, schema.students.c.rank_since
            ).where(schema.students.c.id == student_id)
        ).one()
        truth = count_since(conn, tenant_id_for(GT), student_id, row.rank_since)
    return row.classes_since_promotion, truth


def test_batch_is_idempotent_forever(env: Env) -> None:
    server, clock, api, _kiosk = env
    _kiosk_id, device = api.register_kiosk("kiosk with a flaky network")
    items = [
        item(student_id_for(GT, "eligible"), NOW - timedelta(minutes=5), **KIDS_SESSION),
        item(student_id_for(GT, "close"), NOW - timedelta(minutes=4), **KIDS_SESSION),
        item(student_id_for(GT, "eligible_adult"), NOW - timedelta(minutes=3)),
    ]
    first = api.checkins(bearer(api.kiosk_token(device)), items)
    results = _results(first)
    assert [results[i["scanId"]]["status"] for i in items] == ["created"] * 3
    seqs = [results[i["scanId"]]["seq"] for i in items]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert first.json()["seq"] == seqs[-1]
    # The response was lost. Much later the kiosk sends the same items again, in another
    # order, with a new one: the known ones answer their original result.
    clock.advance(timedelta(hours=5))
    extra = item(student_id_for(GT, "card_holder"), clock.now())
    resend = _results(api.checkins(bearer(api.kiosk_token(device)), [*reversed(items), extra]))
    assert {k: v for k, v in resend.items() if k != extra["scanId"]} == results
    assert resend[extra["scanId"]]["status"] == "created"
    assert resend[extra["scanId"]]["seq"] == seqs[-1] + 1
    for student in ("eligible", "close", "eligible_adult"):
        kept, truth = _count_truth(server, student_id_for(GT, student))
        assert kept == truth


def test_same_session_from_two_kiosks_counts_once(env: Env) -> None:
    server, _clock, api, kiosk_a = env
    kiosk_b = api.new_kiosk("kiosk B")
    student = student_id_for(GT, "close")
    first = item(student, NOW - timedelta(minutes=20), **KIDS_SESSION)
    second = item(student, NOW - timedelta(minutes=2), **KIDS_SESSION)
    created = _results(api.checkins(kiosk_a, [first]))[first["scanId"]]
    duplicate = _results(api.checkins(kiosk_b, [second]))[second["scanId"]]
    assert created["status"] == "created"
    assert duplicate == {"scanId": second["scanId"], "status": "duplicate", "seq": created["seq"]}
    assert _count_truth(server, student) == (15, 15)


def test_window_rule_without_class_and_out_of_order_arrival(env: Env) -> None:
    server, _clock, api, kiosk_a = env
    kiosk_b = api.new_kiosk("kiosk B")
    student = student_id_for(GT, "eligible_adult")
    later = item(student, NOW - timedelta(minutes=10))
    earlier = item(student, NOW - timedelta(minutes=70))  # kiosk B was offline, syncs late
    far = item(student, NOW - timedelta(hours=5))
    assert _results(api.checkins(kiosk_a, [later]))[later["scanId"]]["status"] == "created"
    results = _results(api.checkins(kiosk_b, [earlier, far]))
    assert results[earlier["scanId"]]["status"] == "duplicate"
    assert results[far["scanId"]]["status"] == "created"
    kept, truth = _count_truth(server, student)
    assert kept == truth == 70 + 2


def test_flags_and_rejections(env: Env) -> None:
    server, _clock, api, kiosk = env
    assert server.seed is not None
    nonce = "p" * 22
    eligible = student_id_for(GT, "eligible")
    revoked_holder = student_id_for(GT, "revoked_card")
    revoked_claims = read_token(server.seed.tenants[GT].revoked_card).claims
    assert revoked_claims is not None
    items = {
        "pass": item(eligible, NOW - timedelta(hours=5), nonce=nonce, kind="pass"),
        "replayed": item(eligible, NOW - timedelta(minutes=1), nonce=nonce, kind="pass"),
        "suspended": item(student_id_for(GT, "suspended"), NOW),
        "revoked": item(revoked_holder, NOW, nonce=revoked_claims.nonce, kind="card"),
        "unknown": item(str(uuid.uuid4()), NOW),
        "future": item(student_id_for(GT, "close"), NOW + timedelta(hours=2)),
        "bad_session": item(
            student_id_for(GT, "close"),
            NOW,
            classId="c-mon-1700",
            sessionId="c-wed-1700@2026-11-23",
        ),
    }
    results = _results(api.checkins(kiosk, list(items.values())))
    got = {
        name: (results[i["scanId"]]["status"], results[i["scanId"]].get("reason"))
        for name, i in items.items()
    }
    assert got == {
        "pass": ("created", None),
        "replayed": ("flagged", "pass_replayed"),
        "suspended": ("flagged", "student_suspended"),
        "revoked": ("flagged", "card_revoked"),
        "unknown": ("rejected", "unknown_student"),
        "future": ("rejected", "scanned_in_future"),
        "bad_session": ("rejected", "invalid_session"),
    }
    # Flagged check-ins are facts: they count.
    assert results[items["replayed"]["scanId"]]["seq"] > results[items["pass"]["scanId"]]["seq"]
    assert _count_truth(server, eligible) == (22, 22)
    assert server.metrics.value("tatami_checkins_ingested_total", tenant=GT, status="flagged") == 3


def test_a_poison_item_is_rejected_alone(env: Env) -> None:
    _server, _clock, api, kiosk = env
    good = [item(student_id_for(GT, i), NOW - timedelta(minutes=i)) for i in range(13, 18)]
    poison: list[Any] = [
        {"scanId": str(uuid.uuid4()), "studentId": 42, "scannedAt": "yesterday"},
        {"scanId": "not-a-uuid", "studentId": student_id_for(GT, 20)},
        "just a string",
        {
            "scanId": str(uuid.uuid4()),
            "studentId": student_id_for(GT, 20),
            "scannedAt": "2026-11-23T10:00:00",
        },  # no UTC offset
    ]
    response = api.checkins(kiosk, [*good[:2], *poison, *good[2:]])
    body = response.json()
    assert response.status_code == 200
    statuses = [r["status"] for r in body["results"]]
    assert statuses.count("created") == 5
    assert statuses.count("rejected") == 4
    reasons = {r.get("reason") for r in body["results"] if r["status"] == "rejected"}
    assert reasons == {"invalid_item", "invalid_scan_id"}
    again = api.checkins(kiosk, [poison[0]]).json()["results"][0]
    assert again["status"] == "rejected"


def test_whole_batch_errors(env: Env) -> None:
    _server, _clock, api, kiosk = env
    not_object = api.http.post("/api/kiosk/checkins", json=[1, 2], headers=kiosk)
    assert not_object.status_code == 400
    assert not_object.json()["error"]["code"] == "bad_request"
    not_json = api.http.post("/api/kiosk/checkins", content=b"{nope", headers=kiosk)
    assert not_json.status_code == 400
    too_many = [item(student_id_for(GT, 20), NOW) for _ in range(501)]
    assert api.checkins(kiosk, too_many).status_code == 413


def test_seq_is_monotonic_and_drives_the_roster(env: Env) -> None:
    _server, _clock, api, kiosk = env
    before = api.roster(kiosk)
    student = student_id_for(GT, "close")
    result = api.checkins(kiosk, [item(student, NOW, **KIDS_SESSION)]).json()
    assert result["seq"] == before["seq"] + 1
    after = api.roster(kiosk, since=before["seq"])
    assert after["full"] is False and after["since"] == before["seq"]
    assert [s["id"] for s in after["students"]] == [student]
    assert after["students"][0]["classesSincePromotion"] == 15
    assert after["seq"] == result["seq"]


def test_events_are_idempotent_and_scrubbed(env: Env) -> None:
    _server, _clock, api, kiosk = env
    event_id = str(uuid.uuid4())
    event = {
        "eventId": event_id,
        "kind": "scan_error",
        "at": "2026-11-23T16:40:00Z",
        "data": {
            "outcome": "expired",
            "nonce": "ab12",
            "token": "secret-token-text",
            "displayName": "Ana S.",
        },
    }
    bad = {"eventId": "x", "kind": "Not Valid", "at": "now"}
    first = api.http.post("/api/kiosk/events", json={"events": [event, bad]}, headers=kiosk)
    assert first.json() == {
        "accepted": [event_id],
        "rejected": [{"eventId": "x", "reason": "invalid_event"}],
    }
    second = api.http.post("/api/kiosk/events", json={"events": [event]}, headers=kiosk)
    assert second.json()["accepted"] == [event_id]
    stored = api.http.get(
        "/api/events", params={"kind": "scan_error"}, headers=bearer(api.token())
    ).json()["events"]
    assert len(stored) == 1
    assert stored[0]["data"] == {"outcome": "expired", "nonce": "ab12"}


def test_heartbeat(env: Env) -> None:
    _server, _clock, api, kiosk = env
    beat = {
        "version": "0.1.0",
        "queueDepth": 3,
        "parked": 0,
        "lastUploadAt": None,
        "lastPullAt": "2026-11-23T16:30:00Z",
        "rosterSeq": 12,
        "cameraState": "ok",
        "clockOffsetMs": -420,
    }
    response = api.http.post("/api/kiosk/heartbeat", json=beat, headers=kiosk)
    assert response.json() == {"serverTime": "2026-11-23T16:45:00.000Z"}
    listed = api.http.get("/api/kiosks", headers=bearer(api.token())).json()["kiosks"]
    assert listed[0]["heartbeat"]["queueDepth"] == 3


def test_checkin_batches_are_rate_limited_per_kiosk(tmp_path: Path) -> None:
    # Almost no refill, so the bucket cannot fill up again while the test runs.
    overrides = {"checkin_rate": RateLimit(capacity=2, per_second=0.001)}
    with running(tmp_path, config_overrides=overrides) as (server, _clock), Api(server) as api:
        kiosk_a, kiosk_b = api.new_kiosk("kiosk A"), api.new_kiosk("kiosk B")
        student = student_id_for(GT, 20)
        first = [item(student, NOW - timedelta(minutes=5))]
        assert api.checkins(kiosk_a, first).status_code == 200
        assert api.checkins(kiosk_a, []).status_code == 200
        late = item(student, NOW - timedelta(minutes=1))
        limited = api.checkins(kiosk_a, [late])
        assert limited.status_code == 429
        error = limited.json()["error"]
        assert error["code"] == "rate_limited"
        retry_after = int(limited.headers["Retry-After"])
        assert retry_after >= 1 and error["details"]["retryAfterSeconds"] == retry_after
        assert server.metrics.value("tatami_rate_limited_total", tenant=GT, scope="checkins") == 1
        # The refused batch was not ingested; the kiosk sends it again later.
        with server.database.read_tx() as conn:
            stored = conn.execute(
                sa.select(schema.kiosk_checkins.c.scan_id).where(
                    schema.kiosk_checkins.c.scan_id == late["scanId"]
                )
            ).all()
        assert stored == []
        # The limit is per kiosk: another kiosk of the academy is served (a duplicate of the
        # first item, within the check-in window).
        assert _results(api.checkins(kiosk_b, [late]))[late["scanId"]]["status"] == "duplicate"

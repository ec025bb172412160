"""The reference server's grading: class rules, counts that only count what counts, rank
snapshots, kiosk promotion batches (idempotent), roster versions."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from kiosk.domain.roster import SCHEMA, SCHEMA_V1, parse_roster
from kiosk.server import schema
from kiosk.server.clock import ManualClock, iso_z
from kiosk.server.embedded import RunningServer
from kiosk.server.seed import student_id_for
from tests.server_support import GT, IC, NOW, Api, bearer, item, running

Env = tuple[RunningServer, ManualClock, Api]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with running(tmp_path) as (server, clock), Api(server) as api:
        yield server, clock, api


def _student(api: Api, student_id: str) -> dict[str, Any]:
    response = api.http.get(f"/api/students/{student_id}", headers=bearer(api.token()))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _promotion(student_id: str, at: datetime, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "promotionId": str(uuid.uuid4()),
        "studentId": student_id,
        "kind": "stripe",
        "fromRank": "blue",
        "fromStripes": 2,
        "toRank": "blue",
        "toStripes": 3,
        "promotedAt": iso_z(at),
        "clockOffsetMs": 0,
        "note": "after class",
        "createdBy": "pin:instructor",
    }
    body.update(fields)
    return body


def test_class_rules_are_set_by_an_admin_and_reach_the_roster(env: Env) -> None:
    _server, _clock, api = env
    admin = bearer(api.token("admin"))
    changed = api.http.patch(
        "/api/classes/c-sat-1000",
        json={"countsTowardPromotion": False, "checkinClosesMinutes": 45},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["countsTowardPromotion"] is False
    refused = api.http.patch(
        "/api/classes/c-sat-1000",
        json={"minRank": "yellow"},
        headers=bearer(api.token("instructor")),
    )
    assert refused.status_code == 403
    not_a_rank = api.http.patch("/api/classes/c-mon-1900", json={"minRank": "green"}, headers=admin)
    assert not_a_rank.status_code in (400, 422)  # green is not on the adults' ladder
    assert api.http.patch("/api/classes/nope", json={}, headers=admin).status_code == 404
    kiosk = api.new_kiosk()
    update = parse_roster(
        api.http.get("/api/kiosk/roster", params={"schema": 2}, headers=kiosk).json()
    )
    slots = {c.id: c for c in update.classes}
    assert slots["c-sat-1000"].counts is False
    assert slots["c-sat-1000"].checkin_closes_minutes == 45
    assert slots["c-thu-2030"].min_rank == "blue"
    assert slots["c-mon-1700"].tardy_after_minutes == 5
    scale = update.rules.stripe_scale("adults", "black")
    assert scale is not None and scale.count == 6 and scale.kind.value == "degree"
    ready = next(s for s in update.students if s.id == student_id_for(GT, "stripe_ready"))
    assert ready.stripes == 2 and ready.stripe_since is not None
    assert ready.classes_since_stripe == 24


def test_roster_version_follows_what_the_kiosk_reads(env: Env) -> None:
    _server, _clock, api = env
    kiosk = api.new_kiosk()
    old = api.http.get("/api/kiosk/roster", headers=kiosk).json()
    new = api.http.get("/api/kiosk/roster", params={"schema": 2}, headers=kiosk).json()
    assert old["schema"] == SCHEMA_V1 and new["schema"] == SCHEMA
    assert parse_roster(old).students == parse_roster(new).students


def test_only_classes_that_count_are_counted(env: Env) -> None:
    server, clock, api = env
    kiosk = api.new_kiosk()
    student = student_id_for(IC, "eligible")  # kids: the Sunday family class does not count
    crane = Api(server, IC)
    try:
        crane_kiosk = crane.new_kiosk()
        before = _student(crane, student)
        sunday = datetime(2026, 11, 22, 16, 5, tzinfo=UTC)  # 11:05 in New York
        session = {"classId": "k-sun-1100", "sessionId": "k-sun-1100@2026-11-22"}
        # An older kiosk sends no countsTowardPromotion: the schedule says it does not count.
        old = item(student, sunday, **session)
        response = crane.checkins(crane_kiosk, [old])
        assert response.json()["results"][0]["status"] == "created"
        after = _student(crane, student)
        assert after["classesSincePromotion"] == before["classesSincePromotion"]
        assert after["seq"] > before["seq"]  # still attendance: kiosks hear of it
        # A kiosk that says a class counts is believed (its schedule at scan time).
        counted = item(student, NOW - timedelta(hours=1), countsTowardPromotion=True)
        crane.checkins(crane_kiosk, [counted])
        assert (
            _student(crane, student)["classesSincePromotion"] == before["classesSincePromotion"] + 1
        )
        with server.database.engine.connect() as conn:
            flags = dict(
                conn.execute(
                    sa.select(schema.attendance.c.scan_id, schema.attendance.c.counts).where(
                        schema.attendance.c.scan_id.in_([old["scanId"], counted["scanId"]])
                    )
                ).all()
            )
        assert flags == {old["scanId"]: False, counted["scanId"]: True}
    finally:
        crane.close()
    del kiosk, clock


def test_online_scans_apply_the_class_rules(env: Env) -> None:
    server, clock, api = env
    staff = bearer(api.token("assistant"))
    # Monday 17:45 in Madrid: the kids' class began at 17:00, tardy after 5 minutes.
    token = server.issue_token(GT, student_id_for(GT, "close"))
    response = api.http.post("/api/attendance/scan", json={"token": token}, headers=staff)
    assert response.status_code == 201, response.text
    assert response.json()["attendance"]["tardy"] is True
    crane = Api(server, IC)
    try:
        adult = student_id_for(IC, "card_holder")  # adults, below brown
        # Monday 19:00 in New York: the 18:30 class closed check-in 20 minutes in.
        clock.set(datetime(2026, 11, 24, 0, 0, tzinfo=UTC))
        crane_staff = bearer(crane.token("assistant"))
        closed = crane.http.post(
            "/api/attendance/scan",
            json={"token": server.issue_token(IC, adult)},
            headers=crane_staff,
        )
        assert closed.status_code == 409 and closed.json()["error"]["code"] == "class_closed"
        # Friday 20:10: the black belt club is brown and up, and Iron Crane blocks.
        clock.set(datetime(2026, 11, 28, 1, 10, tzinfo=UTC))
        crane_staff = bearer(crane.token("assistant"))
        blocked = crane.http.post(
            "/api/attendance/scan",
            json={"token": server.issue_token(IC, adult)},
            headers=crane_staff,
        )
        assert blocked.status_code == 409 and blocked.json()["error"]["code"] == "rank_restricted"
        events = crane.http.get(
            "/api/events", params={"kind": "attempt"}, headers=bearer(crane.token("admin"))
        ).json()["events"]
        assert {e["data"]["reason"] for e in events} >= {"class_closed", "rank_restricted"}
    finally:
        crane.close()
    # Golden Tiger warns instead: Thursday 20:35 in Madrid, a white belt at Advanced BJJ.
    clock.set(datetime(2026, 11, 26, 19, 35, tzinfo=UTC))
    staff = bearer(api.token("assistant"))
    white = student_id_for(GT, "override_eligible")
    warned = api.http.post(
        "/api/attendance/scan", json={"token": server.issue_token(GT, white)}, headers=staff
    )
    assert warned.status_code == 201, warned.text
    attendance = warned.json()["attendance"]
    assert attendance["classId"] == "c-thu-2030" and attendance["belowMinRank"] is True


def test_rank_snapshots_follow_the_promotion_history(env: Env) -> None:
    server, clock, api = env
    kiosk = api.new_kiosk()
    ready = student_id_for(GT, "stripe_ready")
    promoted_at = NOW - timedelta(hours=2)
    # A kiosk promoted at 15:45 offline; a check-in from another door at 16:00, before it
    # knew, arrives first (and one from the morning).
    later = item(ready, promoted_at + timedelta(minutes=15))
    earlier = item(ready, promoted_at - timedelta(hours=3))
    assert api.checkins(kiosk, [later, earlier]).status_code == 200
    response = api.http.post(
        "/api/kiosk/promotions", json={"items": [_promotion(ready, promoted_at)]}, headers=kiosk
    )
    assert response.json()["results"][0]["status"] == "applied"
    with server.database.engine.connect() as conn:
        held = dict(
            (row.scan_id, (row.rank_id, row.stripes))
            for row in conn.execute(
                sa.select(
                    schema.attendance.c.scan_id,
                    schema.attendance.c.rank_id,
                    schema.attendance.c.stripes,
                ).where(
                    schema.attendance.c.student_id == ready,
                    schema.attendance.c.scan_id.is_not(None),
                )
            )
        )
    assert held == {later["scanId"]: ("blue", 3), earlier["scanId"]: ("blue", 2)}
    # Counters restart at the promotion and count what reached the server after it.
    student = _student(api, ready)
    assert student["stripes"] == 3 and student["classesSinceStripe"] == 1
    # A check-in scanned before the promotion but arriving after it: stamped with the old rank.
    late = item(ready, promoted_at - timedelta(hours=6))
    api.checkins(kiosk, [late])
    with server.database.engine.connect() as conn:
        row = conn.execute(
            sa.select(schema.attendance.c.rank_id, schema.attendance.c.stripes).where(
                schema.attendance.c.scan_id == late["scanId"]
            )
        ).one()
    assert tuple(row) == ("blue", 2)
    assert _student(api, ready)["classesSinceStripe"] == 1
    del clock


def test_kiosk_promotion_batches_are_idempotent_and_refuse_alone(env: Env) -> None:
    server, _clock, api = env
    kiosk = api.new_kiosk()
    ready = student_id_for(GT, "stripe_ready")
    kid = student_id_for(GT, "eligible")
    good = _promotion(ready, NOW)
    batch = [
        good,
        {"promotionId": "not-a-uuid"},
        _promotion(kid, NOW, fromRank="white", fromStripes=0, toRank="white", toStripes=1),
        _promotion(student_id_for(IC, "eligible"), NOW),
        _promotion(ready, NOW + timedelta(hours=1), fromStripes=3, toStripes=4),
        {**_promotion(ready, NOW), "kind": "sideways"},
    ]
    response = api.http.post("/api/kiosk/promotions", json={"items": batch}, headers=kiosk)
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [r["status"] for r in results] == [
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
        "rejected",
    ]
    assert [r.get("reason") for r in results[1:]] == [
        "invalid_id",
        "invalid_promotion",
        "wrong_tenant",
        "promoted_in_future",
        "invalid_item",
    ]
    again = api.http.post("/api/kiosk/promotions", json={"items": [good]}, headers=kiosk).json()
    assert again["results"] == [results[0]]
    # Another kiosk sending the same step later: the student is already there.
    other = api.new_kiosk("door B")
    same_step = _promotion(ready, NOW)
    duplicate = api.http.post(
        "/api/kiosk/promotions", json={"items": [same_step]}, headers=other
    ).json()["results"][0]
    assert duplicate["status"] == "duplicate" and duplicate["seq"] >= results[0]["seq"]
    with server.database.engine.connect() as conn:
        count = conn.execute(
            sa.select(sa.func.count())
            .select_from(schema.promotions)
            .where(schema.promotions.c.student_id == ready, schema.promotions.c.source == "kiosk")
        ).scalar_one()
        audited = conn.execute(
            sa.select(schema.audit_log.c.data).where(
                schema.audit_log.c.action == "student.promote",
                schema.audit_log.c.target_id == ready,
            )
        ).all()
    assert count == 1
    assert any(row.data.get("source") == "kiosk" for row in audited)
    not_a_batch = api.http.post("/api/kiosk/promotions", json={"nope": []}, headers=kiosk)
    assert not_a_batch.status_code == 400
    staff = bearer(api.token("instructor"))
    assert (
        api.http.post("/api/kiosk/promotions", json={"items": []}, headers=staff).status_code == 403
    )


def test_online_stripe_promotions_and_history(env: Env) -> None:
    _server, _clock, api = env
    staff = bearer(api.token("instructor"))
    ready = student_id_for(GT, "stripe_ready")
    before = api.http.post("/api/promotions/check", json={"studentId": ready}, headers=staff).json()
    assert before["stripe"]["eligible"] is True and before["stripe"]["stats"]["nextStripes"] == 3
    assert before["eligible"] is False and "2 of 4 stripes" in before["reasons"]
    stripe = api.http.post(
        "/api/promotions/promote",
        json={"studentId": ready, "kind": "stripe", "notes": "third stripe"},
        headers=staff,
    )
    assert stripe.status_code == 200, stripe.text
    body = stripe.json()
    assert body["promotion"]["kind"] == "stripe" and body["promotion"]["toStripes"] == 3
    assert body["student"]["stripes"] == 3 and body["student"]["classesSinceStripe"] == 0
    kids = student_id_for(GT, "eligible")
    refused = api.http.post(
        "/api/promotions/promote",
        json={"studentId": kids, "kind": "stripe", "notes": "x"},
        headers=staff,
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "no_stripes"
    history = api.http.get(
        "/api/promotions/history", params={"studentId": ready}, headers=staff
    ).json()["promotions"]
    assert history[0]["kind"] == "stripe" and history[0]["fromStripes"] == 2

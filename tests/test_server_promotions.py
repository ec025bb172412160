"""Promotions: check with the server's count, promote resets it, history, audited overrides."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.server.clock import ManualClock
from kiosk.server.embedded import RunningServer
from kiosk.server.seed import student_id_for, user_id_for
from tests.server_support import GT, NOW, Api, bearer, item, running

Env = tuple[RunningServer, ManualClock, Api, dict[str, str]]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with running(tmp_path) as (server, clock):
        api = Api(server)
        yield server, clock, api, bearer(api.token("instructor"))
        api.close()


def test_promotion_records_and_resets_the_count(env: Env) -> None:
    _server, clock, api, instructor = env
    student = student_id_for(GT, "eligible")
    check = api.http.post(
        "/api/promotions/check", json={"studentId": student}, headers=instructor
    ).json()
    assert check["eligible"] is True
    assert check["stats"]["classesAttended"] == 20 and check["stats"]["nextRank"] == "yellow"
    promoted = api.http.post(
        "/api/promotions/promote",
        json={"studentId": student, "notes": "Clean ukemi"},
        headers=instructor,
    )
    assert promoted.status_code == 200, promoted.text
    record = promoted.json()["promotion"]
    assert (record["fromRank"], record["toRank"]) == ("white", "yellow")
    assert record["actorId"] == user_id_for(GT, "instructor@golden-tiger.test")
    assert record["notes"] == "Clean ukemi" and record["wasEligible"] is True
    assert record["classesAttended"] == 20
    student_row = promoted.json()["student"]
    assert student_row["rankSince"] == "2026-11-23T16:45:00.000Z"
    assert student_row["classesSincePromotion"] == 0
    after = api.http.post(
        "/api/promotions/check", json={"studentId": student}, headers=instructor
    ).json()
    assert after["eligible"] is False
    assert after["stats"]["classesAttended"] == 0 and after["stats"]["daysInRank"] == 0
    # A check-in made before the promotion, uploaded after it, does not count for the new rank.
    kiosk = api.new_kiosk()
    late = api.checkins(kiosk, [item(student, NOW - timedelta(hours=3))]).json()
    assert late["results"][0]["status"] == "created"
    clock.advance(timedelta(minutes=5))
    fresh = api.checkins(kiosk, [item(student, clock.now())]).json()
    assert fresh["results"][0]["status"] == "created"
    roster = {s["id"]: s for s in api.roster(kiosk)["students"]}
    assert roster[student]["rank"] == "yellow"
    assert roster[student]["classesSincePromotion"] == 1
    history = api.http.get(
        "/api/promotions/history", params={"studentId": student}, headers=instructor
    ).json()["promotions"]
    assert history[0]["id"] == record["id"]
    mine = api.http.get("/api/promotions/history", headers=bearer(api.token("student")))
    assert [p["studentId"] for p in mine.json()["promotions"]] == [student]


def test_promote_validates_the_target_rank(env: Env) -> None:
    _server, _clock, api, instructor = env
    student = student_id_for(GT, "close")
    backwards = api.http.post(
        "/api/promotions/promote",
        json={"studentId": student, "toRank": "white"},
        headers=instructor,
    )
    assert backwards.status_code == 422
    skip = api.http.post(
        "/api/promotions/promote",
        json={"studentId": student, "toRank": "orange", "notes": "prodigy"},
        headers=instructor,
    )
    assert skip.status_code == 200
    assert skip.json()["promotion"]["wasEligible"] is False


def test_overrides_are_audited(env: Env) -> None:
    _server, _clock, api, instructor = env
    student = student_id_for(GT, "close")
    no_note = api.http.post(
        f"/api/students/{student}/override", json={"type": "eligible"}, headers=instructor
    )
    assert no_note.status_code == 422
    marked = api.http.post(
        f"/api/students/{student}/override",
        json={"type": "eligible", "note": "Won the regional cup"},
        headers=instructor,
    )
    assert marked.status_code == 200
    assert marked.json()["override"]["type"] == "eligible"
    check = api.http.post(
        "/api/promotions/check", json={"studentId": student}, headers=instructor
    ).json()
    assert check["eligible"] is True and check["status"] == "eligible"
    cleared = api.http.post(
        f"/api/students/{student}/override", json={"type": "clear"}, headers=instructor
    )
    assert cleared.json()["override"] is None
    audit = api.http.get("/api/audit", headers=bearer(api.token())).json()["entries"]
    overrides = [e for e in audit if e["action"] == "student.override"]
    assert [e["data"]["type"] for e in overrides] == ["clear", "eligible"]
    assert overrides[1]["actorId"] == user_id_for(GT, "instructor@golden-tiger.test")
    assert overrides[1]["data"]["note"] == "Won the regional cup"

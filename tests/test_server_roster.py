"""The roster document: passes the kiosk's own validation, full and incremental, tombstones."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.domain.eligibility import evaluate, evaluate_stripe
from kiosk.domain.roster import parse_roster
from kiosk.server.clock import ManualClock
from kiosk.server.embedded import RunningServer
from kiosk.server.seed import LABELS, student_id_for, tenant_id_for
from tests.server_support import GT, IC, NOW, Api, bearer, item, running

Env = tuple[RunningServer, ManualClock, Api, dict[str, str]]


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    with running(tmp_path) as (server, clock):
        api = Api(server)
        yield server, clock, api, api.new_kiosk()
        api.close()


def test_full_roster_passes_the_kiosk_parser(env: Env) -> None:
    _server, _clock, api, kiosk = env
    doc = api.roster(kiosk)
    update = parse_roster(doc, expected_tenant_id=tenant_id_for(GT))
    assert update.full and update.since == 0
    assert len(update.students) == 40
    assert update.settings.time_zone == "Europe/Madrid"
    assert update.settings.checkin_window_minutes == 120
    assert [k.status for k in update.keys] == ["active"]
    assert {c.id for c in update.classes} >= {"c-mon-1700", "c-sat-1000"}
    assert update.rules.rules["white_to_yellow"].attendances == 16
    assert update.rules.rules["white_to_yellow"].days_in_rank == 60
    assert update.rules.has_age_rules
    assert len(update.revoked_nonces) == 1
    assert doc["tenant"]["branding"]["primaryColor"] == "#b71c1c"
    # Only what a kiosk needs: no emails, no full names.
    text = str(doc)
    assert "@golden-tiger.test" not in text and "fullName" not in text
    assert all(s["dateOfBirth"] for s in doc["students"])  # an age rule exists


def test_eligibility_from_the_roster_matches_the_server(env: Env) -> None:
    server, clock, api, kiosk = env
    update = parse_roster(api.roster(kiosk))
    staff = bearer(api.token("instructor"))
    zone = update.settings.zone
    stripes = 0
    for student in update.students:
        local = evaluate(student, update.rules, student.classes_since_promotion, clock.now(), zone)
        stripe = evaluate_stripe(student, update.rules, student.stripe_count, clock.now(), zone)
        remote = api.http.post(
            "/api/promotions/check", json={"studentId": student.id}, headers=staff
        ).json()
        expected_stripe = stripe.to_json() if stripe is not None else None
        assert remote == {"studentId": student.id, **local.to_json(), "stripe": expected_stripe}
        stripes += stripe is not None
    assert stripes > 5  # the BJJ program's students
    by_id = {s.id: s for s in update.students}
    verdicts = {
        label: evaluate(
            by_id[student_id_for(GT, label)],
            update.rules,
            by_id[student_id_for(GT, label)].classes_since_promotion,
            NOW,
            zone,
        )
        for label in LABELS
    }
    assert verdicts["eligible"].eligible
    assert verdicts["eligible_adult"].eligible
    assert verdicts["override_eligible"].eligible
    assert not verdicts["close"].eligible
    assert [n.text for n in verdicts["close"].next_steps] == ["2 more classes"]
    assert [n.code for n in verdicts["close_days"].reasons] == ["days_short"]
    assert [n.code for n in verdicts["age_rule"].reasons] == ["too_young"]
    assert verdicts["override_defer"].status.value == "deferred"
    assert [n.code for n in verdicts["missing_flags"].reasons] == ["missing_assessmentPassed"]
    assert [n.code for n in verdicts["suspended"].reasons][-1] == "not_active"
    assert server.seed is not None


def test_incremental_roster_and_tombstones(env: Env) -> None:
    _server, _clock, api, kiosk = env
    full = api.roster(kiosk)
    seq = full["seq"]
    assert api.roster(kiosk, since=seq)["students"] == []
    admin = bearer(api.token())
    suspended = student_id_for(GT, "close")
    removed = student_id_for(GT, 30)
    patch = api.http.patch(
        f"/api/students/{suspended}", json={"status": "suspended"}, headers=admin
    )
    assert patch.status_code == 200 and patch.json()["seq"] == seq + 1
    assert api.http.delete(f"/api/students/{removed}", headers=admin).status_code == 204
    delta = api.roster(kiosk, since=seq)
    update = parse_roster(delta)
    assert not update.full and update.since == seq and update.seq == seq + 2
    assert [s.id for s in update.students] == [suspended]
    assert update.students[0].status.value == "suspended"
    assert update.removed_student_ids == (removed,)
    again = api.roster(kiosk)
    assert removed not in {s["id"] for s in again["students"]}
    assert len(again["students"]) == 39
    # A kiosk claiming a seq from the future (a restored server) gets a full snapshot.
    ahead = api.roster(kiosk, since=seq + 1000)
    assert ahead["full"] is True and ahead["since"] == 0 and len(ahead["students"]) == 39


def test_seq_increases_with_every_change(env: Env) -> None:
    _server, _clock, api, kiosk = env
    admin = bearer(api.token("admin"))
    seqs = [api.roster(kiosk)["seq"]]
    student = student_id_for(GT, "eligible")
    api.http.post(
        f"/api/students/{student}/override", json={"type": "defer", "note": "wait"}, headers=admin
    )
    seqs.append(api.roster(kiosk)["seq"])
    api.checkins(kiosk, [item(student, NOW)])
    seqs.append(api.roster(kiosk)["seq"])
    api.http.post(
        "/api/promotions/promote", json={"studentId": student, "notes": "grading"}, headers=admin
    )
    seqs.append(api.roster(kiosk)["seq"])
    created = api.http.post(
        "/api/students",
        json={"fullName": "Nina Kovač", "program": "kids", "rank": "white"},
        headers=admin,
    )
    assert created.status_code == 201 and created.json()["displayName"] == "Nina K."
    seqs.append(api.roster(kiosk)["seq"])
    assert seqs == [seqs[0] + i for i in range(5)]


def test_roster_of_the_second_academy(tmp_path: Path) -> None:
    with running(tmp_path) as (server, _clock), Api(server, IC) as iron:
        update = parse_roster(iron.roster(iron.new_kiosk()), expected_tenant_id=tenant_id_for(IC))
        assert update.settings.time_zone == "America/New_York"
        assert update.tenant.slug == IC
        assert "purple" not in update.rules.ranks

"""Kiosks and the server agree on eligibility, over random histories (hypothesis).

Two kiosks on real SQLite files and the real reference server on 127.0.0.1 (its clock moved by
the test); a fresh student per example. A history is a sequence of scans at either door (at
times around classes with check-in limits, a class that does not count, a belt-restricted
one), belt and stripe promotions made offline at either door, uploads and pulls. Properties:

* **offline-exact**: a kiosk's pull never changes what it shows, unless another kiosk sent
  something since its last pull (the ``seq`` rule, and local promotions laid over the roster);
* when nothing is waiting anywhere, a kiosk that just pulled shows what the server says;
* at the end, after everyone synced, every kiosk shows exactly the server's belt and stripe
  evaluations, and the server's kept counters equal its attendance.

``TATAMI_GRADING_EXAMPLES`` sets how many histories (CI: a modest number).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from kiosk.domain.model import PromotionKind
from kiosk.domain.ports import ScanSource
from kiosk.runtime import KioskRuntime
from kiosk.server import schema
from kiosk.server.clock import ManualClock, iso_z
from kiosk.server.config import RateLimit
from kiosk.server.embedded import RunningServer
from kiosk.services.grading import PromotionRefused
from kiosk.services.sync import SyncEngine
from tests.server_support import GT, Api, bearer, item, running
from tests.sync_support import open_kiosk

EXAMPLES = int(os.environ.get("TATAMI_GRADING_EXAMPLES", "20"))
MADRID = ZoneInfo("Europe/Madrid")

pytestmark = pytest.mark.slow


@dataclass
class World:
    server: RunningServer
    clock: ManualClock
    api: Api
    kiosks: list[KioskRuntime]
    engines: list[SyncEngine]
    history_device: str
    created: int = field(default=0)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("grading-world")
    # Logins and kiosk sessions are many (the clock jumps days and tokens expire): no limit.
    unlimited = {"login_rate": RateLimit(1e9, 1e9), "checkin_rate": RateLimit(1e9, 1e9)}
    with running(root, config_overrides=unlimited) as (server, clock), Api(server) as api:
        admin = bearer(api.token("admin"))
        rules = {
            # Check-in closes 30 minutes in: later, staff decide (class_closed).
            "c-mon-1900": {"checkinClosesMinutes": 30},
            # The no-gi class does not count toward promotion.
            "c-tue-1900": {"countsTowardPromotion": False},
        }
        for class_id, change in rules.items():
            answer = api.http.patch(f"/api/classes/{class_id}", json=change, headers=admin)
            assert answer.status_code == 200, answer.text
        _kiosk_id, history_device = api.register_kiosk("history")
        kiosks = [
            open_kiosk(root / "a", server, name="door A"),
            open_kiosk(root / "b", server, name="door B"),
        ]
        try:
            engines = []
            for kiosk in kiosks:
                engine = kiosk.sync.connect()
                assert engine is not None
                engines.append(engine)
            yield World(server, clock, api, kiosks, engines, history_device)
        finally:
            for kiosk in kiosks:
                kiosk.stop()


def _next_monday_evening(after: datetime) -> datetime:
    """The first Monday 18:20 in Madrid at least a day after ``after``."""
    day = (after + timedelta(days=1)).astimezone(MADRID).date()
    day += timedelta(days=(7 - day.weekday()) % 7)
    return datetime.combine(day, time(18, 20), tzinfo=MADRID)


def _kiosk_view(kiosk: KioskRuntime, student_id: str, at: datetime) -> dict[str, Any]:
    detail = kiosk.board.student_detail(student_id, now=at)
    assert detail is not None
    row = detail.row
    return {
        "rank": row.student.rank_id,
        "stripes": row.student.stripes,
        "belt": row.eligibility.to_json(),
        "stripe": row.stripe.to_json() if row.stripe is not None else None,
    }


def _server_view(world: World, student_id: str, at: datetime) -> dict[str, Any]:
    world.clock.set(at)
    check = world.api.http.post(
        "/api/promotions/check",
        json={"studentId": student_id},
        headers=bearer(world.api.token("instructor")),
    ).json()
    stripe = check.pop("stripe")
    check.pop("studentId")
    return {
        "rank": check["stats"]["currentRank"],
        "stripes": check["stats"]["stripes"],
        "belt": check,
        "stripe": stripe,
    }


def _outbox_empty(world: World) -> bool:
    for kiosk in world.kiosks:
        counts = kiosk.store.read(lambda ledger: ledger.counts())
        if counts["pending"] or counts["promotions_pending"]:
            return False
    return True


def _upload(world: World, which: int, at: datetime) -> bool:
    """Upload promotions, then check-ins; whether anything reached the server."""
    world.clock.set(at)
    engine = world.engines[which]
    promotions = engine.upload_promotions()
    checkins = engine.upload_once()
    assert promotions.error is None and checkins.error is None, (promotions, checkins)
    return bool(promotions.sent + promotions.parked + checkins.sent + checkins.parked)


def _pull(world: World, which: int, at: datetime) -> None:
    world.clock.set(at)
    report = world.engines[which].pull_once()
    assert report.applied and report.error is None, report


def _new_student(world: World, start: datetime, history: int) -> str:
    world.clock.set(start)
    world.created += 1
    created = world.api.http.post(
        "/api/students",
        json={
            "fullName": f"Property Student {world.created}",
            "program": "adults",
            "rank": "white",
            "rankSince": iso_z(start - timedelta(days=40)),
        },
        headers=bearer(world.api.token("admin")),
    )
    assert created.status_code == 201, created.text
    student_id: str = created.json()["id"]
    if history:
        # Classes before this history begins, one a day, from another kiosk.
        device = bearer(world.api.kiosk_token(world.history_device))
        items = [item(student_id, start - timedelta(days=day)) for day in range(1, history + 1)]
        answer = world.api.checkins(device, items)
        assert answer.status_code == 200, answer.text
    return student_id


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["scan", "scan", "scan", "stripe", "belt", "upload", "upload", "pull", "pull"]
        ),
        st.integers(0, 1),
        # Minutes before the operation: mostly around a class, sometimes a day or two later
        # (the same hour on Tuesday: the class that does not count).
        st.sampled_from([0, 5, 5, 10, 10, 15, 20, 30, 45, 60, 1440, 2880]),
    ),
    min_size=1,
    max_size=24,
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(ops=OPS, history=st.integers(0, 14))
def test_kiosks_and_server_agree_on_eligibility(
    world: World, ops: list[tuple[str, int, int]], history: int
) -> None:
    start = _next_monday_evening(world.clock.now())
    student = _new_student(world, start, history)
    card = world.server.issue_token(GT, student, "card")
    at = start
    for which in (0, 1):
        _upload(world, which, at)  # the previous example left nothing, but be sure
        _pull(world, which, at)
    # Another kiosk sent something since this one's last pull.
    stale = [False, False]
    for op, which, minutes in ops:
        at += timedelta(minutes=minutes)
        kiosk = world.kiosks[which]
        if op == "scan":
            result = kiosk.checkin.handle_scan(card, ScanSource.CAMERA, now=at)
            event(f"scan: {result.outcome.value}{' tardy' if result.tardy else ''}")
            if not result.counts:
                event("scan: a class that does not count")
        elif op in ("stripe", "belt"):
            kind = PromotionKind.STRIPE if op == "stripe" else PromotionKind.BELT
            # No stripe left, or already at the top: the instructor cannot.
            with contextlib.suppress(PromotionRefused):
                kiosk.grading.promote(student, kind, "property", "pin:instructor", now=at)
                event(f"promotion: {kind.value}")
        elif op == "upload":
            if _upload(world, which, at):
                stale[1 - which] = True
        else:
            before = _kiosk_view(kiosk, student, at)
            _pull(world, which, at)
            after = _kiosk_view(kiosk, student, at)
            if not stale[which]:
                event("pull checked for exactness")
                assert after == before, "a pull changed what the kiosk knew exactly"
            stale[which] = False
            if _outbox_empty(world):
                assert after == _server_view(world, student, at)
    # Everyone syncs: every kiosk shows exactly what the server says.
    at += timedelta(minutes=1)
    for which in (0, 1):
        _upload(world, which, at)
    for which in (0, 1):
        _pull(world, which, at)
    expected = _server_view(world, student, at)
    for kiosk in world.kiosks:
        assert _kiosk_view(kiosk, student, at) == expected
    _assert_counters_are_the_attendance(world, student)


def _assert_counters_are_the_attendance(world: World, student_id: str) -> None:
    S, A = schema.students, schema.attendance
    with world.server.database.engine.connect() as conn:
        row = conn.execute(sa.select(S).where(S.c.id == student_id)).one()

        def counted_after(instant: datetime) -> int:
            return int(
                conn.execute(
                    sa.select(sa.func.count())
                    .select_from(A)
                    .where(A.c.student_id == student_id, A.c.counts, A.c.scanned_at > instant)
                ).scalar_one()
            )

        assert row.classes_since_promotion == counted_after(row.rank_since)
        assert row.classes_since_stripe == counted_after(row.stripe_since or row.rank_since)

"""Promotions from the kiosk, end to end: offline at one door, synced once, seen at another.

The real reference server on 127.0.0.1, kiosks on real SQLite files, a fault proxy on loopback
for the lost answer (the server applied the promotion, the kiosk never heard).
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk.domain.decision import Outcome
from kiosk.domain.grading import PromotionStatus
from kiosk.domain.model import PromotionKind
from kiosk.domain.ports import ScanSource, SyncState
from kiosk.runtime import KioskRuntime
from kiosk.server import schema
from kiosk.server.embedded import RunningServer
from kiosk.server.seed import GOLDEN_TIGER
from kiosk.services.grading import PromotionProblem, PromotionRefused
from tests.faultproxy import Fault, FaultProxy
from tests.sync_support import engine_for, kiosk_id, open_kiosk, server, staff_token

__all__ = ["server"]  # the fixture, re-exported for pytest


def _detail(kiosk: KioskRuntime, student_id: str) -> tuple[str, int, int, int]:
    """(rank, stripes, classes since the belt, classes since the stripe) as the board shows."""
    detail = kiosk.board.student_detail(student_id)
    assert detail is not None
    row = detail.row
    stripe = row.stripe
    return (
        row.student.rank_id,
        row.student.stripes,
        row.eligibility.stats.classes_attended,
        stripe.stats.classes_attended if stripe is not None else -1,
    )


def _server_promotions(server: RunningServer, student_id: str) -> list[sa.Row[tuple[object, ...]]]:
    with server.database.engine.connect() as conn:
        return list(
            conn.execute(
                sa.select(schema.promotions)
                .where(schema.promotions.c.student_id == student_id)
                .order_by(schema.promotions.c.seq)
            )
        )


def test_offline_promotion_syncs_once_and_reaches_a_second_kiosk(
    server: RunningServer, tmp_path: Path
) -> None:
    assert server.seed is not None
    student = server.seed.tenants[GOLDEN_TIGER].students["eligible_adult"]  # white, 4 stripes
    before = len(_server_promotions(server, student))
    with (
        FaultProxy(server.port) as proxy,
        open_kiosk(tmp_path / "a", server, api_url=proxy.base_url, name="door A") as door_a,
        open_kiosk(tmp_path / "b", server, name="door B") as door_b,
    ):
        engine_a, backend_a = engine_for(door_a, timeout=2.0)
        engine_b = door_b.sync.connect()
        assert engine_b is not None
        assert engine_a.pull_once().applied and engine_b.pull_once().applied
        rank, stripes, _, _ = _detail(door_a, student)
        assert (rank, stripes) == ("white", 4)
        assert door_a.board.student_detail(student).row.eligibility.eligible  # type: ignore[union-attr]

        # Door A loses the network; the instructor promotes at its board.
        proxy.refuse()
        record = door_a.grading.promote(
            student, PromotionKind.BELT, "Strong grading", "pin:instructor"
        )
        assert (record.target.from_rank, record.target.to_rank) == ("white", "blue")
        # The new rank shows at once, offline, counting from zero.
        assert _detail(door_a, student) == ("blue", 0, 0, 0)
        card = server.issue_token(GOLDEN_TIGER, student, "card")
        scanned = door_a.checkin.handle_scan(card, ScanSource.CAMERA)
        assert scanned.outcome is Outcome.ACCEPTED
        assert scanned.rank is not None and scanned.rank.id == "blue"
        assert scanned.eligibility is not None and scanned.eligibility.stats.classes_attended == 1
        # The rank held at scan time is in the ledger.
        row = door_a.store.read(lambda ledger: ledger.recent_scans(1))[0]
        assert (row.rank_id, row.stripes) == ("blue", 0)
        assert _detail(door_a, student) == ("blue", 0, 1, 1)

        offline = engine_a.upload_promotions()
        assert offline.error and offline.remaining == 1

        # Back online, but the answer is lost after the server committed.
        proxy.accept()
        proxy.plan("/api/kiosk/promotions", Fault.reset_after_commit())
        lost = engine_a.upload_promotions()
        assert lost.error and lost.remaining == 1
        assert len(_server_promotions(server, student)) == before + 1  # applied once
        # The retry answers the original result: applied, with the same seq.
        assert engine_a.upload_promotions().sent == 1
        applied = _server_promotions(server, student)
        assert len(applied) == before + 1, "the promotion was applied twice"
        promotion = applied[-1]
        assert (promotion.kind, promotion.from_rank, promotion.to_rank) == ("belt", "white", "blue")
        assert (promotion.source, promotion.kiosk_id) == ("kiosk", kiosk_id(door_a))
        synced = door_a.store.read(lambda ledger: ledger.promotions(student))[0]
        assert synced.sync_state is SyncState.SENT
        assert synced.server_status is PromotionStatus.APPLIED
        assert synced.server_seq == promotion.seq
        # A resend of the same item (a kiosk restored from a backup): the same answer again.
        again = backend_a.push_promotions([record]).body
        assert again["results"] == [
            {"promotionId": record.promotion_id, "status": "applied", "seq": promotion.seq}
        ]
        assert len(_server_promotions(server, student)) == before + 1

        # The check-in goes up after it; the server counts it from the promotion on.
        assert engine_a.upload_once().sent == 1
        staff = {
            "X-Tenant": GOLDEN_TIGER,
            "Authorization": f"Bearer {staff_token(server, 'instructor')}",
        }
        check = httpx.post(
            f"{server.base_url}/api/promotions/check", json={"studentId": student}, headers=staff
        ).json()
        assert check["stats"]["currentRank"] == "blue"
        assert check["stats"]["classesAttended"] == 1
        assert check["stripe"]["stats"]["classesAttended"] == 1
        with server.database.engine.connect() as conn:
            stamped = conn.execute(
                sa.select(schema.attendance.c.rank_id, schema.attendance.c.stripes).where(
                    schema.attendance.c.kiosk_id == kiosk_id(door_a)
                )
            ).one()
        assert tuple(stamped) == ("blue", 0)

        # Door A's pull changes nothing it shows; door B sees the promotion after its pull.
        assert engine_a.pull_once().applied
        assert _detail(door_a, student) == ("blue", 0, 1, 1)
        assert _detail(door_b, student)[0] == "white"
        assert engine_b.pull_once().applied
        assert _detail(door_b, student) == ("blue", 0, 1, 1)
        backend_a.close()


def test_stripe_promotion_and_refusals(server: RunningServer, tmp_path: Path) -> None:
    assert server.seed is not None
    students = server.seed.tenants[GOLDEN_TIGER].students
    ready = students["stripe_ready"]  # blue, two stripes, due a third
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        detail = kiosk.board.student_detail(ready)
        assert detail is not None and detail.row.stripe is not None
        assert detail.row.stripe.eligible and detail.row.student.stripes == 2
        kiosk.grading.promote(ready, PromotionKind.STRIPE, "Sharp guard passing", "pin:instructor")
        after = kiosk.board.student_detail(ready)
        assert after is not None and after.row.student.stripes == 3
        assert after.row.stripe is not None and not after.row.stripe.eligible
        assert after.row.stripe.stats.classes_attended == 0
        # The belt's count is untouched by a stripe.
        assert (
            after.row.eligibility.stats.classes_attended
            == detail.row.eligibility.stats.classes_attended
        )
        with pytest.raises(PromotionRefused) as no_note:
            kiosk.grading.promote(ready, PromotionKind.STRIPE, "  ", "pin:instructor")
        assert no_note.value.problem is PromotionProblem.NO_NOTE
        kids = students["eligible"]  # Kids Judo: no stripes
        with pytest.raises(PromotionRefused) as no_stripes:
            kiosk.grading.promote(kids, PromotionKind.STRIPE, "well done", "pin:instructor")
        assert no_stripes.value.problem is PromotionProblem.NO_STRIPES
        report = engine.upload_promotions()
        assert (report.sent, report.parked, report.error) == (1, 0, None)
        applied = _server_promotions(server, ready)[-1]
        assert (applied.kind, applied.from_stripes, applied.to_stripes) == ("stripe", 2, 3)
        engine.pull_once()
        assert kiosk.board.student_detail(ready).row.student.stripes == 3  # type: ignore[union-attr]


def test_a_promotion_overtaken_online_is_parked_and_the_kiosk_follows_the_server(
    server: RunningServer, tmp_path: Path
) -> None:
    assert server.seed is not None
    ready = server.seed.tenants[GOLDEN_TIGER].students["stripe_ready"]
    staff = {
        "X-Tenant": GOLDEN_TIGER,
        "Authorization": f"Bearer {staff_token(server, 'instructor')}",
    }
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        # Offline at the kiosk: a stripe. Meanwhile, online: a stripe too (the same step) ...
        same = kiosk.grading.promote(ready, PromotionKind.STRIPE, "guard", "pin:instructor")
        online = httpx.post(
            f"{server.base_url}/api/promotions/promote",
            json={"studentId": ready, "kind": "stripe", "notes": "online"},
            headers=staff,
        )
        assert online.status_code == 200, online.text
        report = engine.upload_promotions()
        assert report.sent == 1  # the same step: duplicate, nothing applied twice
        ack = kiosk.store.read(lambda ledger: ledger.promotions(ready))[0]
        assert ack.promotion_id == same.promotion_id
        assert ack.server_status is PromotionStatus.DUPLICATE
        assert [p.to_stripes for p in _server_promotions(server, ready)][-1] == 3
        # ... then a belt online while the kiosk gives a fourth stripe: refused, parked.
        kiosk.grading.promote(ready, PromotionKind.STRIPE, "fourth", "pin:instructor")
        belt = httpx.post(
            f"{server.base_url}/api/promotions/promote",
            json={"studentId": ready, "kind": "belt", "notes": "graded"},
            headers=staff,
        )
        assert belt.status_code == 200, belt.text
        parked = engine.upload_promotions()
        assert (parked.sent, parked.parked) == (0, 1)
        assert engine.status().promotions_parked == 1
        refused = kiosk.store.read(lambda ledger: ledger.promotions(ready))[0]
        assert refused.sync_state is SyncState.PARKED and refused.reason == "rank_changed"
        engine.pull_once()
        detail = kiosk.board.student_detail(ready)
        assert detail is not None
        assert (detail.row.student.rank_id, detail.row.student.stripes) == ("purple", 0)

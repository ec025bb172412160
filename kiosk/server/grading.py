"""Promotions, belt or stripe: made online by an instructor, or at a kiosk (maybe offline).

One function applies them all (:func:`apply_promotion`), with the domain's rules
(:mod:`kiosk.domain.grading`): the counters restart as the platform says, recounted from the
attendance that reached the server (so a promotion arriving after check-ins scanned later counts
them exactly), attendance scanned after the promotion is stamped with the new rank, the
student's ``seq`` moves so the next roster carries it, and the audit log says who did it.

A kiosk's promotions arrive in batches (``POST /api/kiosk/promotions``), each with the kiosk's
``promotionId``: unique per kiosk forever, so a resend answers the original result. A
promotion says where the student was (``from``) and where they go (``to``); one that no longer
starts where the student is was overtaken: ``duplicate`` when the student is already there
(promoted the same way elsewhere), else ``rejected`` (``rank_changed``) for staff.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.domain.eligibility import evaluate, evaluate_stripe
from kiosk.domain.grading import (
    NOTE_LIMIT,
    PromotionStatus,
    PromotionTarget,
    promoted,
)
from kiosk.domain.model import PromotionKind, Student
from kiosk.server import schema
from kiosk.server.clock import iso_z, parse_instant
from kiosk.server.context import audit
from kiosk.server.db import SeqAllocator
from kiosk.server.ingest import FUTURE_TOLERANCE, count_since
from kiosk.server.records import select_students, student_from_row
from kiosk.server.tenancy import TenantInfo

S = schema.students
P = schema.promotions
A = schema.attendance
KP = schema.kiosk_promotions

MAX_BATCH = 100


class PromotionInvalid(ValueError):
    """The promotion asked for is not a step up the student's ladder now."""


def check_target(student: Student, tenant: TenantInfo, target: PromotionTarget) -> None:
    """A belt goes to a higher rank of the program with no stripes; a stripe adds one.

    Raises:
        PromotionInvalid: it does not, or it does not start where the student is.
    """
    rules = tenant.rules
    if (target.from_rank, target.from_stripes) != (student.rank_id, student.stripes):
        raise PromotionInvalid("the promotion does not start where the student is")
    held = rules.position(student.program_id, student.rank_id)
    if target.kind is PromotionKind.BELT:
        wanted = rules.position(student.program_id, target.to_rank)
        if held is None or wanted is None or wanted <= held or target.to_stripes != 0:
            raise PromotionInvalid(f"{target.to_rank!r} is not a higher rank of the program")
        return
    scale = rules.stripe_scale(student.program_id, student.rank_id)
    if (
        scale is None
        or target.to_rank != student.rank_id
        or target.to_stripes != student.stripes + 1
        or target.to_stripes > scale.count
    ):
        raise PromotionInvalid("no stripe left to give on this rank")


def _student(conn: Connection, tenant_id: str, student_id: str) -> Student | None:
    row = conn.execute(
        select_students().where(
            S.c.tenant_id == tenant_id, S.c.id == student_id, S.c.deleted_at.is_(None)
        )
    ).first()
    return student_from_row(row) if row is not None else None


def apply_promotion(
    conn: Connection,
    seqs: SeqAllocator,
    tenant: TenantInfo,
    student: Student,
    target: PromotionTarget,
    at: datetime,
    actor_id: str | None,
    notes: str,
    *,
    source: str = "online",
    kiosk_id: str | None = None,
) -> dict[str, Any]:
    """Apply a checked promotion inside the caller's write transaction; the promotion's row.

    ``at`` never goes before the student's last change (a kiosk clock behind the server's):
    counters restart from whichever is later.
    """
    anchor = student.stripe_anchor
    at = max(at, anchor)
    zone = tenant.settings.zone
    if target.kind is PromotionKind.BELT:
        was = evaluate(student, tenant.rules, student.classes_since_promotion, at, zone)
        was_eligible = was.eligible
        attended = student.classes_since_promotion
    else:
        stripe = evaluate_stripe(student, tenant.rules, student.stripe_count, at, zone)
        was_eligible = stripe is not None and stripe.eligible
        attended = student.stripe_count
    seq = seqs.next()
    row = {
        "id": str(uuid.uuid4()),
        "tenant_id": tenant.id,
        "student_id": student.id,
        "from_rank": target.from_rank,
        "to_rank": target.to_rank,
        "promoted_at": at,
        "actor_id": actor_id,
        "notes": notes[:NOTE_LIMIT],
        "classes_attended": attended,
        "was_eligible": was_eligible,
        "seq": seq,
        "kind": target.kind.value,
        "from_stripes": target.from_stripes,
        "to_stripes": target.to_stripes,
        "source": source,
        "kiosk_id": kiosk_id,
    }
    conn.execute(sa.insert(P).values(**row))
    after = promoted(student, target, at, count_since(conn, tenant.id, student.id, at))
    conn.execute(
        sa.update(S)
        .where(S.c.tenant_id == tenant.id, S.c.id == student.id)
        .values(
            rank_id=after.rank_id,
            rank_since=after.rank_since,
            classes_since_promotion=after.classes_since_promotion,
            stripes=after.stripes,
            stripe_since=after.stripe_since,
            classes_since_stripe=after.stripe_count,
            assessment_passed="assessmentPassed" in after.flags,
            instructor_approval="instructorApproval" in after.flags,
            override_type=after.override.kind.value if after.override else None,
            override_note=after.override.note if after.override else None,
            override_by=after.override.by if after.override else None,
            override_at=after.override.at if after.override else None,
            seq=seq,
        )
    )
    # Attendance scanned after the promotion but stamped before it reached us (a kiosk that
    # did not know yet, or this very kiosk's check-ins sent first) held the new rank.
    conn.execute(
        sa.update(A)
        .where(
            A.c.tenant_id == tenant.id,
            A.c.student_id == student.id,
            A.c.scanned_at > at,
            A.c.rank_id == target.from_rank,
            A.c.stripes == target.from_stripes,
        )
        .values(rank_id=target.to_rank, stripes=target.to_stripes)
    )
    audit(
        conn,
        tenant.id,
        at,
        actor_id,
        "student.promote",
        student.id,
        {
            "kind": target.kind.value,
            "from": target.from_rank,
            "to": target.to_rank,
            "fromStripes": target.from_stripes,
            "toStripes": target.to_stripes,
            "wasEligible": was_eligible,
            "source": source,
            "kioskId": kiosk_id,
        },
    )
    return row


# -- kiosk batches -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PromotionItem:
    promotion_id: str
    student_id: str
    target: PromotionTarget
    promoted_at: datetime
    note: str
    created_by: str | None


@dataclass(frozen=True, slots=True)
class PromotionResult:
    promotion_id: str | None
    status: str
    seq: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"promotionId": self.promotion_id, "status": self.status}
        if self.seq is not None:
            out["seq"] = self.seq
        if self.reason is not None:
            out["reason"] = self.reason
        return out


def _text(value: Any, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (not value and not empty):
        raise ValueError("bad text")
    return value


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValueError("bad count")
    return value


def _parse(raw: Any) -> PromotionItem | PromotionResult:
    """One uploaded promotion, or the rejection it earns on its own."""
    if not isinstance(raw, Mapping):
        return PromotionResult(None, "rejected", None, "invalid_item")
    try:
        promotion_id = str(uuid.UUID(_text(raw.get("promotionId"), 36)))
    except ValueError:
        shown = raw.get("promotionId")
        return PromotionResult(
            shown[:64] if isinstance(shown, str) else None, "rejected", None, "invalid_id"
        )
    try:
        created_by = raw.get("createdBy")
        item = PromotionItem(
            promotion_id=promotion_id,
            student_id=str(uuid.UUID(_text(raw.get("studentId"), 36))),
            target=PromotionTarget(
                PromotionKind(_text(raw.get("kind"), 8)),
                _text(raw.get("fromRank"), 64),
                _count(raw.get("fromStripes")),
                _text(raw.get("toRank"), 64),
                _count(raw.get("toStripes")),
            ),
            promoted_at=parse_instant(raw.get("promotedAt")),  # type: ignore[arg-type]
            note=_text(raw.get("note", ""), NOTE_LIMIT, empty=True),
            created_by=None if created_by is None else _text(created_by, 36),
        )
    except (ValueError, TypeError):
        return PromotionResult(promotion_id, "rejected", None, "invalid_item")
    return item


def _decide(
    conn: Connection,
    seqs: SeqAllocator,
    tenant: TenantInfo,
    kiosk_id: str,
    item: PromotionItem,
    now: datetime,
) -> tuple[PromotionResult, str | None]:
    """The result of one new promotion, applied when it can be; and its promotions row id."""
    student = _student(conn, tenant.id, item.student_id)
    if student is None:
        elsewhere = conn.execute(
            sa.select(S.c.id).where(S.c.id == item.student_id, S.c.tenant_id != tenant.id)
        ).first()
        reason = "wrong_tenant" if elsewhere is not None else "unknown_student"
        return PromotionResult(item.promotion_id, "rejected", None, reason), None
    if item.promoted_at > now + FUTURE_TOLERANCE:
        return PromotionResult(item.promotion_id, "rejected", None, "promoted_in_future"), None
    target = item.target
    if (target.from_rank, target.from_stripes) != (student.rank_id, student.stripes):
        row_seq = conn.execute(
            sa.select(S.c.seq).where(S.c.tenant_id == tenant.id, S.c.id == student.id)
        ).scalar_one()
        if (target.to_rank, target.to_stripes) == (student.rank_id, student.stripes):
            return PromotionResult(item.promotion_id, "duplicate", int(row_seq)), None
        return PromotionResult(item.promotion_id, "rejected", None, "rank_changed"), None
    try:
        check_target(student, tenant, target)
    except PromotionInvalid:
        return PromotionResult(item.promotion_id, "rejected", None, "invalid_promotion"), None
    row = apply_promotion(
        conn,
        seqs,
        tenant,
        student,
        target,
        item.promoted_at,
        item.created_by,
        item.note,
        source="kiosk",
        kiosk_id=kiosk_id,
    )
    return PromotionResult(item.promotion_id, PromotionStatus.APPLIED.value, row["seq"]), row["id"]


def ingest_promotions(
    conn: Connection,
    tenant: TenantInfo,
    kiosk_id: str,
    raw_items: Sequence[Any],
    now: datetime,
) -> tuple[list[PromotionResult], int]:
    """Apply one kiosk batch inside the caller's write transaction: ``(results, seq)``."""
    seqs = SeqAllocator(conn, tenant.id)  # the tenant lock first, then read
    parsed = [_parse(raw) for raw in raw_items]
    ids = sorted(
        {p.promotion_id for p in parsed if isinstance(p, PromotionItem)}
        | {
            p.promotion_id
            for p in parsed
            if isinstance(p, PromotionResult) and p.reason == "invalid_item" and p.promotion_id
        }
    )
    known: dict[str, PromotionResult] = {}
    if ids:
        for promotion_id, status, seq, reason in conn.execute(
            sa.select(KP.c.promotion_id, KP.c.status, KP.c.seq, KP.c.reason).where(
                KP.c.tenant_id == tenant.id,
                KP.c.kiosk_id == kiosk_id,
                KP.c.promotion_id.in_(ids),
            )
        ):
            known[promotion_id] = PromotionResult(promotion_id, status, seq, reason)

    def made_at(index: int) -> tuple[datetime, int]:
        entry = parsed[index]
        return (entry.promoted_at if isinstance(entry, PromotionItem) else now, index)

    # Oldest first: two promotions of one student made offline apply in the order made.
    order = sorted(range(len(parsed)), key=made_at)
    decided: dict[int, PromotionResult] = {}
    for index in order:
        entry = parsed[index]
        key = entry.promotion_id
        if key is not None and key in known:
            decided[index] = known[key]
            continue
        if isinstance(entry, PromotionResult):
            decided[index] = entry
            if entry.promotion_id is not None and entry.reason == "invalid_item":
                _remember(conn, tenant.id, kiosk_id, entry, None, None, now)
                known[entry.promotion_id] = entry
            continue
        result, ref = _decide(conn, seqs, tenant, kiosk_id, entry, now)
        _remember(conn, tenant.id, kiosk_id, result, entry.student_id, ref, now)
        known[entry.promotion_id] = result
        decided[index] = result
    return [decided[i] for i in range(len(parsed))], seqs.flush()


def _remember(
    conn: Connection,
    tenant_id: str,
    kiosk_id: str,
    result: PromotionResult,
    student_id: str | None,
    promotion_ref: str | None,
    now: datetime,
) -> None:
    conn.execute(
        sa.insert(KP).values(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            kiosk_id=kiosk_id,
            promotion_id=result.promotion_id,
            student_id=student_id,
            status=result.status,
            reason=result.reason,
            seq=result.seq,
            promotion_ref=promotion_ref,
            received_at=now,
        )
    )


def promotion_json(row: Any) -> dict[str, Any]:
    """A promotion as ``/api/promotions/*`` show it."""
    return {
        "id": row.id,
        "studentId": row.student_id,
        "kind": row.kind,
        "fromRank": row.from_rank,
        "toRank": row.to_rank,
        "fromStripes": row.from_stripes,
        "toStripes": row.to_stripes,
        "promotedAt": iso_z(row.promoted_at),
        "actorId": row.actor_id,
        "notes": row.notes,
        "classesAttended": row.classes_attended,
        "wasEligible": row.was_eligible,
        "source": row.source,
        "seq": row.seq,
    }


__all__ = [
    "MAX_BATCH",
    "PromotionInvalid",
    "apply_promotion",
    "check_target",
    "ingest_promotions",
    "promotion_json",
]

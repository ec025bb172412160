"""Students, their rank progression and the audited instructor decisions.

Every change to a student takes the tenant's next ``seq`` (DESIGN §5), so the next incremental
roster carries it; deletion leaves a tombstone that rosters list in ``removedStudentIds``.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.domain.eligibility import evaluate, evaluate_stripe
from kiosk.domain.grading import PromotionRefused, promotion_target
from kiosk.domain.model import PromotionKind, StudentStatus
from kiosk.server import schema
from kiosk.server.clock import iso_z, parse_instant
from kiosk.server.context import AppContext, Principal, audit
from kiosk.server.db import SeqAllocator
from kiosk.server.errors import ApiError, forbidden, invalid, not_found
from kiosk.server.grading import PromotionInvalid, apply_promotion, check_target, promotion_json
from kiosk.server.records import STUDENT_COLUMNS, staff_student, student_from_row
from kiosk.server.security import Role
from kiosk.server.tenancy import TenantInfo

S = schema.students
P = schema.promotions

_FLAG_COLUMNS = {
    "feesPaid": "fees_paid",
    "assessmentPassed": "assessment_passed",
    "instructorApproval": "instructor_approval",
}


def _staff_select() -> sa.Select[Any]:
    return sa.select(*STUDENT_COLUMNS, S.c.full_name)


def _get_row(conn: Connection, tenant: TenantInfo, student_id: str) -> Any:
    row = conn.execute(
        _staff_select().where(
            S.c.tenant_id == tenant.id, S.c.id == student_id, S.c.deleted_at.is_(None)
        )
    ).first()
    if row is None:
        raise not_found("student")
    return row


def list_students(
    ctx: AppContext, tenant: TenantInfo, query: str | None, limit: int, offset: int
) -> dict[str, Any]:
    condition = sa.and_(S.c.tenant_id == tenant.id, S.c.deleted_at.is_(None))
    if query:
        pattern = "%" + query.lower().replace("%", "").replace("_", "") + "%"
        condition = sa.and_(
            condition,
            sa.or_(
                sa.func.lower(S.c.full_name).like(pattern),
                sa.func.lower(S.c.display_name).like(pattern),
            ),
        )
    with ctx.db.read_tx() as conn:
        total = conn.execute(
            sa.select(sa.func.count()).select_from(S).where(condition)
        ).scalar_one()
        rows = conn.execute(
            _staff_select()
            .where(condition)
            .order_by(S.c.full_name, S.c.id)
            .limit(limit)
            .offset(offset)
        ).all()
    return {"students": [staff_student(r) for r in rows], "total": total}


def get_student(ctx: AppContext, tenant: TenantInfo, student_id: str) -> dict[str, Any]:
    with ctx.db.read_tx() as conn:
        return staff_student(_get_row(conn, tenant, student_id))


def _check_rank(tenant: TenantInfo, program: str, rank: str) -> None:
    found = tenant.rules.programs.get(program)
    if found is None:
        raise invalid(f"unknown program {program!r}")
    if rank not in found.rank_ids:
        raise invalid(f"{rank!r} is not a rank of program {program!r}")


def create_student(
    ctx: AppContext, tenant: TenantInfo, principal: Principal, body: dict[str, Any]
) -> dict[str, Any]:
    now = ctx.now()
    program, rank = body["program"], body["rank"]
    _check_rank(tenant, program, rank)
    rank_since = parse_instant(body["rankSince"]) if body.get("rankSince") else now
    full_name = body["fullName"].strip()
    display = (body.get("displayName") or _display_name(full_name)).strip()
    flags = body.get("flags") or {}
    student_id = str(uuid.uuid4())
    with ctx.db.write_tx() as conn:
        seqs = SeqAllocator(conn, tenant.id)
        conn.execute(
            sa.insert(S).values(
                id=student_id,
                tenant_id=tenant.id,
                display_name=display,
                full_name=full_name,
                email=(body.get("email") or None),
                program_id=program,
                rank_id=rank,
                rank_since=rank_since,
                classes_since_promotion=0,
                status=body.get("status") or StudentStatus.ACTIVE.value,
                fees_paid=bool(flags.get("feesPaid", False)),
                assessment_passed=bool(flags.get("assessmentPassed", False)),
                instructor_approval=bool(flags.get("instructorApproval", False)),
                override_type=None,
                override_note=None,
                override_by=None,
                override_at=None,
                date_of_birth=_date(body.get("dateOfBirth")),
                seq=seqs.next(),
                deleted_at=None,
                created_at=now,
            )
        )
        seqs.flush()
        audit(conn, tenant.id, now, principal.id, "student.create", student_id, {})
        return staff_student(_get_row(conn, tenant, student_id))


def _date(value: Any) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid("dateOfBirth must be YYYY-MM-DD") from None


def _display_name(full_name: str) -> str:
    parts = full_name.split()
    if len(parts) < 2:
        return full_name
    return f"{parts[0]} {parts[-1][0]}."


def update_student(
    ctx: AppContext,
    tenant: TenantInfo,
    principal: Principal,
    student_id: str,
    changes: dict[str, Any],
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if principal.role is Role.ASSISTANT and set(changes) - {"status", "flags"}:
        raise forbidden("reception may change status and flags only")
    if "status" in changes and changes["status"] is not None:
        values["status"] = changes["status"]
    for name in ("displayName", "fullName"):
        if changes.get(name):
            values["display_name" if name == "displayName" else "full_name"] = changes[name]
    if "dateOfBirth" in changes:
        values["date_of_birth"] = _date(changes["dateOfBirth"])
    if "email" in changes:
        values["email"] = changes["email"] or None
    for flag, on in (changes.get("flags") or {}).items():
        if flag not in _FLAG_COLUMNS:
            raise invalid(f"unknown flag {flag!r}")
        values[_FLAG_COLUMNS[flag]] = bool(on)
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        _get_row(conn, tenant, student_id)
        seqs = SeqAllocator(conn, tenant.id)
        values["seq"] = seqs.next()
        conn.execute(
            sa.update(S).where(S.c.tenant_id == tenant.id, S.c.id == student_id).values(**values)
        )
        seqs.flush()
        audit(
            conn,
            tenant.id,
            now,
            principal.id,
            "student.update",
            student_id,
            {"fields": sorted(changes)},
        )
        return staff_student(_get_row(conn, tenant, student_id))


def delete_student(
    ctx: AppContext, tenant: TenantInfo, principal: Principal, student_id: str
) -> None:
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        _get_row(conn, tenant, student_id)
        seqs = SeqAllocator(conn, tenant.id)
        conn.execute(
            sa.update(S)
            .where(S.c.tenant_id == tenant.id, S.c.id == student_id)
            .values(deleted_at=now, seq=seqs.next())
        )
        seqs.flush()
        audit(conn, tenant.id, now, principal.id, "student.delete", student_id, {})


def set_override(
    ctx: AppContext,
    tenant: TenantInfo,
    principal: Principal,
    student_id: str,
    kind: str,
    note: str,
) -> dict[str, Any]:
    now = ctx.now()
    if kind != "clear" and not note.strip():
        raise invalid("an override needs a note saying why")
    with ctx.db.write_tx() as conn:
        before = _get_row(conn, tenant, student_id)
        seqs = SeqAllocator(conn, tenant.id)
        cleared = kind == "clear"
        conn.execute(
            sa.update(S)
            .where(S.c.tenant_id == tenant.id, S.c.id == student_id)
            .values(
                override_type=None if cleared else kind,
                override_note=None if cleared else note.strip(),
                override_by=None if cleared else principal.id,
                override_at=None if cleared else now,
                seq=seqs.next(),
            )
        )
        seqs.flush()
        audit(
            conn,
            tenant.id,
            now,
            principal.id,
            "student.override",
            student_id,
            {"type": kind, "previous": before.override_type, "note": note.strip()[:500]},
        )
        ctx.record_event(
            tenant,
            "override",
            {"studentId": student_id, "type": kind, "by": principal.id},
            conn=conn,
        )
        return staff_student(_get_row(conn, tenant, student_id))


def check(
    ctx: AppContext, tenant: TenantInfo, principal: Principal, student_id: str
) -> dict[str, Any]:
    if principal.role is Role.STUDENT and principal.student_id != student_id:
        raise forbidden("students may check their own eligibility only")
    with ctx.db.read_tx() as conn:
        row = _get_row(conn, tenant, student_id)
    student = student_from_row(row)
    now, zone = ctx.now(), tenant.settings.zone
    result = evaluate(student, tenant.rules, student.classes_since_promotion, now, zone)
    stripe = evaluate_stripe(student, tenant.rules, student.stripe_count, now, zone)
    body = {"studentId": student_id, **result.to_json()}
    body["stripe"] = stripe.to_json() if stripe is not None else None
    return body


def promote(
    ctx: AppContext,
    tenant: TenantInfo,
    principal: Principal,
    student_id: str,
    to_rank: str | None,
    notes: str,
    kind: PromotionKind = PromotionKind.BELT,
) -> dict[str, Any]:
    """An instructor's promotion, online: the next belt (or ``to_rank``), or the next stripe."""
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        # The tenant lock first: two instructors promoting at once do it one after the other.
        seqs = SeqAllocator(conn, tenant.id)
        student = student_from_row(_get_row(conn, tenant, student_id))
        try:
            target = promotion_target(student, tenant.rules, kind)
        except PromotionRefused as exc:
            raise ApiError(409, exc.problem.value, str(exc)) from None
        if to_rank is not None and kind is PromotionKind.BELT:
            target = replace(target, to_rank=to_rank)
        try:
            check_target(student, tenant, target)
        except PromotionInvalid as exc:
            raise invalid(str(exc)) from None
        row = apply_promotion(conn, seqs, tenant, student, target, now, principal.id, notes)
        seqs.flush()
        record = conn.execute(sa.select(P).where(P.c.id == row["id"])).one()
        updated = _get_row(conn, tenant, student_id)
    return {"promotion": promotion_json(record), "student": staff_student(updated)}


def history(
    ctx: AppContext,
    tenant: TenantInfo,
    principal: Principal,
    student_id: str | None,
    limit: int,
) -> dict[str, Any]:
    if principal.role is Role.STUDENT:
        if student_id not in (None, principal.student_id) or principal.student_id is None:
            raise forbidden("students see their own history only")
        student_id = principal.student_id
    condition = P.c.tenant_id == tenant.id
    if student_id:
        condition = sa.and_(condition, P.c.student_id == student_id)
    with ctx.db.read_tx() as conn:
        rows = conn.execute(
            sa.select(P)
            .where(condition)
            .order_by(P.c.promoted_at.desc(), P.c.seq.desc())
            .limit(limit)
        ).all()
    return {"promotions": [promotion_json(r) for r in rows]}


def stamp(value: datetime | None) -> str | None:
    return iso_z(value) if value else None

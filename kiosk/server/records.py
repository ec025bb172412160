"""Rows to domain values and to JSON: one place, so every endpoint says the same thing."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from kiosk.domain.model import Override, OverrideKind, Student, StudentStatus
from kiosk.server import schema
from kiosk.server.clock import iso_z

S = schema.students

#: Columns the roster and the rules need, in a fixed order (rows are read positionally: fast).
STUDENT_COLUMNS = (
    S.c.id,
    S.c.display_name,
    S.c.program_id,
    S.c.rank_id,
    S.c.rank_since,
    S.c.classes_since_promotion,
    S.c.status,
    S.c.fees_paid,
    S.c.assessment_passed,
    S.c.instructor_approval,
    S.c.override_type,
    S.c.override_note,
    S.c.override_by,
    S.c.override_at,
    S.c.date_of_birth,
    S.c.seq,
    S.c.deleted_at,
    S.c.stripes,
    S.c.stripe_since,
    S.c.classes_since_stripe,
)


def select_students() -> sa.Select[Any]:
    return sa.select(*STUDENT_COLUMNS)


def flags_of(row: sa.Row[Any]) -> frozenset[str]:
    names = (
        ("feesPaid", row.fees_paid),
        ("assessmentPassed", row.assessment_passed),
        ("instructorApproval", row.instructor_approval),
    )
    return frozenset(name for name, on in names if on)


def student_from_row(row: sa.Row[Any]) -> Student:
    override = None
    if row.override_type:
        override = Override(
            kind=OverrideKind(row.override_type),
            note=row.override_note or "",
            by=row.override_by or "",
            at=row.override_at,
        )
    return Student(
        id=row.id,
        display_name=row.display_name,
        program_id=row.program_id,
        rank_id=row.rank_id,
        rank_since=row.rank_since,
        classes_since_promotion=row.classes_since_promotion,
        status=StudentStatus(row.status),
        flags=flags_of(row),
        override=override,
        date_of_birth=row.date_of_birth,
        stripes=row.stripes,
        stripe_since=row.stripe_since,
        classes_since_stripe=row.classes_since_stripe,
    )


def roster_student(row: sa.Row[Any], with_birth_date: bool) -> dict[str, Any]:
    """One roster entry (docs/roster.md): only what a kiosk needs."""
    (
        student_id,
        display_name,
        program_id,
        rank_id,
        rank_since,
        count,
        status,
        fees,
        assessment,
        approval,
        override_type,
        override_note,
        override_by,
        override_at,
        born,
        _seq,
        _deleted,
        stripes,
        stripe_since,
        since_stripe,
    ) = tuple(row)[: len(STUDENT_COLUMNS)]
    override = None
    if override_type:
        override = {
            "type": override_type,
            "note": override_note or "",
            "by": override_by or "",
            "at": iso_z(override_at) if override_at else None,
        }
    return {
        "id": student_id,
        "displayName": display_name,
        "program": program_id,
        "rank": rank_id,
        "rankSince": iso_z(rank_since),
        "classesSincePromotion": count,
        "status": status,
        "flags": {
            "feesPaid": bool(fees),
            "assessmentPassed": bool(assessment),
            "instructorApproval": bool(approval),
        },
        "override": override,
        "dateOfBirth": born.isoformat() if (with_birth_date and born is not None) else None,
        "stripes": stripes,
        "stripeSince": iso_z(stripe_since) if stripe_since else None,
        "classesSinceStripe": since_stripe,
    }


def staff_student(row: sa.Row[Any]) -> dict[str, Any]:
    """A student as staff see it through ``GET /api/students`` (roster fields plus name)."""
    entry = roster_student(row, with_birth_date=True)
    entry["fullName"] = row.full_name
    entry["seq"] = row.seq
    return entry

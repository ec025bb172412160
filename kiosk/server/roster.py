"""The roster document for kiosks (docs/roster.md), full or incremental.

Read in one snapshot transaction, so ``seq``, students and counts agree: every entry's
``classesSincePromotion`` is the count as of the document's ``seq``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from kiosk.domain.roster import SCHEMA
from kiosk.server import schema
from kiosk.server.clock import iso_z
from kiosk.server.db import Database
from kiosk.server.keys import public_jwks
from kiosk.server.records import roster_student, select_students
from kiosk.server.tenancy import TenantInfo

S = schema.students


def class_entries(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": r.id,
            "name": r.name,
            "program": r.program_id,
            "weekday": r.weekday,
            "start": r.start_time,
            "durationMinutes": r.duration_minutes,
        }
        for r in rows
    ]


def list_classes(db: Database, tenant: TenantInfo) -> list[dict[str, Any]]:
    """The tenant's weekly schedule, by weekday and start time."""
    K = schema.classes
    with db.read_tx() as conn:
        rows = conn.execute(
            sa.select(K).where(K.c.tenant_id == tenant.id).order_by(K.c.weekday, K.c.start_time)
        )
        return class_entries(rows)


def build_roster(db: Database, tenant: TenantInfo, since: int, now: datetime) -> bytes:
    """The roster as JSON bytes (built directly: 10 000 students in well under a second)."""
    with_birth = tenant.rules.has_age_rules
    with db.read_tx() as conn:
        seq = int(
            conn.execute(
                sa.select(schema.tenants.c.seq).where(schema.tenants.c.id == tenant.id)
            ).scalar_one()
        )
        # A kiosk ahead of us (restored server, another database): only a full answer is safe.
        full = since <= 0 or since > seq
        query = select_students().where(S.c.tenant_id == tenant.id)
        # Full: the living students. Incremental: every row changed since, tombstones too.
        changed = S.c.deleted_at.is_(None) if full else S.c.seq > since
        query = query.where(changed)
        students: list[dict[str, Any]] = []
        removed: list[str] = []
        for row in conn.execute(query.order_by(S.c.seq)):
            if row.deleted_at is not None:
                removed.append(row.id)
            else:
                students.append(roster_student(row, with_birth))
        keys = public_jwks(conn, tenant.id)
        C = schema.cards
        revoked = list(
            conn.execute(
                sa.select(C.c.nonce)
                .where(
                    C.c.tenant_id == tenant.id,
                    C.c.revoked_at.is_not(None),
                    C.c.expires_at > now,
                )
                .order_by(C.c.nonce)
            ).scalars()
        )
        classes = class_entries(
            conn.execute(
                sa.select(schema.classes)
                .where(schema.classes.c.tenant_id == tenant.id)
                .order_by(schema.classes.c.weekday, schema.classes.c.start_time)
            )
        )
    parts = tenant.parts
    document = {
        "schema": SCHEMA,
        "tenant": parts["tenant"],
        "seq": seq,
        "since": 0 if full else since,
        "full": full,
        "generatedAt": iso_z(now),
        "settings": parts["settings"],
        "ranks": parts["ranks"],
        "programs": parts["programs"],
        "rules": parts["rules"],
        "keys": keys,
        "revokedNonces": revoked,
        "classes": classes,
        "students": students,
        "removedStudentIds": removed,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

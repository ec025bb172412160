"""Registered kiosks: registration, revocation, uploaded events and heartbeats."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa

from kiosk.server import schema
from kiosk.server.clock import iso_z, parse_instant
from kiosk.server.context import AppContext, Principal, audit
from kiosk.server.errors import not_found
from kiosk.server.security import new_opaque_token, token_hash
from kiosk.server.tenancy import TenantInfo

KI = schema.kiosks
E = schema.events

_KIND = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: Keys an event may never carry (tokens, payloads, personal data), dropped on arrival.
_FORBIDDEN_KEYS = frozenset(
    {
        "token",
        "text",
        "payload",
        "qr",
        "name",
        "displayname",
        "fullname",
        "email",
        "password",
        "pin",
        "devicetoken",
        "accesstoken",
        "refreshtoken",
    }
)
MAX_EVENTS = 500
MAX_EVENT_BYTES = 4096


def register(
    ctx: AppContext, tenant: TenantInfo, principal: Principal, name: str
) -> dict[str, Any]:
    token = new_opaque_token("dt")
    kiosk_id = str(uuid.uuid4())
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        conn.execute(
            sa.insert(KI).values(
                id=kiosk_id,
                tenant_id=tenant.id,
                name=name.strip(),
                device_token_hash=token_hash(token),
                created_by=principal.id,
                created_at=now,
                revoked_at=None,
                last_seen_at=None,
                heartbeat=None,
            )
        )
        audit(conn, tenant.id, now, principal.id, "kiosk.register", kiosk_id, {})
    return {
        "kioskId": kiosk_id,
        "deviceToken": token,
        "tenant": {"id": tenant.id, "slug": tenant.slug, "name": tenant.name},
    }


def revoke(ctx: AppContext, tenant: TenantInfo, principal: Principal, kiosk_id: str) -> None:
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        row = conn.execute(
            sa.select(KI.c.revoked_at).where(KI.c.tenant_id == tenant.id, KI.c.id == kiosk_id)
        ).first()
        if row is None:
            raise not_found("kiosk")
        if row.revoked_at is None:
            conn.execute(
                sa.update(KI)
                .where(KI.c.tenant_id == tenant.id, KI.c.id == kiosk_id)
                .values(revoked_at=now)
            )
            audit(conn, tenant.id, now, principal.id, "kiosk.revoke", kiosk_id, {})


def list_kiosks(ctx: AppContext, tenant: TenantInfo) -> dict[str, Any]:
    with ctx.db.read_tx() as conn:
        rows = conn.execute(
            sa.select(
                KI.c.id,
                KI.c.name,
                KI.c.created_at,
                KI.c.revoked_at,
                KI.c.last_seen_at,
                KI.c.heartbeat,
            )
            .where(KI.c.tenant_id == tenant.id)
            .order_by(KI.c.created_at)
        ).all()
    return {
        "kiosks": [
            {
                "kioskId": r.id,
                "name": r.name,
                "createdAt": iso_z(r.created_at),
                "revokedAt": iso_z(r.revoked_at) if r.revoked_at else None,
                "lastSeenAt": iso_z(r.last_seen_at) if r.last_seen_at else None,
                "heartbeat": r.heartbeat,
            }
            for r in rows
        ]
    }


def _clean(data: Any, depth: int = 0) -> Any:
    if isinstance(data, Mapping):
        if depth > 3:
            return None
        return {
            str(k)[:64]: _clean(v, depth + 1)
            for k, v in data.items()
            if str(k).replace("_", "").lower() not in _FORBIDDEN_KEYS
        }
    if isinstance(data, list):
        return [_clean(v, depth + 1) for v in data[:50]]
    if isinstance(data, str):
        return data[:256]
    if data is None or isinstance(data, bool | int | float):
        return data
    return None


def ingest_events(
    ctx: AppContext, tenant: TenantInfo, kiosk_id: str, raw_events: Sequence[Any]
) -> dict[str, Any]:
    """Store events idempotently on ``eventId``; malformed ones come back in ``rejected``."""
    now = ctx.now()
    accepted: list[str] = []
    rejected: list[dict[str, Any]] = []
    rows: dict[str, dict[str, Any]] = {}
    for raw in raw_events:
        event_id = raw.get("eventId") if isinstance(raw, Mapping) else None
        try:
            assert isinstance(raw, Mapping)
            event_id = str(uuid.UUID(str(raw.get("eventId"))))
            kind = raw.get("kind")
            if not isinstance(kind, str) or not _KIND.match(kind):
                raise ValueError("kind")
            at = parse_instant(raw.get("at"))  # type: ignore[arg-type]
            data = _clean(raw.get("data") or {})
            if not isinstance(data, dict) or len(json.dumps(data)) > MAX_EVENT_BYTES:
                raise ValueError("data")
        except (AssertionError, ValueError, TypeError):
            shown = event_id[:64] if isinstance(event_id, str) else None
            rejected.append({"eventId": shown, "reason": "invalid_event"})
            continue
        accepted.append(event_id)
        rows[event_id] = {
            "id": str(uuid.uuid4()),
            "tenant_id": tenant.id,
            "event_id": event_id,
            "kiosk_id": kiosk_id,
            "kind": kind,
            "at": at,
            "received_at": now,
            "data": data,
        }
    if rows:
        with ctx.db.write_tx() as conn:
            known = set(
                conn.execute(
                    sa.select(E.c.event_id).where(
                        E.c.tenant_id == tenant.id, E.c.event_id.in_(sorted(rows))
                    )
                ).scalars()
            )
            fresh = [row for event_id, row in rows.items() if event_id not in known]
            if fresh:
                conn.execute(sa.insert(E), fresh)
    return {"accepted": accepted, "rejected": rejected}


def heartbeat(
    ctx: AppContext, tenant: TenantInfo, kiosk_id: str, body: Mapping[str, Any]
) -> dict[str, Any]:
    now = ctx.now()
    with ctx.db.write_tx() as conn:
        conn.execute(
            sa.update(KI)
            .where(KI.c.tenant_id == tenant.id, KI.c.id == kiosk_id)
            .values(last_seen_at=now, heartbeat={**_clean(dict(body)), "receivedAt": iso_z(now)})
        )
    return {"serverTime": iso_z(now)}


def list_events(
    ctx: AppContext, tenant: TenantInfo, kind: str | None, limit: int
) -> dict[str, Any]:
    condition = E.c.tenant_id == tenant.id
    if kind:
        condition = sa.and_(condition, E.c.kind == kind)
    with ctx.db.read_tx() as conn:
        rows = conn.execute(
            sa.select(E).where(condition).order_by(E.c.received_at.desc()).limit(limit)
        ).all()
    return {
        "events": [
            {
                "eventId": r.event_id,
                "kind": r.kind,
                "kioskId": r.kiosk_id,
                "at": iso_z(r.at),
                "receivedAt": iso_z(r.received_at),
                "data": r.data,
            }
            for r in rows
        ]
    }

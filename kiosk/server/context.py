"""What every request handler shares: configuration, database, clock, counters, limits."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.server import schema
from kiosk.server.clock import Clock, iso_z
from kiosk.server.config import RateLimit, ServerConfig
from kiosk.server.db import Database
from kiosk.server.errors import ApiError
from kiosk.server.observability import Metrics, log
from kiosk.server.security import RateLimiter, Role
from kiosk.server.tenancy import TenantDirectory, TenantInfo


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: a user of the tenant, or one of its registered kiosks."""

    kind: str  # "user" | "kiosk"
    id: str
    role: Role
    tenant_id: str
    student_id: str | None = None


@dataclass(slots=True)
class AppContext:
    config: ServerConfig
    db: Database
    clock: Clock
    metrics: Metrics
    limiter: RateLimiter
    tenants: TenantDirectory

    def now(self) -> datetime:
        return self.clock.now()

    def rate_limit(self, scope: str, key: tuple[str, ...], limit: RateLimit, tenant: str) -> None:
        wait = self.limiter.take((scope, *key), limit)
        if wait > 0:
            self.metrics.inc("tatami_rate_limited_total", tenant=tenant, scope=scope)
            seconds = max(1, int(wait + 0.999))
            raise ApiError(
                429,
                "rate_limited",
                "too many requests: try again later",
                {"retryAfterSeconds": seconds},
                headers={"Retry-After": str(seconds)},
            )

    def record_event(
        self,
        tenant: TenantInfo,
        kind: str,
        data: Mapping[str, Any],
        *,
        kiosk_id: str | None = None,
        conn: Connection | None = None,
    ) -> None:
        """Store a server-side event (security, attempt...). ``data`` holds ids and codes only."""
        now = self.now()
        row = {
            "id": str(uuid.uuid4()),
            "tenant_id": tenant.id,
            "event_id": str(uuid.uuid4()),
            "kiosk_id": kiosk_id,
            "kind": kind,
            "at": now,
            "received_at": now,
            "data": {"origin": "server", **data},
        }
        if conn is not None:
            conn.execute(sa.insert(schema.events).values(**row))
            return
        with self.db.write_tx() as own:
            own.execute(sa.insert(schema.events).values(**row))

    def cross_tenant(
        self, tenant: TenantInfo, credential_tenant: str, what: str, path: str
    ) -> None:
        """Refuse a credential of another tenant: count, log, record, 403."""
        self.metrics.inc("tatami_cross_tenant_attempts_total", tenant=tenant.slug)
        log(
            logging.WARNING,
            "cross-tenant credential refused",
            event="cross_tenant",
            credential=what,
            credential_tenant=credential_tenant,
            path=path,
        )
        self.record_event(
            tenant,
            "security",
            {
                "reason": "cross_tenant",
                "credential": what,
                "credentialTenantId": credential_tenant,
                "path": path,
            },
        )
        raise ApiError(403, "cross_tenant", "this credential belongs to another academy")

    def auth_failure(self, tenant: TenantInfo | None, reason: str) -> None:
        self.metrics.inc(
            "tatami_auth_failures_total", tenant=tenant.slug if tenant else "-", reason=reason
        )
        log(logging.INFO, "credential refused", event="auth_failure", reason=reason)


def audit(
    conn: Connection,
    tenant_id: str,
    at: datetime,
    actor_id: str | None,
    action: str,
    target_id: str | None,
    data: Mapping[str, Any],
) -> None:
    conn.execute(
        sa.insert(schema.audit_log).values(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            at=at,
            actor_id=actor_id,
            action=action,
            target_id=target_id,
            data=dict(data),
        )
    )


def list_audit(ctx: AppContext, tenant_id: str, limit: int) -> list[dict[str, Any]]:
    L = schema.audit_log
    with ctx.db.read_tx() as conn:
        rows = conn.execute(
            sa.select(L).where(L.c.tenant_id == tenant_id).order_by(L.c.at.desc()).limit(limit)
        ).all()
    return [
        {
            "id": r.id,
            "at": iso_z(r.at),
            "actorId": r.actor_id,
            "action": r.action,
            "targetId": r.target_id,
            "data": r.data,
        }
        for r in rows
    ]

"""Administration: the academy's kiosks (register, list, revoke), its events and audit log."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from kiosk.server import kiosks
from kiosk.server.context import list_audit
from kiosk.server.models import AuditOut, EventListOut, KioskIn, KioskOut, KiosksOut
from kiosk.server.routes.deps import Admin, Ctx, Tenant

router = APIRouter(prefix="/api")


@router.post("/kiosks", status_code=201, response_model=KioskOut, tags=["kiosk"])
def register_kiosk(body: KioskIn, tenant: Tenant, principal: Admin, ctx: Ctx) -> Any:
    return kiosks.register(ctx, tenant, principal, body.name)


@router.get("/kiosks", response_model=KiosksOut, tags=["kiosk"])
def list_kiosks(tenant: Tenant, principal: Admin, ctx: Ctx) -> Any:
    return kiosks.list_kiosks(ctx, tenant)


@router.delete("/kiosks/{kiosk_id}", status_code=204, tags=["kiosk"])
def revoke_kiosk(kiosk_id: str, tenant: Tenant, principal: Admin, ctx: Ctx) -> Response:
    kiosks.revoke(ctx, tenant, principal, kiosk_id)
    return Response(status_code=204)


@router.get("/events", response_model=EventListOut, tags=["administration"])
def list_events(
    tenant: Tenant,
    principal: Admin,
    ctx: Ctx,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    return kiosks.list_events(ctx, tenant, kind, limit)


@router.get("/audit", response_model=AuditOut, tags=["administration"])
def audit_log(
    tenant: Tenant,
    principal: Admin,
    ctx: Ctx,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Any:
    return {"entries": list_audit(ctx, tenant.id, limit)}

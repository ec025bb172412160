"""QR codes and online scans: issue a pass or a card, list and revoke cards, scan at the desk."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from kiosk.server import qr
from kiosk.server.context import Principal
from kiosk.server.models import CardsOut, QrIn, QrOut, ScanIn, ScanOut
from kiosk.server.routes.deps import Ctx, Reception, Staff, Tenant, allow, client_of
from kiosk.server.security import STAFF, Role

router = APIRouter(prefix="/api")


@router.post("/qr", response_model=QrOut, tags=["qr"])
def issue_qr(
    body: QrIn,
    tenant: Tenant,
    principal: Annotated[Principal, allow(*STAFF, Role.STUDENT)],
    ctx: Ctx,
) -> Any:
    return qr.issue(
        ctx, tenant, principal, body.studentId.lower(), body.kind, body.ttlMinutes, body.form
    )


@router.delete("/qr/cards/{card_id}", status_code=204, tags=["qr"])
def revoke_card(card_id: str, tenant: Tenant, principal: Reception, ctx: Ctx) -> Response:
    qr.revoke_card(ctx, tenant, principal, card_id)
    return Response(status_code=204)


@router.get("/students/{student_id}/cards", response_model=CardsOut, tags=["qr"])
def student_cards(student_id: str, tenant: Tenant, principal: Staff, ctx: Ctx) -> Any:
    return {"cards": qr.list_cards(ctx, tenant, student_id)}


@router.post(
    "/attendance/scan",
    status_code=201,
    response_model=ScanOut,
    tags=["attendance"],
    responses={200: {"model": ScanOut, "description": "already checked in (duplicate)"}},
)
def scan(body: ScanIn, request: Request, tenant: Tenant, principal: Staff, ctx: Ctx) -> Any:
    ctx.rate_limit("scan", (tenant.slug, client_of(request)), ctx.config.scan_rate, tenant.slug)
    status, result = qr.scan(ctx, tenant, principal, body.token, body.classId)
    return JSONResponse(result, status_code=status)

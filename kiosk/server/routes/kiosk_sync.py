"""The kiosk extension, called by registered kiosks: roster, check-in batches, events, heartbeat.

Batches are parsed by hand (a malformed item must not fail its batch), so their OpenAPI bodies
point at documentation-only models.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from kiosk.server import kiosks
from kiosk.server.ingest import MAX_BATCH, ingest_batch
from kiosk.server.models import (
    CheckinResultsOut,
    ErrorOut,
    EventsOut,
    HeartbeatIn,
    HeartbeatOut,
    RosterOut,
)
from kiosk.server.observability import log
from kiosk.server.roster import build_roster
from kiosk.server.routes.deps import Ctx, KioskCaller, Tenant, body_ref, json_list

router = APIRouter(prefix="/api/kiosk", tags=["kiosk"])


@router.get(
    "/roster",
    response_model=None,
    responses={200: {"model": RosterOut, "description": "the roster document"}},
)
def roster(
    tenant: Tenant,
    principal: KioskCaller,
    ctx: Ctx,
    since: Annotated[int, Query(ge=0)] = 0,
) -> Response:
    body = build_roster(ctx.db, tenant, since, ctx.now())
    return Response(body, media_type="application/json")


@router.post(
    "/checkins",
    response_model=None,
    responses={
        200: {"model": CheckinResultsOut, "description": "one result per item"},
        400: {"model": ErrorOut, "description": "not a JSON object with items"},
        413: {"model": ErrorOut, "description": "more than 500 items"},
    },
    openapi_extra=body_ref("CheckinBatch"),
)
async def checkins(request: Request, tenant: Tenant, principal: KioskCaller, ctx: Ctx) -> Response:
    ctx.rate_limit("checkins", (tenant.slug, principal.id), ctx.config.checkin_rate, tenant.slug)
    items = await json_list(request, "items", MAX_BATCH)

    def work() -> dict[str, Any]:
        with ctx.db.write_tx() as conn:
            results, seq = ingest_batch(conn, tenant, principal.id, items, ctx.now())
        for result in results:
            ctx.metrics.inc(
                "tatami_checkins_ingested_total", tenant=tenant.slug, status=result.status
            )
        log(
            logging.INFO,
            "checkins ingested",
            event="checkins",
            kiosk=principal.id,
            items=len(results),
            seq=seq,
        )
        return {"results": [r.to_json() for r in results], "seq": seq}

    body = await run_in_threadpool(work)
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")


@router.post(
    "/events",
    response_model=None,
    responses={200: {"model": EventsOut, "description": "events stored (idempotent)"}},
    openapi_extra=body_ref("EventBatch"),
)
async def events(request: Request, tenant: Tenant, principal: KioskCaller, ctx: Ctx) -> Any:
    raw = await json_list(request, "events", kiosks.MAX_EVENTS)
    return await run_in_threadpool(kiosks.ingest_events, ctx, tenant, principal.id, raw)


@router.post("/heartbeat", response_model=HeartbeatOut)
def heartbeat(body: HeartbeatIn, tenant: Tenant, principal: KioskCaller, ctx: Ctx) -> Any:
    return kiosks.heartbeat(ctx, tenant, principal.id, body.model_dump(exclude_none=True))

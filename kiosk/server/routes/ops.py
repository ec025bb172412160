"""Operations: liveness, readiness (database and migrations) and metrics. No tenant."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse

from kiosk.server.errors import error_body
from kiosk.server.models import ErrorOut, HealthOut, ReadyOut
from kiosk.server.observability import log
from kiosk.server.routes.deps import Ctx

router = APIRouter(tags=["operations"])


@router.get("/health", response_model=HealthOut)
def health() -> dict[str, Any]:
    return {"status": "ok"}


@router.get(
    "/ready",
    response_model=ReadyOut,
    responses={503: {"model": ErrorOut, "description": "database or migrations not ready"}},
)
def ready(ctx: Ctx, request: Request) -> Any:
    head: str = request.app.state.head_revision
    try:
        with ctx.db.read_tx() as conn:
            conn.execute(sa.text("SELECT 1"))
        revision = ctx.db.current_revision()
    except Exception:
        log(logging.WARNING, "readiness check failed", event="not_ready", exc_info=True)
        return JSONResponse(
            error_body("not_ready", "the database is not reachable"), status_code=503
        )
    if revision != head:
        return JSONResponse(
            error_body(
                "not_ready", "migrations are not applied", {"revision": revision, "head": head}
            ),
            status_code=503,
        )
    return {"status": "ready", "revision": revision}


@router.get("/metrics", response_class=PlainTextResponse)
def metrics(ctx: Ctx) -> str:
    return ctx.metrics.render()

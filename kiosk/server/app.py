"""The reference TatamiTech API as an ASGI app: :func:`create_app`.

Layout of a request: :class:`RequestContext` (request id, ``Date`` from the injected clock,
access log, last-resort 500) → CORS → FastAPI routing with the error handlers below. Tenant
and caller are dependencies: :func:`tenant_of` resolves the tenant from the host,
:func:`principal_of` checks the bearer token *against that tenant*, and :func:`allow` is the
per-route role allowlist.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from email.utils import format_datetime
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.server import auth, kiosks, qr, schema, students
from kiosk.server.clock import Clock, SystemClock
from kiosk.server.config import ServerConfig
from kiosk.server.context import AppContext, Principal, list_audit
from kiosk.server.db import Database, head_revision
from kiosk.server.errors import ApiError, error_body
from kiosk.server.ingest import MAX_BATCH, ingest_batch
from kiosk.server.models import (
    AuditOut,
    CardsOut,
    CheckinBatch,
    CheckinResultsOut,
    ClassesOut,
    EligibilityOut,
    ErrorOut,
    EventBatch,
    EventListOut,
    EventsOut,
    HealthOut,
    HeartbeatIn,
    HeartbeatOut,
    HistoryOut,
    KioskIn,
    KioskOut,
    KiosksOut,
    LoginIn,
    LoginOut,
    LogoutIn,
    MeOut,
    OverrideIn,
    PromoteIn,
    PromoteOut,
    QrIn,
    QrOut,
    ReadyOut,
    RefreshIn,
    RefreshOut,
    RosterOut,
    ScanIn,
    ScanOut,
    StudentIn,
    StudentOut,
    StudentPatch,
    StudentRef,
    StudentsOut,
)
from kiosk.server.observability import Metrics, init_sentry, log, request_id_var, tenant_var
from kiosk.server.roster import build_roster, class_entries
from kiosk.server.security import STAFF, RateLimiter, Role
from kiosk.server.tenancy import TenantDirectory, TenantInfo, resolve_slug

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
REFRESH_COOKIE = "tatami_refresh"
_UUID = r"^[0-9a-fA-F-]{36}$"

ASGIApp = Callable[
    [MutableMapping[str, Any], Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
    Awaitable[None],
]


class RequestContext:
    """Request id, ``Date`` header from the app clock, access log, last-resort 500."""

    def __init__(self, app: ASGIApp, ctx: AppContext) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(
        self,
        scope: MutableMapping[str, Any],
        receive: Callable[[], Awaitable[Any]],
        send: Callable[[Any], Awaitable[None]],
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope.get("headers") or []).get(b"x-request-id", b"").decode("latin-1")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        rid_token = request_id_var.set(request_id)
        tenant_token = tenant_var.set("-")
        scope.setdefault("state", {})
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_headers(message: Any) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers["X-Request-Id"] = request_id
                headers["Date"] = format_datetime(self.ctx.now(), usegmt=True)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            log(
                logging.ERROR,
                "unhandled error",
                event="error",
                path=scope.get("path", ""),
                exc_info=True,
            )
            if not response_started:
                response = JSONResponse(
                    error_body("internal_error", "something went wrong on our side"),
                    status_code=500,
                )
                await response(scope, receive, send_with_headers)
        finally:
            tenant = scope["state"].get("tenant_slug", "-")
            self.ctx.metrics.inc("tatami_http_requests_total", status=f"{status // 100}xx")
            log(
                logging.INFO,
                "request",
                event="access",
                method=scope.get("method", ""),
                path=scope.get("path", ""),  # never the query string: it may hold a token
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                tenant=tenant,
            )
            tenant_var.reset(tenant_token)
            request_id_var.reset(rid_token)


# --- dependencies ------------------------------------------------------------------------


def ctx_of(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx


async def tenant_of(request: Request) -> TenantInfo:
    ctx = ctx_of(request)
    slug = resolve_slug(
        request.headers.get("host"),
        request.headers.get("x-tenant"),
        ctx.config.app_domain,
        ctx.config.development,
    )
    if slug is None:
        raise ApiError(400, "tenant_required", "name the academy in the host (<slug>.<domain>)")
    info = await run_in_threadpool(ctx.tenants.by_slug, slug)
    if info is None:
        raise ApiError(404, "tenant_not_found", "no academy by that name")
    request.state.tenant_slug = slug
    tenant_var.set(slug)
    return info


Tenant = Annotated[TenantInfo, Depends(tenant_of)]


async def principal_of(request: Request, tenant: Tenant) -> Principal:
    ctx = ctx_of(request)
    return await run_in_threadpool(
        auth.authenticate, ctx, tenant, request.headers.get("authorization"), request.url.path
    )


def allow(*roles: Role) -> Any:
    """A dependency admitting only these roles (403 ``forbidden`` for the others)."""
    allowed = frozenset(roles)

    async def check(principal: Annotated[Principal, Depends(principal_of)]) -> Principal:
        if principal.role not in allowed:
            raise ApiError(403, "forbidden", "your role may not do this")
        return principal

    return Depends(check)


Ctx = Annotated[AppContext, Depends(ctx_of)]
ANY_ROLE = (*STAFF, Role.STUDENT, Role.KIOSK)
Anyone = Annotated[Principal, allow(*ANY_ROLE)]
Staff = Annotated[Principal, allow(*STAFF)]
Admin = Annotated[Principal, allow(Role.ADMIN)]
Teachers = Annotated[Principal, allow(Role.ADMIN, Role.INSTRUCTOR)]
Reception = Annotated[Principal, allow(Role.ADMIN, Role.ASSISTANT)]
KioskCaller = Annotated[Principal, allow(Role.KIOSK)]


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


# --- error handlers ----------------------------------------------------------------------


async def _api_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return JSONResponse(exc.body(), status_code=exc.status, headers=exc.headers)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
}


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    message = exc.detail if isinstance(exc.detail, str) else code.replace("_", " ")
    return JSONResponse(error_body(code, message), status_code=exc.status_code, headers=exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    # Never echo the input: it may be a password or a token.
    errors = [
        {
            "loc": [str(part) for part in err.get("loc", ())],
            "type": err.get("type", ""),
            "msg": err.get("msg", ""),
        }
        for err in exc.errors()
    ]
    return JSONResponse(
        error_body("validation_error", "the request is not valid", {"errors": errors}),
        status_code=422,
    )


# --- the app -----------------------------------------------------------------------------


def create_app(config: ServerConfig, clock: Clock | None = None) -> FastAPI:
    """Build the app: open the database, apply migrations, wire routes.

    ``clock`` defaults to the system clock; tests and the demo pass a
    :class:`~kiosk.server.clock.ManualClock`.
    """
    db = Database(config.database_url)
    db.migrate()
    ctx = AppContext(
        config=config,
        db=db,
        clock=clock or SystemClock(),
        metrics=Metrics(),
        limiter=RateLimiter(),
        tenants=TenantDirectory(db),
    )
    init_sentry(config.sentry_dsn, config.app_env.value)
    head = head_revision()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        db.dispose()

    app = FastAPI(
        title="TatamiTech API (reference server)",
        version=__version__,
        description="Platform endpoints and the kiosk extension; see docs/kiosk-api.md.",
        lifespan=lifespan,
        responses={"default": {"model": ErrorOut, "description": "Error"}},
        docs_url="/docs" if config.development else None,
        redoc_url=None,
    )
    app.state.ctx = ctx
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    if config.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(config.cors_origins),
            allow_credentials=True,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Tenant", "X-Request-Id"],
            expose_headers=["X-Request-Id", "Retry-After"],
        )
    app.add_middleware(RequestContext, ctx=ctx)
    _routes(app, ctx, head)
    _openapi(app)
    return app


def _routes(app: FastAPI, ctx: AppContext, head: str) -> None:
    @app.get("/health", response_model=HealthOut, tags=["operations"])
    def health() -> dict[str, Any]:
        return {"status": "ok"}

    @app.get(
        "/ready",
        response_model=ReadyOut,
        tags=["operations"],
        responses={503: {"model": ErrorOut, "description": "database or migrations not ready"}},
    )
    def ready() -> Any:
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

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
    def metrics() -> str:
        return ctx.metrics.render()

    # --- auth ---------------------------------------------------------------------------

    @app.post("/api/auth/login", response_model=LoginOut, tags=["auth"])
    def login(body: LoginIn, request: Request, response: Response, tenant: Tenant) -> Any:
        if body.tenantSlug is not None and body.tenantSlug.strip().lower() != tenant.slug:
            raise ApiError(400, "tenant_mismatch", "tenantSlug does not match the host")
        ctx.rate_limit("login", (tenant.slug, _client(request)), ctx.config.login_rate, tenant.slug)
        result = auth.login(ctx, tenant, body.email, body.password)
        _set_refresh_cookie(response, result["refreshToken"], ctx)
        return result

    @app.post("/api/auth/refresh", response_model=RefreshOut, tags=["auth"])
    def refresh(body: RefreshIn, request: Request, response: Response, tenant: Tenant) -> Any:
        ctx.rate_limit("login", (tenant.slug, _client(request)), ctx.config.login_rate, tenant.slug)
        if body.deviceToken:
            return auth.refresh_kiosk(ctx, tenant, body.deviceToken, request.url.path)
        token = body.refreshToken or request.cookies.get(REFRESH_COOKIE)
        if not token:
            raise ApiError(401, "invalid_refresh_token", "sign in again")
        result = auth.refresh_user(ctx, tenant, token, request.url.path)
        _set_refresh_cookie(response, result["refreshToken"], ctx)
        return result

    @app.post("/api/auth/logout", status_code=204, tags=["auth"])
    def logout(body: LogoutIn, request: Request, tenant: Tenant) -> Response:
        token = body.refreshToken or request.cookies.get(REFRESH_COOKIE)
        if token:
            auth.logout(ctx, tenant, token)
        response = Response(status_code=204)
        response.delete_cookie(REFRESH_COOKIE, path="/api/auth")
        return response

    @app.get("/api/me", response_model=MeOut, tags=["auth"])
    def me(principal: Anyone) -> Any:
        return auth.me(ctx, principal)

    # --- QR and scans -------------------------------------------------------------------

    @app.post("/api/qr", response_model=QrOut, tags=["qr"])
    def issue_qr(
        body: QrIn,
        tenant: Tenant,
        principal: Annotated[Principal, allow(*STAFF, Role.STUDENT)],
    ) -> Any:
        return qr.issue(
            ctx, tenant, principal, body.studentId.lower(), body.kind, body.ttlMinutes, body.form
        )

    @app.delete("/api/qr/cards/{card_id}", status_code=204, tags=["qr"])
    def revoke_card(card_id: str, tenant: Tenant, principal: Reception) -> Response:
        qr.revoke_card(ctx, tenant, principal, card_id)
        return Response(status_code=204)

    @app.get("/api/students/{student_id}/cards", response_model=CardsOut, tags=["qr"])
    def student_cards(student_id: str, tenant: Tenant, principal: Staff) -> Any:
        return {"cards": qr.list_cards(ctx, tenant, student_id)}

    @app.post(
        "/api/attendance/scan",
        status_code=201,
        response_model=ScanOut,
        tags=["attendance"],
        responses={200: {"model": ScanOut, "description": "already checked in (duplicate)"}},
    )
    def scan(body: ScanIn, request: Request, tenant: Tenant, principal: Staff) -> Any:
        ctx.rate_limit("scan", (tenant.slug, _client(request)), ctx.config.scan_rate, tenant.slug)
        status, result = qr.scan(ctx, tenant, principal, body.token, body.classId)
        return JSONResponse(result, status_code=status)

    # --- promotions and students --------------------------------------------------------

    @app.post("/api/promotions/check", response_model=EligibilityOut, tags=["promotions"])
    def check(
        body: StudentRef,
        tenant: Tenant,
        principal: Annotated[Principal, allow(*STAFF, Role.STUDENT, Role.KIOSK)],
    ) -> Any:
        return students.check(ctx, tenant, principal, body.studentId.lower())

    @app.post("/api/promotions/promote", response_model=PromoteOut, tags=["promotions"])
    def promote(body: PromoteIn, tenant: Tenant, principal: Teachers) -> Any:
        return students.promote(
            ctx, tenant, principal, body.studentId.lower(), body.toRank, body.notes
        )

    @app.get("/api/promotions/history", response_model=HistoryOut, tags=["promotions"])
    def promotion_history(
        tenant: Tenant,
        principal: Annotated[Principal, allow(Role.ADMIN, Role.INSTRUCTOR, Role.STUDENT)],
        studentId: Annotated[str | None, Query(max_length=36)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> Any:
        return students.history(ctx, tenant, principal, studentId, limit)

    @app.post("/api/students/{student_id}/override", response_model=StudentOut, tags=["promotions"])
    def override(student_id: str, body: OverrideIn, tenant: Tenant, principal: Teachers) -> Any:
        return students.set_override(ctx, tenant, principal, student_id, body.type, body.note)

    @app.get("/api/classes", response_model=ClassesOut, tags=["students"])
    def list_classes(tenant: Tenant, principal: Anyone) -> Any:
        with ctx.db.read_tx() as conn:
            rows = conn.execute(
                sa.select(schema.classes)
                .where(schema.classes.c.tenant_id == tenant.id)
                .order_by(schema.classes.c.weekday, schema.classes.c.start_time)
            )
            return {"classes": class_entries(rows)}

    @app.get("/api/students", response_model=StudentsOut, tags=["students"])
    def list_students(
        tenant: Tenant,
        principal: Staff,
        q: Annotated[str | None, Query(max_length=100)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> Any:
        return students.list_students(ctx, tenant, q, limit, offset)

    @app.post("/api/students", status_code=201, response_model=StudentOut, tags=["students"])
    def create_student(body: StudentIn, tenant: Tenant, principal: Admin) -> Any:
        return students.create_student(ctx, tenant, principal, body.model_dump(exclude_none=True))

    @app.get("/api/students/{student_id}", response_model=StudentOut, tags=["students"])
    def get_student(student_id: str, tenant: Tenant, principal: Staff) -> Any:
        return students.get_student(ctx, tenant, student_id)

    @app.patch("/api/students/{student_id}", response_model=StudentOut, tags=["students"])
    def patch_student(
        student_id: str, body: StudentPatch, tenant: Tenant, principal: Reception
    ) -> Any:
        changes = body.model_dump(exclude_unset=True)
        if isinstance(changes.get("flags"), dict):
            changes["flags"] = {k: v for k, v in changes["flags"].items() if v is not None}
        return students.update_student(ctx, tenant, principal, student_id, changes)

    @app.delete("/api/students/{student_id}", status_code=204, tags=["students"])
    def delete_student(student_id: str, tenant: Tenant, principal: Admin) -> Response:
        students.delete_student(ctx, tenant, principal, student_id)
        return Response(status_code=204)

    # --- kiosks -------------------------------------------------------------------------

    @app.post("/api/kiosks", status_code=201, response_model=KioskOut, tags=["kiosk"])
    def register_kiosk(body: KioskIn, tenant: Tenant, principal: Admin) -> Any:
        return kiosks.register(ctx, tenant, principal, body.name)

    @app.get("/api/kiosks", response_model=KiosksOut, tags=["kiosk"])
    def list_kiosks(tenant: Tenant, principal: Admin) -> Any:
        return kiosks.list_kiosks(ctx, tenant)

    @app.delete("/api/kiosks/{kiosk_id}", status_code=204, tags=["kiosk"])
    def revoke_kiosk(kiosk_id: str, tenant: Tenant, principal: Admin) -> Response:
        kiosks.revoke(ctx, tenant, principal, kiosk_id)
        return Response(status_code=204)

    @app.get(
        "/api/kiosk/roster",
        response_model=None,
        tags=["kiosk"],
        responses={200: {"model": RosterOut, "description": "the roster document"}},
    )
    def roster(
        tenant: Tenant,
        principal: KioskCaller,
        since: Annotated[int, Query(ge=0)] = 0,
    ) -> Response:
        body = build_roster(ctx.db, tenant, since, ctx.now())
        return Response(body, media_type="application/json")

    @app.post(
        "/api/kiosk/checkins",
        response_model=None,
        tags=["kiosk"],
        responses={
            200: {"model": CheckinResultsOut, "description": "one result per item"},
            400: {"model": ErrorOut, "description": "not a JSON object with items"},
            413: {"model": ErrorOut, "description": "more than 500 items"},
        },
        openapi_extra=_body_ref("CheckinBatch"),
    )
    async def checkins(request: Request, tenant: Tenant, principal: KioskCaller) -> Response:
        ctx.rate_limit(
            "checkins", (tenant.slug, principal.id), ctx.config.checkin_rate, tenant.slug
        )
        items = await _json_list(request, "items", MAX_BATCH)

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

    @app.post(
        "/api/kiosk/events",
        response_model=None,
        tags=["kiosk"],
        responses={200: {"model": EventsOut, "description": "events stored (idempotent)"}},
        openapi_extra=_body_ref("EventBatch"),
    )
    async def events(request: Request, tenant: Tenant, principal: KioskCaller) -> Any:
        raw = await _json_list(request, "events", 500)
        return await run_in_threadpool(kiosks.ingest_events, ctx, tenant, principal.id, raw)

    @app.post("/api/kiosk/heartbeat", response_model=HeartbeatOut, tags=["kiosk"])
    def heartbeat(body: HeartbeatIn, tenant: Tenant, principal: KioskCaller) -> Any:
        return kiosks.heartbeat(ctx, tenant, principal.id, body.model_dump(exclude_none=True))

    # --- administration -----------------------------------------------------------------

    @app.get("/api/events", response_model=EventListOut, tags=["administration"])
    def list_events(
        tenant: Tenant,
        principal: Admin,
        kind: Annotated[str | None, Query(max_length=32)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> Any:
        return kiosks.list_events(ctx, tenant, kind, limit)

    @app.get("/api/audit", response_model=AuditOut, tags=["administration"])
    def audit_log(
        tenant: Tenant,
        principal: Admin,
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    ) -> Any:
        return {"entries": list_audit(ctx, tenant.id, limit)}


def _set_refresh_cookie(response: Response, token: str, ctx: AppContext) -> None:
    response.set_cookie(
        REFRESH_COOKIE,
        token,
        max_age=ctx.config.refresh_ttl_seconds,
        httponly=True,
        secure=not ctx.config.development,
        samesite="lax",
        path="/api/auth",
    )


async def _json_list(request: Request, key: str, limit: int) -> list[Any]:
    """The list under ``key`` of a JSON object body: 400 when malformed, 413 when too long."""
    try:
        body = json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "bad_request", "the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise ApiError(400, "bad_request", f"the body must be a JSON object with a list {key!r}")
    items: list[Any] = body[key]
    if len(items) > limit:
        raise ApiError(
            413, "batch_too_large", f"at most {limit} {key} per request", {"limit": limit}
        )
    return items


def _body_ref(name: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    }


def _openapi(app: FastAPI) -> None:
    """The generated document, plus the batch bodies parsed by hand and our 422 shape."""

    def build() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        components = document.setdefault("components", {}).setdefault("schemas", {})
        for model in (CheckinBatch, EventBatch):
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(schema.pop("$defs", {}))
            components[model.__name__] = schema
        error_ref = {"$ref": "#/components/schemas/ErrorOut"}
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                invalid = operation.get("responses", {}).get("422")
                if invalid is not None:
                    invalid["content"] = {"application/json": {"schema": error_ref}}
        for unused in ("HTTPValidationError", "ValidationError"):
            components.pop(unused, None)
        app.openapi_schema = document
        return document

    app.openapi = build  # type: ignore[method-assign]

"""The reference TatamiTech API as an ASGI app: :func:`create_app`.

Layout of a request: :class:`RequestContext` (request id, ``Date`` from the injected clock,
access log, last-resort 500) → CORS → FastAPI routing with the error handlers below. The
routes are one router per resource in :mod:`kiosk.server.routes`; tenant, caller and role
allowlists are the dependencies of :mod:`kiosk.server.routes.deps`.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from contextlib import asynccontextmanager
from email.utils import format_datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.server.clock import Clock, SystemClock
from kiosk.server.config import ServerConfig
from kiosk.server.context import AppContext
from kiosk.server.db import Database, head_revision
from kiosk.server.errors import ApiError, error_body
from kiosk.server.models import CheckinBatch, ErrorOut, EventBatch
from kiosk.server.observability import Metrics, init_sentry, log, request_id_var, tenant_var
from kiosk.server.routes import ROUTERS
from kiosk.server.security import RateLimiter
from kiosk.server.tenancy import TenantDirectory

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

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
    app.state.head_revision = head
    for router in ROUTERS:
        app.include_router(router)
    _openapi(app)
    return app


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

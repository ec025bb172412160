"""What every router shares: the app context, the tenant, the caller and the role allowlists.

Tenant and caller are dependencies: :func:`tenant_of` resolves the tenant from the host,
:func:`principal_of` checks the bearer token *against that tenant*, and :func:`allow` is the
per-route role allowlist. Handlers stay thin: they read the request and call the module that
owns the data (``auth``, ``students``, ``qr``, ``kiosks``, ``ingest``).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from kiosk.server import auth
from kiosk.server.context import AppContext, Principal
from kiosk.server.errors import ApiError
from kiosk.server.observability import tenant_var
from kiosk.server.security import STAFF, Role
from kiosk.server.tenancy import TenantInfo, resolve_slug


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


def client_of(request: Request) -> str:
    return request.client.host if request.client else "-"


async def json_list(request: Request, key: str, limit: int) -> list[Any]:
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


def body_ref(name: str) -> dict[str, Any]:
    """OpenAPI ``requestBody`` pointing at a model of a body parsed by hand."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}},
        }
    }

"""Sign-in: login, refresh (users and kiosks), logout, and who am I."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from kiosk.server import auth
from kiosk.server.context import AppContext
from kiosk.server.errors import ApiError
from kiosk.server.models import LoginIn, LoginOut, LogoutIn, MeOut, RefreshIn, RefreshOut
from kiosk.server.routes.deps import Anyone, Ctx, Tenant, client_of

REFRESH_COOKIE = "tatami_refresh"

router = APIRouter(prefix="/api", tags=["auth"])


@router.post("/auth/login", response_model=LoginOut)
def login(body: LoginIn, request: Request, response: Response, tenant: Tenant, ctx: Ctx) -> Any:
    if body.tenantSlug is not None and body.tenantSlug.strip().lower() != tenant.slug:
        raise ApiError(400, "tenant_mismatch", "tenantSlug does not match the host")
    ctx.rate_limit("login", (tenant.slug, client_of(request)), ctx.config.login_rate, tenant.slug)
    result = auth.login(ctx, tenant, body.email, body.password)
    _set_refresh_cookie(response, result["refreshToken"], ctx)
    return result


@router.post("/auth/refresh", response_model=RefreshOut)
def refresh(body: RefreshIn, request: Request, response: Response, tenant: Tenant, ctx: Ctx) -> Any:
    ctx.rate_limit("login", (tenant.slug, client_of(request)), ctx.config.login_rate, tenant.slug)
    if body.deviceToken:
        return auth.refresh_kiosk(ctx, tenant, body.deviceToken, request.url.path)
    token = body.refreshToken or request.cookies.get(REFRESH_COOKIE)
    if not token:
        raise ApiError(401, "invalid_refresh_token", "sign in again")
    result = auth.refresh_user(ctx, tenant, token, request.url.path)
    _set_refresh_cookie(response, result["refreshToken"], ctx)
    return result


@router.post("/auth/logout", status_code=204)
def logout(body: LogoutIn, request: Request, tenant: Tenant, ctx: Ctx) -> Response:
    token = body.refreshToken or request.cookies.get(REFRESH_COOKIE)
    if token:
        auth.logout(ctx, tenant, token)
    response = Response(status_code=204)
    response.delete_cookie(REFRESH_COOKIE, path="/api/auth")
    return response


@router.get("/me", response_model=MeOut)
def me(principal: Anyone, ctx: Ctx) -> Any:
    return auth.me(ctx, principal)


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

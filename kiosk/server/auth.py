"""Login, refresh (users and kiosks), and the caller behind an access token.

Refresh tokens rotate on every use. The previous token keeps working for
``refresh_grace_seconds`` (a lost response must not log anyone out); presented after that, it
is a replay: the whole token family is revoked and a security event recorded.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.server import schema
from kiosk.server.context import AppContext, Principal
from kiosk.server.errors import ApiError
from kiosk.server.security import (
    Role,
    TokenInvalid,
    decode_access_token,
    issue_access_token,
    new_opaque_token,
    token_hash,
    verify_password,
)
from kiosk.server.tenancy import TenantInfo

U = schema.users
RT = schema.refresh_tokens
KI = schema.kiosks


def user_json(row: Any) -> dict[str, Any]:
    out = {
        "id": row.id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "tenantId": row.tenant_id,
    }
    if row.student_id:
        out["studentId"] = row.student_id
    return out


def _new_refresh(
    ctx: AppContext, conn: Connection, tenant_id: str, user_id: str, family: str
) -> str:
    now = ctx.now()
    token = new_opaque_token("rt")
    conn.execute(
        sa.insert(RT).values(
            id=str(uuid.uuid4()),
            tenant_id=tenant_id,
            user_id=user_id,
            family_id=family,
            token_hash=token_hash(token),
            issued_at=now,
            expires_at=now + timedelta(seconds=ctx.config.refresh_ttl_seconds),
            rotated_at=None,
            revoked_at=None,
        )
    )
    return token


def _access(ctx: AppContext, subject: str, tenant_id: str, role: Role) -> str:
    token, _exp = issue_access_token(
        ctx.config.jwt_secret, subject, tenant_id, role, ctx.now(), ctx.config.access_ttl_seconds
    )
    return token


def login(ctx: AppContext, tenant: TenantInfo, email: str, password: str) -> dict[str, Any]:
    with ctx.db.read_tx() as conn:
        row = conn.execute(
            sa.select(U).where(
                U.c.tenant_id == tenant.id, U.c.email == email.strip().lower(), U.c.active
            )
        ).first()
    # verify_password runs scrypt even for an unknown email: equal cost, no user enumeration.
    if not verify_password(password, row.password_hash if row is not None else None):
        ctx.auth_failure(tenant, "invalid_credentials")
        raise ApiError(401, "invalid_credentials", "wrong email or password")
    assert row is not None
    with ctx.db.write_tx() as conn:
        refresh = _new_refresh(ctx, conn, tenant.id, row.id, str(uuid.uuid4()))
    return {
        "accessToken": _access(ctx, row.id, tenant.id, Role(row.role)),
        "refreshToken": refresh,
        "expiresIn": ctx.config.access_ttl_seconds,
        "user": user_json(row),
    }


def refresh_user(ctx: AppContext, tenant: TenantInfo, token: str, path: str) -> dict[str, Any]:
    now = ctx.now()
    grace = timedelta(seconds=ctx.config.refresh_grace_seconds)
    user: Any = None
    with ctx.db.write_tx() as conn:
        row = conn.execute(sa.select(RT).where(RT.c.token_hash == token_hash(token))).first()
        if row is None:
            failure = "invalid_refresh_token"
        elif row.tenant_id != tenant.id:
            failure = "cross_tenant"
        elif row.revoked_at is not None or row.expires_at <= now:
            failure = "invalid_refresh_token"
        elif row.rotated_at is not None and now - row.rotated_at > grace:
            conn.execute(
                sa.update(RT)
                .where(RT.c.tenant_id == tenant.id, RT.c.family_id == row.family_id)
                .values(revoked_at=now)
            )
            ctx.record_event(
                tenant,
                "security",
                {"reason": "refresh_token_reuse", "userId": row.user_id},
                conn=conn,
            )
            failure = "refresh_token_reused"
        else:
            failure = ""
            user = conn.execute(
                sa.select(U).where(U.c.tenant_id == tenant.id, U.c.id == row.user_id, U.c.active)
            ).first()
            if user is None:
                failure = "invalid_refresh_token"
    if failure == "cross_tenant":
        assert row is not None
        ctx.cross_tenant(tenant, row.tenant_id, "refresh_token", path)
    if failure:
        ctx.auth_failure(tenant, failure)
        raise ApiError(401, failure, "sign in again")
    assert row is not None and user is not None
    with ctx.db.write_tx() as conn:
        if row.rotated_at is None:
            conn.execute(sa.update(RT).where(RT.c.id == row.id).values(rotated_at=now))
        new_token = _new_refresh(ctx, conn, tenant.id, row.user_id, row.family_id)
    return {
        "accessToken": _access(ctx, user.id, tenant.id, Role(user.role)),
        "refreshToken": new_token,
        "expiresIn": ctx.config.access_ttl_seconds,
    }


def refresh_kiosk(
    ctx: AppContext, tenant: TenantInfo, device_token: str, path: str
) -> dict[str, Any]:
    with ctx.db.read_tx() as conn:
        row = conn.execute(
            sa.select(KI).where(KI.c.device_token_hash == token_hash(device_token))
        ).first()
    if row is None:
        ctx.auth_failure(tenant, "invalid_device_token")
        raise ApiError(401, "invalid_device_token", "this kiosk is not registered: set it up again")
    if row.tenant_id != tenant.id:
        ctx.cross_tenant(tenant, row.tenant_id, "device_token", path)
    if row.revoked_at is not None:
        ctx.auth_failure(tenant, "device_revoked")
        raise ApiError(401, "device_revoked", "this kiosk was revoked: set it up again")
    with ctx.db.write_tx() as conn:
        conn.execute(sa.update(KI).where(KI.c.id == row.id).values(last_seen_at=ctx.now()))
    return {
        "accessToken": _access(ctx, row.id, tenant.id, Role.KIOSK),
        "expiresIn": ctx.config.access_ttl_seconds,
        "kioskId": row.id,
    }


def authenticate(
    ctx: AppContext, tenant: TenantInfo, authorization: str | None, path: str
) -> Principal:
    """The caller behind ``Authorization: Bearer <access JWT>`` on this tenant's request."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        ctx.auth_failure(tenant, "missing_token")
        raise ApiError(401, "unauthorized", "sign in first", headers={"WWW-Authenticate": "Bearer"})
    try:
        claims = decode_access_token(ctx.config.jwt_secret, token.strip(), ctx.now())
    except TokenInvalid as exc:
        ctx.auth_failure(tenant, exc.code)
        raise ApiError(401, exc.code, str(exc), headers={"WWW-Authenticate": "Bearer"}) from None
    if claims.tenant_id != tenant.id:
        ctx.cross_tenant(tenant, claims.tenant_id, "access_token", path)
    with ctx.db.read_tx() as conn:
        if claims.role is Role.KIOSK:
            kiosk = conn.execute(
                sa.select(KI.c.revoked_at).where(
                    KI.c.tenant_id == tenant.id, KI.c.id == claims.subject
                )
            ).first()
            if kiosk is None or kiosk.revoked_at is not None:
                ctx.auth_failure(tenant, "device_revoked")
                raise ApiError(401, "device_revoked", "this kiosk was revoked: set it up again")
            return Principal("kiosk", claims.subject, Role.KIOSK, tenant.id)
        user = conn.execute(
            sa.select(U.c.role, U.c.student_id).where(
                U.c.tenant_id == tenant.id, U.c.id == claims.subject, U.c.active
            )
        ).first()
    if user is None:
        ctx.auth_failure(tenant, "unknown_user")
        raise ApiError(401, "unauthorized", "sign in again")
    return Principal("user", claims.subject, Role(user.role), tenant.id, user.student_id)


def me(ctx: AppContext, principal: Principal) -> dict[str, Any]:
    with ctx.db.read_tx() as conn:
        if principal.kind == "kiosk":
            row = conn.execute(
                sa.select(KI.c.id, KI.c.name, KI.c.tenant_id).where(
                    KI.c.tenant_id == principal.tenant_id, KI.c.id == principal.id
                )
            ).one()
            return {
                "id": row.id,
                "name": row.name,
                "role": Role.KIOSK.value,
                "tenantId": row.tenant_id,
                "kind": "kiosk",
            }
        user = conn.execute(
            sa.select(U).where(U.c.tenant_id == principal.tenant_id, U.c.id == principal.id)
        ).one()
    return {**user_json(user), "kind": "user"}


def logout(ctx: AppContext, tenant: TenantInfo, token: str) -> None:
    """Revoke the refresh token's whole family (this sign-in on every tab)."""
    with ctx.db.write_tx() as conn:
        row = conn.execute(
            sa.select(RT.c.family_id).where(
                RT.c.tenant_id == tenant.id, RT.c.token_hash == token_hash(token)
            )
        ).first()
        if row is not None:
            conn.execute(
                sa.update(RT)
                .where(RT.c.tenant_id == tenant.id, RT.c.family_id == row.family_id)
                .values(revoked_at=ctx.now())
            )

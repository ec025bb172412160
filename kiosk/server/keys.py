"""Per-tenant Ed25519 QR keys: creation, rotation, signing (DESIGN §3).

One key is ``active`` (signs new passes and cards); rotated keys become ``retired`` and stay
published in the roster so that cards signed with them keep verifying.
"""

from __future__ import annotations

import base64
import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.engine import Connection

from kiosk.domain.tokens import VerificationKey, b64url_encode, public_jwk, public_key_x
from kiosk.server import schema
from kiosk.server.db import Database

K = schema.qr_keys


@dataclass(frozen=True, slots=True)
class SigningKey:
    kid: str
    private_key: Ed25519PrivateKey


def _decode_private(text: str) -> Ed25519PrivateKey:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return Ed25519PrivateKey.from_private_bytes(raw)


def create_key(
    conn: Connection, tenant_id: str, slug: str, now: datetime, rng: random.Random | None = None
) -> str:
    """Add a new active key (the caller retires the old one). ``rng`` only for the seed."""
    raw = rng.randbytes(32) if rng is not None else secrets.token_bytes(32)
    suffix = rng.randbytes(3).hex() if rng is not None else secrets.token_hex(3)
    private = Ed25519PrivateKey.from_private_bytes(raw)
    kid = f"{slug[:24]}-{now:%Y%m%d}-{suffix}"
    conn.execute(
        sa.insert(K).values(
            tenant_id=tenant_id,
            kid=kid,
            private_key=b64url_encode(raw),
            public_x=public_key_x(private),
            status="active",
            created_at=now,
            retired_at=None,
        )
    )
    return kid


def rotate_keys(db: Database, slug: str, now: datetime) -> tuple[str, list[str]]:
    """Retire the tenant's active key(s) and create a new active one: ``(new kid, retired)``."""
    with db.write_tx() as conn:
        tenant_id = conn.execute(
            sa.select(schema.tenants.c.id).where(schema.tenants.c.slug == slug)
        ).scalar_one_or_none()
        if tenant_id is None:
            raise LookupError(f"no tenant {slug!r}")
        retired = list(
            conn.execute(
                sa.select(K.c.kid).where(K.c.tenant_id == tenant_id, K.c.status == "active")
            ).scalars()
        )
        conn.execute(
            sa.update(K)
            .where(K.c.tenant_id == tenant_id, K.c.status == "active")
            .values(status="retired", retired_at=now)
        )
        return create_key(conn, tenant_id, slug, now), retired


def signing_key(conn: Connection, tenant_id: str) -> SigningKey:
    row = conn.execute(
        sa.select(K.c.kid, K.c.private_key)
        .where(K.c.tenant_id == tenant_id, K.c.status == "active")
        .order_by(K.c.created_at.desc())
        .limit(1)
    ).one()
    return SigningKey(row.kid, _decode_private(row.private_key))


def key_by_kid(conn: Connection, tenant_id: str, kid: str) -> SigningKey:
    row = conn.execute(
        sa.select(K.c.kid, K.c.private_key).where(K.c.tenant_id == tenant_id, K.c.kid == kid)
    ).one()
    return SigningKey(row.kid, _decode_private(row.private_key))


def public_jwks(conn: Connection, tenant_id: str) -> list[dict[str, Any]]:
    """Public halves for the roster, active first."""
    rows = conn.execute(
        sa.select(K.c.kid, K.c.public_x, K.c.status)
        .where(K.c.tenant_id == tenant_id)
        .order_by((K.c.status == "active").desc(), K.c.created_at.desc())
    ).all()
    return [
        {"kty": "OKP", "crv": "Ed25519", "kid": r.kid, "x": r.public_x, "status": r.status}
        for r in rows
    ]


def verification_keys(jwks: list[dict[str, Any]]) -> Mapping[str, VerificationKey]:
    return {key["kid"]: public_jwk(key["kid"], key["x"]) for key in jwks}

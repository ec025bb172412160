"""Credentials: password hashes, access JWTs, opaque tokens, rate limits.

* Passwords: ``hashlib.scrypt`` (n=2**14, r=8, p=1, 16-byte salt), compared in constant time.
* Access tokens: HS256 JWTs with ``sub``, ``tenantId``, ``role``, ``iat``, ``exp``; decoding pins
  the algorithm and checks expiry against the injected clock, not the machine's.
* Refresh and device tokens: random, opaque; only their SHA-256 is stored (they carry 256 bits
  of entropy, so a slow hash would add nothing).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import jwt

from kiosk.server.config import RateLimit

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_ALGORITHM = "HS256"


class Role(StrEnum):
    ADMIN = "admin"
    INSTRUCTOR = "instructor"
    ASSISTANT = "assistant"
    STUDENT = "student"
    KIOSK = "kiosk"


STAFF = frozenset({Role.ADMIN, Role.INSTRUCTOR, Role.ASSISTANT})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=64)
def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # Cached: the deterministic seed hashes the same (password, salt) pairs on every test server.
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=32)


def hash_password(password: str, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash``. ``salt`` is for the deterministic seed only."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, _SCRYPT_N, _SCRYPT_R, _SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${_b64(salt)}${_b64(digest)}"


# Verified against when the email is unknown, so both paths cost one scrypt.
_DUMMY_HASH = hash_password("not-a-password", salt=b"tatami-dummy-sal")


def verify_password(password: str, stored: str | None) -> bool:
    encoded = stored or _DUMMY_HASH
    try:
        scheme, n, r, p, salt, digest = encoded.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(
            password.encode("utf-8"), salt=_unb64(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest)) and stored is not None


def new_opaque_token(prefix: str) -> str:
    """``<prefix>_<43 chars>``: 256 random bits, well under the 256-character limit."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class AccessClaims:
    subject: str
    tenant_id: str
    role: Role
    issued_at: int
    expires_at: int


class TokenInvalid(Exception):
    """An access token that must be refused; ``code`` is the API error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def issue_access_token(
    secret: str, subject: str, tenant_id: str, role: Role, now: datetime, ttl_seconds: int
) -> tuple[str, int]:
    issued = int(now.timestamp())
    expires = issued + ttl_seconds
    payload = {
        "sub": subject,
        "tenantId": tenant_id,
        "role": role.value,
        "iat": issued,
        "exp": expires,
    }
    return jwt.encode(payload, secret, algorithm=_ALGORITHM), expires


def decode_access_token(secret: str, token: str, now: datetime) -> AccessClaims:
    """Verify signature (HS256 only) and expiry against ``now``; raise :class:`TokenInvalid`."""
    try:
        payload: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            # Expiry is checked below against the injected clock, not time.time().
            options={
                "verify_exp": False,
                "verify_iat": False,
                "verify_nbf": False,
                "require": ["sub", "tenantId", "role", "iat", "exp"],
            },
        )
    except jwt.PyJWTError:
        raise TokenInvalid("invalid_token", "the access token is not valid") from None
    exp, iat = payload.get("exp"), payload.get("iat")
    sub, tenant, role = payload.get("sub"), payload.get("tenantId"), payload.get("role")
    if not (isinstance(exp, int) and isinstance(iat, int)):
        raise TokenInvalid("invalid_token", "the access token is not valid")
    if not (isinstance(sub, str) and isinstance(tenant, str) and role in set(Role)):
        raise TokenInvalid("invalid_token", "the access token is not valid")
    if now.timestamp() >= exp:
        raise TokenInvalid("token_expired", "the access token has expired: refresh it")
    return AccessClaims(sub, tenant, Role(role), iat, exp)


class RateLimiter:
    """In-memory token buckets keyed by (scope, tenant, client). Enough for one process."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._buckets: dict[tuple[str, ...], tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: tuple[str, ...], limit: RateLimit) -> float:
        """Take one token. Returns 0 when allowed, else the seconds to wait."""
        now = self._monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (limit.capacity, now))
            tokens = min(limit.capacity, tokens + (now - last) * limit.per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return 0.0
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > 50_000:
                self._buckets.clear()  # crude bound on memory under a flood of addresses
            return (1 - tokens) / limit.per_second if limit.per_second > 0 else 3600.0


def expires_after(now: datetime, seconds: int) -> datetime:
    return now + timedelta(seconds=seconds)

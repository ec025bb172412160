"""Shared test helpers: a manual clock, the vector tenant's keys, token and roster builders."""

from __future__ import annotations

import copy
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.tokens import b64url_encode, issue_token

DATA = Path(__file__).parent / "data"
VECTOR_ROSTER: dict[str, Any] = json.loads((DATA / "vector_roster.json").read_text())
VECTORS: dict[str, Any] = json.loads((DATA / "tokens" / "expected.json").read_text())
VECTOR_NOW = datetime.fromisoformat(VECTORS["now"])
TENANT_ID: str = VECTOR_ROSTER["tenant"]["id"]


def vector_key(label: str) -> Ed25519PrivateKey:
    """The same deterministic keys as tests/data/make_token_vectors.py."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


CURRENT_KEY = vector_key("gt-current")
CURRENT_KID = "gt-2026-11"
OTHER_KEY = vector_key("ic-current")


def student_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://tatamitech.test/student/{name}"))


@dataclass
class ManualClock:
    """A :class:`kiosk.domain.ports.Clock` that moves only when told to."""

    current: datetime = field(default_factory=lambda: VECTOR_NOW)
    offset_ms: int = 0

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current


def make_token(
    student: str,
    *,
    kind: str = "pass",
    now: datetime = VECTOR_NOW,
    ttl: timedelta = timedelta(minutes=10),
    tenant_id: str = TENANT_ID,
    key: Ed25519PrivateKey = CURRENT_KEY,
    kid: str = CURRENT_KID,
    nonce: str | None = None,
) -> str:
    claims = {
        "studentId": student_id(student) if "-" not in student else student,
        "tenantId": tenant_id,
        "nonce": nonce or b64url_encode(secrets.token_bytes(16)),
        "exp": int((now + ttl).timestamp()),
        "iat": int(now.timestamp()),
        "kind": kind,
    }
    return issue_token(key, kid, claims)


def roster_doc(**changes: Any) -> dict[str, Any]:
    """A deep copy of the vector roster with top-level fields replaced."""
    doc = copy.deepcopy(VECTOR_ROSTER)
    doc.update(changes)
    return doc


def roster_student(name: str, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": student_id(name),
        "displayName": name.title(),
        "program": "adults",
        "rank": "white",
        "rankSince": "2026-09-01T18:00:00Z",
        "classesSincePromotion": 10,
        "status": "active",
        "flags": {"feesPaid": True},
    }
    entry.update(fields)
    return entry


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]

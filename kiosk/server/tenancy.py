"""Tenants: resolution from the request's host, and their settings as domain values.

``<slug>.<APP_DOMAIN>`` always; ``<slug>.localhost`` and the ``X-Tenant`` header only in
development (non-browser clients on ``127.0.0.1``). The tenant is never taken from a body.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from kiosk.domain.model import RuleBook, Tenant, TenantSettings
from kiosk.domain.roster import parse_parts
from kiosk.domain.tokens import TokenForm
from kiosk.server import schema
from kiosk.server.db import Database
from kiosk.server.errors import ApiError

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


@dataclass(frozen=True, slots=True)
class TenantInfo:
    """What requests need of a tenant, parsed once (the tenant's seq is read live, not here)."""

    id: str
    slug: str
    name: str
    tenant: Tenant
    settings: TenantSettings
    rules: RuleBook
    #: The JSON parts as the roster publishes them: tenant, settings, ranks, programs, rules.
    parts: dict[str, Any]
    #: Form of new printed cards and of phone passes (the server's, not in the roster: kiosks
    #: read both forms whatever the academy issues).
    card_form: TokenForm = TokenForm.COMPACT
    pass_form: TokenForm = TokenForm.JWS


def tenant_parts(row: sa.Row[Any]) -> dict[str, Any]:
    rulebook = row.rulebook
    return {
        "tenant": {
            "id": row.id,
            "slug": row.slug,
            "name": row.name,
            "branding": {
                "primaryColor": row.primary_color,
                "accentColor": row.accent_color,
                "logoPngBase64": row.logo_png_b64,
            },
        },
        "settings": {
            "timeZone": row.time_zone,
            "checkinWindowMinutes": row.checkin_window_minutes,
            "classLeadMinutes": row.class_lead_minutes,
            "inactivePolicy": row.inactive_policy,
            "expiryLeewaySeconds": row.expiry_leeway_seconds,
            "rosterStaleHours": row.roster_stale_hours,
            "rosterMaxAgeHours": row.roster_max_age_hours,
        },
        "ranks": rulebook.get("ranks", []),
        "programs": rulebook.get("programs", []),
        "rules": rulebook.get("rules", {}),
    }


class TenantDirectory:
    """Tenant lookups with a small cache (tenant settings change only through a migration)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._by_slug: dict[str, TenantInfo] = {}
        self._lock = threading.Lock()

    def by_slug(self, slug: str) -> TenantInfo | None:
        with self._lock:
            cached = self._by_slug.get(slug)
        if cached is not None:
            return cached
        with self._db.read_tx() as conn:
            row = conn.execute(
                sa.select(schema.tenants).where(schema.tenants.c.slug == slug)
            ).first()
        if row is None:
            return None
        parts = tenant_parts(row)
        parsed = parse_parts(parts)
        info = TenantInfo(
            id=row.id,
            slug=row.slug,
            name=row.name,
            tenant=parsed.tenant,
            settings=parsed.settings,
            rules=parsed.rules,
            parts=parts,
            card_form=TokenForm(row.card_token_form),
            pass_form=TokenForm(row.pass_token_form),
        )
        with self._lock:
            self._by_slug[slug] = info
        return info

    def forget(self) -> None:
        with self._lock:
            self._by_slug.clear()


def slug_from_host(host: str, app_domain: str, development: bool) -> str | None:
    """The tenant slug a ``Host`` header names, or None."""
    name = host.strip().lower()
    if name.startswith("["):  # IPv6 literal: never a tenant
        return None
    name = name.rsplit(":", 1)[0] if ":" in name else name
    name = name.rstrip(".")
    suffixes = [f".{app_domain}"] if app_domain else []
    if development:
        suffixes.append(".localhost")
    for suffix in suffixes:
        if name.endswith(suffix):
            slug = name[: -len(suffix)]
            return slug if _SLUG.match(slug) else None
    return None


def resolve_slug(
    host: str | None, header: str | None, app_domain: str, development: bool
) -> str | None:
    """Host first; ``X-Tenant`` only in development, and only if it does not contradict it."""
    from_host = slug_from_host(host or "", app_domain, development)
    if header is not None and development:
        wanted = header.strip().lower()
        if not _SLUG.match(wanted):
            raise ApiError(400, "bad_tenant_header", "X-Tenant must be a tenant slug")
        if from_host is not None and from_host != wanted:
            raise ApiError(400, "tenant_conflict", "the host and X-Tenant name different tenants")
        return wanted
    return from_host

"""Helpers for sync tests: a real reference server, registered kiosks, server-side counts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk.adapters.api_client import HttpBackend
from kiosk.adapters.secrets import KeyringVault
from kiosk.runtime import KioskRuntime
from kiosk.server import schema
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER
from kiosk.services.sync import SyncEngine
from tests.keyring_backends import MemoryKeyring


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}") as running:
        yield running


def open_kiosk(
    root: Path,
    server: RunningServer,
    *,
    api_url: str | None = None,
    slug: str = GOLDEN_TIGER,
    name: str = "front desk",
    keyring: MemoryKeyring | None = None,
) -> KioskRuntime:
    """A kiosk registered against ``server`` (through ``api_url``, e.g. a fault proxy)."""
    assert server.seed is not None
    context = KioskRuntime.open(root, vault=KeyringVault(keyring or MemoryKeyring()))
    url = api_url or server.base_url
    api = HttpBackend(url, slug)
    try:
        context.setup.register(api, url, f"admin@{slug}.test", server.seed.password, name)
    finally:
        api.close()
    return context


def engine_for(
    context: KioskRuntime, *, timeout: float = 5.0, batch_size: int = 250
) -> tuple[SyncEngine, HttpBackend]:
    """A sync engine with short timeouts (fault tests), over the kiosk's registered URL."""
    identity = context.setup.identity()
    assert identity is not None
    backend = HttpBackend(
        str(identity.api_url), identity.tenant_slug, timeout=httpx.Timeout(timeout)
    )
    engine = SyncEngine(context.store, backend, context.vault, context.clock, batch_size=batch_size)
    return engine, backend


def kiosk_id(context: KioskRuntime) -> str:
    identity = context.setup.identity()
    assert identity is not None
    return str(identity.kiosk_id)


def local_accepted(context: KioskRuntime) -> set[str]:
    rows = context.store.read(lambda ledger: ledger.recent_scans(100_000))
    return {r.scan_id for r in rows if r.outcome.value == "accepted"}


def server_checkins(server: RunningServer, kiosk: str) -> dict[str, str]:
    """scan id → status of everything the backend stored for one kiosk."""
    with server.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(schema.kiosk_checkins.c.scan_id, schema.kiosk_checkins.c.status).where(
                schema.kiosk_checkins.c.kiosk_id == kiosk
            )
        ).all()
    found = Counter(r.scan_id for r in rows)
    assert max(found.values(), default=1) == 1, "a scan id was stored twice"
    return {r.scan_id: r.status for r in rows}


def attendance_by_scan(server: RunningServer, kiosk: str) -> Counter[str]:
    with server.database.engine.connect() as conn:
        rows = conn.execute(
            sa.select(schema.attendance.c.scan_id).where(schema.attendance.c.kiosk_id == kiosk)
        ).all()
    return Counter(r.scan_id for r in rows)


def assert_invariant(server: RunningServer, context: KioskRuntime) -> None:
    """Server rows == accepted local check-ins, no duplicates, nothing lost, queue drained."""
    kiosk = kiosk_id(context)
    local = local_accepted(context)
    stored = server_checkins(server, kiosk)
    counts = context.store.read(lambda ledger: ledger.counts())
    assert counts["pending"] == 0, "the queue did not drain"
    parked = set(context.store.read(lambda ledger: ledger.parked_reasons()))
    assert set(stored) | parked == local
    attendance = attendance_by_scan(server, kiosk)
    assert all(n == 1 for n in attendance.values()), "an attendance was counted twice"
    counted = {sid for sid, status in stored.items() if status in ("created", "flagged")}
    assert set(attendance) == counted


def staff_token(server: RunningServer, who: str, slug: str = GOLDEN_TIGER) -> str:
    """An access token of a seeded staff user (``admin``, ``instructor``, ``assistant``)."""
    assert server.seed is not None
    answer = httpx.post(
        f"{server.base_url}/api/auth/login",
        json={"email": f"{who}@{slug}.test", "password": server.seed.password, "tenantSlug": slug},
        headers={"X-Tenant": slug},
    )
    answer.raise_for_status()
    return str(answer.json()["accessToken"])

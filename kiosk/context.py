"""Composition of the Qt-free kiosk: paths, store, clock and services, wired once.

``kiosk.app`` builds a :class:`KioskContext` for every command; the GUI adds Qt workers on top.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.adapters.api_client import HttpBackend
from kiosk.adapters.clock import SystemClock
from kiosk.adapters.paths import KioskPaths, resolve_paths
from kiosk.adapters.secrets import KeyringVault
from kiosk.adapters.store import SqliteStore
from kiosk.services.board import BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.preferences import PreferencesService
from kiosk.services.provisioning import ProvisioningService
from kiosk.services.setup import SetupService
from kiosk.services.sync import SyncEngine

log = logging.getLogger(__name__)


@dataclass
class KioskContext:
    paths: KioskPaths
    store: SqliteStore
    clock: SystemClock
    checkin: CheckInService
    board: BoardService
    provisioning: ProvisioningService
    vault: KeyringVault
    setup: SetupService
    _backend: HttpBackend | None = field(default=None, repr=False)
    _engine: SyncEngine | None = field(default=None, repr=False)
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        vault: KeyringVault | None = None,
        window_override_minutes: int | None = None,
    ) -> KioskContext:
        paths = resolve_paths(data_dir).ensure()
        store = SqliteStore(paths.database)
        clock = SystemClock()
        offset = store.read(lambda ledger: ledger.state("clock_offset_ms"))
        if offset:
            clock.set_offset_ms(int(offset))
        secret_vault = vault or KeyringVault()
        checkin = CheckInService(store, clock, window_override_minutes=window_override_minutes)
        # The window staff chose in the wizard applies to headless runs too: one data dir is
        # one kiosk, whatever front end reads its camera.
        checkin.set_local_window(PreferencesService(store).load().checkin_window_minutes)
        return cls(
            paths=paths,
            store=store,
            clock=clock,
            checkin=checkin,
            board=BoardService(store, clock),
            provisioning=ProvisioningService(store, clock),
            vault=secret_vault,
            setup=SetupService(store, secret_vault, clock),
        )

    def backend_for(self, api_url: str, tenant_slug: str) -> HttpBackend:
        """A client for set-up (before this kiosk has an identity)."""
        return HttpBackend(api_url, tenant_slug)

    def sync_engine(self) -> SyncEngine | None:
        """The sync engine for the registered backend, or None before registration."""
        if self._engine is not None:
            return self._engine
        identity = self.setup.identity()
        if not identity or not identity.get("api_url"):
            return None
        self._backend = HttpBackend(str(identity["api_url"]), str(identity["tenant_slug"]))
        self._engine = SyncEngine(self.store, self._backend, self.vault, self.clock)
        return self._engine

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            if self._backend is not None:
                self._backend.close()
            self.store.close()

    def __enter__(self) -> KioskContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

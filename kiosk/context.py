"""Composition of the Qt-free kiosk: paths, store, clock and services, wired once.

``kiosk.app`` builds a :class:`KioskContext` for every command; the GUI adds Qt workers on top.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.adapters.clock import SystemClock
from kiosk.adapters.paths import KioskPaths, resolve_paths
from kiosk.adapters.store import SqliteStore
from kiosk.services.board import BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService

log = logging.getLogger(__name__)


@dataclass
class KioskContext:
    paths: KioskPaths
    store: SqliteStore
    clock: SystemClock
    checkin: CheckInService
    board: BoardService
    provisioning: ProvisioningService
    _closed: bool = field(default=False, repr=False)

    @classmethod
    def open(cls, data_dir: str | Path | None = None) -> KioskContext:
        paths = resolve_paths(data_dir).ensure()
        store = SqliteStore(paths.database)
        clock = SystemClock()
        offset = store.read(lambda ledger: ledger.state("clock_offset_ms"))
        if offset:
            clock.set_offset_ms(int(offset))
        return cls(
            paths=paths,
            store=store,
            clock=clock,
            checkin=CheckInService(store, clock),
            board=BoardService(store, clock),
            provisioning=ProvisioningService(store, clock),
        )

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.store.close()

    def __enter__(self) -> KioskContext:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""Test-wide set-up. Qt runs offscreen; this must happen before anything imports Qt."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.services.board import BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import VECTOR_ROSTER, ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SqliteStore]:
    kiosk_store = SqliteStore(tmp_path / "kiosk.sqlite3")
    yield kiosk_store
    kiosk_store.close()


@pytest.fixture
def provisioned(store: SqliteStore, clock: ManualClock) -> SqliteStore:
    """A store holding the vector roster (Golden Tiger test tenant)."""
    ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
    return store


@pytest.fixture
def checkin(provisioned: SqliteStore, clock: ManualClock) -> CheckInService:
    return CheckInService(provisioned, clock)


@pytest.fixture
def board(provisioned: SqliteStore, clock: ManualClock) -> BoardService:
    return BoardService(provisioned, clock)


@pytest.fixture(autouse=True)
def _english_catalogue(request: pytest.FixtureRequest) -> None:
    """Qt tests run with the English catalogue installed, as the kiosk always runs with one
    (its English plurals are Qt numerus forms); tests of another language install theirs on
    top and remove it."""
    if "qapp" in request.fixturenames:
        from tests.ui_support import ensure_english  # Qt only for Qt tests

        ensure_english(request.getfixturevalue("qapp"))

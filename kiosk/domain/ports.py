"""Ports: what the services need from the outside world, as Protocols.

Adapters implement them (``kiosk.adapters``); services depend only on these. The exception tree:

    StorageError          the local store could not do what was asked
    ├── NotSavedError     a write failed (disk full, I/O error): nothing was committed
    └── StoreClosedError  the store is shut down
    RosterError           (kiosk.domain.roster) a roster document is unusable
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, TypeVar

from kiosk.domain.decision import CheckinHistory, Outcome, RosterView
from kiosk.domain.eligibility import LocalAttendance
from kiosk.domain.model import RuleBook, Student, Tenant
from kiosk.domain.roster import RosterUpdate
from kiosk.domain.tokens import TokenKind

T = TypeVar("T")


class StorageError(Exception):
    """The local store failed."""


class NotSavedError(StorageError):
    """A write failed and was rolled back: the screen must say "not saved", never green."""


class StoreClosedError(StorageError):
    """The store was closed."""


class ScanSource(StrEnum):
    CAMERA = "camera"
    WEDGE = "wedge"  # USB keyboard-wedge scanner, or text typed on stdin
    MANUAL = "manual"  # staff checked the student in by name


class SyncState(StrEnum):
    PENDING = "pending"  # accepted, waiting for the backend
    SENT = "sent"  # acknowledged by a parsed 2xx naming it
    PARKED = "parked"  # rejected by the backend: kept with its reason for staff
    LOCAL = "local"  # not attendance (failed scans, duplicates): never uploaded


@dataclass(frozen=True, slots=True)
class ScanRecord:
    """One row of the local check-in ledger."""

    scan_id: str
    scanned_at: datetime
    clock_offset_ms: int
    outcome: Outcome
    source: ScanSource
    sync_state: SyncState
    student_id: str | None = None
    class_id: str | None = None
    session_id: str | None = None
    kind: TokenKind | None = None
    #: The token nonce, kept only for attendance (the backend needs it to spot replays).
    nonce: str | None = None
    detail: str = ""
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something to tell the backend: scan errors, security events, attempts, overrides."""

    kind: str
    at: datetime
    data: Mapping[str, str | int | bool | None] = field(default_factory=dict)


class CachedRoster(RosterView, Protocol):
    """The roster view plus what screens need (tenant, rules, ``seq``)."""

    @property
    def tenant(self) -> Tenant: ...

    @property
    def rules(self) -> RuleBook: ...

    @property
    def seq(self) -> int: ...

    @property
    def pulled_at(self) -> datetime | None: ...

    def all_students(self) -> Sequence[Student]: ...

    def search_students(self, text: str, limit: int = 20) -> Sequence[Student]: ...

    def student_count(self) -> int: ...

    @property
    def key_ids(self) -> tuple[str, ...]: ...


class LedgerReader(Protocol):
    """Reads of one consistent snapshot of the store."""

    @property
    def roster(self) -> CachedRoster | None:
        """None until a roster was applied (a kiosk that was never provisioned)."""
        ...

    @property
    def history(self) -> CheckinHistory: ...

    def local_attendance(
        self, student_id: str | None = None
    ) -> Mapping[str, list[LocalAttendance]]:
        """Accepted check-ins the roster may not count yet, by student (the ``seq`` rule)."""
        ...

    def recent_scans(self, limit: int) -> Sequence[ScanRecord]: ...

    def student_scans(self, student_id: str, limit: int) -> Sequence[ScanRecord]: ...

    def counts(self) -> dict[str, int]:
        """Outbox figures: pending, parked, sent, events_pending, events_parked."""
        ...

    def state(self, key: str) -> str | None: ...


class LedgerWriter(LedgerReader, Protocol):
    """One write transaction on the store thread: everything commits or nothing does."""

    def record_scan(self, record: ScanRecord) -> None: ...

    def spend_pass(
        self, nonce: str, student_id: str, scan_id: str, expires_at: datetime
    ) -> None: ...

    def add_event(self, event: Event) -> None: ...

    def apply_roster(self, update: RosterUpdate, pulled_at: datetime) -> None: ...


class Store(Protocol):
    """The local store: one writer thread, separate readers."""

    def write(self, work: Callable[[LedgerWriter], T]) -> T:
        """Run ``work`` in one transaction on the store thread and return its result.

        Raises:
            NotSavedError: the transaction could not commit (it was rolled back).
        """
        ...

    def read(self, work: Callable[[LedgerReader], T]) -> T:
        """Run ``work`` on a read-only snapshot in the calling thread."""
        ...


class Clock(Protocol):
    """Server-corrected wall clock, always timezone-aware UTC."""

    def now(self) -> datetime: ...

    @property
    def offset_ms(self) -> int:
        """Correction applied to the local clock (server minus local), in milliseconds."""
        ...

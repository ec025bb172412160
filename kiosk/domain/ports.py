"""Ports: what the services need from the outside world, as Protocols.

Adapters implement them (``kiosk.adapters``); services depend only on these. The exception tree:

    StorageError          the local store could not do what was asked
    ├── NotSavedError     a write failed (disk full, I/O error): nothing was committed
    └── StoreClosedError  the store is shut down
    RosterError           (kiosk.domain.roster) a roster document is unusable
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from kiosk.domain.decision import CheckinHistory, Outcome, RosterView
from kiosk.domain.eligibility import LocalAttendance, ServerStatus
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


@dataclass(frozen=True, slots=True)
class KioskIdentity:
    """The one tenant this kiosk's database belongs to, and (once registered) its kiosk id."""

    tenant_id: str
    tenant_slug: str
    kiosk_id: str | None = None
    api_url: str | None = None
    device_name: str | None = None
    registered_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """An accepted check-in waiting for the backend. ``scan_id`` is its idempotency key."""

    scan_id: str
    student_id: str
    scanned_at: datetime
    clock_offset_ms: int
    source: ScanSource
    class_id: str | None = None
    session_id: str | None = None
    #: The pass or card nonce (the backend spots replays across kiosks with it).
    nonce: str | None = None
    kind: TokenKind | None = None
    created_by: str | None = None


@dataclass(frozen=True, slots=True)
class OutboxEvent:
    """An event waiting for the backend; ``event_id`` is its idempotency key."""

    event_id: str
    kind: str
    at: datetime
    data: Mapping[str, str | int | bool | None] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CheckinAck:
    """The backend's answer for one uploaded check-in, from a fully parsed 2xx.

    ``seq`` is the backend's change sequence for a ``created``/``duplicate``/``flagged`` item;
    a ``rejected`` one has a ``reason`` instead.
    """

    scan_id: str
    status: ServerStatus
    seq: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """What the kiosk tells the backend about itself, every minute or so."""

    version: str
    queue_depth: int
    parked: int
    last_upload_at: datetime | None
    last_pull_at: datetime | None
    roster_seq: int
    camera_state: str
    clock_offset_ms: int


# -- the store ------------------------------------------------------------------------------
#
# One unit of work sees three ports over the same transaction: the roster (cached roster and
# this kiosk's identity), the check-in ledger, and the outbox to the backend. Each service's
# unit of work names the narrowest of them it needs; the store hands over one object that is
# all three (:class:`StoreSnapshot` to read, :class:`StoreTransaction` to write).


class RosterReader(Protocol):
    """The cached roster and the kiosk's identity."""

    @property
    def roster(self) -> CachedRoster | None:
        """None until a roster was applied (a kiosk that was never provisioned)."""
        ...

    def identity(self) -> KioskIdentity | None:
        """The pinned tenant and kiosk (None before any roster or registration)."""
        ...


class RosterWriter(RosterReader, Protocol):
    def apply_roster(self, update: RosterUpdate, pulled_at: datetime) -> None:
        """Apply a validated roster (all or nothing, within the transaction)."""
        ...

    def pin_identity(
        self,
        tenant_id: str,
        tenant_slug: str,
        *,
        kiosk_id: str | None = None,
        api_url: str | None = None,
        device_name: str | None = None,
        registered_at: datetime | None = None,
    ) -> None:
        """Bind the database to one tenant (and, once registered, one kiosk id)."""
        ...

    def wipe_roster(self) -> None:
        """Forget the roster (device revoked); the ledger and its outbox stay."""
        ...


class LedgerReader(Protocol):
    """The check-in ledger: every scan, spent passes, and small named values."""

    @property
    def history(self) -> CheckinHistory: ...

    def local_attendance(
        self, student_id: str | None = None
    ) -> Mapping[str, list[LocalAttendance]]:
        """Accepted check-ins the roster may not count yet, by student (the ``seq`` rule)."""
        ...

    def recent_scans(self, limit: int) -> Sequence[ScanRecord]: ...

    def student_scans(self, student_id: str, limit: int) -> Sequence[ScanRecord]: ...

    def state(self, key: str) -> str | None: ...


class LedgerWriter(LedgerReader, Protocol):
    def record_scan(self, record: ScanRecord) -> None: ...

    def spend_pass(
        self, nonce: str, student_id: str, scan_id: str, expires_at: datetime
    ) -> None: ...

    def add_event(self, event: Event) -> None: ...

    def set_state(self, key: str, value: str) -> None: ...

    def prune(self, now: datetime) -> int:
        """Forget spent pass nonces long expired at ``now``; returns how many."""
        ...


class OutboxReader(Protocol):
    """What waits for the backend, and what it refused."""

    def counts(self) -> dict[str, int]:
        """Outbox figures: pending, parked, sent, events_pending, events_parked."""
        ...

    def pending_checkins(self, limit: int) -> list[OutboxItem]:
        """Oldest unacknowledged check-ins."""
        ...

    def pending_events(self, limit: int) -> list[OutboxEvent]: ...

    def parked_checkins(self) -> list[ScanRecord]: ...

    def parked_reasons(self) -> dict[str, str]:
        """Why the backend refused each parked check-in, by scan id."""
        ...


class OutboxWriter(OutboxReader, Protocol):
    def acknowledge(self, results: Iterable[CheckinAck], now: datetime) -> int:
        """Record the backend's answers; only pending rows change. Returns how many did."""
        ...

    def park(self, scan_id: str, reason: str) -> None: ...

    def requeue_parked(self, scan_id: str) -> bool: ...

    def acknowledge_events(self, event_ids: Iterable[str]) -> None: ...

    def park_events(self, event_ids: Iterable[str]) -> None: ...


class StoreSnapshot(RosterReader, LedgerReader, OutboxReader, Protocol):
    """One consistent read-only snapshot of the store."""


class StoreTransaction(StoreSnapshot, RosterWriter, LedgerWriter, OutboxWriter, Protocol):
    """One write transaction on the store thread: everything commits or nothing does."""

    def wipe(self) -> None:
        """Forget everything of the tenant: roster, identity, ledger, outbox (staff sign-out)."""
        ...


class Store(Protocol):
    """The local store: one writer thread, separate readers."""

    def write(self, work: Callable[[StoreTransaction], T]) -> T:
        """Run ``work`` in one transaction on the store thread and return its result.

        Raises:
            NotSavedError: the transaction could not commit (it was rolled back).
        """
        ...

    def read(self, work: Callable[[StoreSnapshot], T]) -> T:
        """Run ``work`` on a read-only snapshot in the calling thread."""
        ...


class Clock(Protocol):
    """Server-corrected wall clock, always timezone-aware UTC."""

    def now(self) -> datetime: ...

    @property
    def offset_ms(self) -> int:
        """Correction applied to the local clock (server minus local), in milliseconds."""
        ...


# -- the backend ---------------------------------------------------------------------------
#
#   BackendError              the backend could not be used for this request
#   ├── TransientError        timeout, reset, 5xx, truncated or garbled answer: retry the same ids
#   │   └── RetryLater        429/503 with Retry-After: wait at least ``retry_after`` seconds
#   ├── AuthExpired           401 on a call: refresh the session once, then staff are needed
#   ├── DeviceRevoked         the device token itself was refused: staff must re-register
#   ├── Forbidden             403 (e.g. credential of another tenant): staff are needed
#   └── BatchRejected         400/413/422 for a whole request: split it to find the poison item


class BackendError(Exception):
    """A request to the backend failed."""


class TransientError(BackendError):
    """The outcome is unknown: the same request (same ids) may be retried."""


class RetryLater(TransientError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuthExpired(BackendError):
    """The access token was refused."""


class DeviceRevoked(BackendError):
    """The device token was refused: this kiosk must be registered again."""


class Forbidden(BackendError):
    """The backend refuses this kiosk for this tenant."""


class BatchRejected(BackendError):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Answer:
    """A parsed 2xx answer and the backend's clock at that moment (from ``Date``)."""

    body: Any
    server_time: datetime | None
    sent_at: datetime
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Registration:
    kiosk_id: str
    device_token: str
    tenant_id: str
    tenant_slug: str
    tenant_name: str


class BackendApi(Protocol):
    """The kiosk's view of the TatamiTech API (docs/kiosk-api.md)."""

    def open_session(self, device_token: str) -> Answer:
        """Exchange the device token for a short-lived access token kept in memory."""
        ...

    def has_session(self) -> bool: ...

    def pull_roster(self, since: int) -> Answer: ...

    def push_checkins(self, items: Sequence[OutboxItem]) -> Answer: ...

    def push_events(self, events: Sequence[OutboxEvent]) -> Answer: ...

    def heartbeat(self, report: Heartbeat) -> Answer: ...

    def promotion_check(self, student_id: str) -> Answer: ...


class SecretVault(Protocol):
    """Where the device token lives: the OS keyring, or memory when there is none."""

    @property
    def persistent(self) -> bool:
        """False when the token only lives in memory (no native keyring)."""
        ...

    @property
    def backend_name(self) -> str: ...

    def get_device_token(self, kiosk_id: str) -> str | None: ...

    def set_device_token(self, kiosk_id: str, token: str) -> None: ...

    def delete_device_token(self, kiosk_id: str) -> None: ...


class SetupApi(Protocol):
    """The calls a staff member's set-up makes (admin login, kiosk registration)."""

    def login(self, email: str, password: str) -> Answer: ...

    def register_kiosk(self, staff_access_token: str, name: str) -> Registration: ...

"""Sync with the backend (DESIGN §7): upload the outbox, pull the roster, report, keep time.

Rules this module keeps:

- A check-in leaves the outbox only after a fully parsed 2xx that names it. Timeouts, resets,
  5xx, garbled answers: the outcome is unknown, so the same ``scanId``s are sent again later (the
  backend answers a known ``scanId`` with its original result).
- ``429``/``503`` are retried after ``Retry-After``; other failures back off exponentially with
  full jitter. A pending retry is a "not before" time: a nudge (every accepted scan) only
  shortens the normal interval, never that delay.
- ``401``: the session is refreshed once with the device token; if that fails too, staff are
  needed. The queue is kept whatever happens.
- A whole request refused with ``400/413/422`` is split until the poison item stands alone; that
  item is parked with its reason. Parked items are never deleted and never block the others.
- Promotions made on the kiosk are their own outbox items with their own step (and backoff),
  sent like check-ins: left only on a parsed 2xx naming them, parked when refused. The backend
  recounts on applying one, so their order against check-ins does not change any count.
- Upload and roster pull are independent (two threads in :class:`SyncLoop`): a failing upload
  never blocks the roster, nor the reverse. Events and heartbeats have their own schedules and
  backoffs too, so a failing check-in endpoint does not silence the kiosk's heartbeat.
- The backend's ``Date`` header gives the clock offset; a skew above two minutes is flagged.
- No database transaction is ever held across a network call.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from kiosk import __version__
from kiosk.domain.eligibility import ServerStatus
from kiosk.domain.grading import PromotionStatus
from kiosk.domain.ports import (
    Answer,
    AuthExpired,
    BackendApi,
    BackendError,
    BatchRejected,
    CheckinAck,
    DeviceRevoked,
    Forbidden,
    Heartbeat,
    OutboxEvent,
    OutboxItem,
    OutboxWriter,
    PromotionAck,
    PromotionRecord,
    RetryLater,
    RosterReader,
    SecretVault,
    Store,
    StoreSnapshot,
    StoreTransaction,
    TransientError,
)
from kiosk.domain.roster import RosterError
from kiosk.services.provisioning import ProvisioningService

log = logging.getLogger(__name__)
T = TypeVar("T")

SKEW_WARNING_MS = 120_000
#: Offsets that differ by less than this are noise (``Date`` has a one-second resolution).
_OFFSET_NOISE_MS = 1_500


class SettableClock(Protocol):
    def now(self) -> datetime: ...

    @property
    def offset_ms(self) -> int: ...

    def set_offset_ms(self, offset_ms: int) -> None: ...


class RosterFreshness(StrEnum):
    NONE = "none"  # never provisioned
    FRESH = "fresh"
    STALE = "stale"
    TOO_OLD = "too_old"  # staff needed


class StaffNeededReason(StrEnum):
    """Why sync waits for a person: a code the interface words in its own language."""

    NOT_REGISTERED = "not_registered"
    NO_DEVICE_TOKEN = "no_device_token"  # noqa: S105 (a reason code, not a secret)
    REVOKED = "revoked"
    SESSION_REFUSED = "session_refused"
    FORBIDDEN = "forbidden"


#: The parked reason of an item the server refused with a whole request: ``http_<status>:``,
#: then the server's message. A code with a variable part, like the server's own reasons.
_WHOLE_REFUSAL = "http_"


def whole_refusal_status(reason: str) -> int | None:
    """The HTTP status of a parked item refused with its whole request (else None)."""
    head = reason.partition(":")[0]
    code = head.removeprefix(_WHOLE_REFUSAL)
    return int(code) if code != head and code.isdigit() else None


class StaffNeeded(Exception):
    """Sync cannot continue without a person (log in, re-register, fix configuration)."""

    def __init__(self, message: str, reason: StaffNeededReason) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What the status strip, the health panel and ``sync --once`` show."""

    online: bool = False
    staff_needed: str | None = None  # in English, for logs and ``sync --once``
    staff_needed_reason: StaffNeededReason | None = None  # the same, for the interface
    pending: int = 0
    parked: int = 0
    events_pending: int = 0
    promotions_pending: int = 0
    promotions_parked: int = 0
    last_contact_at: datetime | None = None
    last_upload_at: datetime | None = None
    last_pull_at: datetime | None = None
    roster_seq: int = 0
    roster_pulled_at: datetime | None = None
    roster_age_seconds: int | None = None  # None: never provisioned
    roster_freshness: RosterFreshness = RosterFreshness.NONE
    roster_students: int = 0
    clock_offset_ms: int = 0
    last_error: str | None = None

    @property
    def clock_skew_warning(self) -> bool:
        return abs(self.clock_offset_ms) > SKEW_WARNING_MS

    def to_json(self) -> dict[str, Any]:
        def iso(value: datetime | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "online": self.online,
            "staffNeeded": self.staff_needed,
            "staffNeededReason": self.staff_needed_reason,
            "pending": self.pending,
            "parked": self.parked,
            "eventsPending": self.events_pending,
            "promotionsPending": self.promotions_pending,
            "promotionsParked": self.promotions_parked,
            "lastContactAt": iso(self.last_contact_at),
            "lastUploadAt": iso(self.last_upload_at),
            "lastPullAt": iso(self.last_pull_at),
            "rosterSeq": self.roster_seq,
            "rosterPulledAt": iso(self.roster_pulled_at),
            "rosterAgeSeconds": self.roster_age_seconds,
            "rosterFreshness": self.roster_freshness.value,
            "rosterStudents": self.roster_students,
            "clockOffsetMs": self.clock_offset_ms,
            "clockSkewWarning": self.clock_skew_warning,
            "lastError": self.last_error,
        }


class Backoff:
    """Truncated exponential backoff with full jitter (AWS architecture blog; Electrum)."""

    def __init__(self, base: float = 1.0, cap: float = 300.0, rng: random.Random | None = None):
        self.base = base
        self.cap = cap
        self.failures = 0
        self._rng = rng or random.Random()

    def failure(self, retry_after: float | None = None) -> float:
        self.failures += 1
        if retry_after is not None:
            # The server said when; a little jitter spreads a fleet of kiosks.
            return retry_after + self._rng.uniform(0, min(1.0, retry_after * 0.1))
        ceiling = min(self.cap, self.base * 2 ** min(self.failures - 1, 30))
        return self._rng.uniform(0, ceiling)

    def success(self) -> None:
        self.failures = 0


@dataclass(frozen=True, slots=True)
class UploadReport:
    sent: int = 0
    parked: int = 0
    remaining: int = 0
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class StepReport:
    """Outcome of an events upload or a heartbeat."""

    done: int = 0
    error: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class PullReport:
    applied: bool = False
    full: bool = False
    seq: int = 0
    students: int = 0
    error: str | None = None
    retry_after: float | None = None


def _parse_checkin_results(body: object, sent: set[str]) -> list[CheckinAck]:
    """Validate every per-item answer, or refuse the whole answer (then nothing is acked).

    ``body`` is the parsed JSON of a 2xx: anything at all, until checked here.
    """
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise TransientError("check-in answer has no results list")
    parsed: list[CheckinAck] = []
    for item in results:
        scan_id = item.get("scanId") if isinstance(item, dict) else None
        if not isinstance(scan_id, str) or scan_id not in sent:
            raise TransientError("check-in answer names an item that was not sent")
        try:
            status = ServerStatus(str(item.get("status")))
        except ValueError:
            raise TransientError("check-in answer has an unknown status") from None
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            if status is not ServerStatus.REJECTED:
                raise TransientError("check-in answer lacks a seq")
            seq = None
        parsed.append(CheckinAck(scan_id, status, seq, str(item.get("reason") or "")[:200]))
    return parsed


def _parse_promotion_results(body: object, sent: set[str]) -> list[PromotionAck]:
    """Validate every per-item answer of a promotions upload, or refuse the whole answer."""
    results = body.get("results") if isinstance(body, dict) else None
    if not isinstance(results, list):
        raise TransientError("promotion answer has no results list")
    parsed: list[PromotionAck] = []
    for item in results:
        promotion_id = item.get("promotionId") if isinstance(item, dict) else None
        if not isinstance(promotion_id, str) or promotion_id not in sent:
            raise TransientError("promotion answer names an item that was not sent")
        try:
            status = PromotionStatus(str(item.get("status")))
        except ValueError:
            raise TransientError("promotion answer has an unknown status") from None
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
            if status is not PromotionStatus.REJECTED:
                raise TransientError("promotion answer lacks a seq")
            seq = None
        reason = str(item.get("reason") or "")[:200]
        parsed.append(PromotionAck(promotion_id, status, seq, reason))
    return parsed


@dataclass(frozen=True, slots=True)
class _Figures:
    """Queue and roster figures read from one snapshot of the store."""

    pending: int
    parked: int
    events_pending: int
    promotions_pending: int
    promotions_parked: int
    roster_seq: int
    roster_students: int
    roster_pulled_at: datetime | None
    last_upload_at: datetime | None
    stale_hours: int
    max_hours: int


@dataclass(frozen=True, slots=True)
class PromotionVerdict:
    """The backend's promotion check of one student (``POST /api/promotions/check``)."""

    eligible: bool
    next_steps: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    classes_attended: int | None = None
    days_in_rank: int | None = None

    @classmethod
    def from_json(cls, body: object) -> PromotionVerdict | None:
        """The verdict in a parsed answer (None when the answer is not one)."""
        if not isinstance(body, dict) or not isinstance(body.get("eligible"), bool):
            return None

        def texts(value: object) -> tuple[str, ...]:
            return tuple(str(item) for item in value) if isinstance(value, list) else ()

        raw_stats = body.get("stats")
        stats = raw_stats if isinstance(raw_stats, dict) else {}

        def count(key: str) -> int | None:
            value = stats.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        return cls(
            body["eligible"],
            texts(body.get("nextSteps")),
            texts(body.get("reasons")),
            count("classesAttended"),
            count("daysInRank"),
        )


class SyncEngine:
    """One sync step at a time; :class:`SyncLoop` runs the steps on threads."""

    def __init__(
        self,
        store: Store,
        api: BackendApi,
        vault: SecretVault,
        clock: SettableClock,
        *,
        batch_size: int = 250,
        camera_state: Callable[[], str] = lambda: "unknown",
    ) -> None:
        self._store = store
        self._api = api
        self._vault = vault
        self._clock = clock
        self._provisioning = ProvisioningService(store, clock)
        self.batch_size = batch_size
        self._camera_state = camera_state
        self._lock = threading.Lock()
        self._status = SyncStatus(clock_offset_ms=clock.offset_ms)

    # -- status ---------------------------------------------------------------------------

    def _update(self, change: Callable[[SyncStatus], SyncStatus]) -> None:
        with self._lock:
            self._status = change(self._status)

    def status(self) -> SyncStatus:
        """The current status, with queue and roster figures read fresh from the store."""

        def read(snapshot: StoreSnapshot) -> _Figures:
            counts = snapshot.counts()
            roster = snapshot.roster
            upload = snapshot.state("last_upload_at")
            pull = snapshot.state("roster_pulled_at")
            return _Figures(
                pending=counts["pending"],
                parked=counts["parked"],
                events_pending=counts["events_pending"],
                promotions_pending=counts.get("promotions_pending", 0),
                promotions_parked=counts.get("promotions_parked", 0),
                roster_seq=roster.seq if roster else 0,
                roster_students=roster.student_count() if roster else 0,
                roster_pulled_at=datetime.fromisoformat(pull) if pull else None,
                last_upload_at=datetime.fromisoformat(upload) if upload else None,
                stale_hours=roster.settings.roster_stale_hours if roster else 0,
                max_hours=roster.settings.roster_max_age_hours if roster else 0,
            )

        figures = self._store.read(read)
        pulled = figures.roster_pulled_at
        age_seconds: int | None = None
        if pulled is None:
            freshness = RosterFreshness.NONE
        else:
            age = self._clock.now() - pulled
            # A clock offset learnt after the pull can put it a little "in the future".
            age_seconds = max(0, int(age.total_seconds()))
            if age > timedelta(hours=figures.max_hours):
                freshness = RosterFreshness.TOO_OLD
            elif age > timedelta(hours=figures.stale_hours):
                freshness = RosterFreshness.STALE
            else:
                freshness = RosterFreshness.FRESH
        with self._lock:
            return replace(
                self._status,
                roster_freshness=freshness,
                roster_age_seconds=age_seconds,
                last_pull_at=self._status.last_pull_at or pulled,
                pending=figures.pending,
                parked=figures.parked,
                events_pending=figures.events_pending,
                promotions_pending=figures.promotions_pending,
                promotions_parked=figures.promotions_parked,
                roster_seq=figures.roster_seq,
                roster_students=figures.roster_students,
                roster_pulled_at=pulled,
                last_upload_at=figures.last_upload_at,
            )

    # -- session and time ----------------------------------------------------------------

    def _kiosk_id(self) -> str:
        def read(snapshot: RosterReader) -> str | None:
            identity = snapshot.identity()
            return identity.kiosk_id if identity else None

        kiosk_id = self._store.read(read)
        if not kiosk_id:
            raise StaffNeeded(
                "this kiosk is not registered: run the set-up", StaffNeededReason.NOT_REGISTERED
            )
        return kiosk_id

    def _learn_time(self, answer: Answer) -> None:
        if answer.server_time is None:
            return
        midpoint = answer.sent_at + (answer.received_at - answer.sent_at) / 2
        # Date is truncated to whole seconds: the server's true time is half a second later
        # on average. The local clock is the uncorrected one (now minus the current offset).
        local_mid = midpoint
        server = answer.server_time + timedelta(milliseconds=500)
        offset = round((server - local_mid).total_seconds() * 1000)
        if abs(offset - self._clock.offset_ms) < _OFFSET_NOISE_MS:
            return
        self._clock.set_offset_ms(offset)
        self._store.write(lambda tx: tx.set_state("clock_offset_ms", str(offset)))
        self._update(lambda status: replace(status, clock_offset_ms=offset))
        if abs(offset) > SKEW_WARNING_MS:
            log.warning("kiosk clock is %.0f s off the backend's", offset / 1000)

    def _open_session(self) -> None:
        kiosk_id = self._kiosk_id()
        token = self._vault.get_device_token(kiosk_id)
        if not token:
            raise StaffNeeded(
                "sign-in needed: the device token is not on this machine"
                + ("" if self._vault.persistent else " (no OS keyring; kept in memory only)"),
                StaffNeededReason.NO_DEVICE_TOKEN,
            )
        try:
            answer = self._api.open_session(token)
        except DeviceRevoked:
            self._on_revoked()
            raise StaffNeeded(
                "this kiosk was revoked: register it again", StaffNeededReason.REVOKED
            ) from None
        self._learn_time(answer)

    def _on_revoked(self) -> None:
        """A revoked device forgets the roster; check-ins not yet uploaded are kept."""
        log.warning("device token revoked: wiping the roster cache")
        self._store.write(lambda tx: tx.wipe_roster())

    def _call(self, request: Callable[[], Answer]) -> Answer:
        """Run a request in a session: refresh once on 401, then give up to staff."""
        if not self._api.has_session():
            self._open_session()
        try:
            answer = request()
        except AuthExpired:
            self._open_session()
            try:
                answer = request()
            except AuthExpired:
                raise StaffNeeded(
                    "the backend refused this kiosk's session twice",
                    StaffNeededReason.SESSION_REFUSED,
                ) from None
        self._learn_time(answer)
        now = self._clock.now()
        self._update(
            lambda status: replace(
                status,
                online=True,
                last_contact_at=now,
                staff_needed=None,
                staff_needed_reason=None,
            )
        )
        return answer

    def _failed(self, error: BaseException) -> str:
        message = str(error) or type(error).__name__
        if isinstance(error, StaffNeeded | Forbidden):
            reason = error.reason if isinstance(error, StaffNeeded) else StaffNeededReason.FORBIDDEN
            self._update(
                lambda status: replace(
                    status,
                    staff_needed=message,
                    staff_needed_reason=reason,
                    last_error=message,
                    online=False,
                )
            )
        else:
            self._update(lambda status: replace(status, last_error=message, online=False))
        return message

    # -- upload ----------------------------------------------------------------------------

    def _push(self, items: Sequence[OutboxItem]) -> tuple[int, int]:
        """Send items; split on a whole-batch rejection; park a poison item on its own."""
        try:
            answer = self._call(lambda: self._api.push_checkins(items))
        except BatchRejected as exc:
            if len(items) == 1:
                reason = f"{_WHOLE_REFUSAL}{exc.status}: {exc}"[:200]
                scan_id = items[0].scan_id
                self._store.write(lambda tx: tx.park(scan_id, reason))
                log.warning("check-in %s parked: %s", scan_id, reason)
                return 0, 1
            middle = len(items) // 2
            sent_a, parked_a = self._push(items[:middle])
            sent_b, parked_b = self._push(items[middle:])
            return sent_a + sent_b, parked_a + parked_b
        results = _parse_checkin_results(answer.body, {item.scan_id for item in items})
        now = self._clock.now()

        def acknowledge(tx: StoreTransaction) -> int:
            changed = tx.acknowledge(results, now)
            tx.set_state("last_upload_at", now.isoformat())
            return changed

        self._store.write(acknowledge)
        parked = sum(1 for ack in results if ack.status is ServerStatus.REJECTED)
        return len(results) - parked, parked

    def upload_once(self) -> UploadReport:
        """Upload pending check-ins batch by batch until none is left or a request fails."""
        sent = parked = 0
        try:
            while True:
                batch = self._store.read(
                    lambda snapshot: snapshot.pending_checkins(self.batch_size)
                )
                if not batch:
                    break
                batch_sent, batch_parked = self._push(batch)
                sent += batch_sent
                parked += batch_parked
                if batch_sent + batch_parked == 0:
                    # A 2xx that named none of them: try again later rather than spin.
                    raise TransientError("the backend acknowledged none of the batch")
        except RetryLater as exc:
            return self._upload_failed(exc, sent, parked, exc.retry_after)
        except (BackendError, StaffNeeded) as exc:
            return self._upload_failed(exc, sent, parked, None)
        self._update(
            lambda status: replace(status, last_upload_at=self._clock.now(), last_error=None)
        )
        return UploadReport(sent=sent, parked=parked, remaining=0)

    def _upload_failed(
        self, error: BaseException, sent: int, parked: int, retry_after: float | None
    ) -> UploadReport:
        message = self._failed(error)
        remaining = self._store.read(lambda snapshot: snapshot.counts())["pending"]
        log.info("upload stopped: %s (%d left)", message, remaining)
        return UploadReport(sent, parked, remaining, message, retry_after)

    def _push_promotions(self, items: Sequence[PromotionRecord]) -> tuple[int, int]:
        """Send promotions; split on a whole-batch rejection; park a poison item on its own."""
        try:
            answer = self._call(lambda: self._api.push_promotions(items))
        except BatchRejected as exc:
            if len(items) == 1:
                reason = f"{_WHOLE_REFUSAL}{exc.status}: {exc}"[:200]
                promotion_id = items[0].promotion_id
                self._store.write(lambda tx: tx.park_promotion(promotion_id, reason))
                log.warning("promotion %s parked: %s", promotion_id, reason)
                return 0, 1
            middle = len(items) // 2
            sent_a, parked_a = self._push_promotions(items[:middle])
            sent_b, parked_b = self._push_promotions(items[middle:])
            return sent_a + sent_b, parked_a + parked_b
        results = _parse_promotion_results(answer.body, {item.promotion_id for item in items})
        now = self._clock.now()
        self._store.write(lambda tx: tx.acknowledge_promotions(results, now))
        parked = sum(1 for ack in results if ack.status is PromotionStatus.REJECTED)
        for ack in results:
            if ack.status is PromotionStatus.REJECTED:
                log.warning("promotion %s refused: %s", ack.promotion_id, ack.reason)
        return len(results) - parked, parked

    def upload_promotions(self, limit: int = 100) -> UploadReport:
        """Upload pending promotions until none is left or a request fails."""
        sent = parked = 0
        try:
            while batch := self._store.read(lambda snapshot: snapshot.pending_promotions(limit)):
                batch_sent, batch_parked = self._push_promotions(batch)
                sent += batch_sent
                parked += batch_parked
                if batch_sent + batch_parked == 0:
                    raise TransientError("the backend acknowledged none of the promotions")
        except RetryLater as exc:
            return self._promotions_failed(exc, sent, parked, exc.retry_after)
        except (BackendError, StaffNeeded) as exc:
            return self._promotions_failed(exc, sent, parked, None)
        return UploadReport(sent=sent, parked=parked, remaining=0)

    def _promotions_failed(
        self, error: BaseException, sent: int, parked: int, retry_after: float | None
    ) -> UploadReport:
        message = self._failed(error)
        remaining = self._store.read(lambda snapshot: snapshot.counts())["promotions_pending"]
        log.info("promotion upload stopped: %s (%d left)", message, remaining)
        return UploadReport(sent, parked, remaining, message, retry_after)

    def _push_events(self, events: list[OutboxEvent]) -> int:
        answer = self._call(lambda: self._api.push_events(events))
        body = answer.body if isinstance(answer.body, dict) else {}
        accepted, rejected = body.get("accepted"), body.get("rejected", [])
        if not isinstance(accepted, list) or not isinstance(rejected, list):
            raise TransientError("event answer is not usable")
        done = [str(i) for i in accepted]
        # Refused events come back as {eventId, reason}: malformed, never worth a retry.
        refused = [str(r.get("eventId")) for r in rejected if isinstance(r, dict)]
        named = set(done) | set(refused)
        if not named or not named <= {event.event_id for event in events}:
            raise TransientError("event answer names no event that was sent")

        def acknowledge(tx: OutboxWriter) -> None:
            tx.acknowledge_events(done)
            # Refused events are kept for the diagnostics bundle but never retried.
            tx.park_events(refused)

        self._store.write(acknowledge)
        return len(done)

    def push_events_once(self, limit: int = 200) -> int:
        """Upload pending events; returns how many the backend accepted."""
        return self.upload_events(limit).done

    def upload_events(self, limit: int = 200) -> StepReport:
        """Upload pending events until none is left or a request fails."""
        accepted = 0
        try:
            while events := self._store.read(lambda snapshot: snapshot.pending_events(limit)):
                accepted += self._push_events(events)
        except RetryLater as exc:
            return StepReport(accepted, self._failed(exc), exc.retry_after)
        except (BackendError, StaffNeeded) as exc:
            return StepReport(accepted, self._failed(exc))
        return StepReport(accepted)

    def heartbeat_once(self) -> bool:
        return self.send_heartbeat().error is None

    def send_heartbeat(self) -> StepReport:
        status = self.status()
        report = Heartbeat(
            version=__version__,
            queue_depth=status.pending,
            parked=status.parked,
            last_upload_at=status.last_upload_at,
            last_pull_at=status.last_pull_at,
            roster_seq=status.roster_seq,
            camera_state=self._camera_state(),
            clock_offset_ms=status.clock_offset_ms,
        )
        try:
            self._call(lambda: self._api.heartbeat(report))
        except RetryLater as exc:
            return StepReport(error=self._failed(exc), retry_after=exc.retry_after)
        except (BackendError, StaffNeeded) as exc:
            return StepReport(error=self._failed(exc))
        return StepReport(done=1)

    # -- roster ----------------------------------------------------------------------------

    def pull_once(self) -> PullReport:
        """Pull the roster changes since our ``seq`` and apply them atomically."""

        def local_seq(snapshot: StoreSnapshot) -> int:
            roster = snapshot.roster
            # A roster older than this kiosk's version lacks fields: ask for a full one.
            if roster is None or snapshot.state("roster_full_pull"):
                return 0
            return roster.seq

        since = self._store.read(local_seq)
        try:
            answer = self._call(lambda: self._api.pull_roster(since))
            try:
                summary = self._provisioning.apply_document(answer.body)
            except RosterError as exc:
                if since == 0:
                    raise
                log.info("incremental roster refused (%s): pulling a full one", exc)
                answer = self._call(lambda: self._api.pull_roster(0))
                summary = self._provisioning.apply_document(answer.body)
        except RetryLater as exc:
            return PullReport(error=self._failed(exc), retry_after=exc.retry_after)
        except (BackendError, StaffNeeded) as exc:
            return PullReport(error=self._failed(exc))
        except RosterError as exc:
            # Garbage from the server: keep the roster we have, say why, try again later.
            return PullReport(error=self._failed(TransientError(f"roster refused: {exc}")))
        self._update(
            lambda status: replace(status, last_pull_at=self._clock.now(), last_error=None)
        )
        return PullReport(
            applied=True, full=summary.full, seq=summary.seq, students=summary.students_total
        )

    def sync_once(self) -> SyncStatus:
        """Everything once, each step independent of the others' failures."""
        self.upload_promotions()
        self.upload_once()
        self.push_events_once()
        self.pull_once()
        self.heartbeat_once()
        return self.status()

    def promotion_check(self, student_id: str) -> PromotionVerdict | None:
        """The backend's own evaluation, when it can be reached (instructor board)."""
        try:
            answer = self._call(lambda: self._api.promotion_check(student_id))
        except (BackendError, StaffNeeded) as exc:
            self._failed(exc)
            return None
        return PromotionVerdict.from_json(answer.body)


class LoopClock(Protocol):
    """Time for :class:`SyncLoop`: the seam tests use to move time without sleeping."""

    def monotonic(self) -> float: ...

    def wait_until(self, condition: threading.Condition, deadline: float) -> None:
        """Wait on ``condition`` (held by the caller) until ``deadline`` at the latest.

        May return early (a notify, or any other reason): the loop re-checks its schedule.
        """


class MonotonicClock:
    """The real :class:`LoopClock`."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wait_until(self, condition: threading.Condition, deadline: float) -> None:
        condition.wait(max(0.0, deadline - time.monotonic()))


@dataclass(slots=True)
class _Step:
    """One periodic job of a sync thread, with its own schedule and backoff."""

    name: str
    run: Callable[[], tuple[str | None, float | None]]  # (error, Retry-After)
    interval: float
    backoff: Backoff
    nudgeable: bool
    due: float = 0.0
    # A retry delay is pending (Retry-After or backoff): ``due`` is a "not before" time then,
    # which nudges must not shorten, or every scan would hammer a server that asked for a pause.
    retrying: bool = False


class SyncLoop:
    """Two background threads: upload (check-ins, events, heartbeat) and roster pull.

    Every step keeps its own schedule and backoff: a failing check-in endpoint does not stop the
    heartbeat or the events. ``on_status`` is called from those threads after every cycle; the
    UI turns it into a Qt signal. :meth:`nudge` asks for an upload now (called after each
    accepted scan) and :meth:`pull_now` for a pull, unless a retry delay is pending.
    """

    def __init__(
        self,
        engine: SyncEngine,
        *,
        upload_interval: float = 30.0,
        pull_interval: float = 300.0,
        heartbeat_interval: float = 60.0,
        on_status: Callable[[SyncStatus], None] | None = None,
        rng: random.Random | None = None,
        clock: LoopClock | None = None,
    ) -> None:
        self.engine = engine
        self.upload_interval = upload_interval
        self.pull_interval = pull_interval
        self.heartbeat_interval = heartbeat_interval
        self._on_status = on_status
        self._clock: LoopClock = clock or MonotonicClock()
        self._rng = rng or random.Random()
        self._stop = threading.Event()
        # One condition for both threads' wake-ups; the flags say which thread was asked.
        self._condition = threading.Condition()
        self._upload_wake = False
        self._pull_wake = False
        upload_steps = [
            self._step("promotions", self._promotions, upload_interval, nudgeable=True),
            self._step("checkins", self._upload, upload_interval, nudgeable=True),
            self._step("events", self._events, upload_interval, nudgeable=True),
            self._step("heartbeat", self._heartbeat, heartbeat_interval, nudgeable=False),
        ]
        pull_steps = [self._step("roster", self._pull, pull_interval, nudgeable=True)]
        self._threads = [
            threading.Thread(
                target=self._run, args=(upload_steps, "upload"), name="sync-upload", daemon=True
            ),
            threading.Thread(
                target=self._run, args=(pull_steps, "pull"), name="sync-pull", daemon=True
            ),
        ]

    def _step(
        self,
        name: str,
        run: Callable[[], tuple[str | None, float | None]],
        interval: float,
        *,
        nudgeable: bool,
    ) -> _Step:
        return _Step(name, run, interval, Backoff(rng=self._rng), nudgeable)

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def nudge(self) -> None:
        with self._condition:
            self._upload_wake = True
            self._condition.notify_all()

    def pull_now(self) -> None:
        with self._condition:
            self._pull_wake = True
            self._condition.notify_all()

    def stop(self) -> None:
        with self._condition:
            self._stop.set()
            self._condition.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()

    def _publish(self) -> None:
        if self._on_status is not None:
            try:
                self._on_status(self.engine.status())
            except Exception:
                log.exception("status listener failed")

    # -- the steps ---------------------------------------------------------------------------

    def _upload(self) -> tuple[str | None, float | None]:
        report = self.engine.upload_once()
        return report.error, report.retry_after

    def _promotions(self) -> tuple[str | None, float | None]:
        report = self.engine.upload_promotions()
        return report.error, report.retry_after

    def _events(self) -> tuple[str | None, float | None]:
        report = self.engine.upload_events()
        return report.error, report.retry_after

    def _heartbeat(self) -> tuple[str | None, float | None]:
        report = self.engine.send_heartbeat()
        return report.error, report.retry_after

    def _pull(self) -> tuple[str | None, float | None]:
        report = self.engine.pull_once()
        return report.error, report.retry_after

    # -- the threads -------------------------------------------------------------------------

    def _take_wake(self, which: str) -> bool:
        if which == "upload":
            woken, self._upload_wake = self._upload_wake, False
        else:
            woken, self._pull_wake = self._pull_wake, False
        return woken

    def _due_steps(self, steps: list[_Step], which: str) -> list[_Step] | None:
        """Block until a step is due (None: stopping); nudges only bring normal steps forward."""
        with self._condition:
            while not self._stop.is_set():
                now = self._clock.monotonic()
                if self._take_wake(which):
                    for step in steps:
                        if step.nudgeable and not step.retrying:
                            step.due = min(step.due, now)
                due = [step for step in steps if step.due <= now]
                if due:
                    return due
                self._clock.wait_until(self._condition, min(step.due for step in steps))
        return None

    def _run(self, steps: list[_Step], which: str) -> None:
        start = self._clock.monotonic()
        for step in steps:
            step.due = start
        while (due := self._due_steps(steps, which)) is not None:
            for step in due:
                if self._stop.is_set():
                    return
                error, retry_after = step.run()
                now = self._clock.monotonic()
                if error is None:
                    step.backoff.success()
                    step.retrying = False
                    step.due = now + step.interval
                else:
                    step.retrying = True
                    step.due = now + step.backoff.failure(retry_after)
            self._publish()

"""What one store transaction (or read snapshot) sees, over one SQLite connection.

Three groups of tables, one class each, each implementing one port of :mod:`kiosk.domain.ports`:

    RosterTables   the cached roster and this kiosk's identity         RosterWriter
    LedgerTables   every scan, spent passes, events, named values       LedgerWriter
    OutboxTables   what waits for the backend, and what it refused       OutboxWriter

:class:`Transaction` is all three at once (:class:`~kiosk.domain.ports.StoreTransaction`): the
store hands one to each unit of work, on the writer thread (or read-only, for a snapshot).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from kiosk.domain.decision import Outcome, PassUse, PriorCheckin
from kiosk.domain.eligibility import LocalAttendance, ServerStatus
from kiosk.domain.model import (
    ClassSlot,
    Override,
    OverrideKind,
    RuleBook,
    Student,
    StudentStatus,
    Tenant,
    TenantSettings,
)
from kiosk.domain.ports import (
    CheckinAck,
    Event,
    KioskIdentity,
    OutboxEvent,
    OutboxItem,
    ScanRecord,
    ScanSource,
    StorageError,
    SyncState,
)
from kiosk.domain.roster import RosterError, RosterUpdate, parse_parts
from kiosk.domain.tokens import TokenKind, VerificationKey, public_jwk

_STUDENT_COLUMNS = (
    "id, display_name, program_id, rank_id, rank_since, classes_since_promotion, status, "
    "flags, override, date_of_birth"
)
#: How long after its pass expired a spent nonce is still kept: far above any token leeway, so
#: a kiosk clock corrected backwards by up to a day still sees the pass as spent.
SPENT_PASS_MARGIN = timedelta(days=1)

_SCAN_COLUMNS = (
    "scan_id, scanned_at, clock_offset_ms, outcome, source, sync_state, student_id, class_id, "
    "session_id, kind, nonce, detail, created_by"
)


def to_db_time(instant: datetime) -> str:
    """Fixed-width UTC text, so that text order is time order in SQL."""
    if instant.tzinfo is None:
        raise ValueError("store only aware datetimes")
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_db_time(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _student_from_row(row: Sequence[Any]) -> Student:
    override_json = row[8]
    override = None
    if override_json:
        raw = json.loads(override_json)
        override = Override(
            kind=OverrideKind(raw["type"]),
            note=raw.get("note", ""),
            by=raw.get("by", ""),
            at=datetime.fromisoformat(raw["at"]) if raw.get("at") else None,
        )
    return Student(
        id=row[0],
        display_name=row[1],
        program_id=row[2],
        rank_id=row[3],
        rank_since=from_db_time(row[4]),
        classes_since_promotion=row[5],
        status=StudentStatus(row[6]),
        flags=frozenset(json.loads(row[7])),
        override=override,
        date_of_birth=date.fromisoformat(row[9]) if row[9] else None,
    )


def _student_to_row(student: Student) -> tuple[str | int | None, ...]:
    override = student.override
    override_json = (
        json.dumps(
            {
                "type": override.kind.value,
                "note": override.note,
                "by": override.by,
                "at": override.at.isoformat() if override.at else None,
            }
        )
        if override
        else None
    )
    return (
        student.id,
        student.display_name,
        student.display_name.casefold(),
        student.program_id,
        student.rank_id,
        to_db_time(student.rank_since),
        student.classes_since_promotion,
        student.status.value,
        json.dumps(sorted(student.flags)),
        override_json,
        student.date_of_birth.isoformat() if student.date_of_birth else None,
    )


def _scan_from_row(row: Sequence[Any]) -> ScanRecord:
    return ScanRecord(
        scan_id=row[0],
        scanned_at=from_db_time(row[1]),
        clock_offset_ms=row[2],
        outcome=Outcome(row[3]),
        source=ScanSource(row[4]),
        sync_state=SyncState(row[5]),
        student_id=row[6],
        class_id=row[7],
        session_id=row[8],
        kind=TokenKind(row[9]) if row[9] else None,
        nonce=row[10],
        detail=row[11],
        created_by=row[12],
    )


@dataclass(frozen=True, slots=True)
class RosterCache:
    """The small, immutable parts of the roster, rebuilt after each applied roster."""

    tenant: Tenant
    settings: TenantSettings
    rules: RuleBook
    keys: Mapping[str, VerificationKey]
    key_ids: tuple[str, ...]
    classes: tuple[ClassSlot, ...]
    seq: int
    pulled_at: datetime | None


def load_roster_cache(conn: sqlite3.Connection) -> RosterCache | None:
    parts = {
        name: json.loads(text) for name, text in conn.execute("SELECT name, json FROM roster_parts")
    }
    if "tenant" not in parts:
        return None
    parsed = parse_parts(parts)
    keys = {kid: public_jwk(kid, x) for kid, x in conn.execute("SELECT kid, x FROM tenant_keys")}
    classes = tuple(
        ClassSlot(
            id=row[0],
            name=row[1],
            program_id=row[2],
            weekday=row[3],
            start=time.fromisoformat(row[4]),
            duration_minutes=row[5],
        )
        for row in conn.execute(
            "SELECT id, name, program_id, weekday, start, duration_minutes FROM classes"
        )
    )
    state = dict(conn.execute("SELECT key, value FROM kiosk_state"))
    pulled = state.get("roster_pulled_at")
    return RosterCache(
        tenant=parsed.tenant,
        settings=parsed.settings,
        rules=parsed.rules,
        keys=keys,
        key_ids=tuple(sorted(keys)),
        classes=classes,
        seq=int(state.get("roster_seq", "0")),
        pulled_at=from_db_time(pulled) if pulled else None,
    )


class _RosterView:
    """:class:`kiosk.domain.ports.CachedRoster` over one connection."""

    def __init__(self, cache: RosterCache, conn: sqlite3.Connection) -> None:
        self._cache = cache
        self._conn = conn

    @property
    def tenant_id(self) -> str:
        return self._cache.tenant.id

    @property
    def tenant(self) -> Tenant:
        return self._cache.tenant

    @property
    def keys(self) -> Mapping[str, VerificationKey]:
        return self._cache.keys

    @property
    def key_ids(self) -> tuple[str, ...]:
        return self._cache.key_ids

    @property
    def settings(self) -> TenantSettings:
        return self._cache.settings

    @property
    def classes(self) -> Sequence[ClassSlot]:
        return self._cache.classes

    @property
    def rules(self) -> RuleBook:
        return self._cache.rules

    @property
    def seq(self) -> int:
        return self._cache.seq

    @property
    def pulled_at(self) -> datetime | None:
        return self._cache.pulled_at

    def is_revoked(self, nonce: str) -> bool:
        row = self._conn.execute("SELECT 1 FROM revoked_nonces WHERE nonce = ?", (nonce,))
        return row.fetchone() is not None

    def student(self, student_id: str) -> Student | None:
        row = self._conn.execute(
            f"SELECT {_STUDENT_COLUMNS} FROM students WHERE id = ?",  # noqa: S608 (constant)
            (student_id,),
        ).fetchone()
        return _student_from_row(row) if row else None

    def all_students(self) -> Sequence[Student]:
        rows = self._conn.execute(
            f"SELECT {_STUDENT_COLUMNS} FROM students ORDER BY search_name"  # noqa: S608
        )
        return [_student_from_row(row) for row in rows]

    def search_students(self, text: str, limit: int = 20) -> Sequence[Student]:
        pattern = "%" + text.casefold().replace("%", "").replace("_", "") + "%"
        rows = self._conn.execute(
            f"SELECT {_STUDENT_COLUMNS} FROM students WHERE search_name LIKE ? "  # noqa: S608
            "ORDER BY search_name LIMIT ?",
            (pattern, limit),
        )
        return [_student_from_row(row) for row in rows]

    def student_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM students").fetchone()[0])


class _History:
    """:class:`kiosk.domain.decision.CheckinHistory` over one connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def accepted_since(self, student_id: str, since: datetime) -> Sequence[PriorCheckin]:
        rows = self._conn.execute(
            "SELECT scan_id, scanned_at, session_id FROM checkins "
            "WHERE student_id = ? AND outcome = 'accepted' AND scanned_at >= ? "
            "ORDER BY scanned_at",
            (student_id, to_db_time(since)),
        )
        return [PriorCheckin(row[0], from_db_time(row[1]), row[2]) for row in rows]

    def pass_use(self, nonce: str) -> PassUse | None:
        row = self._conn.execute(
            "SELECT student_id, scan_id, used_at FROM used_passes WHERE nonce = ?", (nonce,)
        ).fetchone()
        return PassUse(row[0], row[1], from_db_time(row[2])) if row else None


class _Tables:
    """One connection and the roster cache of the moment; writes only when ``writable``."""

    def __init__(self, conn: sqlite3.Connection, cache: RosterCache | None, *, writable: bool):
        self._conn = conn
        self._cache = cache
        self._writable = writable
        #: A write changed the roster: the store reloads its cache after the commit.
        self.roster_changed = False

    def _require_writable(self) -> None:
        if not self._writable:
            raise StorageError("this is a read-only view of the store")

    def state(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM kiosk_state WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_state(self, key: str, value: str) -> None:
        self._require_writable()
        self._conn.execute(
            "INSERT INTO kiosk_state (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


class RosterTables(_Tables):
    """The cached roster and this kiosk's identity (:class:`~kiosk.domain.ports.RosterWriter`)."""

    @property
    def roster(self) -> _RosterView | None:
        return _RosterView(self._cache, self._conn) if self._cache else None

    def identity(self) -> KioskIdentity | None:
        row = self._conn.execute(
            "SELECT tenant_id, tenant_slug, kiosk_id, api_url, device_name, registered_at "
            "FROM kiosk_identity WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        return KioskIdentity(
            tenant_id=row[0],
            tenant_slug=row[1],
            kiosk_id=row[2],
            api_url=row[3],
            device_name=row[4],
            registered_at=from_db_time(row[5]) if row[5] else None,
        )

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
        """Bind this database to one tenant (and, once registered, one kiosk id)."""
        self._require_writable()
        current = self.identity()
        if current is not None and current.tenant_id != tenant_id:
            raise StorageError(
                f"this kiosk database belongs to academy {current.tenant_slug!r}; "
                "wipe it (settings → sign out and wipe) before serving another academy"
            )
        self._conn.execute(
            "INSERT INTO kiosk_identity (id, tenant_id, tenant_slug, kiosk_id, api_url, "
            "device_name, registered_at) VALUES (1, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET tenant_slug = excluded.tenant_slug, "
            "kiosk_id = coalesce(excluded.kiosk_id, kiosk_id), "
            "api_url = coalesce(excluded.api_url, api_url), "
            "device_name = coalesce(excluded.device_name, device_name), "
            "registered_at = coalesce(excluded.registered_at, registered_at)",
            (
                tenant_id,
                tenant_slug,
                kiosk_id,
                api_url,
                device_name,
                to_db_time(registered_at) if registered_at else None,
            ),
        )

    def apply_roster(self, update: RosterUpdate, pulled_at: datetime) -> None:
        """Apply a validated roster inside the current transaction (all or nothing)."""
        self._require_writable()
        conn = self._conn
        local_seq = self._cache.seq if self._cache else 0
        if not update.full and (self._cache is None or update.since != local_seq):
            raise RosterError(
                f"incremental roster since {update.since} does not follow this kiosk's "
                f"roster {local_seq}; a full roster is needed"
            )
        self.pin_identity(update.tenant.id, update.tenant.slug)
        if update.full:
            for table in ("students", "tenant_keys", "revoked_nonces", "classes", "roster_parts"):
                conn.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        else:
            conn.execute("DELETE FROM tenant_keys")
            conn.execute("DELETE FROM revoked_nonces")
            conn.execute("DELETE FROM classes")
            conn.executemany(
                "DELETE FROM students WHERE id = ?", [(sid,) for sid in update.removed_student_ids]
            )
        conn.executemany(
            "INSERT OR REPLACE INTO roster_parts (name, json) VALUES (?, ?)",
            [(name, json.dumps(value)) for name, value in update.parts.items()],
        )
        conn.executemany(
            "INSERT OR REPLACE INTO students (id, display_name, search_name, program_id, "
            "rank_id, rank_since, classes_since_promotion, status, flags, override, "
            "date_of_birth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [_student_to_row(student) for student in update.students],
        )
        conn.executemany(
            "INSERT INTO tenant_keys (kid, x, status) VALUES (?, ?, ?)",
            [(key.kid, key.x, key.status) for key in update.keys],
        )
        conn.executemany(
            "INSERT INTO revoked_nonces (nonce) VALUES (?)",
            [(nonce,) for nonce in sorted(update.revoked_nonces)],
        )
        conn.executemany(
            "INSERT INTO classes (id, name, program_id, weekday, start, duration_minutes) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    c.id,
                    c.name,
                    c.program_id,
                    c.weekday,
                    c.start.isoformat("minutes"),
                    c.duration_minutes,
                )
                for c in update.classes
            ],
        )
        self.set_state("roster_seq", str(update.seq))
        self.set_state("roster_pulled_at", to_db_time(pulled_at))
        if update.generated_at is not None:
            self.set_state("roster_generated_at", to_db_time(update.generated_at))
        self.roster_changed = True

    def wipe_roster(self) -> None:
        """Forget the roster (device revoked); the ledger and its outbox stay for staff."""
        self._require_writable()
        for table in ("students", "tenant_keys", "revoked_nonces", "classes", "roster_parts"):
            self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        self._conn.execute("DELETE FROM kiosk_state WHERE key LIKE 'roster_%'")
        self.roster_changed = True


class LedgerTables(_Tables):
    """Every scan, spent passes, events and small named values
    (:class:`~kiosk.domain.ports.LedgerWriter`)."""

    @property
    def history(self) -> _History:
        return _History(self._conn)

    def local_attendance(
        self, student_id: str | None = None
    ) -> Mapping[str, list[LocalAttendance]]:
        roster_seq = self._cache.seq if self._cache else 0
        # Only rows the roster cannot count yet; the domain rule decides the rest exactly.
        query = (
            "SELECT student_id, scanned_at, server_status, server_seq FROM checkins "
            "WHERE outcome = 'accepted' AND sync_state != 'parked' "
            "AND (server_seq IS NULL OR server_seq > ?)"
        )
        params: list[int | str] = [roster_seq]
        if student_id is not None:
            query += " AND student_id = ?"
            params.append(student_id)
        result: dict[str, list[LocalAttendance]] = {}
        for sid, scanned_at, status, seq in self._conn.execute(query, params):
            result.setdefault(sid, []).append(
                LocalAttendance(
                    from_db_time(scanned_at), ServerStatus(status) if status else None, seq
                )
            )
        return result

    def recent_scans(self, limit: int) -> Sequence[ScanRecord]:
        rows = self._conn.execute(
            f"SELECT {_SCAN_COLUMNS} FROM checkins "  # noqa: S608 (constant)
            "ORDER BY scanned_at DESC LIMIT ?",
            (limit,),
        )
        return [_scan_from_row(row) for row in rows]

    def student_scans(self, student_id: str, limit: int) -> Sequence[ScanRecord]:
        rows = self._conn.execute(
            f"SELECT {_SCAN_COLUMNS} FROM checkins WHERE student_id = ? "  # noqa: S608
            "ORDER BY scanned_at DESC LIMIT ?",
            (student_id, limit),
        )
        return [_scan_from_row(row) for row in rows]

    def record_scan(self, record: ScanRecord) -> None:
        self._require_writable()
        self._conn.execute(
            f"INSERT INTO checkins ({_SCAN_COLUMNS}) "  # noqa: S608 (constant)
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                record.scan_id,
                to_db_time(record.scanned_at),
                record.clock_offset_ms,
                record.outcome.value,
                record.source.value,
                record.sync_state.value,
                record.student_id,
                record.class_id,
                record.session_id,
                record.kind.value if record.kind else None,
                record.nonce,
                record.detail,
                record.created_by,
            ),
        )

    def spend_pass(self, nonce: str, student_id: str, scan_id: str, expires_at: datetime) -> None:
        self._require_writable()
        self._conn.execute(
            "INSERT INTO used_passes (nonce, student_id, scan_id, used_at, expires_at) "
            "SELECT ?, ?, ?, scanned_at, ? FROM checkins WHERE scan_id = ?",
            (nonce, student_id, scan_id, to_db_time(expires_at), scan_id),
        )

    def add_event(self, event: Event, event_id: str | None = None) -> None:
        self._require_writable()
        self._conn.execute(
            "INSERT INTO events (event_id, kind, at, data, sync_state) VALUES (?, ?, ?, ?, ?)",
            (
                event_id or str(uuid.uuid4()),
                event.kind,
                to_db_time(event.at),
                json.dumps(dict(event.data), separators=(",", ":")),
                "pending",
            ),
        )

    def prune(self, now: datetime) -> int:
        """Forget spent pass nonces whose passes expired more than :data:`SPENT_PASS_MARGIN` ago.

        Run on every roster apply and when the store opens. A pruned pass is answered
        ``expired`` (the decision checks expiry before replay), so the margin only has to cover
        a clock that later turns out to have run ahead.
        """
        self._require_writable()
        cutoff = to_db_time(now - SPENT_PASS_MARGIN)
        cursor = self._conn.execute("DELETE FROM used_passes WHERE expires_at < ?", (cutoff,))
        return cursor.rowcount


class OutboxTables(_Tables):
    """What waits for the backend and what it refused (:class:`~kiosk.domain.ports.OutboxWriter`).

    A row leaves ``pending`` only through :meth:`acknowledge` (a parsed 2xx naming it) or
    :meth:`park` (refused: kept for staff, never deleted, never blocking the others).
    """

    def counts(self) -> dict[str, int]:
        """Queue figures for the status strip and heartbeat."""
        result = {"pending": 0, "parked": 0, "sent": 0, "events_pending": 0, "events_parked": 0}
        for state, count in self._conn.execute(
            "SELECT sync_state, count(*) FROM checkins WHERE outcome = 'accepted' "
            "GROUP BY sync_state"
        ):
            result[state] = count
        for state, count in self._conn.execute(
            "SELECT sync_state, count(*) FROM events GROUP BY sync_state"
        ):
            if state != "sent":
                result[f"events_{state}"] = count
        return result

    def pending_checkins(self, limit: int) -> list[OutboxItem]:
        """Oldest accepted check-ins not yet acknowledged."""
        rows = self._conn.execute(
            "SELECT scan_id, student_id, scanned_at, clock_offset_ms, class_id, session_id, "
            "nonce, kind, source, created_by FROM checkins "
            "WHERE sync_state = 'pending' ORDER BY scanned_at LIMIT ?",
            (limit,),
        )
        return [
            OutboxItem(
                scan_id=r[0],
                student_id=r[1],
                scanned_at=from_db_time(r[2]),
                clock_offset_ms=r[3],
                class_id=r[4],
                session_id=r[5],
                nonce=r[6],
                kind=TokenKind(r[7]) if r[7] else None,
                source=ScanSource(r[8]),
                created_by=r[9],
            )
            for r in rows
        ]

    def pending_events(self, limit: int) -> list[OutboxEvent]:
        rows = self._conn.execute(
            "SELECT event_id, kind, at, data FROM events WHERE sync_state = 'pending' "
            "ORDER BY at LIMIT ?",
            (limit,),
        )
        return [OutboxEvent(r[0], r[1], from_db_time(r[2]), json.loads(r[3])) for r in rows]

    def parked_checkins(self) -> list[ScanRecord]:
        rows = self._conn.execute(
            f"SELECT {_SCAN_COLUMNS} FROM checkins WHERE sync_state = 'parked' "  # noqa: S608
            "ORDER BY scanned_at"
        )
        return [_scan_from_row(row) for row in rows]

    def parked_reasons(self) -> dict[str, str]:
        return dict(
            self._conn.execute(
                "SELECT scan_id, coalesce(last_error, '') FROM checkins WHERE sync_state = 'parked'"
            )
        )

    def acknowledge(self, results: Iterable[CheckinAck], now: datetime) -> int:
        """Record per-item answers of a fully parsed 2xx. Only pending rows change."""
        self._require_writable()
        changed = 0
        acked_at = to_db_time(now)
        for ack in results:
            if ack.status is ServerStatus.REJECTED:
                cursor = self._conn.execute(
                    "UPDATE checkins SET sync_state = 'parked', server_status = ?, "
                    "last_error = ?, acked_at = ?, attempts = attempts + 1 "
                    "WHERE scan_id = ? AND sync_state = 'pending'",
                    (ack.status.value, (ack.reason or "rejected")[:200], acked_at, ack.scan_id),
                )
            else:
                cursor = self._conn.execute(
                    "UPDATE checkins SET sync_state = 'sent', server_status = ?, "
                    "server_seq = ?, last_error = NULL, acked_at = ?, attempts = attempts + 1 "
                    "WHERE scan_id = ? AND sync_state = 'pending'",
                    (ack.status.value, ack.seq, acked_at, ack.scan_id),
                )
            changed += cursor.rowcount
        return changed

    def note_attempt(self, scan_ids: Iterable[str], error: str) -> None:
        """Remember a failed upload attempt (the rows stay pending, same ids)."""
        self._require_writable()
        self._conn.executemany(
            "UPDATE checkins SET attempts = attempts + 1, last_error = ? "
            "WHERE scan_id = ? AND sync_state = 'pending'",
            [(error[:200], scan_id) for scan_id in scan_ids],
        )

    def park(self, scan_id: str, reason: str) -> None:
        """Set a row aside for staff; it is never deleted and never blocks the others."""
        self._require_writable()
        self._conn.execute(
            "UPDATE checkins SET sync_state = 'parked', last_error = ?, "
            "attempts = attempts + 1 WHERE scan_id = ? AND sync_state = 'pending'",
            (reason[:200], scan_id),
        )

    def requeue_parked(self, scan_id: str) -> bool:
        """Staff retry of a parked row (after fixing the cause on the backend)."""
        self._require_writable()
        cursor = self._conn.execute(
            "UPDATE checkins SET sync_state = 'pending', server_status = NULL "
            "WHERE scan_id = ? AND sync_state = 'parked'",
            (scan_id,),
        )
        return cursor.rowcount == 1

    def acknowledge_events(self, event_ids: Iterable[str]) -> None:
        self._require_writable()
        self._conn.executemany(
            "UPDATE events SET sync_state = 'sent' WHERE event_id = ?",
            [(event_id,) for event_id in event_ids],
        )

    def park_events(self, event_ids: Iterable[str]) -> None:
        self._require_writable()
        self._conn.executemany(
            "UPDATE events SET sync_state = 'parked' WHERE event_id = ?",
            [(event_id,) for event_id in event_ids],
        )


class Transaction(RosterTables, LedgerTables, OutboxTables):
    """All of the store in one unit of work (:class:`~kiosk.domain.ports.StoreTransaction`)."""

    def wipe(self) -> None:
        """Forget the tenant: roster, identity, ledger. Used on sign-out or device revocation."""
        self._require_writable()
        for table in (
            "used_passes",
            "events",
            "checkins",
            "students",
            "tenant_keys",
            "revoked_nonces",
            "classes",
            "roster_parts",
            "kiosk_state",
            "kiosk_identity",
        ):
            self._conn.execute(f"DELETE FROM {table}")  # noqa: S608 (constant names)
        self.roster_changed = True

"""The kiosk database schema, as sqlite-utils migrations recorded in ``_sqlite_migrations``.

Append new migrations at the end; never edit one that has shipped. A database that has
migrations this code does not know was written by a newer kiosk: :func:`check_not_newer` refuses
to open it rather than corrupt it (downgrade guard).
"""

from __future__ import annotations

from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from kiosk.domain.ports import StorageError

MIGRATION_SET = "tatami-kiosk"
migrations = Migrations(MIGRATION_SET)
_KNOWN: list[str] = []


def migration(func: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register a migration and remember its name for the downgrade guard."""
    _KNOWN.append(func.__name__)
    return migrations()(func)


class NewerDatabaseError(StorageError):
    """The database was written by a newer kiosk version."""


@migration
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        -- The tenant and kiosk this database belongs to: one row, pinned at provisioning.
        CREATE TABLE kiosk_identity (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            tenant_id TEXT NOT NULL,
            tenant_slug TEXT NOT NULL,
            kiosk_id TEXT,
            api_url TEXT,
            device_name TEXT,
            registered_at TEXT
        );
        -- Small named values: roster seq, pull time, clock offset, sync timestamps.
        CREATE TABLE kiosk_state (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        -- Tenant, settings, ranks, programs and rules as validated roster JSON.
        CREATE TABLE roster_parts (
            name TEXT PRIMARY KEY,
            json TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE students (
            id TEXT PRIMARY KEY,
            display_name TEXT NOT NULL,
            search_name TEXT NOT NULL,
            program_id TEXT NOT NULL,
            rank_id TEXT NOT NULL,
            rank_since TEXT NOT NULL,
            classes_since_promotion INTEGER NOT NULL,
            status TEXT NOT NULL,
            flags TEXT NOT NULL,
            override TEXT,
            date_of_birth TEXT
        ) WITHOUT ROWID;
        CREATE TABLE tenant_keys (
            kid TEXT PRIMARY KEY,
            x TEXT NOT NULL,
            status TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE revoked_nonces (
            nonce TEXT PRIMARY KEY
        ) WITHOUT ROWID;
        CREATE TABLE classes (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            program_id TEXT,
            weekday INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
            start TEXT NOT NULL,
            duration_minutes INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- The local check-in ledger: every scan with its outcome. Accepted ones are the outbox.
        CREATE TABLE checkins (
            scan_id TEXT PRIMARY KEY,
            scanned_at TEXT NOT NULL,
            clock_offset_ms INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            source TEXT NOT NULL,
            student_id TEXT,
            class_id TEXT,
            session_id TEXT,
            kind TEXT,
            nonce TEXT,
            detail TEXT NOT NULL DEFAULT '',
            created_by TEXT,
            sync_state TEXT NOT NULL
                CHECK (sync_state IN ('pending', 'sent', 'parked', 'local')),
            server_status TEXT,
            server_seq INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            acked_at TEXT
        ) WITHOUT ROWID;
        CREATE INDEX checkins_by_student ON checkins (student_id, scanned_at)
            WHERE outcome = 'accepted';
        CREATE INDEX checkins_by_state ON checkins (sync_state, scanned_at);
        CREATE INDEX checkins_by_time ON checkins (scanned_at);
        -- Pass nonces spent here, kept until the pass expires (replay detection).
        CREATE TABLE used_passes (
            nonce TEXT PRIMARY KEY,
            student_id TEXT NOT NULL,
            scan_id TEXT NOT NULL REFERENCES checkins (scan_id),
            used_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID;
        -- Events to upload: scan errors, security events, attempts, overrides.
        CREATE TABLE events (
            event_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            at TEXT NOT NULL,
            data TEXT NOT NULL,
            sync_state TEXT NOT NULL CHECK (sync_state IN ('pending', 'sent', 'parked')),
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT
        ) WITHOUT ROWID;
        CREATE INDEX events_by_state ON events (sync_state, at);
        """
    )


@migration
def m002_grading(db: Database) -> None:
    """Grading (roster version 2): stripes, class rules, rank snapshots, kiosk promotions."""
    db.executescript(
        """
        ALTER TABLE students ADD COLUMN stripes INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE students ADD COLUMN stripe_since TEXT;
        ALTER TABLE students ADD COLUMN classes_since_stripe INTEGER;
        ALTER TABLE classes ADD COLUMN counts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE classes ADD COLUMN min_rank TEXT;
        ALTER TABLE classes ADD COLUMN checkin_opens_minutes INTEGER;
        ALTER TABLE classes ADD COLUMN checkin_closes_minutes INTEGER;
        ALTER TABLE classes ADD COLUMN tardy_after_minutes INTEGER;
        -- Class rules at scan time, and the rank and stripes the student held then.
        ALTER TABLE checkins ADD COLUMN counts INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE checkins ADD COLUMN tardy INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE checkins ADD COLUMN below_min_rank INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE checkins ADD COLUMN rank_id TEXT;
        ALTER TABLE checkins ADD COLUMN stripes INTEGER;
        -- Promotions made here: each its own outbox item, kept after it is sent (audit).
        CREATE TABLE promotions (
            promotion_id TEXT PRIMARY KEY,
            student_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('belt', 'stripe')),
            from_rank TEXT NOT NULL,
            from_stripes INTEGER NOT NULL,
            to_rank TEXT NOT NULL,
            to_stripes INTEGER NOT NULL,
            promoted_at TEXT NOT NULL,
            clock_offset_ms INTEGER NOT NULL,
            note TEXT NOT NULL,
            created_by TEXT,
            sync_state TEXT NOT NULL CHECK (sync_state IN ('pending', 'sent', 'parked')),
            server_status TEXT,
            server_seq INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            acked_at TEXT
        ) WITHOUT ROWID;
        CREATE INDEX promotions_by_student ON promotions (student_id, promoted_at);
        CREATE INDEX promotions_by_state ON promotions (sync_state, promoted_at);
        -- A roster applied before this version lacks stripes: the next pull is a full one.
        INSERT INTO kiosk_state (key, value)
            SELECT 'roster_full_pull', '1' FROM roster_parts WHERE name = 'tenant';
        """
    )


def check_not_newer(db: Database) -> None:
    """Refuse a database that has migrations this version does not know."""
    known = set(_KNOWN)
    unknown = [m.name for m in migrations.applied(db) if m.name not in known]
    if unknown:
        raise NewerDatabaseError(
            "this kiosk database was written by a newer version of TatamiTech Kiosk "
            f"(unknown migrations: {', '.join(unknown[:3])}); install that version or restore "
            "a backup"
        )


def migrate(db: Database) -> None:
    check_not_newer(db)
    migrations.apply(db)

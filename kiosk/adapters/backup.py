"""Local backups of the kiosk database with SQLite's online backup API.

A backup reads through its own read-only connection: the store's writer thread owns the only
write connection (DESIGN §2), and WAL lets a reader copy a consistent snapshot while check-ins
keep committing. Each copy is written under a temporary name, checked with
``PRAGMA integrity_check``, switched to a single-file journal mode and renamed into place, so a
backup file that exists is a whole, readable database.

Files (``paths.backups``)::

    kiosk-20261126T170203Z-auto.sqlite3      daily automatic backups (the newest N are kept)
    kiosk-20261126T171500Z-manual.sqlite3    ``tatami-kiosk backup create`` (kept until deleted)
    kiosk-20261126T172000Z-pre-restore.sqlite3   the database a restore replaced

A restore refuses a database written by a newer kiosk (the downgrade guard of
:mod:`kiosk.adapters.schema`), refuses anything that is not a kiosk database, and never runs
while a kiosk uses the data directory (:class:`~kiosk.adapters.instance_lock.InstanceLock`). It
copies into the live file with the same backup API, in one transaction: an interrupted restore
leaves the old database intact.
"""

from __future__ import annotations

import contextlib
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from sqlite_utils import Database

from kiosk.adapters.instance_lock import AlreadyRunningError, InstanceLock
from kiosk.adapters.schema import MIGRATION_SET, NewerDatabaseError, check_not_newer
from kiosk.domain.ports import StorageError

log = logging.getLogger(__name__)

Kind = Literal["auto", "manual", "pre-restore"]
_NAME = re.compile(r"^kiosk-(\d{8}T\d{6}Z)(?:-(\d+))?-(auto|manual|pre-restore)\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%SZ"


class BackupError(StorageError):
    """A backup or restore did not happen; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    kind: str
    created_at: datetime
    size: int

    def to_json(self) -> dict[str, object]:
        return {
            "file": self.path.name,
            "path": str(self.path),
            "kind": self.kind,
            "createdAt": self.created_at.isoformat(),
            "bytes": self.size,
        }


@contextlib.contextmanager
def _read_only(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        yield conn
    finally:
        conn.close()


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows[:5])


def _parse_name(path: Path) -> tuple[datetime, str] | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    stamp = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    return stamp, match.group(3)


def list_backups(backups: Path) -> list[BackupInfo]:
    """Backups in ``backups``, oldest first (names sort by time)."""
    if not backups.is_dir():
        return []
    found = []
    for path in sorted(backups.iterdir()):
        parsed = _parse_name(path)
        if parsed is None or not path.is_file():
            continue
        found.append(BackupInfo(path, parsed[1], parsed[0], path.stat().st_size))
    # Two backups in the same second share a stamp: the file's own time orders them.
    return sorted(found, key=lambda info: (info.created_at, info.path.stat().st_mtime_ns))


def _target(backups: Path, kind: Kind, now: datetime) -> Path:
    stamp = now.astimezone(UTC).strftime(_STAMP)
    candidate = backups / f"kiosk-{stamp}-{kind}.sqlite3"
    counter = 1
    while candidate.exists():  # two backups within one second
        counter += 1
        candidate = backups / f"kiosk-{stamp}-{counter}-{kind}.sqlite3"
    return candidate


def create_backup(database: Path, backups: Path, kind: Kind, now: datetime) -> BackupInfo:
    """Copy ``database`` into ``backups`` (online: the kiosk may be running)."""
    if not database.exists():
        raise BackupError(f"there is no kiosk database at {database} yet: nothing to back up")
    backups.mkdir(parents=True, exist_ok=True)
    target = _target(backups, kind, now)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        with _read_only(database) as source:
            copy = sqlite3.connect(partial)
            try:
                # pages=-1: one step, so the copy is one consistent snapshot of the WAL database.
                source.backup(copy, pages=-1)
                # A backup is one self-contained file: no -wal/-shm beside it.
                copy.execute("PRAGMA journal_mode = DELETE")
                verdict = _integrity(copy)
            finally:
                copy.close()
        if verdict != "ok":
            raise BackupError(f"the backup copy failed its integrity check ({verdict})")
        partial.replace(target)
    except sqlite3.Error as exc:
        raise BackupError(f"backup failed: {exc}") from None
    except OSError as exc:
        raise BackupError(f"backup failed: cannot write {backups} ({exc.strerror})") from None
    finally:
        partial.unlink(missing_ok=True)
    info = BackupInfo(
        target, kind, now.astimezone(UTC).replace(microsecond=0), target.stat().st_size
    )
    log.info("backup written: %s (%d bytes)", target.name, info.size)
    return info


def prune(backups: Path, keep: int, kind: Kind = "auto") -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``kind``; manual backups are never pruned
    unless asked for explicitly."""
    of_kind = [info for info in list_backups(backups) if info.kind == kind]
    doomed = of_kind[: max(0, len(of_kind) - keep)]
    for info in doomed:
        info.path.unlink(missing_ok=True)
    return [info.path for info in doomed]


def auto_backup(database: Path, backups: Path, keep: int, now: datetime) -> BackupInfo | None:
    """The daily backup: make one unless today's exists (UTC day), then keep the newest ``keep``.

    Cheap to call often (start-up, :class:`DailyBackup`'s hourly check, the systemd timer): it
    only looks at file names when there is nothing to do.
    """
    today = now.astimezone(UTC).date()
    if any(i.kind == "auto" and i.created_at.date() == today for i in list_backups(backups)):
        return None
    if not database.exists():
        return None
    info = create_backup(database, backups, "auto", now)
    prune(backups, keep, "auto")
    return info


class DailyBackup:
    """The daily automatic backup of a kiosk that keeps running: at start, then every hour.

    Only the ``.deb`` has a systemd timer; a kiosk left on for weeks under Windows, macOS or a
    pip install (GUI or headless) relies on this. Each check is :func:`auto_backup`, which only
    lists file names until the (UTC) day changes, so checking hourly is cheap and a new day's
    backup comes within the hour. Failures are logged, never raised: a full disk must not stop
    check-ins.

    Args:
        database: The live database.
        backups: The backup directory.
        keep: Automatic backups kept (``backup_keep``).
        now: The kiosk's clock (the seam tests move across midnight).
        interval: Seconds between checks.
        on_backup: Called on the backup thread with each backup made.
    """

    def __init__(
        self,
        database: Path,
        backups: Path,
        keep: int,
        now: Callable[[], datetime],
        *,
        interval: float = 3600.0,
        on_backup: Callable[[BackupInfo], None] | None = None,
    ) -> None:
        self._database = database
        self._backups = backups
        self._keep = keep
        self._now = now
        self._interval = interval
        self._on_backup = on_backup
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> BackupInfo | None:
        """One check: the day's backup if it is missing (None: nothing to do, or it failed)."""
        try:
            info = auto_backup(self._database, self._backups, self._keep, self._now())
        except Exception:
            log.exception("automatic backup failed")
            return None
        if info is not None and self._on_backup is not None:
            self._on_backup(info)
        return info

    def start(self) -> None:
        """Check now and then every ``interval`` seconds, on a thread of its own."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="kiosk-backup", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        self.check()
        while not self._stop.wait(self._interval):
            self.check()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop checking; waits for a backup being written (it is never left half done)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


@dataclass(frozen=True, slots=True)
class Inspection:
    """What a database file holds, read without changing it."""

    migrations: tuple[str, ...]
    integrity: str
    tenant_slug: str | None
    kiosk_id: str | None
    api_url: str | None
    students: int
    roster_seq: int | None
    roster_pulled_at: datetime | None
    accepted_checkins: int
    pending_checkins: int
    parked_checkins: int
    oldest_pending_at: datetime | None


def inspect_database(path: Path) -> Inspection:
    """Read a kiosk database (or backup) read-only; raises :class:`BackupError` if it is not one.

    Raises:
        NewerDatabaseError: written by a newer kiosk version.
    """
    if not path.is_file():
        raise BackupError(f"{path} does not exist")
    try:
        with _read_only(path) as conn:
            verdict = _integrity(conn)
            if verdict != "ok":
                raise BackupError(f"{path.name} is damaged (integrity_check: {verdict})")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "_sqlite_migrations" not in tables or "kiosk_identity" not in tables:
                raise BackupError(f"{path.name} is not a TatamiTech Kiosk database")
            db = Database(conn, execute_plugins=False)
            check_not_newer(db)
            names = tuple(
                str(row[0])
                for row in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
                    (MIGRATION_SET,),
                )
            )
            identity = conn.execute(
                "SELECT tenant_slug, kiosk_id, api_url FROM kiosk_identity WHERE id = 1"
            ).fetchone()
            counts = conn.execute(
                "SELECT count(*), coalesce(sum(sync_state = 'pending'), 0), "
                "coalesce(sum(sync_state = 'parked'), 0), "
                "min(CASE WHEN sync_state = 'pending' THEN scanned_at END) "
                "FROM checkins WHERE outcome = 'accepted'"
            ).fetchone()
            students = conn.execute("SELECT count(*) FROM students").fetchone()[0]
            state = dict(
                conn.execute(
                    "SELECT key, value FROM kiosk_state "
                    "WHERE key IN ('roster_seq', 'roster_pulled_at')"
                ).fetchall()
            )
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path.name} is not a readable SQLite database ({exc})") from None
    return Inspection(
        migrations=names,
        integrity=verdict,
        tenant_slug=identity[0] if identity else None,
        kiosk_id=identity[1] if identity else None,
        api_url=identity[2] if identity else None,
        students=int(students),
        roster_seq=int(state["roster_seq"]) if "roster_seq" in state else None,
        roster_pulled_at=_instant(state.get("roster_pulled_at")),
        accepted_checkins=int(counts[0]),
        pending_checkins=int(counts[1]),
        parked_checkins=int(counts[2]),
        oldest_pending_at=_instant(counts[3]),
    )


def _instant(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    restored_from: Path
    safety_copy: Path | None
    inspection: Inspection


def restore_backup(
    backup: Path, database: Path, backups: Path, lock_file: Path, now: datetime
) -> RestoreResult:
    """Replace the kiosk database by ``backup``.

    Order: take the instance lock (refuse while a kiosk runs) → inspect the backup (kiosk
    database, intact, not newer) → keep a ``pre-restore`` copy of the current database → copy the
    backup into the live file in one transaction.

    Raises:
        BackupError: the kiosk is running, the backup is unusable, or the copy failed.
        NewerDatabaseError: the backup was written by a newer kiosk version.
    """
    lock = InstanceLock(lock_file, "restore")
    try:
        lock.__enter__()
    except AlreadyRunningError as exc:
        raise BackupError(f"restore refused: {exc}") from None
    try:
        inspection = inspect_database(backup)
        safety = None
        if database.exists():
            safety = create_backup(database, backups, "pre-restore", now).path
        database.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _read_only(backup) as source:
                live = sqlite3.connect(database)
                try:
                    live.execute("PRAGMA busy_timeout = 5000")
                    source.backup(live, pages=-1)
                    # Fold the WAL back into the file so the next open starts clean.
                    live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    live.close()
        except sqlite3.Error as exc:
            raise BackupError(f"restore failed, the database is unchanged: {exc}") from None
        log.info("database restored from %s", backup.name)
        return RestoreResult(backup, safety, inspection)
    finally:
        lock.release()


__all__ = [
    "BackupError",
    "BackupInfo",
    "Inspection",
    "NewerDatabaseError",
    "RestoreResult",
    "auto_backup",
    "create_backup",
    "inspect_database",
    "list_backups",
    "prune",
    "restore_backup",
]

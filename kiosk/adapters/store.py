"""The kiosk's SQLite store: one writer thread owns the only write connection.

Like Anki's task manager and datasette's ``_execute_writes``, every write is a task queued to one
thread, which runs it inside a single transaction (``db.atomic()``) and hands the result back
through a :class:`~concurrent.futures.Future`. Readers use their own read-only connections (WAL
lets them read a consistent snapshot while the writer works). Python 3.11 ships SQLite 3.40,
whose WAL-reset bug needs two writers to bite: with one writer it cannot.

Durability: WAL with ``synchronous=FULL``: a check-in is on disk when ``write`` returns. A write
that fails (disk full, I/O error) is rolled back and raises :class:`NotSavedError`.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeAlias, TypeVar

from sqlite_utils import Database

from kiosk.adapters.ledger import RosterCache, Transaction, load_roster_cache
from kiosk.adapters.schema import migrate
from kiosk.domain.ports import Clock, NotSavedError, StorageError, StoreClosedError

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A queued unit of work and the future its result goes to (one queue for results of any type).
_Task: TypeAlias = tuple[Callable[[Transaction], object], "Future[Any]"]


class SqliteStore:
    """The kiosk database: a writer thread with the only write connection, plus readers.

    Implements :class:`kiosk.domain.ports.Store`.
    """

    def __init__(
        self, path: Path, *, synchronous: str = "FULL", clock: Clock | None = None
    ) -> None:
        """Open (creating and migrating) the database at ``path``.

        ``synchronous`` exists for the benchmark's FULL-vs-NORMAL comparison; the kiosk always
        runs FULL (a check-in is on disk before the screen turns green). ``clock`` dates the
        pruning of spent passes at open; by default the system clock corrected by the offset
        the last sync stored.
        """
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError("synchronous must be FULL or NORMAL")
        self._synchronous = synchronous
        self._clock = clock
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()  # None: stop
        self._cache: RosterCache | None = None
        self._readers = threading.local()
        self._reader_conns: list[sqlite3.Connection] = []
        self._reader_lock = threading.Lock()
        self._closed = False
        ready: Future[None] = Future()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="store-writer", daemon=True
        )
        self._thread.start()
        ready.result()  # re-raises a failed open (newer schema, unreadable file)

    # -- writer thread --------------------------------------------------------------------

    def _open_writer(self) -> Database:
        conn = sqlite3.connect(self.path, check_same_thread=True)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute(f"PRAGMA synchronous = {self._synchronous}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        db = Database(conn, execute_plugins=False)
        migrate(db)
        return db

    def _run(self, ready: Future[None]) -> None:
        try:
            db = self._open_writer()
            self._cache = load_roster_cache(db.conn)
        except BaseException as exc:
            ready.set_exception(exc)
            return
        self._prune_at_open(db)
        ready.set_result(None)
        try:
            while True:
                task = self._tasks.get()
                if task is None:
                    break
                work, future = task
                if future.set_running_or_notify_cancel():
                    self._execute(db, work, future)
        finally:
            db.conn.close()

    def _open_time(self, conn: sqlite3.Connection) -> datetime:
        if self._clock is not None:
            return self._clock.now()
        row = conn.execute("SELECT value FROM kiosk_state WHERE key = 'clock_offset_ms'").fetchone()
        return datetime.now(UTC) + timedelta(milliseconds=int(row[0]) if row else 0)

    def _prune_at_open(self, db: Database) -> None:
        """Housekeeping for kiosks that never pull a roster; never a reason not to open."""
        try:
            with db.atomic():
                removed = Transaction(db.conn, self._cache, writable=True).prune(
                    self._open_time(db.conn)
                )
        except (sqlite3.Error, ValueError) as exc:  # full disk, odd offset: still open and scan
            log.warning("could not prune spent passes at open: %s", exc)
            return
        if removed:
            log.info("pruned %d spent pass nonces", removed)

    def _execute(
        self, db: Database, work: Callable[[Transaction], object], future: Future[Any]
    ) -> None:
        ledger = Transaction(db.conn, self._cache, writable=True)
        try:
            with db.atomic():
                result = work(ledger)
            if ledger.roster_changed:
                self._cache = load_roster_cache(db.conn)
        except sqlite3.Error as exc:
            # Disk full, I/O error, constraint: the transaction was rolled back by atomic().
            log.error("store write failed and was rolled back: %s", exc)
            future.set_exception(NotSavedError(f"not saved: {exc}"))
        except BaseException as exc:
            future.set_exception(exc)
        else:
            future.set_result(result)

    # -- public API -----------------------------------------------------------------------

    def submit(self, work: Callable[[Transaction], T]) -> Future[T]:
        """Queue ``work`` for the writer thread; the future gives its result or error."""
        if self._closed:
            raise StoreClosedError("the store is closed")
        future: Future[T] = Future()
        self._tasks.put((work, future))
        return future

    def write(self, work: Callable[[Transaction], T]) -> T:
        if threading.current_thread() is self._thread:
            raise StorageError("write() called from the store thread would deadlock")
        return self.submit(work).result()

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._readers, "conn", None)
        if conn is None:
            conn = sqlite3.connect(
                f"{self.path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA query_only = ON")
            self._readers.conn = conn
            with self._reader_lock:
                self._reader_conns.append(conn)
        return conn

    def read(self, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` on a consistent read-only snapshot, in the calling thread."""
        if self._closed:
            raise StoreClosedError("the store is closed")
        conn = self._reader()
        conn.execute("BEGIN")
        try:
            return work(Transaction(conn, self._cache, writable=False))
        finally:
            conn.execute("ROLLBACK")

    @property
    def roster_cache(self) -> RosterCache | None:
        return self._cache

    def close(self) -> None:
        """Finish queued writes, then stop the writer thread (sentinel) and close readers."""
        if self._closed:
            return
        self._closed = True
        # Readers first: the writer's connection is then the last one, and closing it
        # checkpoints the WAL and removes the -wal file.
        with self._reader_lock:
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()
        self._tasks.put(None)
        self._thread.join()

    def __enter__(self) -> SqliteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

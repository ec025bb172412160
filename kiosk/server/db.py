"""Engine, transactions and migrations.

SQLite is the default backend; the schema and queries are PostgreSQL-ready. Two kinds of
transaction:

* :func:`read_tx`: one consistent snapshot (a deferred ``BEGIN`` on SQLite, which WAL turns into
  a snapshot at the first read; ``REPEATABLE READ`` on PostgreSQL).
* :func:`write_tx`: ``BEGIN IMMEDIATE`` on SQLite, so that allocating the tenant's next ``seq``
  and writing the rows that carry it are one atomic step; on PostgreSQL the tenant row is locked
  with ``SELECT … FOR UPDATE`` by :func:`lock_tenant_seq`. In-process writers also queue on a
  lock, so SQLite never has to answer "database is locked" to our own threads.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from kiosk.server import schema

_HERE = Path(__file__).resolve().parent
ALEMBIC_INI = _HERE / "alembic.ini"
MIGRATIONS_DIR = _HERE / "migrations"

_WRITE_OPTION = "tatami_write"


class Database:
    """An engine plus the server's transaction discipline."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = create_engine(url)
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self._write_lock = threading.Lock()

    @contextmanager
    def read_tx(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            if not self.is_sqlite:
                conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                yield conn

    @contextmanager
    def write_tx(self) -> Iterator[Connection]:
        with self._write_lock, self.engine.connect() as conn:
            conn.execution_options(**{_WRITE_OPTION: True})
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    def migrate(self) -> None:
        """Bring the schema to the head revision (run at start)."""
        with self._write_lock, self.engine.connect() as conn:
            config = alembic_config(self.url)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig(str(ALEMBIC_INI))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would choke on a password with "%".
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert head is not None
    return head


def create_engine(url: str) -> Engine:
    if url.startswith("sqlite") and (":memory:" in url or url.rstrip("/") in {"sqlite:", "sqlite"}):
        raise ValueError("use a SQLite file: an in-memory database cannot be shared by threads")
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        _sqlite_discipline(engine)
    return engine


def _sqlite_discipline(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let us emit BEGIN ourselves (pysqlite's implicit transactions cannot BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def lock_tenant_seq(conn: Connection, tenant_id: str) -> int:
    """The tenant's current seq, with the row locked for the rest of the transaction."""
    query = sa.select(schema.tenants.c.seq).where(schema.tenants.c.id == tenant_id)
    value = conn.execute(query.with_for_update()).scalar_one()
    return int(value)


def store_tenant_seq(conn: Connection, tenant_id: str, seq: int) -> None:
    conn.execute(sa.update(schema.tenants).where(schema.tenants.c.id == tenant_id).values(seq=seq))


class SeqAllocator:
    """Hands out a tenant's next seqs inside one write transaction, stored once at the end."""

    def __init__(self, conn: Connection, tenant_id: str) -> None:
        self._conn = conn
        self._tenant_id = tenant_id
        self.start = lock_tenant_seq(conn, tenant_id)
        self.current = self.start

    def next(self) -> int:
        self.current += 1
        return self.current

    def flush(self) -> int:
        if self.current != self.start:
            store_tenant_seq(self._conn, self._tenant_id, self.current)
            self.start = self.current
        return self.current

"""The SQLite store: durability settings, migrations, atomic roster apply, one writer thread."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.adapters.ledger import SPENT_PASS_MARGIN
from kiosk.adapters.schema import NewerDatabaseError
from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome, Tone
from kiosk.domain.ports import ScanSource, StorageError
from kiosk.domain.roster import RosterError
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import (
    VECTOR_ROSTER,
    ManualClock,
    make_token,
    roster_doc,
    roster_student,
    student_id,
)


def test_wal_full_sync_and_foreign_keys(store: SqliteStore) -> None:
    def pragmas(ledger: object) -> tuple[str, int, int]:
        conn = ledger._conn  # type: ignore[attr-defined]
        return (
            conn.execute("PRAGMA journal_mode").fetchone()[0],
            conn.execute("PRAGMA synchronous").fetchone()[0],
            conn.execute("PRAGMA foreign_keys").fetchone()[0],
        )

    assert store.write(pragmas) == ("wal", 2, 1)  # 2 == FULL


def test_migrations_are_recorded_and_reopen_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    SqliteStore(path).close()
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
    conn.close()
    assert names == ["m001_initial"]


def test_refuses_a_database_from_a_newer_version(tmp_path: Path) -> None:
    path = tmp_path / "k.sqlite3"
    SqliteStore(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('tatami-kiosk', 'm099_from_the_future', '2030-01-01')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(NewerDatabaseError, match="newer version"):
        SqliteStore(path)


def _students(store: SqliteStore) -> list[str]:
    return sorted(s.display_name for s in store.read(lambda ledger: ledger.roster.all_students()))  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("breakage", "message"),
    [
        ({"schema": "something/else"}, "not a TatamiTech roster"),
        ({"students": [roster_student("zed", rank="green")]}, "not a rank of program"),
        ({"students": [roster_student("zed"), roster_student("zed")]}, "appears twice"),
        ({"settings": {"timeZone": "Mars/Olympus"}}, "unknown time zone"),
        ({"keys": [{"kid": "k", "x": "AAAA"}]}, "not an Ed25519 public key"),
        (
            {"tenant": {**VECTOR_ROSTER["tenant"], "id": "0b9d5b7e-0000-4000-8000-000000000001"}},
            "belongs to academy",
        ),
        ({"full": False, "since": 5}, "does not follow"),
    ],
)
def test_bad_roster_changes_nothing(
    provisioned: SqliteStore, clock: ManualClock, breakage: dict[str, object], message: str
) -> None:
    before = _students(provisioned)
    with pytest.raises(RosterError, match=message):
        ProvisioningService(provisioned, clock).apply_document(roster_doc(seq=200, **breakage))
    assert _students(provisioned) == before
    assert provisioned.read(lambda ledger: ledger.roster.seq) == 100  # type: ignore[union-attr]


def test_incremental_roster_upserts_and_removes(
    provisioned: SqliteStore, clock: ManualClock
) -> None:
    delta = roster_doc(
        seq=130,
        since=100,
        full=False,
        students=[
            roster_student("ana", displayName="Ana Renamed", classesSincePromotion=12),
            roster_student("zoe"),
        ],
        removedStudentIds=[student_id("ben")],
    )
    summary = ProvisioningService(provisioned, clock).apply_document(delta)
    assert summary.seq == 130 and not summary.full
    names = _students(provisioned)
    assert "Ana Renamed" in names and "Zoe" in names and "Ben" not in names
    assert summary.students_total == len(names) == 9


def test_roster_apply_is_atomic_when_the_write_fails(provisioned: SqliteStore) -> None:
    """A failure in the middle of applying rolls back everything, even the first deletes."""
    from kiosk.domain.roster import parse_roster

    update = parse_roster(roster_doc(seq=300, students=[roster_student("zoe")]))

    def apply_then_fail(ledger: object) -> None:
        ledger.apply_roster(update, ManualClock().now())  # type: ignore[attr-defined]
        raise RuntimeError("power cut in the middle of the apply")

    before = _students(provisioned)
    with pytest.raises(RuntimeError):
        provisioned.write(apply_then_fail)
    assert _students(provisioned) == before
    assert provisioned.read(lambda ledger: ledger.roster.seq) == 100  # type: ignore[union-attr]


def test_tenant_is_pinned(provisioned: SqliteStore) -> None:
    with pytest.raises(StorageError, match="belongs to academy"):
        provisioned.write(
            lambda ledger: ledger.pin_identity("0b9d5b7e-0000-4000-8000-000000000001", "x")
        )


def test_concurrent_scans_from_many_threads_are_serialised(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    names = ["ana", "ben", "carla", "dai", "eve", "finn", "gus", "hana"]
    tokens = [make_token(n, kind="card") for n in names]
    results: list[str] = []
    lock = threading.Lock()

    def scan(token: str) -> None:
        outcome = checkin.handle_scan(token, ScanSource.CAMERA).outcome.value
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=scan, args=(t,)) for t in tokens * 3]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("accepted") == len(names)
    assert results.count("duplicate") == 2 * len(names)
    assert provisioned.read(lambda ledger: ledger.counts())["pending"] == len(names)


def test_readers_cannot_write(provisioned: SqliteStore) -> None:
    with pytest.raises(StorageError, match="read-only"):
        provisioned.read(lambda ledger: ledger.set_state("x", "y"))


def test_close_finishes_queued_writes(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "k.sqlite3")
    futures = [
        store.submit(lambda ledger, i=i: ledger.set_state(f"k{i}", str(i))) for i in range(50)
    ]
    store.close()
    assert all(f.done() and f.exception() is None for f in futures)
    conn = sqlite3.connect(tmp_path / "k.sqlite3")
    assert conn.execute("SELECT count(*) FROM kiosk_state").fetchone()[0] == 50
    conn.close()


def _spent(store: SqliteStore, nonce: str) -> bool:
    return store.read(lambda ledger: ledger.history.pass_use(nonce)) is not None


def test_roster_apply_prunes_spent_passes_long_expired(
    checkin: CheckInService, provisioned: SqliteStore, clock: ManualClock
) -> None:
    """Spent nonces go once their pass expired plus the margin; fresher ones stay."""
    started = clock.now()
    # A 10-minute pass is remembered for at least an hour (kiosk/services/checkin.py).
    old = make_token("ana", nonce="old-pass-nonce-0000000", now=started)
    assert checkin.handle_scan(old, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(hours=3)
    recent = make_token("ben", nonce="recent-pass-nonce-0000", now=clock.now())
    assert checkin.handle_scan(recent, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    long_lived = make_token(
        "carla", nonce="long-pass-nonce-000000", now=clock.now(), ttl=timedelta(days=3)
    )
    assert checkin.handle_scan(long_lived, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    provisioning = ProvisioningService(provisioned, clock)

    # Ana's pass expired, but within the margin: kept.
    clock.current = started + timedelta(hours=1) + SPENT_PASS_MARGIN - timedelta(seconds=1)
    provisioning.apply_document(roster_doc(seq=101))
    assert _spent(provisioned, "old-pass-nonce-0000000")

    clock.current = started + timedelta(hours=1) + SPENT_PASS_MARGIN + timedelta(seconds=1)
    provisioning.apply_document(roster_doc(seq=102))
    assert not _spent(provisioned, "old-pass-nonce-0000000")
    assert _spent(provisioned, "recent-pass-nonce-0000")  # expired 1 h 59 min ago: kept
    assert _spent(provisioned, "long-pass-nonce-000000")  # still valid: kept
    # The pruned pass shown again is still refused: expiry is checked before replay.
    assert checkin.handle_scan(old, ScanSource.CAMERA).outcome is Outcome.EXPIRED
    # The still-valid pass is still a replay (past the duplicate window, so not "duplicate").
    replayed = checkin.handle_scan(long_lived, ScanSource.CAMERA)
    assert replayed.outcome is Outcome.REPLAY and not replayed.recorded


def test_opening_the_store_prunes_spent_passes(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "k.sqlite3"
    with SqliteStore(path, clock=clock) as store:
        ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
        service = CheckInService(store, clock)
        for name in ("ana", "ben"):
            token = make_token(name, nonce=f"{name}-pass-nonce-0000000", now=clock.now())
            assert service.handle_scan(token, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
            clock.advance(days=2)
    # Reopened two days after Ben's pass (four after Ana's): no roster pull needed.
    clock.advance(hours=-23)
    with SqliteStore(path, clock=clock) as reopened:
        assert not _spent(reopened, "ana-pass-nonce-0000000")
        assert _spent(reopened, "ben-pass-nonce-0000000")


def _fds_on(path: Path) -> set[int]:
    found = set()
    for entry in Path("/proc/self/fd").iterdir():
        with contextlib.suppress(OSError):  # the listing's own descriptor is gone by now
            if os.readlink(entry) == str(path):
                found.add(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs Linux /proc")
def test_io_error_during_a_scan_is_not_saved_and_never_green(
    tmp_path: Path, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A real SQLITE_IOERR, not only a full disk (DESIGN §7).

    The writer's WAL descriptor is pointed at a read-only file for one scan, so SQLite's commit
    gets EBADF from write(2); then the descriptor is restored and scanning goes on.
    """
    path = tmp_path / "k.sqlite3"
    wal = Path(f"{path}-wal")
    store = SqliteStore(path)
    try:
        # Only the writer has the WAL open yet: readers open theirs on first use.
        (writer_wal,) = _fds_on(wal)
        ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
        service = CheckInService(store, clock)
        card = make_token("ana", kind="card", ttl=timedelta(days=30))
        assert service.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
        (tmp_path / "read-only").write_bytes(b"")
        read_only = os.open(tmp_path / "read-only", os.O_RDONLY)
        original = os.dup(writer_wal)
        os.dup2(read_only, writer_wal)
        try:
            clock.advance(hours=3)  # a new attendance, not a duplicate
            failed = service.handle_scan(card, ScanSource.CAMERA)
        finally:
            os.dup2(original, writer_wal)
            os.close(original)
            os.close(read_only)
        assert failed.outcome is Outcome.NOT_SAVED and failed.tone is Tone.RED
        assert not failed.recorded and failed.scan_id is None
        assert "disk I/O error" in caplog.text  # SQLITE_IOERR_WRITE, not SQLITE_FULL
        assert store.read(lambda ledger: ledger.counts())["pending"] == 1
        clock.advance(hours=3)  # the file is writable again: the next scan is saved
        assert service.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
        assert store.read(lambda ledger: ledger.counts())["pending"] == 2
    finally:
        store.close()

"""Backups: online copy beside the writer, daily retention, restore and its refusals."""

from __future__ import annotations

import json
import os
import queue
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.adapters.backup import (
    BackupError,
    BackupInfo,
    DailyBackup,
    auto_backup,
    create_backup,
    inspect_database,
    list_backups,
    prune,
    restore_backup,
)
from kiosk.adapters.instance_lock import AlreadyRunningError, InstanceLock
from kiosk.adapters.schema import NewerDatabaseError
from kiosk.adapters.store import SqliteStore
from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import CheckInService
from tests.ops_support import kiosk, kiosk_env
from tests.support import VECTOR_NOW, VECTOR_ROSTER, ManualClock, make_token

ROOT = Path(__file__).parent.parent


def accepted(store: SqliteStore) -> int:
    return store.read(lambda ledger: ledger.counts())["pending"]


def scan(service: CheckInService, clock: ManualClock, student: str) -> None:
    result = service.handle_scan(make_token(student, now=clock.now()), ScanSource.CAMERA)
    assert result.outcome.value == "accepted"


def test_online_backup_while_the_writer_works(
    tmp_path: Path, provisioned: SqliteStore, checkin: CheckInService, clock: ManualClock
) -> None:
    scan(checkin, clock, "ana")
    info = create_backup(provisioned.path, tmp_path / "backups", "manual", clock.now())
    # The store keeps writing after (and its WAL holds what the backup must still include).
    scan(checkin, clock, "ben")
    assert info.path.exists() and info.kind == "manual" and info.size > 0
    assert not Path(f"{info.path}-wal").exists()  # one self-contained file
    copy = inspect_database(info.path)
    assert copy.integrity == "ok" and copy.tenant_slug == "golden-tiger"
    assert copy.accepted_checkins == 1 and copy.pending_checkins == 1
    assert copy.students == len(VECTOR_ROSTER["students"])
    assert accepted(provisioned) == 2


def test_daily_backup_once_a_day_with_retention(tmp_path: Path, provisioned: SqliteStore) -> None:
    backups = tmp_path / "backups"
    day = datetime(2026, 11, 1, 3, 0, tzinfo=UTC)
    made = []
    for n in range(10):
        first = auto_backup(provisioned.path, backups, keep=3, now=day + timedelta(days=n))
        again = auto_backup(provisioned.path, backups, keep=3, now=day + timedelta(days=n, hours=5))
        assert first is not None and again is None
        made.append(first.path.name)
    create_backup(provisioned.path, backups, "manual", day)
    names = [info.path.name for info in list_backups(backups)]
    assert [n for n in names if n.endswith("-auto.sqlite3")] == made[-3:]
    assert sum(n.endswith("-manual.sqlite3") for n in names) == 1  # never pruned automatically
    assert prune(backups, 0, "manual") and not any("manual" in p.name for p in backups.iterdir())


def test_a_running_kiosk_backs_up_again_when_the_day_changes(
    tmp_path: Path, provisioned: SqliteStore, clock: ManualClock
) -> None:
    """The periodic check of a kiosk left running: today's backup, then the next day's."""
    backups = tmp_path / "backups"
    clock.current = datetime(2026, 11, 1, 23, 30, tzinfo=UTC)
    made: queue.Queue[BackupInfo] = queue.Queue()
    # A short period stands in for the hour; the clock decides when the day changes.
    daily = DailyBackup(provisioned.path, backups, 2, clock.now, interval=0.01, on_backup=made.put)
    daily.start()
    try:
        first = made.get(timeout=30)  # at start
        assert first.created_at.date() == date(2026, 11, 1)
        assert daily.check() is None  # the same day: nothing more
        clock.advance(hours=1)  # past midnight (UTC)
        second = made.get(timeout=30)
        assert second.created_at.date() == date(2026, 11, 2)
        clock.advance(days=1)
        third = made.get(timeout=30)
        assert third.created_at.date() == date(2026, 11, 3)
    finally:
        daily.stop()
    autos = [info.path for info in list_backups(backups) if info.kind == "auto"]
    assert autos == [second.path, third.path]  # backup_keep = 2
    assert made.empty()  # one a day, however often it checked


def test_a_failed_daily_backup_is_logged_not_raised(
    tmp_path: Path, provisioned: SqliteStore, clock: ManualClock
) -> None:
    blocked = tmp_path / "backups"
    blocked.write_text("a file where the directory should be")
    daily = DailyBackup(provisioned.path, blocked, 7, clock.now)
    assert daily.check() is None  # check-ins go on; the next check tries again


def test_the_headless_kiosk_backs_up_as_configured(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    for name, extra, expected in (("on", {}, 1), ("off", {"TATAMI_BACKUP_ENABLED": "false"}, 0)):
        data = tmp_path / name
        env = kiosk_env(data, **extra)
        assert kiosk("roster", "import", str(roster), env=env).returncode == 0
        run = kiosk("run", "--headless", "--source", "stdin", env=env)
        assert run.returncode == 0, run.stderr
        autos = [i for i in list_backups(data / "data" / "backups") if i.kind == "auto"]
        assert len(autos) == expected, name


def test_two_backups_in_one_second_do_not_collide(tmp_path: Path, provisioned: SqliteStore) -> None:
    one = create_backup(provisioned.path, tmp_path, "manual", VECTOR_NOW)
    two = create_backup(provisioned.path, tmp_path, "manual", VECTOR_NOW)
    assert one.path != two.path and len(list_backups(tmp_path)) == 2


def test_restore_replaces_the_database_and_keeps_a_safety_copy(
    tmp_path: Path, provisioned: SqliteStore, checkin: CheckInService, clock: ManualClock
) -> None:
    backups = tmp_path / "backups"
    scan(checkin, clock, "ana")
    backup = create_backup(provisioned.path, backups, "manual", clock.now())
    clock.advance(minutes=1)
    scan(checkin, clock, "ben")
    database = provisioned.path
    provisioned.close()
    result = restore_backup(
        backup.path, database, backups, tmp_path / "kiosk.lock", clock.now() + timedelta(hours=1)
    )
    assert result.safety_copy is not None and "pre-restore" in result.safety_copy.name
    assert inspect_database(result.safety_copy).accepted_checkins == 2
    with SqliteStore(database) as reopened:  # the store opens it (and migrates) as usual
        assert accepted(reopened) == 1


def test_restore_refuses_while_a_kiosk_holds_the_lock(
    tmp_path: Path, provisioned: SqliteStore
) -> None:
    backup = create_backup(provisioned.path, tmp_path / "b", "manual", VECTOR_NOW)
    lock_file = tmp_path / "kiosk.lock"
    with InstanceLock(lock_file, "kiosk"):
        with pytest.raises(BackupError, match=r"restore refused: .*\(pid \d+\).*stop it first"):
            restore_backup(backup.path, provisioned.path, tmp_path / "b", lock_file, VECTOR_NOW)
        with pytest.raises(AlreadyRunningError):
            InstanceLock(lock_file).__enter__()
    assert not InstanceLock(lock_file).is_locked_elsewhere()  # released with the block


def test_restore_refuses_a_database_from_a_newer_kiosk(
    tmp_path: Path, provisioned: SqliteStore
) -> None:
    backup = create_backup(provisioned.path, tmp_path / "b", "manual", VECTOR_NOW)
    conn = sqlite3.connect(backup.path)
    with conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('tatami-kiosk', 'm999_from_the_future', '2027-01-01')"
        )
    conn.close()
    before = inspect_database(provisioned.path)
    with pytest.raises(NewerDatabaseError, match="newer version"):
        restore_backup(backup.path, provisioned.path, tmp_path / "b", tmp_path / "l", VECTOR_NOW)
    assert inspect_database(provisioned.path) == before
    assert not any(i.kind == "pre-restore" for i in list_backups(tmp_path / "b"))


def test_restore_refuses_what_is_not_an_intact_kiosk_database(
    tmp_path: Path, provisioned: SqliteStore
) -> None:
    other = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    lock = tmp_path / "l"
    with pytest.raises(BackupError, match="not a TatamiTech Kiosk database"):
        restore_backup(other, provisioned.path, tmp_path, lock, VECTOR_NOW)
    with pytest.raises(BackupError, match=r"not a readable SQLite database|damaged"):
        restore_backup(garbage, provisioned.path, tmp_path, lock, VECTOR_NOW)
    with pytest.raises(BackupError, match="does not exist"):
        restore_backup(tmp_path / "nope", provisioned.path, tmp_path, lock, VECTOR_NOW)


def test_nothing_to_back_up_before_the_first_start(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no kiosk database"):
        create_backup(tmp_path / "kiosk.sqlite3", tmp_path, "manual", VECTOR_NOW)
    assert auto_backup(tmp_path / "kiosk.sqlite3", tmp_path, 3, VECTOR_NOW) is None


def cli(*args: str, data_dir: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return kiosk(*args, env=kiosk_env(data_dir), stdin=stdin)


def test_backup_command_create_list_restore(tmp_path: Path) -> None:
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    assert cli("roster", "import", str(roster), data_dir=tmp_path).returncode == 0
    created = cli("backup", "create", data_dir=tmp_path)
    assert created.returncode == 0, created.stderr
    name = json.loads(created.stdout)["created"]["file"]
    auto = cli("backup", "create", "--auto", data_dir=tmp_path)
    assert json.loads(auto.stdout)["created"]["kind"] == "auto"
    listed = json.loads(cli("backup", "list", "--json", data_dir=tmp_path).stdout)
    assert [b["kind"] for b in listed["backups"]] == ["manual", "auto"]
    refused = cli("backup", "restore", name, data_dir=tmp_path, stdin="no\n")
    assert refused.returncode == 1 and "cancelled" in refused.stderr
    restored = cli("backup", "restore", name, "--yes", data_dir=tmp_path)
    assert restored.returncode == 0, restored.stderr
    assert json.loads(restored.stdout)["tenant"] == "golden-tiger"
    # A kiosk that holds the data directory blocks a restore run from another process.
    with InstanceLock(tmp_path / "data" / "kiosk.lock", "kiosk"):
        busy = cli("backup", "restore", name, "--yes", data_dir=tmp_path)
    assert busy.returncode == 1 and "stop it first" in busy.stderr


def test_the_lock_is_the_gui_qlockfile(tmp_path: Path, provisioned: SqliteStore) -> None:
    """The GUI locks the data directory with QLockFile; a restore must see it, and back."""
    from PySide6.QtCore import QLockFile

    backup = create_backup(provisioned.path, tmp_path / "b", "manual", VECTOR_NOW)
    lock_file = tmp_path / "kiosk.lock"
    gui = QLockFile(str(lock_file))
    gui.setStaleLockTime(0)  # as kiosk/gui.py does
    assert gui.tryLock(100)
    with pytest.raises(BackupError, match=r"restore refused: .*\(pid \d+\)"):
        restore_backup(backup.path, provisioned.path, tmp_path / "b", lock_file, VECTOR_NOW)
    gui.unlock()
    with InstanceLock(lock_file, "restore"):
        assert not gui.tryLock(100)  # the GUI refuses to start during a restore
        pid, _host, app = gui.getLockInfo()
        assert pid == os.getpid() and app == "tatami-kiosk"
    assert not lock_file.exists()  # released: nothing left for the GUI to trip on
    assert gui.tryLock(100)
    gui.unlock()


def test_a_lock_left_by_a_killed_kiosk_is_stale(tmp_path: Path) -> None:
    lock_file = tmp_path / "kiosk.lock"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from kiosk.adapters.instance_lock import "
            "InstanceLock; lock = InstanceLock(Path(sys.argv[1])); assert lock.acquire(); "
            "print('held', flush=True); sys.stdin.read()",
            str(lock_file),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert InstanceLock(lock_file).is_locked_elsewhere()
    finally:
        holder.kill()
        holder.wait()
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.stdout.close()
    assert lock_file.exists()  # SIGKILL: the file stays, its lock does not
    assert not InstanceLock(lock_file).is_locked_elsewhere()

"""The sync engine against the real reference server on 127.0.0.1 (DESIGN §6, §7).

No mocks on either side: the kiosk's store is a SQLite file, the server is the reference
backend in a thread, faults are injected by a real proxy on loopback (tests/faultproxy.py).
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from kiosk.adapters.api_client import HttpBackend, parse_retry_after
from kiosk.adapters.secrets import KeyringVault
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.runtime import KioskRuntime
from kiosk.server import schema
from kiosk.server.clock import ManualClock as ServerClock
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER, IRON_CRANE
from kiosk.services.sync import (
    Backoff,
    RosterFreshness,
    StaffNeededReason,
    whole_refusal_status,
)
from tests.faultproxy import Fault, FaultProxy
from tests.keyring_backends import MemoryKeyring
from tests.ops_support import kiosk as run_kiosk
from tests.ops_support import kiosk_env
from tests.sync_support import (
    assert_invariant,
    engine_for,
    kiosk_id,
    local_accepted,
    open_kiosk,
    server,
    server_checkins,
    staff_token,
)

__all__ = ["server"]  # the fixture, re-exported for pytest


def scan_students(
    server: RunningServer, context: KioskRuntime, labels_or_ids: list[str], kind: str = "pass"
) -> list[Outcome]:
    assert server.seed is not None
    students = server.seed.tenants[GOLDEN_TIGER].students
    outcomes = []
    for which in labels_or_ids:
        student = students.get(which, which)
        token = server.issue_token(GOLDEN_TIGER, student, kind)
        outcomes.append(context.checkin.handle_scan(token, ScanSource.CAMERA).outcome)
    return outcomes


def regular_students(server: RunningServer, count: int, tenant: str = GOLDEN_TIGER) -> list[str]:
    assert server.seed is not None
    seed = server.seed.tenants[tenant]
    special = set(seed.students.values())
    return [s for s in seed.student_ids if s not in special][:count]


# -- end to end ---------------------------------------------------------------------------


def test_register_pull_scan_push_counts_once(server: RunningServer, tmp_path: Path) -> None:
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        pulled = engine.pull_once()
        assert pulled.applied and pulled.full and pulled.students == 40
        students = regular_students(server, 5)
        outcomes = scan_students(server, kiosk, students)
        assert outcomes == [Outcome.ACCEPTED] * 5
        report = engine.upload_once()
        assert (report.sent, report.parked, report.error) == (5, 0, None)
        # A second upload sends nothing; the rows are acknowledged with their seq.
        assert engine.upload_once().sent == 0
        assert_invariant(server, kiosk)
        stored = server_checkins(server, kiosk_id(kiosk))
        assert sorted(stored.values()) == ["created"] * 5
        # Events (none yet) and heartbeat go through too.
        assert engine.heartbeat_once()
        status = engine.status()
        assert status.online and status.pending == 0 and status.roster_students == 40
        assert status.roster_freshness is RosterFreshness.FRESH


def test_status_reports_the_roster_age(server: RunningServer, tmp_path: Path) -> None:
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine, backend = engine_for(kiosk)
        before = engine.status()
        assert before.roster_age_seconds is None and before.to_json()["rosterAgeSeconds"] is None
        assert engine.pull_once().applied
        assert 0 <= engine.status().to_json()["rosterAgeSeconds"] < 60
        # Three hours later (the kiosk's clock moves; no request is made meanwhile).
        kiosk.clock.set_offset_ms(kiosk.clock.offset_ms + 3 * 3600 * 1000)
        aged = engine.status()
        assert aged.roster_age_seconds is not None
        assert 3 * 3600 <= aged.roster_age_seconds < 3 * 3600 + 60
        assert aged.to_json()["rosterAgeSeconds"] == aged.roster_age_seconds
        backend.close()


def test_promotion_check_agrees_with_the_kiosk(server: RunningServer, tmp_path: Path) -> None:
    assert server.seed is not None
    close = server.seed.tenants[GOLDEN_TIGER].students["close"]  # 2 classes short
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        result = kiosk.checkin.handle_scan(
            server.issue_token(GOLDEN_TIGER, close), ScanSource.CAMERA
        )
        assert result.eligibility is not None
        kiosk_view = result.eligibility.to_json()
        engine.upload_once()
        online = engine.promotion_check(close)
        assert online is not None
        assert online.eligible == kiosk_view["eligible"]
        assert online.classes_attended == kiosk_view["stats"]["classesAttended"]
        assert online.days_in_rank == kiosk_view["stats"]["daysInRank"]
        assert list(online.next_steps) == kiosk_view["nextSteps"]
        assert list(online.reasons) == kiosk_view["reasons"]


def test_two_kiosks_and_a_promotion_keep_counts_exact(
    server: RunningServer, tmp_path: Path
) -> None:
    """The seq rule (DESIGN §5): offline check-ins on two kiosks, then a promotion."""
    assert server.seed is not None
    student = regular_students(server, 1)[0]
    with (
        open_kiosk(tmp_path / "a", server, name="door A") as door_a,
        open_kiosk(tmp_path / "b", server, name="door B") as door_b,
    ):
        engine_a, engine_b = door_a.sync.connect(), door_b.sync.connect()
        assert engine_a is not None and engine_b is not None
        engine_a.pull_once()
        engine_b.pull_once()

        def count_on(kiosk: KioskRuntime) -> int:
            detail = kiosk.board.student_detail(student)
            assert detail is not None
            return detail.row.eligibility.stats.classes_attended

        base = count_on(door_a)
        # Offline check-ins at two doors, hours apart (the backend refuses future ones).
        door_a.clock.set_offset_ms(-5 * 3600 * 1000)
        scan_students(server, door_a, [student], kind="card")
        assert count_on(door_a) == base + 1
        door_b.clock.set_offset_ms(-150 * 60 * 1000)
        scan_students(server, door_b, [student], kind="card")
        assert count_on(door_b) == base + 1  # B does not know A's yet
        engine_a.upload_once()
        engine_b.upload_once()
        engine_a.pull_once()
        engine_b.pull_once()
        # Both know both now, each counted exactly once.
        assert count_on(door_a) == base + 2
        assert count_on(door_b) == base + 2
        # A promotion resets the count on the backend; kiosks follow after their next pull.
        login = {"accessToken": staff_token(server, "instructor")}
        promoted = httpx.post(
            f"{server.base_url}/api/promotions/promote",
            json={"studentId": student, "notes": "great progress"},
            headers={"X-Tenant": GOLDEN_TIGER, "Authorization": f"Bearer {login['accessToken']}"},
        )
        assert promoted.status_code in (200, 201), promoted.text
        engine_a.pull_once()
        assert count_on(door_a) == 0
        # A check-in after the promotion counts from zero, on either kiosk.
        door_a.clock.set_offset_ms(0)
        scan_students(server, door_a, [student], kind="card")
        assert count_on(door_a) == 1
        engine_a.upload_once()
        engine_b.pull_once()
        assert count_on(door_b) == 1


# -- tenant isolation ---------------------------------------------------------------------


def test_tenant_isolation(server: RunningServer, tmp_path: Path) -> None:
    assert server.seed is not None
    crane = server.seed.tenants[IRON_CRANE]
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        # The roster holds only Golden Tiger's students.
        names = kiosk.board.eligibility_board()
        assert {row.student.id for row in names}.isdisjoint(crane.student_ids)
        # An Iron Crane card at a Golden Tiger kiosk: wrong tenant, never uploaded.
        card = next(iter(crane.cards.values()))
        result = kiosk.checkin.handle_scan(card, ScanSource.CAMERA)
        assert result.outcome is Outcome.WRONG_TENANT
        engine.sync_once()
        assert server_checkins(server, kiosk_id(kiosk)) == {}
        # Golden Tiger's device token against Iron Crane's host: 403 and a security event.
        token = kiosk.vault.get_device_token(kiosk_id(kiosk))
        assert token
        crossed = HttpBackend(server.base_url, IRON_CRANE)
        try:
            with pytest.raises(Exception, match="403"):
                crossed.open_session(token)
        finally:
            crossed.close()
        with server.database.engine.connect() as conn:
            events = conn.execute(sa.select(schema.events)).mappings().all()
        assert any(e["kind"] == "security" and "cross_tenant" in str(e["data"]) for e in events)


# -- failures -------------------------------------------------------------------------------


def test_connection_refused_by_the_proxy_keeps_everything(
    server: RunningServer, tmp_path: Path
) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk, timeout=2.0)
            assert engine.pull_once().applied
            scan_students(server, kiosk, regular_students(server, 3))
            proxy.refuse()
            with pytest.raises(httpx.ConnectError):
                httpx.get(f"{proxy.base_url}/health")  # really refused, not merely slow
            report = engine.upload_once()
            assert report.sent == 0 and report.remaining == 3
            assert report.error and "ConnectError" in report.error
            pull = engine.pull_once()
            assert not pull.applied and pull.error
            assert not engine.heartbeat_once()
            status = engine.status()
            assert not status.online and status.pending == 3 and status.staff_needed is None
            assert not any(p == "/api/kiosk/checkins" for _, p, _ in proxy.seen)
            # Listening again on the same address: the same engine drains everything, once.
            proxy.accept()
            assert engine.upload_once().sent == 3
            assert engine.status().online
            backend.close()
            assert_invariant(server, kiosk)


FAULT_PLANS = {
    "reset after the server committed": [Fault.reset_after_commit()],
    "reset before forwarding": [Fault.reset_before()],
    "truncated body": [Fault.truncate()],
    "garbled 200": [Fault.garbage()],
    "5xx burst": [Fault.status(500), Fault.status(502), Fault.status(503)],
    "slow response": [Fault.delayed(2.5)],
}


@pytest.mark.parametrize("plan", sorted(FAULT_PLANS))
def test_upload_faults_lose_nothing_and_count_once(
    server: RunningServer, tmp_path: Path, plan: str
) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk, timeout=1.0, batch_size=4)
            assert engine.pull_once().applied
            outcomes = scan_students(server, kiosk, regular_students(server, 10))
            assert outcomes == [Outcome.ACCEPTED] * 10
            proxy.plan("/api/kiosk/checkins", *FAULT_PLANS[plan])
            attempts = 0
            while kiosk.store.read(lambda ledger: ledger.counts())["pending"]:
                attempts += 1
                assert attempts <= 10, "the queue never drained"
                engine.upload_once()
            backend.close()
            assert_invariant(server, kiosk)
            assert len(server_checkins(server, kiosk_id(kiosk))) == 10
            checkin_requests = [p for _, p, _ in proxy.seen if p == "/api/kiosk/checkins"]
            assert len(checkin_requests) > 10 // 4  # the fault cost at least one retry


def test_retry_after_seconds_and_http_date(server: RunningServer, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    assert parse_retry_after("7", now) == 7
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after(later, now) == pytest.approx(90, abs=1)
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after("999999", now) == 3600
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            engine.pull_once()
            scan_students(server, kiosk, regular_students(server, 2))
            http_date = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
            proxy.plan("/api/kiosk/checkins", Fault.status(429, "30"), Fault.status(503, http_date))
            first = engine.upload_once()
            assert first.retry_after == 30 and first.sent == 0
            second = engine.upload_once()
            assert second.retry_after is not None and 100 < second.retry_after <= 121
            third = engine.upload_once()
            assert third.sent == 2 and third.error is None
            backend.close()
            assert_invariant(server, kiosk)
    backoff = Backoff(base=1.0, cap=60.0)
    assert backoff.failure(retry_after=30.0) >= 30.0
    assert all(0 <= backoff.failure() <= 60 for _ in range(20))


def test_429_with_an_http_date_retry_after(server: RunningServer, tmp_path: Path) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            assert engine.pull_once().applied
            scan_students(server, kiosk, regular_students(server, 2))
            # A backend ten minutes behind the kiosk: its date counts from its own Date header.
            behind = datetime.now(UTC) - timedelta(minutes=10)
            server_date = (("Date", format_datetime(behind, usegmt=True)),)
            in_90_s = format_datetime(behind + timedelta(seconds=90), usegmt=True)
            # Without a Date header, from the moment the answer arrived.
            in_45_s = format_datetime(datetime.now(UTC) + timedelta(seconds=45), usegmt=True)
            proxy.plan(
                "/api/kiosk/checkins",
                Fault.status(429, in_90_s, headers=server_date),
                Fault.status(429, in_45_s),
            )
            first = engine.upload_once()
            assert first.sent == 0 and first.retry_after == 90
            second = engine.upload_once()
            assert second.sent == 0 and second.retry_after is not None
            assert 43 <= second.retry_after <= 45
            assert engine.status().pending == 2
            third = engine.upload_once()
            assert third.sent == 2 and third.error is None
            backend.close()
            assert_invariant(server, kiosk)


def test_session_expiry_mid_batch_refreshes_once(tmp_path: Path) -> None:
    """The real server's token expiry, between two batches: one refresh, nothing lost."""
    clock = ServerClock(datetime.now(UTC))
    with (
        start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", clock=clock) as running,
        FaultProxy(running.port) as proxy,
    ):
        kiosk = open_kiosk(tmp_path / "k", running, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk, batch_size=3)
            engine.pull_once()
            scan_students(running, kiosk, regular_students(running, 9))
            expire = Fault.before_forwarding(lambda: clock.advance(timedelta(minutes=20)))
            proxy.plan("/api/kiosk/checkins", Fault.passthrough(), expire)
            proxy.answered.clear()
            report = engine.upload_once()
            assert (report.sent, report.error) == (9, None)
            answers = [(p, code) for _, p, code in proxy.answered if p != "/api/kiosk/roster"]
            assert answers == [
                ("/api/kiosk/checkins", 200),  # in the session the pull opened
                ("/api/kiosk/checkins", 401),  # the server's own token_expired
                ("/api/auth/refresh", 200),
                ("/api/kiosk/checkins", 200),
                ("/api/kiosk/checkins", 200),
            ]
            # The backend's clock moved 20 minutes: the kiosk learnt the offset and warns.
            assert engine.status().clock_skew_warning
            backend.close()
            assert_invariant(running, kiosk)


def test_refresh_then_401_again_needs_staff_and_keeps_the_queue(
    server: RunningServer, tmp_path: Path
) -> None:
    expired = b'{"error": {"code": "token_expired", "message": "expired"}}'
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            assert engine.pull_once().applied
            scan_students(server, kiosk, regular_students(server, 2))
            proxy.plan("/api/kiosk/checkins", *[Fault.status(401, body=expired)] * 2)
            proxy.seen.clear()
            report = engine.upload_once()
            assert report.sent == 0 and report.remaining == 2
            assert report.error and "refused this kiosk's session twice" in report.error
            # Exactly one refresh (which the real server granted), then no further attempt.
            assert [p for _, p, _ in proxy.seen] == [
                "/api/kiosk/checkins",
                "/api/auth/refresh",
                "/api/kiosk/checkins",
            ]
            status = engine.status()
            assert status.staff_needed and "twice" in status.staff_needed
            assert status.staff_needed_reason is StaffNeededReason.SESSION_REFUSED
            assert status.pending == 2 and not status.online
            assert kiosk.store.read(lambda ledger: ledger.roster) is not None  # not a revocation
            # The session works again: the queue drains and the staff flag clears.
            assert engine.upload_once().sent == 2
            assert engine.status().staff_needed is None
            assert engine.status().staff_needed_reason is None
            backend.close()
            assert_invariant(server, kiosk)


def test_revoked_device_needs_staff_keeps_queue_and_wipes_roster(
    server: RunningServer, tmp_path: Path
) -> None:
    assert server.seed is not None
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        scan_students(server, kiosk, regular_students(server, 2))
        login = {"accessToken": staff_token(server, "admin")}
        revoked = httpx.delete(
            f"{server.base_url}/api/kiosks/{kiosk_id(kiosk)}",
            headers={"X-Tenant": GOLDEN_TIGER, "Authorization": f"Bearer {login['accessToken']}"},
        )
        assert revoked.status_code == 204
        fresh, backend = engine_for(kiosk)  # a new process: no access token in memory
        report = fresh.upload_once()
        assert report.sent == 0 and report.error and "revoked" in report.error
        status = fresh.status()
        assert status.staff_needed and "revoked" in status.staff_needed
        assert status.staff_needed_reason is StaffNeededReason.REVOKED
        assert status.pending == 2  # nothing lost
        assert kiosk.store.read(lambda ledger: ledger.roster) is None  # roster wiped
        backend.close()


def test_missing_device_token_asks_for_staff(server: RunningServer, tmp_path: Path) -> None:
    with open_kiosk(tmp_path / "k", server, keyring=MemoryKeyring()) as kiosk:
        kiosk.vault.delete_device_token(kiosk_id(kiosk))
        engine, backend = engine_for(kiosk)
        report = engine.pull_once()
        assert report.error and "sign-in needed" in report.error
        assert engine.status().staff_needed
        assert engine.status().staff_needed_reason is StaffNeededReason.NO_DEVICE_TOKEN
        backend.close()


def test_poison_item_is_parked_alone(server: RunningServer, tmp_path: Path) -> None:
    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        scan_students(server, kiosk, regular_students(server, 6))
        # A row the backend can never accept: its student does not exist there.
        poison = next(iter(local_accepted(kiosk)))

        def corrupt(ledger: object) -> None:
            ledger._conn.execute(  # type: ignore[attr-defined]
                "UPDATE checkins SET student_id = ? WHERE scan_id = ?",
                ("00000000-0000-4000-8000-00000000dead", poison),
            )

        kiosk.store.write(corrupt)
        report = engine.upload_once()
        assert report.sent == 5 and report.parked == 1 and report.error is None
        reasons = kiosk.store.read(lambda ledger: ledger.parked_reasons())
        assert list(reasons) == [poison] and reasons[poison]
        assert_invariant(server, kiosk)


def test_whole_batch_rejection_is_split_until_the_poison_stands_alone(
    server: RunningServer, tmp_path: Path
) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk, batch_size=8)
            engine.pull_once()
            scan_students(server, kiosk, regular_students(server, 8))
            # The whole batch, then its first half, then its first quarter, then the first item.
            body = b'{"error": {"code": "invalid_body", "message": "bad item"}}'
            proxy.plan("/api/kiosk/checkins", *[Fault.status(422, body=body)] * 4)
            report = engine.upload_once()
            assert report.parked == 1 and report.sent == 7
            (reason,) = kiosk.store.read(lambda ledger: ledger.parked_reasons()).values()
            assert whole_refusal_status(reason) == 422 and "bad item" in reason
            backend.close()
            assert_invariant(server, kiosk)


class _AheadClock:
    """A server clock running five minutes ahead of this machine's (a fixed ManualClock would
    fall behind by however long seeding and set-up take on a busy machine)."""

    def now(self) -> datetime:
        return datetime.now(UTC) + timedelta(minutes=5)


def test_clock_offset_from_the_date_header(tmp_path: Path) -> None:
    ahead = _AheadClock()
    with (
        start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", clock=ahead) as running,
        open_kiosk(tmp_path / "k", running) as kiosk,
    ):
        engine, backend = engine_for(kiosk)
        engine.pull_once()
        status = engine.status()
        assert status.clock_offset_ms == pytest.approx(300_000, abs=2_500)
        assert status.clock_skew_warning
        # Scans are stamped with the corrected clock.
        corrected = kiosk.clock.now()
        assert abs((corrected - ahead.now()).total_seconds()) < 3
        backend.close()


def test_roster_garbage_keeps_the_old_roster(server: RunningServer, tmp_path: Path) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            assert engine.pull_once().applied
            before = kiosk.store.read(lambda ledger: ledger.roster.seq)  # type: ignore[union-attr]
            garbage = b'{"schema": "tatamitech.kiosk.roster/1", "tenant": 3}'
            # Garbage for the incremental pull and for the full one the kiosk then asks for.
            proxy.plan(
                "/api/kiosk/roster",
                Fault.status(200, body=garbage),
                Fault.status(200, body=garbage),
            )
            failed = engine.pull_once()
            assert failed.error and "roster refused" in failed.error
            proxy.plan("/api/kiosk/roster", Fault.truncate())
            assert engine.pull_once().error
            after = kiosk.store.read(lambda ledger: ledger.roster.seq)  # type: ignore[union-attr]
            assert after == before
            assert kiosk.board.eligibility_board()  # still usable offline
            # An upload failure does not block the roster either (independent steps).
            proxy.plan("/api/kiosk/checkins", Fault.status(500))
            scan_students(server, kiosk, regular_students(server, 1))
            assert engine.upload_once().error
            assert engine.pull_once().applied
            backend.close()


def test_sync_once_command_prints_status(server: RunningServer, tmp_path: Path) -> None:
    """`tatami-kiosk sync --once` in a real process, token from an explicit keyring backend."""
    assert server.seed is not None
    env = kiosk_env(tmp_path / "kiosk", keyring_file=tmp_path / "keyring.json")

    def kiosk(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return run_kiosk(*args, env=env, stdin=stdin)

    setup = kiosk(
        "setup",
        "--api",
        server.base_url,
        "--tenant",
        GOLDEN_TIGER,
        "--email",
        f"admin@{GOLDEN_TIGER}.test",
        "--password-stdin",
        stdin=server.seed.password + "\n",
    )
    assert setup.returncode == 0, setup.stderr
    assert json.loads(setup.stdout)["tokenStored"] == "keyring"
    assert server.seed.password not in setup.stdout + setup.stderr
    student = regular_students(server, 1)[0]
    scanned = kiosk(
        "run",
        "--headless",
        "--source",
        "stdin",
        stdin=server.issue_token(GOLDEN_TIGER, student) + "\n",
    )
    assert json.loads(scanned.stdout.splitlines()[0])["outcome"] == "accepted"
    synced = kiosk("sync", "--once")
    assert synced.returncode == 0, synced.stderr
    status = json.loads(synced.stdout)
    assert status["online"] and status["pending"] == 0 and status["rosterStudents"] == 40
    assert status["rosterSeq"] > 0 and 0 <= status["rosterAgeSeconds"] < 600
    # The server holds exactly the check-ins the kiosk accepted, each once.
    with KioskRuntime.open(tmp_path / "kiosk", vault=KeyringVault(MemoryKeyring())) as context:
        assert local_accepted(context)  # the headless scan
        assert_invariant(server, context)
        assert set(server_checkins(server, kiosk_id(context))) == local_accepted(context)


def test_events_upload_and_malformed_ones_are_not_retried(
    server: RunningServer, tmp_path: Path
) -> None:
    from kiosk.domain.ports import Event

    with open_kiosk(tmp_path / "k", server) as kiosk:
        engine = kiosk.sync.connect()
        assert engine is not None
        engine.pull_once()
        kiosk.checkin.handle_scan("not a code", ScanSource.WEDGE)
        at = kiosk.clock.now()
        kiosk.store.write(
            lambda ledger: ledger.add_event(Event("scan_error", at, {}), event_id="not-a-uuid")
        )
        assert engine.push_events_once() == 1
        counts = kiosk.store.read(lambda ledger: ledger.counts())
        assert counts["events_pending"] == 0 and counts["events_parked"] == 1
        assert engine.push_events_once() == 0  # nothing left to send, nothing retried
        with server.database.engine.connect() as conn:
            stored = conn.execute(sa.select(schema.events.c.kind)).scalars().all()
        assert "scan_error" in stored

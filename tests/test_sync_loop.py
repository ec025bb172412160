"""The background sync loop's schedule, against the real server through the fault proxy.

Time is a seam (:class:`kiosk.services.sync.LoopClock`): :class:`SteppedClock` moves only when a
test says so, and counts every wait of each loop thread, which is how a test knows a thread has
finished a cycle and gone idle. Nothing sleeps.
"""

from __future__ import annotations

import random
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from kiosk.domain.ports import ScanSource
from kiosk.server import schema
from kiosk.server.embedded import RunningServer
from kiosk.services.sync import SyncLoop
from tests.faultproxy import Fault, FaultProxy
from tests.sync_support import assert_invariant, engine_for, kiosk_id, open_kiosk, server
from tests.test_sync import regular_students, scan_students

__all__ = ["server"]  # the fixture, re-exported for pytest

UPLOAD = "sync-upload"
CHECKINS = "/api/kiosk/checkins"
EVENTS = "/api/kiosk/events"
HEARTBEAT = "/api/kiosk/heartbeat"


class SteppedClock:
    """A :class:`~kiosk.services.sync.LoopClock` that moves only on :meth:`advance`."""

    def __init__(self, start: float = 1_000.0) -> None:
        self._now = start
        self._lock = threading.Condition()
        self._waiting: dict[str, tuple[threading.Condition, float]] = {}
        self._waits: Counter[str] = Counter()

    def monotonic(self) -> float:
        with self._lock:
            return self._now

    def wait_until(self, condition: threading.Condition, deadline: float) -> None:
        name = threading.current_thread().name
        with self._lock:
            if self._now >= deadline:
                return
            self._waiting[name] = (condition, deadline)
            self._waits[name] += 1
            self._lock.notify_all()
        try:
            # The caller holds ``condition`` until this releases it, so no notify is lost:
            # nudge(), stop() and advance() all need it to notify.
            condition.wait()
        finally:
            with self._lock:
                self._waiting.pop(name, None)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds
            conditions = {id(c): c for c, _ in self._waiting.values()}
        for condition in conditions.values():
            with condition:
                condition.notify_all()

    def idle(self, thread: str, after: int = 0, timeout: float = 30.0) -> int:
        """Block until ``thread`` has gone to wait more than ``after`` times; that count."""
        with self._lock:
            went_idle = self._lock.wait_for(lambda: self._waits[thread] > after, timeout)
            assert went_idle, f"{thread} did not go idle"
            return self._waits[thread]


def requests(proxy: FaultProxy, path: str) -> int:
    return sum(1 for _, seen, _ in proxy.seen if seen == path)


def pending(kiosk: Any) -> int:
    return int(kiosk.store.read(lambda ledger: ledger.counts())["pending"])


def test_nudges_never_cut_short_a_retry_after(server: RunningServer, tmp_path: Path) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            assert engine.pull_once().applied
            students = regular_students(server, 6)
            scan_students(server, kiosk, students[:2])
            proxy.plan(CHECKINS, Fault.status(429, "30"))
            clock = SteppedClock()
            loop = SyncLoop(
                engine,
                upload_interval=5.0,
                pull_interval=3600.0,
                heartbeat_interval=3600.0,
                rng=random.Random(7),
                clock=clock,
            )
            loop.start()
            try:
                waits = clock.idle(UPLOAD)
                assert requests(proxy, CHECKINS) == 1
                # Every accepted scan nudges: none may bring the retry forward.
                for student in students[2:5]:
                    scan_students(server, kiosk, [student])
                    loop.nudge()
                    waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, CHECKINS) == 1 and pending(kiosk) == 5
                clock.advance(29.0)
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, CHECKINS) == 1
                clock.advance(2.5)  # past Retry-After plus its jitter (at most 1 s)
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, CHECKINS) == 2 and pending(kiosk) == 0
                # With no retry pending, a nudge does cut the normal interval short.
                scan_students(server, kiosk, students[5:])
                loop.nudge()
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, CHECKINS) == 3 and pending(kiosk) == 0
            finally:
                loop.stop()
            backend.close()
            assert_invariant(server, kiosk)


def server_heartbeat(server: RunningServer, kiosk: str) -> dict[str, Any] | None:
    with server.database.engine.connect() as conn:
        beat = conn.execute(
            sa.select(schema.kiosks.c.heartbeat).where(schema.kiosks.c.id == kiosk)
        ).scalar_one()
    return dict(beat) if beat else None


def server_event_kinds(server: RunningServer, kiosk: str) -> list[str]:
    with server.database.engine.connect() as conn:
        kinds = conn.execute(
            sa.select(schema.events.c.kind).where(schema.events.c.kiosk_id == kiosk)
        ).scalars()
        return list(kinds)


def test_heartbeats_and_events_go_on_while_checkins_fail(
    server: RunningServer, tmp_path: Path
) -> None:
    with FaultProxy(server.port) as proxy:
        kiosk = open_kiosk(tmp_path / "k", server, api_url=proxy.base_url)
        with kiosk:
            engine, backend = engine_for(kiosk)
            assert engine.pull_once().applied
            scan_students(server, kiosk, regular_students(server, 1))
            kiosk.checkin.handle_scan("not a code", ScanSource.WEDGE)  # a scan_error event
            proxy.always(CHECKINS, Fault.status(500))
            clock = SteppedClock()
            loop = SyncLoop(
                engine,
                upload_interval=5.0,
                pull_interval=3600.0,
                heartbeat_interval=60.0,
                rng=random.Random(3),
                clock=clock,
            )
            loop.start()
            try:
                waits = clock.idle(UPLOAD)
                assert [requests(proxy, p) for p in (CHECKINS, EVENTS, HEARTBEAT)] == [1, 1, 1]
                beat = server_heartbeat(server, kiosk_id(kiosk))
                assert beat is not None and beat["queueDepth"] == 1
                assert "scan_error" in server_event_kinds(server, kiosk_id(kiosk))
                for minute in (1, 2, 3):
                    clock.advance(60.0)
                    waits = clock.idle(UPLOAD, after=waits)
                    assert requests(proxy, HEARTBEAT) == 1 + minute
                # The check-ins kept failing (one backed-off retry a minute), the queue is kept.
                assert requests(proxy, CHECKINS) == 4 and pending(kiosk) == 1
                assert engine.status().staff_needed is None
                # A heartbeat's own failure follows its own Retry-After.
                proxy.plan(HEARTBEAT, Fault.status(429, "100"))
                clock.advance(60.0)
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, HEARTBEAT) == 5
                clock.advance(60.0)
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, HEARTBEAT) == 5
                clock.advance(41.5)
                waits = clock.idle(UPLOAD, after=waits)
                assert requests(proxy, HEARTBEAT) == 6
                # The endpoint recovers: the next backed-off retry (at most 300 s) drains it.
                proxy.always(CHECKINS, None)
                clock.advance(300.0)
                waits = clock.idle(UPLOAD, after=waits)
                assert pending(kiosk) == 0
            finally:
                loop.stop()
            backend.close()
            assert_invariant(server, kiosk)

"""Staff PINs and reception overrides."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import CheckInService, OverrideError, OverrideProblem
from kiosk.services.scanning import ScanCoordinator
from kiosk.services.staff import PinError, PinRole, PinService, hash_pin, pin_matches
from tests.support import ManualClock, make_token


def test_pin_hash_is_salted_scrypt() -> None:
    first, second = hash_pin("4321"), hash_pin("4321")
    assert first != second and first.startswith("scrypt$")
    assert "4321" not in first
    assert pin_matches("4321", first) and not pin_matches("1234", first)


def test_pin_rules(store: SqliteStore, clock: ManualClock) -> None:
    pins = PinService(store, clock)
    for bad in ("12", "abcd", "1234567890123"):
        with pytest.raises(PinError):
            pins.set_pin(PinRole.STAFF, bad)
    pins.set_pin(PinRole.STAFF, "2468")
    pins.set_pin(PinRole.INSTRUCTOR, "1357")
    assert pins.verify("2468", PinRole.STAFF).ok
    assert pins.verify("2468", PinRole.INSTRUCTOR).role is PinRole.STAFF  # staff opens all
    assert pins.verify("1357", PinRole.INSTRUCTOR).role is PinRole.INSTRUCTOR
    assert not pins.verify("1357", PinRole.STAFF).ok  # instructors cannot exit the kiosk


def test_lockout_backs_off_and_survives_a_restart(tmp_path: Path, clock: ManualClock) -> None:
    path = tmp_path / "k.sqlite3"
    with SqliteStore(path) as store:
        pins = PinService(store, clock)
        pins.set_pin(PinRole.STAFF, "2468")
        results = [pins.verify("0000", PinRole.STAFF) for _ in range(3)]
        assert [r.locked for r in results] == [False, False, True]
        first_lock = results[-1].locked_until
        assert first_lock == clock.now() + timedelta(seconds=30)
    with SqliteStore(path) as store:  # "pull the plug": a new process, same database
        pins = PinService(store, clock)
        locked = pins.verify("2468", PinRole.STAFF)
        assert not locked.ok and locked.locked_until == first_lock  # even the right PIN waits
        clock.advance(seconds=31)
        again = pins.verify("1111", PinRole.STAFF)
        assert again.locked_until == clock.now() + timedelta(seconds=60)  # doubled
        clock.advance(seconds=61)
        assert pins.verify("2468", PinRole.STAFF).ok
        assert pins.lock_state().failures == 0


def test_override_turns_a_failed_scan_into_an_audited_attendance(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    failed = checkin.handle_scan(make_token("suspended"), ScanSource.CAMERA)
    assert failed.outcome is Outcome.STUDENT_INACTIVE and failed.scan_id
    with pytest.raises(OverrideError, match="note") as no_note:
        checkin.override_scan(failed.scan_id, "staff-1", "  ")
    assert no_note.value.reason is OverrideProblem.NO_NOTE  # the UI words it by this code
    result = checkin.override_scan(failed.scan_id, "staff-1", "paid at the desk today")
    assert result.outcome is Outcome.ACCEPTED and result.recorded
    assert result.source is ScanSource.MANUAL
    events = provisioned.read(lambda snapshot: snapshot.pending_events(10))
    override = next(e for e in events if e.kind == "override")
    assert override.data["overrides"] == failed.scan_id
    assert override.data["note"] == "paid at the desk today"
    # An override never counts the class twice.
    with pytest.raises(OverrideError, match="already counts") as counted:
        checkin.override_scan(result.scan_id or "", "staff-1", "again")
    assert counted.value.reason is OverrideProblem.ALREADY_COUNTS
    second = checkin.override_scan(failed.scan_id, "staff-1", "clicked twice")
    assert second.outcome is Outcome.DUPLICATE


def test_override_needs_a_known_student(checkin: CheckInService) -> None:
    garbage = checkin.handle_scan("hello", ScanSource.WEDGE)
    with pytest.raises(OverrideError, match="no known student") as unknown:
        checkin.override_scan(garbage.scan_id or "", "staff-1", "note")
    assert unknown.value.reason is OverrideProblem.NO_STUDENT


def test_coordinator_measures_latency_and_nudges_sync(checkin: CheckInService) -> None:
    ticks = iter([10.020, 10.050])
    nudges: list[bool] = []
    shown: list[tuple[Outcome, float | None]] = []
    coordinator = ScanCoordinator(
        checkin,
        on_result=lambda result, latency: shown.append((result.outcome, latency)),
        after_accept=lambda: nudges.append(True),
        monotonic=lambda: next(ticks),
    )
    coordinator.code_detected(make_token("ana"), ScanSource.CAMERA, captured_at=10.0)
    coordinator.code_detected("garbage", ScanSource.CAMERA, captured_at=10.0)
    assert [o for o, _ in shown] == [Outcome.ACCEPTED, Outcome.INVALID_CODE]
    assert shown[0][1] == pytest.approx(0.020)
    assert nudges == [True]  # only the accepted one
    stats = coordinator.latency_ms()
    assert stats["count"] == 2 and stats["p95"] == pytest.approx(50.0)

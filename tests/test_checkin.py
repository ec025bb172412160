"""The check-in use case end to end over a real SQLite store: decide, record, show."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome, Tone
from kiosk.domain.ports import ScanSource, SyncState
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import OTHER_KEY, ManualClock, make_token, roster_doc, roster_student, student_id


def counts(store: SqliteStore) -> dict[str, int]:
    return store.read(lambda ledger: ledger.counts())


def test_accepted_scan_commits_attendance_and_outbox_row(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    result = checkin.handle_scan(make_token("ana"), ScanSource.CAMERA)
    assert result.outcome is Outcome.ACCEPTED and result.tone is Tone.GREEN
    assert result.recorded and result.scan_id
    assert result.student_id == student_id("ana")
    assert result.display_name == "Ana"
    assert result.rank is not None and result.rank.id == "white"
    assert result.next_rank is not None and result.next_rank.id == "yellow"
    assert result.eligibility is not None
    assert result.eligibility.stats.classes_attended == 11  # roster 10 + this one
    assert counts(provisioned)["pending"] == 1
    rows = provisioned.read(lambda ledger: ledger.recent_scans(5))
    assert rows[0].scan_id == result.scan_id and rows[0].sync_state is SyncState.PENDING
    assert rows[0].nonce  # kept for the backend's replay detection


def test_second_scan_in_window_is_duplicate_and_adds_nothing(
    checkin: CheckInService, provisioned: SqliteStore, clock: ManualClock
) -> None:
    first = checkin.handle_scan(make_token("ana", kind="card"), ScanSource.CAMERA)
    clock.advance(minutes=30)
    second = checkin.handle_scan(make_token("ana", kind="card", now=clock.now()), ScanSource.CAMERA)
    assert second.outcome is Outcome.DUPLICATE and second.tone is Tone.AMBER_GREEN
    assert not second.recorded
    assert second.previous_at == first.scanned_at
    assert second.message == "Already checked in at 19:00"  # Europe/Madrid, UTC+1
    assert counts(provisioned)["pending"] == 1
    assert second.eligibility is not None
    assert second.eligibility.stats.classes_attended == 11


def test_after_the_window_a_new_attendance_counts(
    checkin: CheckInService, provisioned: SqliteStore, clock: ManualClock
) -> None:
    checkin.handle_scan(make_token("ana", kind="card"), ScanSource.CAMERA)
    clock.advance(minutes=121)
    again = checkin.handle_scan(make_token("ana", kind="card", now=clock.now()), ScanSource.CAMERA)
    assert again.outcome is Outcome.ACCEPTED
    assert again.eligibility is not None and again.eligibility.stats.classes_attended == 12
    assert counts(provisioned)["pending"] == 2


def test_pass_replayed_later_is_replay(checkin: CheckInService, clock: ManualClock) -> None:
    token = make_token("ana", ttl=timedelta(minutes=15))
    assert checkin.handle_scan(token, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=3)
    # Same student, same window: the friendlier duplicate (see kiosk/domain/decision.py).
    assert checkin.handle_scan(token, ScanSource.CAMERA).outcome is Outcome.DUPLICATE
    token_long = make_token("ben", ttl=timedelta(hours=5))
    assert checkin.handle_scan(token_long, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=130)
    replayed = checkin.handle_scan(token_long, ScanSource.CAMERA)
    assert replayed.outcome is Outcome.REPLAY and replayed.tone is Tone.AMBER
    assert not replayed.recorded


def test_card_is_reusable_across_sessions(checkin: CheckInService, clock: ManualClock) -> None:
    card = make_token("ana", kind="card", ttl=timedelta(days=365))
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(days=2)
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED


def test_foreign_card_is_wrong_tenant_and_never_an_attendance(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    foreign = make_token(
        "ana", tenant_id="0b9d5b7e-0000-4000-8000-000000000001", key=OTHER_KEY, kid="ic-1"
    )
    result = checkin.handle_scan(foreign, ScanSource.CAMERA)
    assert result.outcome is Outcome.WRONG_TENANT and result.tone is Tone.RED
    assert result.student_id is None and result.display_name is None
    figures = counts(provisioned)
    assert figures["pending"] == 0 and figures["events_pending"] == 1
    events = provisioned.read(lambda snapshot: snapshot.pending_events(10))
    assert events[0].kind == "security"
    assert "token" not in str(events[0]) and foreign not in str(events[0])


def test_scan_errors_are_events_without_payload(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    checkin.handle_scan("WIFI:S:Dojo;P:hunter2;;", ScanSource.WEDGE)
    events = provisioned.read(lambda snapshot: snapshot.pending_events(10))
    assert [e.kind for e in events] == ["scan_error"]
    assert "hunter2" not in str(events) and events[0].data["textHash"]


def test_inactive_student_is_an_attempt_not_attendance(
    checkin: CheckInService, provisioned: SqliteStore
) -> None:
    result = checkin.handle_scan(make_token("suspended"), ScanSource.CAMERA)
    assert result.outcome is Outcome.STUDENT_INACTIVE and result.tone is Tone.AMBER
    assert not result.recorded
    assert counts(provisioned)["pending"] == 0
    kinds = [e.kind for e in provisioned.read(lambda snapshot: snapshot.pending_events(10))]
    assert kinds == ["attempt"]


def test_inactive_policy_allow_counts_the_student(store: SqliteStore, clock: ManualClock) -> None:
    doc = roster_doc(settings={"timeZone": "Europe/Madrid", "inactivePolicy": "allow"})
    ProvisioningService(store, clock).apply_document(doc)
    result = CheckInService(store, clock).handle_scan(make_token("suspended"), ScanSource.CAMERA)
    assert result.outcome is Outcome.ACCEPTED


def test_class_session_counts_once_per_class(store: SqliteStore, clock: ManualClock) -> None:
    # 2026-11-26 is a Thursday (weekday 3); clock is 18:00 UTC = 19:00 in Madrid.
    doc = roster_doc(
        classes=[
            {
                "id": "thu-1830",
                "name": "Adults BJJ",
                "weekday": 3,
                "start": "18:30",
                "durationMinutes": 60,
            },
            {
                "id": "thu-1930",
                "name": "Open mat",
                "weekday": 3,
                "start": "19:30",
                "durationMinutes": 60,
            },
        ]
    )
    ProvisioningService(store, clock).apply_document(doc)
    service = CheckInService(store, clock)
    card = make_token("ana", kind="card", ttl=timedelta(days=30))
    first = service.handle_scan(card, ScanSource.CAMERA)
    assert first.outcome is Outcome.ACCEPTED and first.class_id == "thu-1830"
    assert first.class_name == "Adults BJJ"
    clock.advance(minutes=31)  # 19:31: the open mat is in progress
    second = service.handle_scan(card, ScanSource.CAMERA)
    assert second.outcome is Outcome.ACCEPTED and second.class_id == "thu-1930"
    clock.advance(minutes=10)
    third = service.handle_scan(card, ScanSource.CAMERA)
    assert third.outcome is Outcome.DUPLICATE


def test_manual_checkin_by_staff(checkin: CheckInService, provisioned: SqliteStore) -> None:
    result = checkin.manual_checkin(student_id("carla"), staff_id="staff-1")
    assert result.outcome is Outcome.ACCEPTED and result.source is ScanSource.MANUAL
    item = provisioned.read(lambda snapshot: snapshot.pending_checkins(5))[0]
    assert item.source is ScanSource.MANUAL and item.created_by == "staff-1" and item.nonce is None
    assert (
        checkin.manual_checkin(student_id("nobody"), "staff-1").outcome is Outcome.UNKNOWN_STUDENT
    )


def test_unprovisioned_kiosk_says_so(store: SqliteStore, clock: ManualClock) -> None:
    result = CheckInService(store, clock).handle_scan(make_token("ana"), ScanSource.CAMERA)
    assert result.outcome is Outcome.UNKNOWN_STUDENT and not result.recorded
    assert "no roster" in result.message


def test_disk_full_is_not_saved_and_never_green(
    checkin: CheckInService, provisioned: SqliteStore, clock: ManualClock
) -> None:
    """A real SQLITE_FULL: the writer connection may not grow the file any more."""

    def cap_file_size(ledger: object) -> None:
        conn = ledger._conn  # type: ignore[attr-defined]
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    provisioned.write(cap_file_size)
    before = counts(provisioned)["pending"]
    card = make_token("ana", kind="card", ttl=timedelta(days=3650))
    results = []
    for _ in range(500):  # every scan a new attendance, until the file cannot grow
        clock.advance(hours=3)
        results.append(checkin.handle_scan(card, ScanSource.CAMERA))
        if results[-1].outcome is Outcome.NOT_SAVED:
            break
    failed = results[-1]
    assert failed.outcome is Outcome.NOT_SAVED, "the capped database never filled up"
    assert failed.tone is Tone.RED and not failed.recorded and failed.scan_id is None
    assert "NOT saved" in failed.headline
    assert all(r.outcome is Outcome.ACCEPTED and r.recorded for r in results[:-1])
    assert counts(provisioned)["pending"] == before + len(results) - 1


def test_to_json_has_the_headless_fields_and_no_name(checkin: CheckInService) -> None:
    line = checkin.handle_scan(make_token("ana"), ScanSource.WEDGE).to_json()
    for key in ("outcome", "studentId", "message", "eligible", "scanId"):
        assert key in line
    assert "Ana" not in str({k: v for k, v in line.items() if k != "message"})


@pytest.mark.parametrize("status", ["frozen", "inactive"])
def test_other_inactive_statuses(store: SqliteStore, clock: ManualClock, status: str) -> None:
    doc = roster_doc(students=[roster_student("ana", status=status)])
    ProvisioningService(store, clock).apply_document(doc)
    result = CheckInService(store, clock).handle_scan(make_token("ana"), ScanSource.CAMERA)
    assert result.outcome is Outcome.STUDENT_INACTIVE


def test_installer_window_override(provisioned: SqliteStore, clock: ManualClock) -> None:
    """``checkin_window_minutes`` in the configuration: this kiosk's own duplicate window."""
    card = make_token("ana", kind="card", ttl=timedelta(days=3))
    short = CheckInService(provisioned, clock, window_override_minutes=30)
    assert short.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=45)  # past 30 minutes, inside the academy's 120
    assert short.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=10)
    academy = CheckInService(provisioned, clock)
    assert academy.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.DUPLICATE


def test_staff_window_applies_unless_the_installer_fixed_one(
    provisioned: SqliteStore, clock: ManualClock
) -> None:
    """The wizard's window (a preference) changes duplicates; the configuration's wins over it."""
    card = make_token("ana", kind="card", ttl=timedelta(days=3))
    service = CheckInService(provisioned, clock)
    service.set_local_window(30)
    assert service.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=45)  # past the kiosk's 30 minutes, inside the academy's 120
    assert service.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    service.set_local_window(None)  # back to the academy's window
    clock.advance(minutes=45)
    assert service.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.DUPLICATE

    fixed = CheckInService(provisioned, clock, window_override_minutes=240)
    fixed.set_local_window(30)
    assert fixed.window_set_by_configuration == 240
    clock.advance(minutes=180)  # past the academy's and the staff's, inside the installer's
    assert fixed.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.DUPLICATE


#: Bad codes a student can show; each is a validity outcome, whatever her check-ins say.
_BAD_CODES = {
    "expired": Outcome.EXPIRED,
    "revoked": Outcome.REVOKED,
    "forged": Outcome.BAD_SIGNATURE,
    "other_academy": Outcome.WRONG_TENANT,
}


def _bad_code(kind: str, clock: ManualClock) -> str:
    now = clock.now()
    if kind == "expired":
        return make_token("ana", now=now - timedelta(hours=1), ttl=timedelta(minutes=10))
    if kind == "revoked":
        return make_token("ana", now=now, nonce=roster_doc()["revokedNonces"][0])
    if kind == "forged":  # this academy's key id, another key
        return make_token("ana", now=now, key=OTHER_KEY)
    return make_token(
        "ana", now=now, tenant_id="0b9d5b7e-0000-4000-8000-000000000001", key=OTHER_KEY
    )


@pytest.mark.parametrize("kind", sorted(_BAD_CODES))
def test_validity_before_duplicates(
    checkin: CheckInService, provisioned: SqliteStore, clock: ManualClock, kind: str
) -> None:
    """DESIGN §4: a bad code from a student already checked in is refused, not "already in"."""
    card = make_token("ana", kind="card", ttl=timedelta(days=30))
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=20)  # well inside the 120-minute window
    result = checkin.handle_scan(_bad_code(kind, clock), ScanSource.CAMERA)
    assert result.outcome is _BAD_CODES[kind] and result.tone is Tone.RED
    assert not result.recorded and result.previous_at is None
    assert counts(provisioned)["pending"] == 1
    # The contrast (docs/decisions.md): a valid code of hers in the same window is a duplicate.
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.DUPLICATE


def test_pass_spent_by_someone_else_is_replay_inside_her_window(
    checkin: CheckInService, clock: ManualClock
) -> None:
    """The friendlier duplicate covers only her own pass: a nonce Ben spent stays a replay."""
    card = make_token("ana", kind="card", ttl=timedelta(days=30))
    assert checkin.handle_scan(card, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    clock.advance(minutes=20)
    nonce = "shared-pass-nonce-00000"
    ben = make_token("ben", now=clock.now(), nonce=nonce)
    assert checkin.handle_scan(ben, ScanSource.CAMERA).outcome is Outcome.ACCEPTED
    hers = make_token("ana", now=clock.now(), nonce=nonce)
    assert checkin.handle_scan(hers, ScanSource.CAMERA).outcome is Outcome.REPLAY

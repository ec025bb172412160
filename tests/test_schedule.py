"""Class auto-attach: the class in progress or starting within the lead time, the student's own
program first (DESIGN §4, docs/decisions.md)."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome
from kiosk.domain.model import ClassSlot, TenantSettings
from kiosk.domain.ports import ScanSource
from kiosk.domain.schedule import attach_class
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

MADRID = ZoneInfo("Europe/Madrid")
SETTINGS = TenantSettings(time_zone="Europe/Madrid")  # classLeadMinutes: 30 by default
THURSDAY = 3


def at(hour: int, minute: int, day: int = 26) -> datetime:
    """A wall-clock time in Madrid; 2026-11-26 is a Thursday."""
    return datetime(2026, 11, day, hour, minute, tzinfo=MADRID)


def slot(
    class_id: str, start: time, program: str | None, weekday: int = THURSDAY, minutes: int = 60
) -> ClassSlot:
    return ClassSlot(class_id, class_id.title(), weekday, start, minutes, program)


ADULTS_1830 = slot("adults-1830", time(18, 30), "adults")
KIDS_1830 = slot("kids-1830", time(18, 30), "kids")


def attached(classes: list[ClassSlot], now: datetime, program: str | None = "adults") -> str | None:
    session = attach_class(classes, now, SETTINGS, program)
    return session.session_id if session else None


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (at(17, 59), None),  # 31 minutes early: outside the lead
        (at(18, 0), "adults-1830@2026-11-26"),  # exactly the lead
        (at(18, 15), "adults-1830@2026-11-26"),
        (at(19, 29), "adults-1830@2026-11-26"),  # in progress
        (at(19, 30), None),  # ended
    ],
)
def test_class_starting_within_the_lead_time_is_attached(
    now: datetime, expected: str | None
) -> None:
    assert attached([ADULTS_1830], now) == expected


def test_the_lead_time_is_the_academys() -> None:
    short = TenantSettings(time_zone="Europe/Madrid", class_lead_minutes=10)
    assert attach_class([ADULTS_1830], at(18, 15), short) is None
    session = attach_class([ADULTS_1830], at(18, 20), short)
    assert session is not None and session.slot is ADULTS_1830


def test_the_students_program_is_preferred() -> None:
    both = [KIDS_1830, ADULTS_1830]
    assert attached(both, at(18, 15), "adults") == "adults-1830@2026-11-26"
    assert attached(both, at(18, 15), "kids") == "kids-1830@2026-11-26"
    # Own program about to start beats another program's class in progress.
    kids_now = slot("kids-1745", time(17, 45), "kids")
    assert attached([kids_now, ADULTS_1830], at(18, 15), "adults") == "adults-1830@2026-11-26"
    # A class open to all fits everyone.
    open_mat = slot("open-1830", time(18, 30), None)
    assert attached([KIDS_1830, open_mat], at(18, 15), "adults") == "open-1830@2026-11-26"
    # Preferred, not required: another program's class is better than none.
    assert attached([KIDS_1830], at(18, 15), "adults") == "kids-1830@2026-11-26"


def test_in_progress_beats_about_to_start_then_the_latest_start() -> None:
    earlier = slot("adults-1730", time(17, 30), "adults")
    assert attached([earlier, ADULTS_1830], at(18, 15)) == "adults-1730@2026-11-26"
    # Back to back: at 18:30 both are in progress, the one beginning wins.
    assert attached([earlier, ADULTS_1830], at(18, 30)) == "adults-1830@2026-11-26"


def test_class_after_midnight_belongs_to_its_own_date() -> None:
    friday_early = slot("night-0010", time(0, 10), None, weekday=THURSDAY + 1)
    assert attached([friday_early], at(23, 50)) == "night-0010@2026-11-27"
    assert attached([friday_early], at(23, 39)) is None


def test_handle_scan_attaches_the_class_starting_within_the_lead_time(
    store: SqliteStore, clock: ManualClock
) -> None:
    """Through the use case: at 18:15 each student gets the 18:30 class of their program."""

    def thursday(class_id: str, program: str) -> dict[str, object]:
        return {
            "id": class_id,
            "name": class_id.title(),
            "weekday": THURSDAY,
            "start": "18:30",
            "durationMinutes": 60,
            "program": program,
        }

    doc = roster_doc(
        programs=[*VECTOR_ROSTER["programs"], {"id": "kids", "name": "Kids", "ranks": ["white"]}],
        students=[
            roster_student("ana"),
            roster_student("ben"),
            roster_student("kim", program="kids"),
        ],
        classes=[thursday("kids-1830", "kids"), thursday("adults-1830", "adults")],
    )
    ProvisioningService(store, clock).apply_document(doc)
    service = CheckInService(store, clock)

    clock.current = at(17, 59)  # outside the lead: no class
    early = service.handle_scan(make_token("ben", now=clock.now()), ScanSource.CAMERA)
    assert early.outcome is Outcome.ACCEPTED and early.class_id is None
    clock.current = at(18, 15)
    ana = service.handle_scan(make_token("ana", now=clock.now()), ScanSource.CAMERA)
    kim = service.handle_scan(make_token("kim", now=clock.now()), ScanSource.CAMERA)
    assert (ana.outcome, ana.class_id, ana.class_name) == (
        Outcome.ACCEPTED,
        "adults-1830",
        "Adults-1830",
    )
    assert ana.class_starts_at == at(18, 30)
    assert (kim.outcome, kim.class_id) == (Outcome.ACCEPTED, "kids-1830")
    sessions = {
        item.student_id: item.session_id
        for item in store.read(lambda snapshot: snapshot.pending_checkins(10))
    }
    assert sessions == {
        student_id("ben"): None,
        student_id("ana"): "adults-1830@2026-11-26",
        student_id("kim"): "kids-1830@2026-11-26",
    }

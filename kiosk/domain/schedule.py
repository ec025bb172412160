"""The weekly class schedule in the tenant's time zone, and class auto-attach.

A check-in is attached to a class whose check-in is open: from its own early limit (by default
the tenant's lead time, ``class_lead_minutes``) before the start until its late limit (by
default the end). Attendance then counts once per *session*: one class on one date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.model import ClassSlot, TenantSettings


def checkin_opens(slot: ClassSlot, settings: TenantSettings) -> timedelta:
    """How long before the start a class's check-in opens."""
    minutes = slot.checkin_opens_minutes
    return timedelta(minutes=settings.class_lead_minutes if minutes is None else minutes)


def checkin_closes(slot: ClassSlot) -> timedelta:
    """How long after the start a class's check-in closes (by default: when it ends)."""
    minutes = slot.checkin_closes_minutes
    return timedelta(minutes=slot.duration_minutes if minutes is None else minutes)


@dataclass(frozen=True, slots=True)
class ClassSession:
    """One occurrence of a weekly class."""

    slot: ClassSlot
    starts_at: datetime  # aware, tenant time zone
    ends_at: datetime

    @property
    def session_id(self) -> str:
        return f"{self.slot.id}@{self.starts_at.date().isoformat()}"


def sessions_around(
    classes: Sequence[ClassSlot], now: datetime, settings: TenantSettings
) -> list[ClassSession]:
    """Occurrences of each class from yesterday to tomorrow (covers classes across midnight)."""
    zone = settings.zone
    today = now.astimezone(zone).date()
    sessions: list[ClassSession] = []
    for offset in (-1, 0, 1):
        day = today + timedelta(days=offset)
        for slot in classes:
            if slot.weekday != day.weekday():
                continue
            # Wall-clock start in the tenant zone; zoneinfo resolves DST gaps and folds.
            starts = datetime.combine(day, slot.start, tzinfo=zone)
            sessions.append(
                ClassSession(slot, starts, starts + timedelta(minutes=slot.duration_minutes))
            )
    return sessions


def attach_class(
    classes: Sequence[ClassSlot],
    now: datetime,
    settings: TenantSettings,
    program_id: str | None = None,
) -> ClassSession | None:
    """The class session a check-in at ``now`` belongs to, if any: one whose check-in is open.

    Preference: a class of the student's program (or open to all) over another program's; then a
    class in progress over one about to start; then the latest start (back-to-back classes: the
    one just beginning, not the one ending).
    """
    candidates = [
        session
        for session in sessions_around(classes, now, settings)
        if session.starts_at - checkin_opens(session.slot, settings)
        <= now
        < session.starts_at + checkin_closes(session.slot)
    ]
    if not candidates:
        return None

    def preference(session: ClassSession) -> tuple[int, int, float]:
        slot_program = session.slot.program_id
        fits = slot_program is None or program_id is None or slot_program == program_id
        in_progress = session.starts_at <= now
        return (int(fits), int(in_progress), session.starts_at.timestamp())

    return max(candidates, key=preference)

"""Class rules: check-in limits, tardiness, belt-restricted classes, classes that do not count.

Each class may say (``ClassSlot``):

* when check-in opens before the start and closes after it. A check-in more than
  ``tardy_after_minutes`` after the start is **tardy** (flagged for the instructor). A scan
  while a class of the student's program is on but its check-in has closed **asks staff**
  (outcome ``class_closed``); before a class's check-in opens nothing is attached, as before.
* the lowest rank it is for (``min_rank``). A student below it still checks in or not as the
  academy chooses (``restricted_class_policy``: allow, warn, block), and the card says "This
  class is for blue belt and up".
* whether it counts toward promotion (``counts``): an open mat or a guest seminar may not.

Staff checking a student in by hand decide themselves: the closed class is attached (tardy) and
the rank restriction does not block.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from kiosk.domain.model import ClassSlot, RuleBook, Student, TenantSettings
from kiosk.domain.schedule import (
    ClassSession,
    attach_class,
    checkin_closes,
    checkin_opens,
    sessions_around,
)

__all__ = [
    "ClassCheck",
    "below_min_rank",
    "check_class",
    "checkin_closes",
    "checkin_opens",
    "closed_session",
    "is_tardy",
]


def is_tardy(session: ClassSession, at: datetime) -> bool:
    """A check-in more than the class's tardy limit after its start."""
    limit = session.slot.tardy_after_minutes
    return limit is not None and at > session.starts_at + timedelta(minutes=limit)


def below_min_rank(rules: RuleBook, student: Student, slot: ClassSlot) -> bool:
    """The student's rank is below the class's minimum on the student's own ladder.

    A minimum that is not on the student's ladder at all (an adults' belt for a kids' program)
    is not reached either.
    """
    if slot.min_rank is None:
        return False
    wanted = rules.position(student.program_id, slot.min_rank)
    held = rules.position(student.program_id, student.rank_id)
    return wanted is None or held is None or held < wanted


def closed_session(
    classes: Sequence[ClassSlot], now: datetime, settings: TenantSettings, program_id: str | None
) -> ClassSession | None:
    """A class of the student's program (or open to all) on at ``now`` whose check-in closed."""
    closed = [
        session
        for session in sessions_around(classes, now, settings)
        if session.starts_at + checkin_closes(session.slot) <= now < session.ends_at
        and (session.slot.program_id is None or session.slot.program_id == program_id)
    ]
    return max(closed, key=lambda s: s.starts_at.timestamp()) if closed else None


@dataclass(frozen=True, slots=True)
class ClassCheck:
    """What the class rules say about one check-in.

    Attributes:
        session: The class session attached (None: a check-in without a class).
        closed: A class on now whose check-in closed (set only when nothing else fits).
        tardy: The check-in is late for ``session``.
        below_min_rank: The student is below ``session``'s (or ``closed``'s) minimum rank.
    """

    session: ClassSession | None
    closed: ClassSession | None = None
    tardy: bool = False
    below_min_rank: bool = False

    @property
    def counts(self) -> bool:
        """Whether the check-in counts toward promotion (without a class: it does)."""
        return self.session is None or self.session.slot.counts


def check_class(
    classes: Sequence[ClassSlot],
    now: datetime,
    settings: TenantSettings,
    rules: RuleBook,
    student: Student,
    *,
    staff: bool = False,
) -> ClassCheck:
    """Attach a class to a check-in at ``now`` and apply its rules.

    ``staff``: a person at the desk decides (a manual check-in or an override): a class whose
    check-in closed is attached anyway.
    """
    session = attach_class(classes, now, settings, student.program_id)
    closed = None
    if session is None:
        closed = closed_session(classes, now, settings, student.program_id)
        if staff:
            session, closed = closed, None
    on = session or closed
    slot = on.slot if on is not None else None
    return ClassCheck(
        session=session,
        closed=closed,
        tardy=session is not None and is_tardy(session, now),
        below_min_rank=slot is not None and below_min_rank(rules, student, slot),
    )

"""The instructor's eligibility board: every student's progress, filtered and sorted.

Counts follow the exact ``seq`` rule (roster count plus this kiosk's check-ins the roster cannot
know yet), so the board agrees with the scan screen and, once synced, with the backend. A
promotion made on this kiosk shows at once (the store lays it over the roster's student).

Each row has the belt's evaluation and, when the rank takes stripes, the next stripe's. The
filter looks at either (``stripes``), so the same board is the grading list for a belt grading
or for stripes given in class.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.eligibility import (
    Eligibility,
    LocalAttendance,
    classes_since_promotion,
    classes_since_stripe,
    evaluate,
    evaluate_stripe,
)
from kiosk.domain.model import Rank, StripeScale, Student
from kiosk.domain.ports import (
    CachedRoster,
    Clock,
    PromotionRecord,
    ScanRecord,
    Store,
    StoreSnapshot,
)


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """``within_classes`` / ``within_days``: students eligible after at most that many more
    classes / days (with only one bound set, the other figure must already be met).
    ``stripes``: the eligibility filters look at the next stripe instead of the next belt (and
    students whose rank takes no stripes are left out)."""

    eligible_only: bool = False
    within_classes: int | None = None
    within_days: int | None = None
    program_id: str | None = None
    rank_id: str | None = None
    query: str = ""
    stripes: bool = False


@dataclass(frozen=True, slots=True)
class BoardRow:
    student: Student
    rank: Rank
    next_rank: Rank | None
    eligibility: Eligibility
    #: The next stripe (None: the rank takes none) and the rank's stripe scale.
    stripe: Eligibility | None = None
    scale: StripeScale | None = None

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        stats = self.eligibility.stats
        return (
            0 if self.eligibility.eligible else 1,
            stats.classes_missing,
            stats.days_missing,
            self.student.display_name.casefold(),
        )

    def evaluation(self, stripes: bool) -> Eligibility | None:
        """The belt's evaluation, or the next stripe's."""
        return self.stripe if stripes else self.eligibility


@dataclass(frozen=True, slots=True)
class StudentDetail:
    row: BoardRow
    recent: Sequence[ScanRecord]
    #: Promotions made on this kiosk for the student, newest first (with their sync state).
    promotions: Sequence[PromotionRecord] = ()


def _board_row(
    student: Student, roster: CachedRoster, local: Sequence[LocalAttendance], at: datetime
) -> BoardRow:
    rules, zone = roster.rules, roster.settings.zone
    count = classes_since_promotion(student, roster.seq, local)
    since_stripe = classes_since_stripe(student, roster.seq, local)
    return BoardRow(
        student=student,
        rank=rules.rank(student.rank_id),
        next_rank=rules.next_rank(student.program_id, student.rank_id),
        eligibility=evaluate(student, rules, count, at, zone),
        stripe=evaluate_stripe(student, rules, since_stripe, at, zone),
        scale=rules.stripe_scale(student.program_id, student.rank_id),
    )


def _matches(row: BoardRow, filters: BoardFilter) -> bool:
    student = row.student
    evaluation = row.evaluation(filters.stripes)
    if evaluation is None:
        return False
    stats = evaluation.stats
    if filters.program_id and student.program_id != filters.program_id:
        return False
    if filters.rank_id and student.rank_id != filters.rank_id:
        return False
    if filters.query and filters.query.casefold() not in student.display_name.casefold():
        return False
    if filters.eligible_only and not evaluation.eligible:
        return False
    if evaluation.eligible:
        return True
    if filters.within_classes is None and filters.within_days is None:
        return True
    # "Within 3 classes" answers "who is eligible after at most 3 more classes": someone also
    # 40 days short is not. A bound not given is therefore 0, and "close" never covers a missing
    # prerequisite or a deferral.
    if stats.classes_missing > (filters.within_classes or 0):
        return False
    if stats.days_missing > (filters.within_days or 0):
        return False
    return all(note.code in ("classes_short", "days_short") for note in evaluation.reasons)


class BoardService:
    """Reads for the instructor board; works offline from the cached roster."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def eligibility_board(
        self, filters: BoardFilter | None = None, now: datetime | None = None
    ) -> list[BoardRow]:
        at = now or self._clock.now()
        wanted = filters or BoardFilter()

        def read(snapshot: StoreSnapshot) -> list[BoardRow]:
            roster = snapshot.roster
            if roster is None:
                return []
            local = snapshot.local_attendance()
            rows = [
                _board_row(student, roster, local.get(student.id, ()), at)
                for student in roster.all_students()
            ]

            def key(row: BoardRow) -> tuple[int, int, int, str]:
                evaluation = row.evaluation(wanted.stripes) or row.eligibility
                stats = evaluation.stats
                return (
                    0 if evaluation.eligible else 1,
                    stats.classes_missing,
                    stats.days_missing,
                    row.student.display_name.casefold(),
                )

            return sorted((r for r in rows if _matches(r, wanted)), key=key)

        return self._store.read(read)

    def student_detail(
        self, student_id: str, recent: int = 20, now: datetime | None = None
    ) -> StudentDetail | None:
        at = now or self._clock.now()

        def read(snapshot: StoreSnapshot) -> StudentDetail | None:
            roster = snapshot.roster
            student = roster.student(student_id) if roster else None
            if roster is None or student is None:
                return None
            local = snapshot.local_attendance(student_id).get(student_id, [])
            return StudentDetail(
                row=_board_row(student, roster, local, at),
                recent=snapshot.student_scans(student_id, recent),
                promotions=snapshot.promotions(student_id, 10),
            )

        return self._store.read(read)

"""The instructor's eligibility board: every student's progress, filtered and sorted.

Counts follow the exact ``seq`` rule (roster count plus this kiosk's check-ins the roster cannot
know yet), so the board agrees with the scan screen and, once synced, with the backend.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.eligibility import Eligibility, classes_since_promotion, evaluate
from kiosk.domain.model import Rank, Student
from kiosk.domain.ports import (
    Clock,
    ScanRecord,
    Store,
    StoreSnapshot,
)


@dataclass(frozen=True, slots=True)
class BoardFilter:
    """``within_classes`` / ``within_days``: students eligible after at most that many more
    classes / days (with only one bound set, the other figure must already be met)."""

    eligible_only: bool = False
    within_classes: int | None = None
    within_days: int | None = None
    program_id: str | None = None
    rank_id: str | None = None
    query: str = ""


@dataclass(frozen=True, slots=True)
class BoardRow:
    student: Student
    rank: Rank
    next_rank: Rank | None
    eligibility: Eligibility

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        stats = self.eligibility.stats
        return (
            0 if self.eligibility.eligible else 1,
            stats.classes_missing,
            stats.days_missing,
            self.student.display_name.casefold(),
        )


@dataclass(frozen=True, slots=True)
class StudentDetail:
    row: BoardRow
    recent: Sequence[ScanRecord]


def _matches(row: BoardRow, filters: BoardFilter) -> bool:
    student, stats = row.student, row.eligibility.stats
    if filters.program_id and student.program_id != filters.program_id:
        return False
    if filters.rank_id and student.rank_id != filters.rank_id:
        return False
    if filters.query and filters.query.casefold() not in student.display_name.casefold():
        return False
    if filters.eligible_only and not row.eligibility.eligible:
        return False
    if row.eligibility.eligible:
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
    return all(note.code in ("classes_short", "days_short") for note in row.eligibility.reasons)


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
            zone = roster.settings.zone
            rows = []
            for student in roster.all_students():
                count = classes_since_promotion(student, roster.seq, local.get(student.id, ()))
                rows.append(
                    BoardRow(
                        student=student,
                        rank=roster.rules.rank(student.rank_id),
                        next_rank=roster.rules.next_rank(student.program_id, student.rank_id),
                        eligibility=evaluate(student, roster.rules, count, at, zone),
                    )
                )
            return sorted((r for r in rows if _matches(r, wanted)), key=lambda r: r.sort_key)

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
            count = classes_since_promotion(student, roster.seq, local)
            row = BoardRow(
                student=student,
                rank=roster.rules.rank(student.rank_id),
                next_rank=roster.rules.next_rank(student.program_id, student.rank_id),
                eligibility=evaluate(student, roster.rules, count, at, roster.settings.zone),
            )
            return StudentDetail(row=row, recent=snapshot.student_scans(student_id, recent))

        return self._store.read(read)

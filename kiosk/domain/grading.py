"""Promotions, belt or stripe, as the kiosk and the backend both apply them.

A promotion names where the student was and where they go (``from`` and ``to`` rank and
stripes), so applying it twice, or after someone else promoted the same student, is detected
rather than doubled. :func:`promotion_target` says what the next promotion of a kind is;
:func:`promoted` is the student afterwards, with the counters reset as the platform rules say:

* a **belt** restarts everything: rank since the promotion, classes since then, no stripes,
  transition-specific approvals spent (``assessmentPassed``, ``instructorApproval``; fees stay
  paid), and an instructor override cleared (it was about this promotion);
* a **stripe** restarts only the stripe counters (classes and days since the last stripe); the
  belt's counters, flags and override stay.

A kiosk shows its own promotions at once, offline: :func:`with_local_promotions` lays the ones
the roster cannot contain yet over the roster's student, by the ``seq`` rule that counts
check-ins (DESIGN §5), so that the count rule keeps giving exact numbers afterwards.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from kiosk.domain.eligibility import LocalAttendance, counted_by_backend, counts_beyond_roster
from kiosk.domain.model import PromotionKind, RuleBook, Student

#: Prerequisite flags a belt promotion spends (they were about that transition).
SPENT_BY_BELT = frozenset({"assessmentPassed", "instructorApproval"})
#: The longest note kept with a promotion.
NOTE_LIMIT = 1000


class PromotionProblem(StrEnum):
    """Why a promotion cannot be made: a code the interfaces word in their language."""

    TOP_RANK = "top_rank"  # no higher rank on the program's ladder
    NO_STRIPES = "no_stripes"  # the rank takes no stripes
    ALL_STRIPES = "all_stripes"  # every stripe of the rank is already on
    NOT_ON_LADDER = "not_on_ladder"  # the student's rank is not on the program's ladder
    NO_NOTE = "no_note"


class PromotionRefused(ValueError):
    """The promotion asked for is not possible for this student now."""

    def __init__(self, problem: PromotionProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class PromotionTarget:
    """From where to where: a belt promotion lands on 0 stripes of the next rank."""

    kind: PromotionKind
    from_rank: str
    from_stripes: int
    to_rank: str
    to_stripes: int


def promotion_target(student: Student, rules: RuleBook, kind: PromotionKind) -> PromotionTarget:
    """The next promotion of ``kind`` for the student.

    Raises:
        PromotionRefused: no higher rank, or no stripe left (or none at all) on this rank.
    """
    if kind is PromotionKind.BELT:
        if rules.position(student.program_id, student.rank_id) is None:
            raise PromotionRefused(
                PromotionProblem.NOT_ON_LADDER, "the rank is not on the program's ladder"
            )
        following = rules.next_rank(student.program_id, student.rank_id)
        if following is None:
            raise PromotionRefused(PromotionProblem.TOP_RANK, "already at the highest rank")
        return PromotionTarget(kind, student.rank_id, student.stripes, following.id, 0)
    scale = rules.stripe_scale(student.program_id, student.rank_id)
    if scale is None:
        raise PromotionRefused(PromotionProblem.NO_STRIPES, "this rank takes no stripes")
    if student.stripes >= scale.count:
        raise PromotionRefused(PromotionProblem.ALL_STRIPES, "every stripe is already on")
    return PromotionTarget(
        kind, student.rank_id, student.stripes, student.rank_id, student.stripes + 1
    )


def promoted(student: Student, target: PromotionTarget, at: datetime, classes: int) -> Student:
    """The student after ``target`` at ``at``; ``classes``: counted attendance after ``at``
    already known (usually 0; the backend counts check-ins that reached it first)."""
    if target.kind is PromotionKind.BELT:
        return replace(
            student,
            rank_id=target.to_rank,
            rank_since=at,
            classes_since_promotion=classes,
            stripes=target.to_stripes,
            stripe_since=None,
            classes_since_stripe=None,
            flags=student.flags - SPENT_BY_BELT,
            override=None,
        )
    return replace(
        student, stripes=target.to_stripes, stripe_since=at, classes_since_stripe=classes
    )


class PromotionStatus(StrEnum):
    """How the backend answered one uploaded promotion."""

    APPLIED = "applied"
    DUPLICATE = "duplicate"  # the student was already there (promoted elsewhere meanwhile)
    REJECTED = "rejected"  # parked for staff with its reason (e.g. the rank changed meanwhile)


@dataclass(frozen=True, slots=True)
class LocalPromotion:
    """A promotion made on this kiosk, as the overlay needs it."""

    promotion_id: str
    student_id: str
    target: PromotionTarget
    promoted_at: datetime
    server_status: PromotionStatus | None = None
    server_seq: int | None = None


def promotion_beyond_roster(promotion: LocalPromotion, roster_seq: int) -> bool:
    """Whether a roster taken at ``roster_seq`` cannot show this promotion yet."""
    if promotion.server_status is None:
        return True
    if promotion.server_status is PromotionStatus.REJECTED:
        return False
    return promotion.server_seq is not None and promotion.server_seq > roster_seq


def with_local_promotions(
    student: Student,
    promotions: Iterable[LocalPromotion],
    roster_seq: int,
    local: Sequence[LocalAttendance],
) -> Student:
    """The student as this kiosk knows them: the roster's, plus its own promotions the roster
    cannot show yet, applied in order while each still starts where the student is.

    ``local`` must hold this kiosk's check-ins after each such promotion, acknowledged or not.
    The counts are set so that :func:`~kiosk.domain.eligibility.classes_since_promotion` stays
    exact: after a promotion at P the roster's count (since the old rank) no longer applies;
    the new base is this kiosk's counted check-ins after P that the roster already holds, and
    the rule adds the ones it does not. Another kiosk's check-ins in the roster all happened
    before this kiosk pulled it, so before P.
    """
    effective = student
    pending = [p for p in promotions if promotion_beyond_roster(p, roster_seq)]
    for promotion in sorted(pending, key=lambda p: p.promoted_at):
        target = promotion.target
        if (target.from_rank, target.from_stripes) != (effective.rank_id, effective.stripes):
            continue  # promoted otherwise meanwhile: the backend will say so
        in_roster = sum(
            1
            for entry in local
            if entry.scanned_at > promotion.promoted_at
            and counted_by_backend(entry)
            and not counts_beyond_roster(entry, roster_seq)
        )
        effective = promoted(effective, target, promotion.promoted_at, in_roster)
    return effective

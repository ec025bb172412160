"""Belt-promotion eligibility (DESIGN §5) and the exact class count across kiosks.

:func:`evaluate` is a pure function of the tenant's rules, the student's rank and its date, the
prerequisite flags, an instructor override, the date of birth when an age rule exists, and the
number of classes attended since the last promotion. Days are counted in the tenant's time zone
on calendar dates, so a DST change (a 23- or 25-hour day) is still one day.

:func:`evaluate_stripe` applies the same arithmetic to the next stripe (or degree) on the
current rank, counted since the last stripe, or since the belt for the first one.

:func:`classes_since_promotion` is the ``seq`` rule that keeps counts exact across kiosks and
offline periods: the roster's count (as of its ``seq``) plus this kiosk's own accepted check-ins
after the last promotion that the roster cannot contain yet. Only classes that count toward
promotion are counted (an open mat may not), on the kiosk and the backend alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from kiosk.domain.model import (
    OverrideKind,
    RuleBook,
    StripeKind,
    Student,
    StudentStatus,
    TransitionRule,
)


class EligibilityStatus(StrEnum):
    ELIGIBLE = "eligible"
    NOT_YET = "not_yet"
    DEFERRED = "deferred"
    TOP_RANK = "top_rank"  # for a stripe: every stripe of the rank is on (the belt is next)
    NO_RULE = "no_rule"


@dataclass(frozen=True, slots=True)
class Note:
    """A reason or next step: a stable ``code`` for translation, its number, English text."""

    code: str
    count: int = 0
    text: str = ""


@dataclass(frozen=True, slots=True)
class EligibilityStats:
    classes_attended: int
    classes_required: int | None
    days_in_rank: int
    days_required: int | None
    age_years: int | None
    min_age_years: int | None
    current_rank: str
    next_rank: str | None
    #: Stripes on the current rank, and the stripe count the evaluation is about: for a
    #: stripe, ``stripes + 1``; for a belt, None.
    stripes: int = 0
    next_stripes: int | None = None
    stripes_required: int | None = None
    stripe_kind: StripeKind = StripeKind.STRIPE

    @property
    def stripes_missing(self) -> int:
        return max(0, (self.stripes_required or 0) - self.stripes)

    @property
    def classes_missing(self) -> int:
        return max(0, (self.classes_required or 0) - self.classes_attended)

    @property
    def days_missing(self) -> int:
        return max(0, (self.days_required or 0) - self.days_in_rank)

    @property
    def classes_progress(self) -> float:
        """Share of the classes requirement met, 0..1 (1 when there is none)."""
        if not self.classes_required:
            return 1.0
        return min(1.0, self.classes_attended / self.classes_required)

    @property
    def days_progress(self) -> float:
        if not self.days_required:
            return 1.0
        return min(1.0, max(0, self.days_in_rank) / self.days_required)


@dataclass(frozen=True, slots=True)
class Eligibility:
    eligible: bool
    status: EligibilityStatus
    reasons: tuple[Note, ...]
    next_steps: tuple[Note, ...]
    stats: EligibilityStats

    def to_json(self) -> dict[str, Any]:
        """The platform's evaluation shape: ``eligible``, ``reasons``, ``nextSteps``, ``stats``."""
        stats = self.stats
        return {
            "eligible": self.eligible,
            "status": self.status.value,
            "reasons": [note.text for note in self.reasons],
            "nextSteps": [note.text for note in self.next_steps],
            "stats": {
                "classesAttended": stats.classes_attended,
                "classesRequired": stats.classes_required,
                "daysInRank": stats.days_in_rank,
                "daysRequired": stats.days_required,
                "ageYears": stats.age_years,
                "minAgeYears": stats.min_age_years,
                "currentRank": stats.current_rank,
                "nextRank": stats.next_rank,
                "stripes": stats.stripes,
                "nextStripes": stats.next_stripes,
                "stripesRequired": stats.stripes_required,
            },
        }


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def local_date(instant: datetime, zone: ZoneInfo) -> date:
    """The calendar date of an aware instant in the tenant's time zone."""
    if instant.tzinfo is None:
        raise ValueError("instants must be timezone-aware")
    return instant.astimezone(zone).date()


def days_between(start: datetime, end: datetime, zone: ZoneInfo) -> int:
    """Whole calendar days from ``start`` to ``end`` as the tenant's wall calendar counts them."""
    return (local_date(end, zone) - local_date(start, zone)).days


def age_in_years(born: date, today: date) -> int:
    """Completed years. Someone born on 29 February turns a year older on 1 March in
    common years (the usual legal reading where the date does not exist)."""
    years = today.year - born.year
    if (today.month, today.day) < (born.month, born.day):
        years -= 1
    return years


def _missing_notes(
    rule: TransitionRule, stats: EligibilityStats, flags: frozenset[str]
) -> tuple[list[Note], list[Note]]:
    reasons: list[Note] = []
    steps: list[Note] = []
    if stats.stripes_missing:
        kind = stats.stripe_kind.value
        reasons.append(
            Note(
                f"{kind}s_short",
                stats.stripes_missing,
                f"{stats.stripes} of {stats.stripes_required} {kind}s",
            )
        )
        steps.append(
            Note(
                f"more_{kind}s",
                stats.stripes_missing,
                _plural(stats.stripes_missing, f"more {kind}", f"more {kind}s"),
            )
        )
    if stats.classes_missing:
        reasons.append(
            Note(
                "classes_short",
                stats.classes_missing,
                f"{stats.classes_attended} of {rule.attendances} classes attended",
            )
        )
        steps.append(
            Note(
                "more_classes",
                stats.classes_missing,
                f"{_plural(stats.classes_missing, 'more class', 'more classes')}",
            )
        )
    if stats.days_missing:
        reasons.append(
            Note(
                "days_short",
                stats.days_missing,
                f"{stats.days_in_rank} of {rule.days_in_rank} days in rank",
            )
        )
        steps.append(
            Note(
                "more_days",
                stats.days_missing,
                _plural(stats.days_missing, "more day", "more days"),
            )
        )
    if rule.min_age_years is not None:
        if stats.age_years is None:
            reasons.append(Note("age_unknown", 0, "date of birth unknown"))
            steps.append(Note("record_birth_date", 0, "record the date of birth at the front desk"))
        elif stats.age_years < rule.min_age_years:
            short = rule.min_age_years - stats.age_years
            reasons.append(Note("too_young", short, f"minimum age {rule.min_age_years}"))
            steps.append(Note("wait_age", rule.min_age_years, f"turn {rule.min_age_years}"))
    for flag in rule.requires:
        if flag not in flags:
            reasons.append(Note(f"missing_{flag}", 0, _FLAG_REASON.get(flag, f"{flag} missing")))
            steps.append(Note(f"get_{flag}", 0, _FLAG_STEP.get(flag, f"complete {flag}")))
    return reasons, steps


_FLAG_REASON = {
    "feesPaid": "fees not paid",
    "assessmentPassed": "assessment not passed",
    "instructorApproval": "instructor approval pending",
}
_FLAG_STEP = {
    "feesPaid": "settle fees at the front desk",
    "assessmentPassed": "pass the assessment",
    "instructorApproval": "ask your instructor for approval",
}


def evaluate(
    student: Student,
    rules: RuleBook,
    classes_attended: int,
    now: datetime,
    zone: ZoneInfo,
) -> Eligibility:
    """Evaluate a student's eligibility for the next rank of their program at ``now``."""
    days_in_rank = max(0, days_between(student.rank_since, now, zone))
    today = local_date(now, zone)
    age = age_in_years(student.date_of_birth, today) if student.date_of_birth else None
    next_rank = rules.next_rank(student.program_id, student.rank_id)
    rule = rules.rule_for(student.program_id, student.rank_id, next_rank.id) if next_rank else None
    scale = rules.stripe_scale(student.program_id, student.rank_id)
    stats = EligibilityStats(
        classes_attended=classes_attended,
        classes_required=rule.attendances if rule else None,
        days_in_rank=days_in_rank,
        days_required=rule.days_in_rank if rule else None,
        age_years=age,
        min_age_years=rule.min_age_years if rule else None,
        current_rank=student.rank_id,
        next_rank=next_rank.id if next_rank else None,
        stripes=student.stripes,
        stripes_required=rule.min_stripes if rule else None,
        stripe_kind=scale.kind if scale else StripeKind.STRIPE,
    )
    if next_rank is None:
        return Eligibility(
            False, EligibilityStatus.TOP_RANK, (Note("top_rank", 0, "highest rank"),), (), stats
        )
    override = student.override
    if override is not None and override.kind is OverrideKind.ELIGIBLE:
        note = Note("override_eligible", 0, "marked eligible by an instructor")
        return Eligibility(True, EligibilityStatus.ELIGIBLE, (note,), (), stats)
    if override is not None and override.kind is OverrideKind.DEFER:
        reason = Note("override_defer", 0, "promotion deferred by an instructor")
        step = Note("talk_to_instructor", 0, "talk to your instructor")
        return Eligibility(False, EligibilityStatus.DEFERRED, (reason,), (step,), stats)
    if rule is None:
        reason = Note("no_rule", 0, "no rule for this promotion: the instructor decides")
        return Eligibility(False, EligibilityStatus.NO_RULE, (reason,), (), stats)
    return _judge(rule, stats, student)


def _judge(rule: TransitionRule, stats: EligibilityStats, student: Student) -> Eligibility:
    reasons, steps = _missing_notes(rule, stats, student.flags)
    if student.status is not StudentStatus.ACTIVE:
        reasons.append(Note("not_active", 0, f"membership {student.status.value}"))
        steps.append(Note("see_front_desk", 0, "see the front desk"))
    if reasons:
        return Eligibility(False, EligibilityStatus.NOT_YET, tuple(reasons), tuple(steps), stats)
    met = Note("requirements_met", 0, "all requirements met")
    return Eligibility(True, EligibilityStatus.ELIGIBLE, (met,), (), stats)


def evaluate_stripe(
    student: Student,
    rules: RuleBook,
    classes_attended: int,
    now: datetime,
    zone: ZoneInfo,
) -> Eligibility | None:
    """The next stripe (or degree) on the student's rank; None when the rank takes none.

    Stripe rules have the shape of belt rules; classes and days are counted since the last
    stripe (since the belt, for the first). Instructor overrides are about the next belt and do
    not apply here; a membership that is not active still holds it back.
    """
    scale = rules.stripe_scale(student.program_id, student.rank_id)
    if scale is None:
        return None
    days = max(0, days_between(student.stripe_anchor, now, zone))
    today = local_date(now, zone)
    age = age_in_years(student.date_of_birth, today) if student.date_of_birth else None
    full = student.stripes >= scale.count
    rule = None if full else rules.stripe_rule_for(student.program_id, student.rank_id)
    stats = EligibilityStats(
        classes_attended=classes_attended,
        classes_required=rule.attendances if rule else None,
        days_in_rank=days,
        days_required=rule.days_in_rank if rule else None,
        age_years=age,
        min_age_years=rule.min_age_years if rule else None,
        current_rank=student.rank_id,
        next_rank=None if full else student.rank_id,
        stripes=student.stripes,
        next_stripes=None if full else student.stripes + 1,
        stripe_kind=scale.kind,
    )
    if full:
        note = Note(f"all_{scale.kind.value}s", scale.count, f"all {scale.count} {scale.kind}s")
        return Eligibility(False, EligibilityStatus.TOP_RANK, (note,), (), stats)
    if rule is None:
        reason = Note("no_rule", 0, "no rule for this stripe: the instructor decides")
        return Eligibility(False, EligibilityStatus.NO_RULE, (reason,), (), stats)
    return _judge(rule, stats, student)


class ServerStatus(StrEnum):
    """How the backend answered one uploaded check-in (DESIGN §6)."""

    CREATED = "created"
    DUPLICATE = "duplicate"  # the backend already had this attendance: it is counted there
    FLAGGED = "flagged"  # accepted as a fact, flagged (e.g. pass replayed at another kiosk)
    REJECTED = "rejected"  # parked for staff with its reason


@dataclass(frozen=True, slots=True)
class LocalAttendance:
    """One of this kiosk's accepted check-ins, as the count rule needs it.

    ``counts``: the class it was attached to counts toward promotion (a check-in without a
    class always does).
    """

    scanned_at: datetime
    server_status: ServerStatus | None
    server_seq: int | None
    counts: bool = True


def counted_by_backend(entry: LocalAttendance) -> bool:
    """Whether the backend counts (or will count) this check-in as the student's attendance."""
    if not entry.counts:
        return False
    # Duplicate: counted through the other record; rejected: not attendance.
    return entry.server_status in (None, ServerStatus.CREATED, ServerStatus.FLAGGED)


def counts_beyond_roster(entry: LocalAttendance, roster_seq: int) -> bool:
    """Whether a local check-in counts and is missing from a roster taken at ``roster_seq``."""
    if not counted_by_backend(entry):
        return False
    if entry.server_status is None:
        return True  # not acknowledged yet: only this kiosk knows it
    return entry.server_seq is not None and entry.server_seq > roster_seq


def classes_since(
    anchor: datetime, roster_count: int, roster_seq: int, local: Iterable[LocalAttendance]
) -> int:
    """The ``seq`` rule from any anchor: the roster's count since ``anchor`` (as of
    ``roster_seq``) plus this kiosk's counted check-ins after it that the roster lacks."""
    extra = sum(
        1
        for entry in local
        if entry.scanned_at > anchor and counts_beyond_roster(entry, roster_seq)
    )
    return roster_count + extra


def classes_since_promotion(
    student: Student, roster_seq: int, local: Iterable[LocalAttendance]
) -> int:
    """Exact count of classes since the last promotion (DESIGN §5)."""
    return classes_since(student.rank_since, student.classes_since_promotion, roster_seq, local)


def classes_since_stripe(
    student: Student, roster_seq: int, local: Iterable[LocalAttendance]
) -> int:
    """Exact count of classes since the last stripe (or the belt), by the same rule."""
    return classes_since(student.stripe_anchor, student.stripe_count, roster_seq, local)

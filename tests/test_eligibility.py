"""Eligibility arithmetic (DESIGN §5): rules, calendar days in the tenant zone, the seq rule."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kiosk.domain.eligibility import (
    EligibilityStatus,
    LocalAttendance,
    ServerStatus,
    age_in_years,
    classes_since_promotion,
    days_between,
    evaluate,
)
from kiosk.domain.model import (
    Override,
    OverrideKind,
    Program,
    Rank,
    RuleBook,
    Student,
    StudentStatus,
    TransitionRule,
)

MADRID = ZoneInfo("Europe/Madrid")
RULES = RuleBook(
    ranks=MappingProxyType(
        {r: Rank(r, r.title()) for r in ("white", "yellow", "orange", "blue", "black")}
    ),
    programs=MappingProxyType(
        {
            "kids": Program("kids", "Kids", ("white", "yellow", "orange")),
            "adults": Program("adults", "Adults", ("white", "blue", "black")),
        }
    ),
    rules=MappingProxyType(
        {
            "white_to_yellow": TransitionRule(16, 60),
            "white_to_blue": TransitionRule(60, 365, requires=("feesPaid", "assessmentPassed")),
        }
    ),
    program_rules=MappingProxyType(
        {"kids": MappingProxyType({"yellow_to_orange": TransitionRule(20, 90, min_age_years=8)})}
    ),
)


def student(**fields: object) -> Student:
    base: dict[str, object] = {
        "id": "s1",
        "display_name": "Ana",
        "program_id": "kids",
        "rank_id": "white",
        "rank_since": datetime(2026, 1, 10, 17, 0, tzinfo=UTC),
        "classes_since_promotion": 0,
    }
    base.update(fields)
    return Student(**base)  # type: ignore[arg-type]


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_platform_example_rule_counts_classes_and_days() -> None:
    result = evaluate(student(), RULES, 10, NOW, MADRID)
    assert not result.eligible and result.status is EligibilityStatus.NOT_YET
    assert result.stats.classes_missing == 6
    assert [n.text for n in result.next_steps] == ["6 more classes"]
    assert result.to_json()["stats"]["classesRequired"] == 16
    assert evaluate(student(), RULES, 16, NOW, MADRID).eligible


def test_days_in_rank_missing() -> None:
    fresh = student(rank_since=NOW - timedelta(days=48))
    result = evaluate(fresh, RULES, 30, NOW, MADRID)
    assert not result.eligible
    assert [n.text for n in result.next_steps] == ["12 more days"]


def test_days_are_calendar_days_in_the_tenant_zone_across_dst() -> None:
    # Madrid springs forward on 2026-03-29: that day has 23 hours, and still counts as one day.
    promoted = datetime(2026, 3, 28, 22, 30, tzinfo=UTC)  # 23:30 local on the 28th
    one_local_day_later = datetime(2026, 3, 29, 21, 30, tzinfo=UTC)  # 23:30 local, 23 h later
    assert one_local_day_later - promoted == timedelta(hours=23)
    assert days_between(promoted, one_local_day_later, MADRID) == 1
    # Autumn: 2026-10-25 has 25 hours.
    autumn = datetime(2026, 10, 24, 22, 30, tzinfo=UTC)  # 00:30 local on the 25th
    assert days_between(autumn, datetime(2026, 10, 25, 22, 59, tzinfo=UTC), MADRID) == 0
    assert days_between(autumn, datetime(2026, 10, 25, 23, 0, tzinfo=UTC), MADRID) == 1
    # The same instants in UTC would give another answer: the zone matters.
    assert days_between(promoted, datetime(2026, 3, 28, 23, 30, tzinfo=UTC), UTC) == 0
    assert days_between(promoted, datetime(2026, 3, 28, 23, 30, tzinfo=UTC), MADRID) == 1


def test_leap_day_promotion_and_birthday() -> None:
    leap = datetime(2024, 2, 29, 12, 0, tzinfo=UTC)
    assert days_between(leap, datetime(2024, 4, 29, 12, 0, tzinfo=UTC), MADRID) == 60
    assert days_between(leap, datetime(2025, 2, 28, 12, 0, tzinfo=UTC), MADRID) == 365
    born = date(2016, 2, 29)
    assert age_in_years(born, date(2024, 2, 28)) == 7
    assert age_in_years(born, date(2024, 2, 29)) == 8
    assert age_in_years(born, date(2025, 2, 28)) == 8
    assert age_in_years(born, date(2026, 2, 28)) == 9
    assert age_in_years(born, date(2026, 3, 1)) == 10


def test_minimum_age_rule_per_program() -> None:
    kid = student(
        rank_id="yellow", rank_since=NOW - timedelta(days=200), date_of_birth=date(2019, 6, 2)
    )
    result = evaluate(kid, RULES, 25, NOW, MADRID)
    assert not result.eligible and "too_young" in {n.code for n in result.reasons}
    older = student(
        rank_id="yellow", rank_since=NOW - timedelta(days=200), date_of_birth=date(2018, 6, 1)
    )
    assert evaluate(older, RULES, 25, NOW, MADRID).eligible
    unknown = student(rank_id="yellow", rank_since=NOW - timedelta(days=200))
    assert "age_unknown" in {n.code for n in evaluate(unknown, RULES, 25, NOW, MADRID).reasons}


def test_prerequisite_flags() -> None:
    adult = student(
        program_id="adults", rank_since=NOW - timedelta(days=400), flags=frozenset({"feesPaid"})
    )
    result = evaluate(adult, RULES, 70, NOW, MADRID)
    assert not result.eligible
    assert [n.text for n in result.reasons] == ["assessment not passed"]
    ready = student(
        program_id="adults",
        rank_since=NOW - timedelta(days=400),
        flags=frozenset({"feesPaid", "assessmentPassed"}),
    )
    assert evaluate(ready, RULES, 70, NOW, MADRID).eligible


def test_overrides_and_edges() -> None:
    marked = student(override=Override(OverrideKind.ELIGIBLE, note="competition"))
    assert evaluate(marked, RULES, 0, NOW, MADRID).eligible
    deferred = student(override=Override(OverrideKind.DEFER, note="technique"))
    result = evaluate(deferred, RULES, 100, NOW - timedelta(days=0), MADRID)
    assert not result.eligible and result.status is EligibilityStatus.DEFERRED
    top = student(rank_id="orange", date_of_birth=date(2010, 1, 1))
    assert evaluate(top, RULES, 500, NOW, MADRID).status is EligibilityStatus.TOP_RANK
    no_rule = student(program_id="adults", rank_id="blue")
    assert evaluate(no_rule, RULES, 500, NOW, MADRID).status is EligibilityStatus.NO_RULE
    suspended = student(status=StudentStatus.SUSPENDED)
    assert not evaluate(suspended, RULES, 100, NOW, MADRID).eligible


def test_seq_rule_counts_exactly() -> None:
    promoted = datetime(2026, 5, 1, tzinfo=UTC)
    s = student(rank_since=promoted, classes_since_promotion=7)
    roster_seq = 100
    local = [
        LocalAttendance(promoted + timedelta(days=1), None, None),  # unacknowledged: counts
        LocalAttendance(promoted + timedelta(days=2), ServerStatus.CREATED, 90),  # in roster
        LocalAttendance(promoted + timedelta(days=3), ServerStatus.CREATED, 101),  # after it
        LocalAttendance(promoted + timedelta(days=4), ServerStatus.FLAGGED, 105),  # counted too
        LocalAttendance(promoted + timedelta(days=5), ServerStatus.DUPLICATE, 106),  # other record
        LocalAttendance(promoted + timedelta(days=6), ServerStatus.REJECTED, None),
        LocalAttendance(promoted - timedelta(days=1), None, None),  # before the promotion
    ]
    assert classes_since_promotion(s, roster_seq, local) == 7 + 3


@given(
    classes=st.integers(0, 200),
    more_classes=st.integers(0, 50),
    days=st.integers(0, 1000),
    more_days=st.integers(0, 400),
    program=st.sampled_from(["kids", "adults"]),
    flags=st.frozensets(st.sampled_from(["feesPaid", "assessmentPassed"])),
)
def test_eligibility_is_monotone_in_classes_and_days(
    classes: int, more_classes: int, days: int, more_days: int, program: str, flags: frozenset[str]
) -> None:
    s = student(program_id=program, rank_since=NOW - timedelta(days=days), flags=flags)
    before = evaluate(s, RULES, classes, NOW, MADRID)
    later = NOW + timedelta(days=more_days)
    after = evaluate(s, RULES, classes + more_classes, later, MADRID)
    if before.eligible:
        assert after.eligible
    assert after.stats.classes_missing <= before.stats.classes_missing
    assert after.stats.days_missing <= before.stats.days_missing

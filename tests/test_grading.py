"""Grading rules in the domain: stripes, promotions, local promotions, class rules, roster v2."""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from kiosk.domain.decision import (
    CheckinHistory,
    Outcome,
    PassUse,
    PriorCheckin,
    Record,
    Tone,
    decide,
    decide_manual,
)
from kiosk.domain.eligibility import (
    EligibilityStatus,
    LocalAttendance,
    ServerStatus,
    classes_since_promotion,
    classes_since_stripe,
    evaluate,
    evaluate_stripe,
)
from kiosk.domain.grading import (
    LocalPromotion,
    PromotionProblem,
    PromotionRefused,
    PromotionStatus,
    promoted,
    promotion_target,
    with_local_promotions,
)
from kiosk.domain.model import (
    ClassSlot,
    Override,
    OverrideKind,
    PromotionKind,
    RestrictedClassPolicy,
    RuleBook,
    Student,
    TenantSettings,
)
from kiosk.domain.roster import SCHEMA_V1, RosterError, parse_roster
from kiosk.domain.tokens import VerificationKey, read_token
from kiosk.services.grading import table_csv
from tests.support import CURRENT_KEY, CURRENT_KID, TENANT_ID, make_token

MADRID = ZoneInfo("Europe/Madrid")
TENANT = TENANT_ID
ANA = "00000000-0000-4000-8000-0000000000a1"
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # Thursday 19:00 in Madrid

DOC: dict[str, Any] = {
    "schema": "tatamitech.kiosk.roster/2",
    "tenant": {"id": TENANT, "slug": "gt", "name": "GT"},
    "seq": 10,
    "settings": {"timeZone": "Europe/Madrid", "restrictedClassPolicy": "warn"},
    "ranks": [{"id": r, "name": r.title()} for r in ("white", "blue", "purple", "brown", "black")],
    "programs": [
        {
            "id": "bjj",
            "name": "BJJ",
            "ranks": ["white", "blue", "purple", "brown", "black"],
            "stripes": {"white": {"count": 4}, "black": {"count": 6, "kind": "degree"}},
            "stripeRules": {"white": {"attendances": 10, "daysInRank": 30}},
        },
        {"id": "kids", "name": "Kids", "ranks": ["white", "blue"]},
    ],
    "rules": {"white_to_blue": {"attendances": 40, "daysInRank": 200, "minStripes": 4}},
    "stripeRules": {"black": {"attendances": 100, "daysInRank": 1000}},
    "classes": [
        {
            "id": "fundamentals",
            "name": "Fundamentals",
            "program": "bjj",
            "weekday": 3,
            "start": "18:30",
            "durationMinutes": 90,
            "tardyAfterMinutes": 10,
            "checkinClosesMinutes": 20,
        },
        {
            "id": "advanced",
            "name": "Advanced",
            "program": "bjj",
            "weekday": 3,
            "start": "20:30",
            "durationMinutes": 60,
            "minRank": "blue",
        },
        {
            "id": "open-mat",
            "name": "Open mat",
            "weekday": 5,
            "start": "10:00",
            "durationMinutes": 120,
            "countsTowardPromotion": False,
        },
    ],
    "students": [
        {
            "id": ANA,
            "displayName": "Ana S.",
            "program": "bjj",
            "rank": "white",
            "rankSince": "2026-01-10T12:00:00Z",
            "classesSincePromotion": 45,
            "stripes": 3,
            "stripeSince": "2026-10-01T19:45:00Z",
            "classesSinceStripe": 11,
        }
    ],
}
UPDATE = parse_roster(DOC)
RULES = UPDATE.rules
ANA_STUDENT = UPDATE.students[0]


def test_roster_v2_reads_stripes_stripe_rules_and_class_rules() -> None:
    scale = RULES.stripe_scale("bjj", "white")
    assert scale is not None and scale.count == 4 and scale.kind.value == "stripe"
    assert RULES.stripe_scale("bjj", "blue") is None
    assert RULES.stripe_scale("kids", "white") is None
    assert RULES.stripe_rule_for("bjj", "white") == RULES.program_stripe_rules["bjj"]["white"]
    assert RULES.stripe_rule_for("bjj", "black") == RULES.stripe_rules["black"]
    assert RULES.rules["white_to_blue"].min_stripes == 4
    assert UPDATE.settings.restricted_class_policy is RestrictedClassPolicy.WARN
    slots = {c.id: c for c in UPDATE.classes}
    assert slots["fundamentals"].tardy_after_minutes == 10
    assert slots["fundamentals"].checkin_closes_minutes == 20
    assert slots["advanced"].min_rank == "blue"
    assert slots["open-mat"].counts is False and slots["fundamentals"].counts is True
    assert ANA_STUDENT.stripes == 3 and ANA_STUDENT.stripe_count == 11
    assert "stripeRules" in UPDATE.parts


def test_roster_v1_still_reads_with_the_old_meaning() -> None:
    old = copy.deepcopy(DOC)
    old["schema"] = SCHEMA_V1
    for program in old["programs"]:
        program.pop("stripes", None)
        program.pop("stripeRules", None)
    old.pop("stripeRules")
    old["rules"] = {"white_to_blue": {"attendances": 40, "daysInRank": 200}}
    old["classes"] = [
        {
            k: v
            for k, v in c.items()
            if k in ("id", "name", "program", "weekday", "start", "durationMinutes")
        }
        for c in old["classes"]
    ]
    student = old["students"][0]
    for key in ("stripes", "stripeSince", "classesSinceStripe"):
        student.pop(key)
    update = parse_roster(old)
    assert update.rules.stripe_scale("bjj", "white") is None
    assert all(c.counts and c.min_rank is None for c in update.classes)
    assert update.students[0].stripes == 0 and update.students[0].stripe_count == 45


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["students"][0].update(stripes=5), "stripes"),
        (lambda d: d["classes"][1].update(minRank="green"), "minRank"),
        (lambda d: d["settings"].update(restrictedClassPolicy="maybe"), "restrictedClassPolicy"),
        (lambda d: d["programs"][0]["stripes"].update(blue={"count": 4, "kind": "tape"}), "kind"),
        (lambda d: d["programs"][0]["stripes"].update(green={"count": 4}), "green"),
        (lambda d: d["stripeRules"].update(mauve={"attendances": 1, "daysInRank": 1}), "mauve"),
        (lambda d: d["classes"][2].update(countsTowardPromotion="no"), "countsTowardPromotion"),
        (lambda d: d.update(schema="tatamitech.kiosk.roster/9"), "newer"),
    ],
)
def test_roster_v2_refuses_what_it_cannot_use(change: Any, message: str) -> None:
    doc = copy.deepcopy(DOC)
    change(doc)
    with pytest.raises(RosterError, match=message):
        parse_roster(doc)


def test_stripe_eligibility_has_the_shape_of_belt_eligibility() -> None:
    ana = ANA_STUDENT
    ready = evaluate_stripe(ana, RULES, 11, NOW, MADRID)
    assert ready is not None and ready.eligible
    assert (ready.stats.stripes, ready.stats.next_stripes) == (3, 4)
    assert ready.to_json()["stats"]["nextStripes"] == 4
    short = evaluate_stripe(ana, RULES, 6, datetime(2026, 10, 20, tzinfo=UTC), MADRID)
    assert short is not None and not short.eligible
    assert [n.code for n in short.next_steps] == ["more_classes", "more_days"]
    full = evaluate_stripe(replace(ana, stripes=4), RULES, 50, NOW, MADRID)
    assert full is not None and full.status is EligibilityStatus.TOP_RANK
    assert full.reasons[0].code == "all_stripes"
    degrees = evaluate_stripe(replace(ana, rank_id="black", stripes=1), RULES, 0, NOW, MADRID)
    assert degrees is not None and degrees.stats.stripe_kind.value == "degree"
    assert evaluate_stripe(replace(ana, rank_id="blue", stripes=0), RULES, 0, NOW, MADRID) is None
    # The belt waits for all four stripes.
    belt = evaluate(ana, RULES, 45, NOW, MADRID)
    assert not belt.eligible and belt.reasons[0].code == "stripes_short"
    assert belt.next_steps[0].text == "1 more stripe"
    assert evaluate(replace(ana, stripes=4), RULES, 45, NOW, MADRID).eligible
    # An instructor's override is about the belt, not the stripes.
    deferred = replace(ana, override=Override(OverrideKind.DEFER, "wait"))
    assert evaluate_stripe(deferred, RULES, 11, NOW, MADRID).eligible  # type: ignore[union-attr]


def test_promotion_targets_and_the_counters_they_reset() -> None:
    ana = replace(ANA_STUDENT, flags=frozenset({"feesPaid", "assessmentPassed"}))
    stripe = promotion_target(ana, RULES, PromotionKind.STRIPE)
    assert (stripe.from_stripes, stripe.to_rank, stripe.to_stripes) == (3, "white", 4)
    after_stripe = promoted(ana, stripe, NOW, 0)
    assert after_stripe.stripes == 4 and after_stripe.stripe_since == NOW
    assert after_stripe.stripe_count == 0
    assert after_stripe.classes_since_promotion == 45 and after_stripe.flags == ana.flags
    belt = promotion_target(after_stripe, RULES, PromotionKind.BELT)
    assert (belt.from_rank, belt.from_stripes, belt.to_rank, belt.to_stripes) == (
        "white",
        4,
        "blue",
        0,
    )
    after_belt = promoted(after_stripe, belt, NOW, 2)
    assert (after_belt.rank_id, after_belt.stripes, after_belt.stripe_since) == ("blue", 0, None)
    assert after_belt.classes_since_promotion == 2 and after_belt.stripe_count == 2
    assert after_belt.flags == frozenset({"feesPaid"}) and after_belt.override is None
    with pytest.raises(PromotionRefused) as full:
        promotion_target(after_stripe, RULES, PromotionKind.STRIPE)
    assert full.value.problem is PromotionProblem.ALL_STRIPES
    with pytest.raises(PromotionRefused) as none:
        promotion_target(after_belt, RULES, PromotionKind.STRIPE)
    assert none.value.problem is PromotionProblem.NO_STRIPES
    with pytest.raises(PromotionRefused) as top:
        promotion_target(replace(ana, rank_id="black", stripes=0), RULES, PromotionKind.BELT)
    assert top.value.problem is PromotionProblem.TOP_RANK


def test_local_promotions_lay_over_the_roster_until_it_shows_them() -> None:
    ana = ANA_STUDENT
    at = NOW - timedelta(hours=1)
    stripe = LocalPromotion("p1", ana.id, promotion_target(ana, RULES, PromotionKind.STRIPE), at)
    after_stripe = promoted(ana, stripe.target, at, 0)
    belt = LocalPromotion(
        "p2",
        ana.id,
        promotion_target(after_stripe, RULES, PromotionKind.BELT),
        at + timedelta(minutes=1),
    )
    local = [
        LocalAttendance(at - timedelta(days=1), ServerStatus.CREATED, 9),  # before: ignored
        LocalAttendance(at + timedelta(minutes=5), ServerStatus.CREATED, 8),  # in the roster
        LocalAttendance(at + timedelta(minutes=6), None, None),  # not acknowledged
        LocalAttendance(at + timedelta(minutes=7), ServerStatus.DUPLICATE, 11),  # other record
        LocalAttendance(at + timedelta(minutes=8), None, None, counts=False),  # open mat
    ]
    seen = with_local_promotions(ana, [belt, stripe], roster_seq=10, local=local)
    assert (seen.rank_id, seen.stripes, seen.rank_since) == ("blue", 0, belt.promoted_at)
    # Counted after the belt: the one the roster has and the one it does not.
    assert classes_since_promotion(seen, 10, local) == 2
    assert classes_since_stripe(seen, 10, local) == 2
    # Acknowledged and in a roster at seq >= its own: the roster shows it, no overlay.
    synced = replace(stripe, server_status=PromotionStatus.APPLIED, server_seq=10)
    assert with_local_promotions(ana, [synced], 10, local) == ana
    # Refused by the backend: not applied.
    refused = replace(stripe, server_status=PromotionStatus.REJECTED)
    assert with_local_promotions(ana, [refused], 10, local) == ana
    # Overtaken (the roster shows another rank already): skipped.
    moved = replace(ana, rank_id="purple", stripes=0)
    assert with_local_promotions(moved, [stripe], 10, local) == moved


# -- class rules through the decision --------------------------------------------------------


@dataclass
class View:
    student_row: Student
    classes: Sequence[ClassSlot]
    settings: TenantSettings = field(default_factory=lambda: UPDATE.settings)
    rules: RuleBook = RULES
    tenant_id: str = TENANT
    keys: Mapping[str, VerificationKey] = field(
        default_factory=lambda: {CURRENT_KID: CURRENT_KEY.public_key()}
    )

    def is_revoked(self, nonce: str) -> bool:
        return False

    def student(self, student_id: str) -> Student | None:
        return self.student_row


class Priors:
    def __init__(self, *priors: PriorCheckin) -> None:
        self.priors = priors

    def accepted_since(self, student_id: str, since: datetime) -> Sequence[PriorCheckin]:
        return [p for p in self.priors if p.scanned_at >= since]

    def pass_use(self, nonce: str) -> PassUse | None:
        return None


def _at(hh: int, mm: int) -> datetime:
    """Thursday 26 November 2026 at hh:mm in Madrid."""
    return datetime.combine(NOW.astimezone(MADRID).date(), time(hh, mm), tzinfo=MADRID)


def _scan(view: View, at: datetime, history: CheckinHistory | None = None) -> Any:
    """The student shows a printed card at ``at``."""
    card = read_token(make_token(ANA, kind="card", now=at, ttl=timedelta(days=365)))
    return decide(card, view, history or Priors(), at)


def test_class_limits_tardy_and_closed() -> None:
    view = View(ANA_STUDENT, UPDATE.classes)
    on_time = _scan(view, _at(18, 35))
    assert on_time.outcome is Outcome.ACCEPTED and on_time.session.slot.id == "fundamentals"
    assert not on_time.tardy
    late = _scan(view, _at(18, 45))
    assert late.outcome is Outcome.ACCEPTED and late.tardy
    closed = _scan(view, _at(18, 55))
    assert closed.outcome is Outcome.CLASS_CLOSED and closed.session.slot.id == "fundamentals"
    assert closed.tone is Tone.AMBER and closed.record is Record.ATTEMPT
    # Already checked in for that class: "already checked in", not "closed".
    prior = PriorCheckin("s1", _at(18, 35), on_time.session.session_id)
    assert _scan(view, _at(18, 55), Priors(prior)).outcome is Outcome.DUPLICATE
    # Staff at the desk decide: attached, tardy.
    manual = decide_manual(ANA, view, Priors(), _at(18, 55))
    assert manual.outcome is Outcome.ACCEPTED and manual.tardy
    assert manual.session is not None and manual.session.slot.id == "fundamentals"
    # Before the check-in opens nothing is attached (as before: a check-in without a class).
    early = _scan(view, _at(17, 30))
    assert early.outcome is Outcome.ACCEPTED and early.session is None


@pytest.mark.parametrize(
    ("policy", "outcome", "flagged"),
    [
        (RestrictedClassPolicy.ALLOW, Outcome.ACCEPTED, True),
        (RestrictedClassPolicy.WARN, Outcome.ACCEPTED, True),
        (RestrictedClassPolicy.BLOCK, Outcome.RANK_RESTRICTED, True),
    ],
)
def test_belt_restricted_classes(
    policy: RestrictedClassPolicy, outcome: Outcome, flagged: bool
) -> None:
    settings = replace(UPDATE.settings, restricted_class_policy=policy)
    view = View(ANA_STUDENT, UPDATE.classes, settings=settings)
    decision = _scan(view, _at(20, 35))
    assert decision.outcome is outcome and decision.below_min_rank is flagged
    assert decision.session is not None and decision.session.slot.id == "advanced"
    blue = View(replace(ANA_STUDENT, rank_id="blue", stripes=0), UPDATE.classes, settings=settings)
    assert not _scan(blue, _at(20, 35)).below_min_rank
    # Staff let a student in past a blocking academy: counted, still flagged.
    manual = decide_manual(ANA, view, Priors(), _at(20, 35))
    assert manual.outcome is Outcome.ACCEPTED and manual.below_min_rank


def test_classes_that_do_not_count() -> None:
    saturday = datetime(2026, 11, 28, 10, 15, tzinfo=MADRID)
    decision = _scan(View(ANA_STUDENT, UPDATE.classes), saturday)
    assert decision.outcome is Outcome.ACCEPTED and not decision.counts
    entries = [
        LocalAttendance(saturday, None, None, counts=False),
        LocalAttendance(saturday + timedelta(days=1), None, None),
    ]
    assert classes_since_promotion(ANA_STUDENT, 10, entries) == 45 + 1


def test_grading_list_csv_defuses_formulas() -> None:
    text = table_csv(["Name", "Rank"], [["=cmd|' /C calc'!A0", "White → Blue"], ["Ana", "x,y"]])
    lines = text.split("\r\n")
    assert lines[0] == "Name,Rank"
    assert lines[1].startswith("'=cmd")
    assert lines[2] == 'Ana,"x,y"'

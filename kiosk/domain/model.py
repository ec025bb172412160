"""The roster as the kiosk sees it: students, ranks and rules, classes, tenant settings.

These are plain immutable values; :mod:`kiosk.domain.roster` builds them from the roster document
and validates it, the store keeps them, the decision and eligibility functions read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from types import MappingProxyType
from typing import Never
from zoneinfo import ZoneInfo


class StudentStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    FROZEN = "frozen"
    INACTIVE = "inactive"


class InactivePolicy(StrEnum):
    """What a suspended/frozen/inactive student's scan does."""

    BLOCK = "block"  # amber "see the front desk", attempt recorded, no attendance
    ALLOW = "allow"  # counted like anyone else


class OverrideKind(StrEnum):
    ELIGIBLE = "eligible"  # instructor marks eligible whatever the counts say
    DEFER = "defer"  # instructor holds the promotion back


class StripeKind(StrEnum):
    """What the marks on a belt are called: BJJ stripes, or the dan degrees of a black belt."""

    STRIPE = "stripe"
    DEGREE = "degree"


class PromotionKind(StrEnum):
    BELT = "belt"  # the next rank of the program's ladder
    STRIPE = "stripe"  # one more stripe (or degree) on the same rank


class RestrictedClassPolicy(StrEnum):
    """What a scan does when the class attached requires a higher rank than the student's."""

    ALLOW = "allow"  # counted, nothing said
    WARN = "warn"  # counted, the card says "This class is for blue belt and up"
    BLOCK = "block"  # amber "see your instructor", attempt recorded, no attendance


#: Prerequisite flags a transition may require (platform vocabulary).
KNOWN_FLAGS = ("feesPaid", "assessmentPassed", "instructorApproval")


@dataclass(frozen=True, slots=True)
class Rank:
    id: str
    name: str
    color: str = "#ffffff"


def _frozen_empty() -> Mapping[str, Never]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class StripeScale:
    """How many stripes (or degrees) a rank of a program takes: BJJ gives 4 per coloured belt."""

    count: int
    kind: StripeKind = StripeKind.STRIPE


@dataclass(frozen=True, slots=True)
class Program:
    """A ladder of ranks (kids and adults usually have different ones).

    ``stripes`` maps a rank id to its :class:`StripeScale`; a rank absent from it has none.
    """

    id: str
    name: str
    rank_ids: tuple[str, ...]
    stripes: Mapping[str, StripeScale] = field(default_factory=_frozen_empty)


@dataclass(frozen=True, slots=True)
class TransitionRule:
    """Requirements to go from one rank to the next, e.g. ``white_to_yellow``."""

    attendances: int
    days_in_rank: int
    min_age_years: int | None = None
    requires: tuple[str, ...] = ()
    #: Stripes the current rank must carry first (BJJ: all four before the next belt).
    min_stripes: int | None = None


def transition_key(from_rank: str, to_rank: str) -> str:
    return f"{from_rank}_to_{to_rank}"


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Ranks, programs and transition rules of one tenant.

    ``rules`` apply to every program; ``program_rules[program_id]`` overrides them per transition.
    Stripe rules have the same shape, keyed by the rank the stripes go on (``stripe_rules``,
    overridden per program by ``program_stripe_rules``): the requirements of each next stripe,
    counted since the last stripe (or the belt, for the first).
    """

    ranks: Mapping[str, Rank] = field(default_factory=_frozen_empty)
    programs: Mapping[str, Program] = field(default_factory=_frozen_empty)
    rules: Mapping[str, TransitionRule] = field(default_factory=_frozen_empty)
    program_rules: Mapping[str, Mapping[str, TransitionRule]] = field(default_factory=_frozen_empty)
    stripe_rules: Mapping[str, TransitionRule] = field(default_factory=_frozen_empty)
    program_stripe_rules: Mapping[str, Mapping[str, TransitionRule]] = field(
        default_factory=_frozen_empty
    )

    def next_rank(self, program_id: str, rank_id: str) -> Rank | None:
        program = self.programs.get(program_id)
        if program is None or rank_id not in program.rank_ids:
            return None
        position = program.rank_ids.index(rank_id)
        if position + 1 >= len(program.rank_ids):
            return None
        return self.ranks.get(program.rank_ids[position + 1])

    def rule_for(self, program_id: str, from_rank: str, to_rank: str) -> TransitionRule | None:
        key = transition_key(from_rank, to_rank)
        specific = self.program_rules.get(program_id, {}).get(key)
        return specific if specific is not None else self.rules.get(key)

    def rank(self, rank_id: str) -> Rank:
        return self.ranks.get(rank_id) or Rank(id=rank_id, name=rank_id.replace("_", " ").title())

    def stripe_scale(self, program_id: str, rank_id: str) -> StripeScale | None:
        """The stripes the rank takes in the program (None: it takes none)."""
        program = self.programs.get(program_id)
        scale = program.stripes.get(rank_id) if program is not None else None
        return scale if scale is not None and scale.count > 0 else None

    def stripe_rule_for(self, program_id: str, rank_id: str) -> TransitionRule | None:
        specific = self.program_stripe_rules.get(program_id, {}).get(rank_id)
        return specific if specific is not None else self.stripe_rules.get(rank_id)

    def position(self, program_id: str, rank_id: str) -> int | None:
        """The rank's place on the program's ladder (0: first), or None if not on it."""
        program = self.programs.get(program_id)
        if program is None or rank_id not in program.rank_ids:
            return None
        return program.rank_ids.index(rank_id)

    @property
    def has_age_rules(self) -> bool:
        every_rule = (
            list(self.rules.values())
            + [rule for per in self.program_rules.values() for rule in per.values()]
            + list(self.stripe_rules.values())
            + [rule for per in self.program_stripe_rules.values() for rule in per.values()]
        )
        return any(rule.min_age_years is not None for rule in every_rule)


@dataclass(frozen=True, slots=True)
class Override:
    """An audited instructor decision on a student's next promotion."""

    kind: OverrideKind
    note: str = ""
    by: str = ""
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Student:
    """What the kiosk needs of a student: no email, no payment detail.

    ``rank_since`` is the instant of the last promotion (or of joining, for a first rank);
    ``classes_since_promotion`` is the backend's count as of the roster ``seq``. ``stripes`` are
    the stripes (or degrees) on the current rank; ``stripe_since`` is the instant of the last one
    (None: none yet on this rank, so the belt's ``rank_since`` stands) and
    ``classes_since_stripe`` the count since then (None: the belt's count).
    """

    id: str
    display_name: str
    program_id: str
    rank_id: str
    rank_since: datetime
    classes_since_promotion: int
    status: StudentStatus = StudentStatus.ACTIVE
    flags: frozenset[str] = frozenset()
    override: Override | None = None
    date_of_birth: date | None = None
    stripes: int = 0
    stripe_since: datetime | None = None
    classes_since_stripe: int | None = None

    @property
    def stripe_anchor(self) -> datetime:
        """Since when the next stripe's classes and days are counted."""
        return self.stripe_since if self.stripe_since is not None else self.rank_since

    @property
    def stripe_count(self) -> int:
        """The backend's count since :attr:`stripe_anchor`, as of the roster ``seq``."""
        if self.classes_since_stripe is None:
            return self.classes_since_promotion
        return self.classes_since_stripe


@dataclass(frozen=True, slots=True)
class ClassSlot:
    """A weekly class in the tenant's time zone (``weekday``: Monday is 0).

    Class rules: check-in opens ``checkin_opens_minutes`` before the start (None: the tenant's
    ``class_lead_minutes``) and closes ``checkin_closes_minutes`` after it (None: at the end); a
    check-in more than ``tardy_after_minutes`` after the start is tardy (None: never).
    ``counts`` says whether it counts toward promotion (an open mat may not); ``min_rank`` is
    the lowest rank the class is for.
    """

    id: str
    name: str
    weekday: int
    start: time
    duration_minutes: int
    program_id: str | None = None
    counts: bool = True
    min_rank: str | None = None
    checkin_opens_minutes: int | None = None
    checkin_closes_minutes: int | None = None
    tardy_after_minutes: int | None = None


@dataclass(frozen=True, slots=True)
class TenantSettings:
    time_zone: str = "UTC"
    checkin_window_minutes: int = 120
    #: A class is auto-attached from this many minutes before its start until its end.
    class_lead_minutes: int = 30
    inactive_policy: InactivePolicy = InactivePolicy.BLOCK
    #: Clock skew tolerated on a token's ``exp``.
    expiry_leeway_seconds: int = 60
    #: Roster freshness tiers for the status strip: fresh below stale, "staff needed" above max.
    roster_stale_hours: int = 24
    roster_max_age_hours: int = 72
    restricted_class_policy: RestrictedClassPolicy = RestrictedClassPolicy.WARN

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


@dataclass(frozen=True, slots=True)
class Tenant:
    id: str
    slug: str
    name: str
    primary_color: str = "#b71c1c"
    accent_color: str = "#212121"
    logo_png_b64: str = ""


@dataclass(frozen=True, slots=True)
class TenantKey:
    """One of the tenant's QR signing keys (public half only), as an OKP JWK's ``x``."""

    kid: str
    x: str
    status: str = "active"

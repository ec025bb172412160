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


#: Prerequisite flags a transition may require (platform vocabulary).
KNOWN_FLAGS = ("feesPaid", "assessmentPassed", "instructorApproval")


@dataclass(frozen=True, slots=True)
class Rank:
    id: str
    name: str
    color: str = "#ffffff"


@dataclass(frozen=True, slots=True)
class Program:
    """A ladder of ranks (kids and adults usually have different ones)."""

    id: str
    name: str
    rank_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TransitionRule:
    """Requirements to go from one rank to the next, e.g. ``white_to_yellow``."""

    attendances: int
    days_in_rank: int
    min_age_years: int | None = None
    requires: tuple[str, ...] = ()


def transition_key(from_rank: str, to_rank: str) -> str:
    return f"{from_rank}_to_{to_rank}"


def _frozen_empty() -> Mapping[str, Never]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Ranks, programs and transition rules of one tenant.

    ``rules`` apply to every program; ``program_rules[program_id]`` overrides them per transition.
    """

    ranks: Mapping[str, Rank] = field(default_factory=_frozen_empty)
    programs: Mapping[str, Program] = field(default_factory=_frozen_empty)
    rules: Mapping[str, TransitionRule] = field(default_factory=_frozen_empty)
    program_rules: Mapping[str, Mapping[str, TransitionRule]] = field(default_factory=_frozen_empty)

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

    @property
    def has_age_rules(self) -> bool:
        every_rule = list(self.rules.values()) + [
            rule for per_program in self.program_rules.values() for rule in per_program.values()
        ]
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
    ``classes_since_promotion`` is the backend's count as of the roster ``seq``.
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


@dataclass(frozen=True, slots=True)
class ClassSlot:
    """A weekly class in the tenant's time zone (``weekday``: Monday is 0)."""

    id: str
    name: str
    weekday: int
    start: time
    duration_minutes: int
    program_id: str | None = None


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

"""The roster document: parsed and validated completely before anything is stored.

The same JSON is returned by ``GET /api/kiosk/roster?since=SEQ`` and read by
``tatami-kiosk roster import FILE`` (offline provisioning). Its schema is documented in
``docs/roster.md``. A document that fails validation raises :class:`RosterError` with a message
a staff member can act on; the store never sees it, so the previous roster stays whole.

Version 2 of the document (``tatamitech.kiosk.roster/2``) added grading: stripes and degrees
per rank, stripe rules, class rules (check-in limits, tardiness, minimum rank, classes that do
not count toward promotion), and each student's stripes. A version 1 document is still read:
it has none of these, and every default keeps its old meaning.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kiosk.domain.model import (
    ClassSlot,
    InactivePolicy,
    Override,
    OverrideKind,
    Program,
    Rank,
    RestrictedClassPolicy,
    RuleBook,
    StripeKind,
    StripeScale,
    Student,
    StudentStatus,
    Tenant,
    TenantKey,
    TenantSettings,
    TransitionRule,
)
from kiosk.domain.tokens import load_public_key

SCHEMA_V1 = "tatamitech.kiosk.roster/1"
#: The version this code writes and asks backends for (``?schema=2``).
SCHEMA = "tatamitech.kiosk.roster/2"
SCHEMA_VERSION = 2
#: Every version this code reads.
SCHEMAS = (SCHEMA_V1, SCHEMA)
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
_TRANSITION = re.compile(r"^([A-Za-z0-9.:-]+(?:_[A-Za-z0-9.:-]+)*?)_to_([A-Za-z0-9_.:-]+)$")
_MAX_STUDENTS = 200_000
#: Most stripes (or degrees) a rank may take: a BJJ black belt has up to 9 degrees.
MAX_STRIPES = 10


class RosterError(ValueError):
    """The roster document is unusable; the message says where and why."""


@dataclass(frozen=True, slots=True)
class RosterUpdate:
    """A validated roster document, ready to be applied in one transaction.

    ``full`` replaces everything; otherwise ``students`` are upserts since ``since`` and
    ``removed_student_ids`` are deletions. Rules, keys, classes, settings and revoked nonces are
    always complete (they are small).
    """

    tenant: Tenant
    seq: int
    since: int
    full: bool
    generated_at: datetime | None
    settings: TenantSettings
    rules: RuleBook
    keys: tuple[TenantKey, ...]
    revoked_nonces: frozenset[str]
    classes: tuple[ClassSlot, ...]
    students: tuple[Student, ...]
    removed_student_ids: tuple[str, ...] = field(default_factory=tuple)
    #: The validated small parts as JSON (tenant, settings, ranks, programs, rules), which the
    #: store keeps verbatim and reads back with :func:`parse_parts`.
    parts: Mapping[str, Any] = field(default_factory=dict)


PART_NAMES = ("tenant", "settings", "ranks", "programs", "rules", "stripeRules")


@dataclass(frozen=True, slots=True)
class RosterParts:
    tenant: Tenant
    settings: TenantSettings
    rules: RuleBook


def parse_parts(parts: Mapping[str, Any]) -> RosterParts:
    """Rebuild tenant, settings and rules from the parts a store kept."""
    return RosterParts(
        tenant=_parse_tenant(parts.get("tenant")),
        settings=_parse_settings(parts.get("settings", {})),
        rules=_parse_rulebook(parts),
    )


def _where(path: str, message: str) -> RosterError:
    return RosterError(f"roster {path}: {message}")


def _obj(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _where(path, "must be an object")
    return value


def _list(value: Any, path: str) -> Sequence[Any]:
    if not isinstance(value, list):
        raise _where(path, "must be a list")
    return value


def _str(value: Any, path: str, *, pattern: re.Pattern[str] | None = None, limit: int = 200) -> str:
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _where(path, f"must be a non-empty text of at most {limit} characters")
    if pattern is not None and not pattern.match(value):
        raise _where(path, "has characters that are not allowed")
    return value


def _int(value: Any, path: str, *, minimum: int = 0, maximum: int = 10**12) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not minimum <= value <= maximum:
        raise _where(path, f"must be a whole number between {minimum} and {maximum}")
    return value


def _uuid(value: Any, path: str) -> str:
    text = _str(value, path, limit=36)
    try:
        return str(uuid.UUID(text))
    except ValueError:
        raise _where(path, "must be a UUID") from None


def _instant(value: Any, path: str) -> datetime:
    text = _str(value, path, limit=40)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _where(path, "must be an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise _where(path, "must carry a UTC offset (e.g. 2026-03-01T17:00:00Z)")
    return parsed


def _date(value: Any, path: str) -> date:
    try:
        return date.fromisoformat(_str(value, path, limit=10))
    except ValueError:
        raise _where(path, "must be a date YYYY-MM-DD") from None


def _color(value: Any, path: str, default: str) -> str:
    if value is None:
        return default
    return _str(value, path, pattern=_COLOR, limit=7)


def _parse_tenant(raw: Any) -> Tenant:
    tenant = _obj(raw, "tenant")
    branding = _obj(tenant.get("branding", {}), "tenant.branding")
    logo = branding.get("logoPngBase64", "")
    if not isinstance(logo, str) or len(logo) > 400_000:
        raise _where("tenant.branding.logoPngBase64", "must be base64 text under 300 KB")
    return Tenant(
        id=_uuid(tenant.get("id"), "tenant.id"),
        slug=_str(tenant.get("slug"), "tenant.slug", pattern=_ID),
        name=_str(tenant.get("name"), "tenant.name"),
        primary_color=_color(branding.get("primaryColor"), "branding.primaryColor", "#b71c1c"),
        accent_color=_color(branding.get("accentColor"), "branding.accentColor", "#212121"),
        logo_png_b64=logo,
    )


def _parse_settings(raw: Any) -> TenantSettings:
    settings = _obj(raw, "settings")
    zone_name = _str(settings.get("timeZone", "UTC"), "settings.timeZone", limit=64)
    try:
        ZoneInfo(zone_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise _where("settings.timeZone", f"unknown time zone {zone_name!r}") from None
    policy = settings.get("inactivePolicy", InactivePolicy.BLOCK.value)
    if policy not in {p.value for p in InactivePolicy}:
        raise _where("settings.inactivePolicy", "must be 'block' or 'allow'")
    restricted = settings.get("restrictedClassPolicy", RestrictedClassPolicy.WARN.value)
    if restricted not in {p.value for p in RestrictedClassPolicy}:
        raise _where("settings.restrictedClassPolicy", "must be 'allow', 'warn' or 'block'")
    defaults = TenantSettings()
    return TenantSettings(
        time_zone=zone_name,
        checkin_window_minutes=_int(
            settings.get("checkinWindowMinutes", defaults.checkin_window_minutes),
            "settings.checkinWindowMinutes",
            minimum=1,
            maximum=24 * 60,
        ),
        class_lead_minutes=_int(
            settings.get("classLeadMinutes", defaults.class_lead_minutes),
            "settings.classLeadMinutes",
            maximum=6 * 60,
        ),
        inactive_policy=InactivePolicy(policy),
        expiry_leeway_seconds=_int(
            settings.get("expiryLeewaySeconds", defaults.expiry_leeway_seconds),
            "settings.expiryLeewaySeconds",
            maximum=600,
        ),
        roster_stale_hours=_int(
            settings.get("rosterStaleHours", defaults.roster_stale_hours),
            "settings.rosterStaleHours",
            minimum=1,
        ),
        roster_max_age_hours=_int(
            settings.get("rosterMaxAgeHours", defaults.roster_max_age_hours),
            "settings.rosterMaxAgeHours",
            minimum=1,
        ),
        restricted_class_policy=RestrictedClassPolicy(restricted),
    )


def _parse_rule(raw: Any, path: str) -> TransitionRule:
    rule = _obj(raw, path)
    requires = _list(rule.get("requires", []), f"{path}.requires")
    min_age = rule.get("minAge")
    min_stripes = rule.get("minStripes")
    return TransitionRule(
        attendances=_int(rule.get("attendances"), f"{path}.attendances", maximum=10_000),
        days_in_rank=_int(rule.get("daysInRank"), f"{path}.daysInRank", maximum=100_000),
        min_age_years=None if min_age is None else _int(min_age, f"{path}.minAge", maximum=120),
        requires=tuple(_str(flag, f"{path}.requires[]", pattern=_ID) for flag in requires),
        min_stripes=(
            None
            if min_stripes is None
            else _int(min_stripes, f"{path}.minStripes", maximum=MAX_STRIPES)
        ),
    )


def _parse_rules(raw_rules: Any, path: str) -> dict[str, TransitionRule]:
    rules = _obj(raw_rules, path)
    parsed: dict[str, TransitionRule] = {}
    for key, value in rules.items():
        if not isinstance(key, str) or not _TRANSITION.match(key):
            raise _where(f"{path}.{key}", "must be named like 'white_to_yellow'")
        parsed[key] = _parse_rule(value, f"{path}.{key}")
    return parsed


def _parse_stripe_rules(
    raw_rules: Any, path: str, ranks: Mapping[str, Rank]
) -> dict[str, TransitionRule]:
    """Stripe rules keyed by the rank the stripes go on (same shape as belt rules)."""
    rules = _obj(raw_rules, path)
    parsed: dict[str, TransitionRule] = {}
    for key, value in rules.items():
        if not isinstance(key, str) or key not in ranks:
            raise _where(f"{path}.{key}", "must be named by a rank id")
        parsed[key] = _parse_rule(value, f"{path}.{key}")
    return parsed


def _parse_stripes(raw: Any, path: str, rank_ids: tuple[str, ...]) -> Mapping[str, StripeScale]:
    scales: dict[str, StripeScale] = {}
    for rank_id, value in _obj(raw, path).items():
        if rank_id not in rank_ids:
            raise _where(f"{path}.{rank_id}", "is not a rank of this program")
        scale = _obj(value, f"{path}.{rank_id}")
        kind = scale.get("kind", StripeKind.STRIPE.value)
        if kind not in {k.value for k in StripeKind}:
            raise _where(f"{path}.{rank_id}.kind", "must be 'stripe' or 'degree'")
        scales[rank_id] = StripeScale(
            count=_int(scale.get("count"), f"{path}.{rank_id}.count", maximum=MAX_STRIPES),
            kind=StripeKind(kind),
        )
    return MappingProxyType(scales)


def _parse_rulebook(doc: Mapping[str, Any]) -> RuleBook:
    ranks: dict[str, Rank] = {}
    for i, raw in enumerate(_list(doc.get("ranks", []), "ranks")):
        rank = _obj(raw, f"ranks[{i}]")
        rank_id = _str(rank.get("id"), f"ranks[{i}].id", pattern=_ID)
        ranks[rank_id] = Rank(
            id=rank_id,
            name=_str(rank.get("name"), f"ranks[{i}].name"),
            color=_color(rank.get("color"), f"ranks[{i}].color", "#ffffff"),
        )
    programs: dict[str, Program] = {}
    program_rules: dict[str, Mapping[str, TransitionRule]] = {}
    program_stripe_rules: dict[str, Mapping[str, TransitionRule]] = {}
    for i, raw in enumerate(_list(doc.get("programs", []), "programs")):
        program = _obj(raw, f"programs[{i}]")
        program_id = _str(program.get("id"), f"programs[{i}].id", pattern=_ID)
        rank_ids = tuple(
            _str(r, f"programs[{i}].ranks[]", pattern=_ID)
            for r in _list(program.get("ranks"), f"programs[{i}].ranks")
        )
        unknown = [r for r in rank_ids if r not in ranks]
        if unknown:
            raise _where(f"programs[{i}].ranks", f"unknown rank ids {unknown[:3]}")
        if len(set(rank_ids)) != len(rank_ids):
            raise _where(f"programs[{i}].ranks", "lists a rank twice")
        programs[program_id] = Program(
            program_id,
            _str(program.get("name"), f"programs[{i}].name"),
            rank_ids,
            stripes=_parse_stripes(program.get("stripes", {}), f"programs[{i}].stripes", rank_ids),
        )
        if "rules" in program:
            program_rules[program_id] = MappingProxyType(
                _parse_rules(program["rules"], f"programs[{i}].rules")
            )
        if "stripeRules" in program:
            program_stripe_rules[program_id] = MappingProxyType(
                _parse_stripe_rules(program["stripeRules"], f"programs[{i}].stripeRules", ranks)
            )
    return RuleBook(
        ranks=MappingProxyType(ranks),
        programs=MappingProxyType(programs),
        rules=MappingProxyType(_parse_rules(doc.get("rules", {}), "rules")),
        program_rules=MappingProxyType(program_rules),
        stripe_rules=MappingProxyType(
            _parse_stripe_rules(doc.get("stripeRules", {}), "stripeRules", ranks)
        ),
        program_stripe_rules=MappingProxyType(program_stripe_rules),
    )


def _parse_keys(raw: Any) -> tuple[TenantKey, ...]:
    keys: list[TenantKey] = []
    for i, item in enumerate(_list(raw, "keys")):
        key = _obj(item, f"keys[{i}]")
        if key.get("kty", "OKP") != "OKP" or key.get("crv", "Ed25519") != "Ed25519":
            raise _where(f"keys[{i}]", "only Ed25519 (OKP) keys are accepted")
        kid = _str(key.get("kid"), f"keys[{i}].kid", limit=128)
        x = _str(key.get("x"), f"keys[{i}].x", limit=64)
        try:
            load_public_key(x)
        except ValueError:
            raise _where(f"keys[{i}].x", "is not an Ed25519 public key") from None
        keys.append(TenantKey(kid=kid, x=x, status=str(key.get("status", "active"))))
    if len({k.kid for k in keys}) != len(keys):
        raise _where("keys", "two keys share a kid")
    return tuple(keys)


def _opt_minutes(value: Any, path: str) -> int | None:
    return None if value is None else _int(value, path, maximum=24 * 60)


def _parse_classes(raw: Any, rules: RuleBook) -> tuple[ClassSlot, ...]:
    programs = rules.programs
    classes: list[ClassSlot] = []
    for i, item in enumerate(_list(raw, "classes")):
        cls = _obj(item, f"classes[{i}]")
        start_text = _str(cls.get("start"), f"classes[{i}].start", limit=8)
        try:
            start = time.fromisoformat(start_text)
        except ValueError:
            raise _where(f"classes[{i}].start", "must be a local time HH:MM") from None
        program_id = cls.get("program")
        if program_id is not None and program_id not in programs:
            raise _where(f"classes[{i}].program", f"unknown program {program_id!r}")
        min_rank = cls.get("minRank")
        if min_rank is not None:
            _str(min_rank, f"classes[{i}].minRank", pattern=_ID)
            ladder = programs[program_id].rank_ids if program_id is not None else rules.ranks
            if min_rank not in ladder:
                raise _where(f"classes[{i}].minRank", f"{min_rank!r} is not a rank of the class")
        counts = cls.get("countsTowardPromotion", True)
        if not isinstance(counts, bool):
            raise _where(f"classes[{i}].countsTowardPromotion", "must be true or false")
        classes.append(
            ClassSlot(
                id=_str(cls.get("id"), f"classes[{i}].id", limit=64),
                name=_str(cls.get("name"), f"classes[{i}].name"),
                weekday=_int(cls.get("weekday"), f"classes[{i}].weekday", maximum=6),
                start=start,
                duration_minutes=_int(
                    cls.get("durationMinutes"),
                    f"classes[{i}].durationMinutes",
                    minimum=1,
                    maximum=24 * 60,
                ),
                program_id=program_id,
                counts=counts,
                min_rank=min_rank,
                checkin_opens_minutes=_opt_minutes(
                    cls.get("checkinOpensMinutes"), f"classes[{i}].checkinOpensMinutes"
                ),
                checkin_closes_minutes=_opt_minutes(
                    cls.get("checkinClosesMinutes"), f"classes[{i}].checkinClosesMinutes"
                ),
                tardy_after_minutes=_opt_minutes(
                    cls.get("tardyAfterMinutes"), f"classes[{i}].tardyAfterMinutes"
                ),
            )
        )
    return tuple(classes)


def _parse_override(raw: Any, path: str) -> Override | None:
    if raw is None:
        return None
    override = _obj(raw, path)
    kind = override.get("type")
    if kind not in {k.value for k in OverrideKind}:
        raise _where(f"{path}.type", "must be 'eligible' or 'defer'")
    at = override.get("at")
    note = override.get("note", "")
    return Override(
        kind=OverrideKind(kind),
        note=note if isinstance(note, str) else "",
        by=str(override.get("by", ""))[:100],
        at=_instant(at, f"{path}.at") if at is not None else None,
    )


def _parse_student(raw: Any, path: str, rules: RuleBook) -> Student:
    student = _obj(raw, path)
    program_id = _str(student.get("program"), f"{path}.program", pattern=_ID)
    rank_id = _str(student.get("rank"), f"{path}.rank", pattern=_ID)
    program = rules.programs.get(program_id)
    if program is None:
        raise _where(f"{path}.program", f"unknown program {program_id!r}")
    if rank_id not in program.rank_ids:
        raise _where(f"{path}.rank", f"{rank_id!r} is not a rank of program {program_id!r}")
    status = student.get("status", StudentStatus.ACTIVE.value)
    if status not in {s.value for s in StudentStatus}:
        raise _where(f"{path}.status", "must be active, suspended, frozen or inactive")
    flags = _obj(student.get("flags", {}), f"{path}.flags")
    born = student.get("dateOfBirth")
    stripes = _int(student.get("stripes", 0), f"{path}.stripes", maximum=MAX_STRIPES)
    scale = rules.stripe_scale(program_id, rank_id)
    if stripes > (scale.count if scale else 0):
        raise _where(f"{path}.stripes", f"{rank_id!r} takes {scale.count if scale else 0} at most")
    stripe_since = student.get("stripeSince")
    since_stripe = student.get("classesSinceStripe")
    return Student(
        id=_uuid(student.get("id"), f"{path}.id"),
        display_name=_str(student.get("displayName"), f"{path}.displayName", limit=120),
        program_id=program_id,
        rank_id=rank_id,
        rank_since=_instant(student.get("rankSince"), f"{path}.rankSince"),
        classes_since_promotion=_int(
            student.get("classesSincePromotion", 0), f"{path}.classesSincePromotion"
        ),
        status=StudentStatus(status),
        flags=frozenset(name for name, value in flags.items() if value is True),
        override=_parse_override(student.get("override"), f"{path}.override"),
        date_of_birth=_date(born, f"{path}.dateOfBirth") if born is not None else None,
        stripes=stripes,
        stripe_since=(
            _instant(stripe_since, f"{path}.stripeSince") if stripe_since is not None else None
        ),
        classes_since_stripe=(
            _int(since_stripe, f"{path}.classesSinceStripe") if since_stripe is not None else None
        ),
    )


def parse_roster(doc: Any, *, expected_tenant_id: str | None = None) -> RosterUpdate:
    """Validate a roster document completely and build its values.

    ``expected_tenant_id`` pins the kiosk's tenant: a roster of another academy is refused.
    """
    root = _obj(doc, "document")
    if root.get("schema") not in SCHEMAS:
        newer = str(root.get("schema", "")).startswith(SCHEMA_V1[:-1])
        if newer:
            raise RosterError(
                f"roster version {str(root.get('schema'))[-8:]!r} is newer than this kiosk reads "
                "(update TatamiTech Kiosk)"
            )
        raise RosterError(f"not a TatamiTech roster (expected schema {SCHEMA!r})")
    tenant = _parse_tenant(root.get("tenant"))
    if expected_tenant_id is not None and tenant.id != expected_tenant_id.lower():
        raise RosterError(
            f"this roster belongs to academy {tenant.slug!r}, not to the one this kiosk serves"
        )
    seq = _int(root.get("seq"), "seq")
    since = _int(root.get("since", 0), "since")
    full = root.get("full", since == 0)
    if not isinstance(full, bool):
        raise _where("full", "must be true or false")
    if since > seq:
        raise _where("since", "is after seq")
    generated = root.get("generatedAt")
    rules = _parse_rulebook(root)
    raw_students = _list(root.get("students", []), "students")
    if len(raw_students) > _MAX_STUDENTS:
        raise _where("students", f"more than {_MAX_STUDENTS} entries")
    students = tuple(
        _parse_student(raw, f"students[{i}]", rules) for i, raw in enumerate(raw_students)
    )
    if len({s.id for s in students}) != len(students):
        raise _where("students", "the same student id appears twice")
    revoked = _list(root.get("revokedNonces", []), "revokedNonces")
    removed = _list(root.get("removedStudentIds", []), "removedStudentIds")
    return RosterUpdate(
        tenant=tenant,
        seq=seq,
        since=since,
        full=full,
        generated_at=_instant(generated, "generatedAt") if generated is not None else None,
        settings=_parse_settings(root.get("settings", {})),
        rules=rules,
        keys=_parse_keys(root.get("keys", [])),
        revoked_nonces=frozenset(_str(n, "revokedNonces[]", limit=128) for n in revoked),
        classes=_parse_classes(root.get("classes", []), rules),
        students=students,
        removed_student_ids=tuple(_uuid(s, "removedStudentIds[]") for s in removed),
        parts={name: root.get(name) for name in PART_NAMES if name in root},
    )

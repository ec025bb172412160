"""Deterministic demo and test data: Golden Tiger, Iron Crane, and synthetic bulk students.

Everything is derived from fixed UUIDs (``uuid5``) and a seeded ``random.Random``, relative to
the seeding clock's ``now``: the same ``now`` gives the same database, byte for byte. Tests may
rely on these facts (see also ``docs/server.md``):

* tenants ``golden-tiger`` (Golden Tiger, Europe/Madrid) and ``iron-crane`` (Iron Crane,
  America/New_York), ids :func:`tenant_id_for`;
* users ``admin@<slug>.test``, ``instructor@<slug>.test``, ``assistant@<slug>.test``,
  ``student@<slug>.test`` (the ``eligible`` student) and ``student2@<slug>.test`` (``close``),
  password ``TATAMI_SEED_PASSWORD`` or :data:`~kiosk.server.config.DEFAULT_SEED_PASSWORD`;
* 40 students per academy; the first ones have fixed roles, named in :data:`LABELS` and found
  with :func:`student_id_for` (e.g. ``student_id_for("golden-tiger", "eligible")``);
* no seeded attendance in the last 24 hours, so a scan "now" is never a duplicate;
* active cards for ``eligible``, ``close``, ``card_holder`` and ``eligible_adult``; one revoked
  card for ``revoked_card``. :attr:`TenantSeed.cards` holds their tokens.
"""

from __future__ import annotations

import base64
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.domain.tokens import TokenForm
from kiosk.server import schema
from kiosk.server.config import DEFAULT_SEED_PASSWORD, AppEnv
from kiosk.server.db import Database, SeqAllocator
from kiosk.server.keys import create_key
from kiosk.server.qr import card_token, issue_card_row
from kiosk.server.security import hash_password

SEED_NAMESPACE = uuid.UUID("5c0f3e52-7d0a-4a59-9a3e-7a7a7a1e2001")
GOLDEN_TIGER = "golden-tiger"
IRON_CRANE = "iron-crane"
STUDENTS_PER_TENANT = 40

#: Students with a fixed role in each seeded academy: label → index.
LABELS: Mapping[str, int] = {
    "eligible": 0,  # kids white, 20 classes / 90 days: eligible for yellow (16 / 60)
    "close": 1,  # kids white, 14 classes / 75 days: "2 more classes"
    "close_days": 2,  # kids yellow, enough classes, 60 days: short of days only
    "suspended": 3,
    "frozen": 4,
    "override_eligible": 5,  # adults white, 10 classes / 40 days, marked eligible anyway
    "override_defer": 6,  # meets the counts, deferred by an instructor
    "age_rule": 7,  # kids yellow, meets the counts, 6 years old: the kids rule says 7 (8 at IC)
    "card_holder": 8,  # adults, holds an active printed card
    "revoked_card": 9,  # holds only a revoked card
    "eligible_adult": 10,  # adults white with every flag: eligible for the next belt
    "missing_flags": 11,  # meets the counts, assessment not passed
    "inactive": 12,
}
CARD_LABELS = ("eligible", "close", "card_holder", "eligible_adult")


class SeedRefused(RuntimeError):
    """Seeding was asked for in production."""


def seed_uuid(*parts: str) -> str:
    return str(uuid.uuid5(SEED_NAMESPACE, ":".join(parts)))


def tenant_id_for(slug: str) -> str:
    return seed_uuid("tenant", slug)


def student_id_for(slug: str, which: str | int) -> str:
    """A seeded student's id, by label (:data:`LABELS`) or index (0–39)."""
    index = LABELS[which] if isinstance(which, str) else which
    return seed_uuid("student", slug, str(index))


def user_id_for(slug: str, email: str) -> str:
    return seed_uuid("user", slug, email)


@dataclass(frozen=True, slots=True)
class TenantSeed:
    id: str
    slug: str
    name: str
    time_zone: str
    users: Mapping[str, str]  # email → user id
    students: Mapping[str, str]  # label → student id
    student_ids: tuple[str, ...]
    cards: Mapping[str, str]  # student id → active card token
    revoked_card: str  # token of the revoked card (student ``revoked_card``)


@dataclass(frozen=True, slots=True)
class SeedSummary:
    created: bool  # False when the academies were already there
    password: str
    tenants: Mapping[str, TenantSeed] = field(default_factory=dict)


# --- the academies -----------------------------------------------------------------------

RANKS = [
    {"id": "white", "name": "White", "color": "#f5f5f5"},
    {"id": "yellow", "name": "Yellow", "color": "#fdd835"},
    {"id": "orange", "name": "Orange", "color": "#fb8c00"},
    {"id": "green", "name": "Green", "color": "#43a047"},
    {"id": "blue", "name": "Blue", "color": "#1e88e5"},
    {"id": "purple", "name": "Purple", "color": "#8e24aa"},
    {"id": "brown", "name": "Brown", "color": "#6d4c41"},
    {"id": "black", "name": "Black", "color": "#212121"},
]


@dataclass(frozen=True, slots=True)
class _Academy:
    slug: str
    name: str
    time_zone: str
    primary: str
    accent: str
    window: int
    rulebook: dict[str, Any]
    classes: Sequence[
        tuple[str, str, str | None, int, str, int]
    ]  # id, name, program, wd, start, min
    #: Form of new printed cards: Golden Tiger has the default (compact), Iron Crane keeps JWS
    #: cards, so that the demo and the tests see one academy of each.
    card_form: str = "compact"


_ACADEMIES = (
    _Academy(
        GOLDEN_TIGER,
        "Golden Tiger",
        "Europe/Madrid",
        "#b71c1c",
        "#212121",
        120,
        {
            "ranks": RANKS,
            "programs": [
                {
                    "id": "kids",
                    "name": "Kids Judo",
                    "ranks": ["white", "yellow", "orange", "green"],
                    "rules": {
                        "yellow_to_orange": {"attendances": 24, "daysInRank": 90, "minAge": 7}
                    },
                },
                {
                    "id": "adults",
                    "name": "Adults BJJ",
                    "ranks": ["white", "blue", "purple", "brown", "black"],
                },
            ],
            "rules": {
                "white_to_yellow": {"attendances": 16, "daysInRank": 60},
                "yellow_to_orange": {"attendances": 24, "daysInRank": 90},
                "orange_to_green": {
                    "attendances": 32,
                    "daysInRank": 120,
                    "requires": ["feesPaid", "assessmentPassed"],
                },
                "white_to_blue": {
                    "attendances": 60,
                    "daysInRank": 365,
                    "requires": ["feesPaid", "assessmentPassed", "instructorApproval"],
                },
                "blue_to_purple": {
                    "attendances": 80,
                    "daysInRank": 540,
                    "requires": ["feesPaid", "instructorApproval"],
                },
                "purple_to_brown": {
                    "attendances": 100,
                    "daysInRank": 540,
                    "requires": ["instructorApproval"],
                },
                "brown_to_black": {
                    "attendances": 120,
                    "daysInRank": 365,
                    "requires": ["assessmentPassed", "instructorApproval"],
                },
            },
        },
        (
            ("c-mon-1700", "Kids Judo", "kids", 0, "17:00", 60),
            ("c-mon-1900", "Adults BJJ", "adults", 0, "19:00", 90),
            ("c-tue-1900", "Adults BJJ (no gi)", "adults", 1, "19:00", 90),
            ("c-wed-1700", "Kids Judo", "kids", 2, "17:00", 60),
            ("c-wed-1900", "Adults BJJ", "adults", 2, "19:00", 90),
            ("c-thu-1900", "Adults BJJ", "adults", 3, "19:00", 90),
            ("c-fri-1730", "Kids Judo", "kids", 4, "17:30", 60),
            ("c-sat-1000", "Open mat", None, 5, "10:00", 120),
        ),
    ),
    _Academy(
        IRON_CRANE,
        "Iron Crane",
        "America/New_York",
        "#1565c0",
        "#eceff1",
        90,
        {
            "ranks": [r for r in RANKS if r["id"] != "purple"],
            "programs": [
                {
                    "id": "kids",
                    "name": "Kids Karate",
                    "ranks": ["white", "yellow", "orange", "green", "blue"],
                    "rules": {
                        "yellow_to_orange": {"attendances": 20, "daysInRank": 75, "minAge": 8}
                    },
                },
                {
                    "id": "adults",
                    "name": "Adult Karate",
                    "ranks": ["white", "yellow", "orange", "green", "blue", "brown", "black"],
                },
            ],
            "rules": {
                "white_to_yellow": {"attendances": 16, "daysInRank": 60},
                "yellow_to_orange": {"attendances": 20, "daysInRank": 75},
                "orange_to_green": {
                    "attendances": 28,
                    "daysInRank": 90,
                    "requires": ["feesPaid", "assessmentPassed"],
                },
                "green_to_blue": {
                    "attendances": 36,
                    "daysInRank": 120,
                    "requires": ["feesPaid", "assessmentPassed"],
                },
                "blue_to_brown": {
                    "attendances": 60,
                    "daysInRank": 240,
                    "requires": ["feesPaid", "assessmentPassed", "instructorApproval"],
                },
                "brown_to_black": {
                    "attendances": 100,
                    "daysInRank": 365,
                    "requires": ["assessmentPassed", "instructorApproval"],
                },
            },
        },
        (
            ("k-tue-1630", "Kids Karate", "kids", 1, "16:30", 45),
            ("k-thu-1630", "Kids Karate", "kids", 3, "16:30", 45),
            ("k-mon-1830", "Adult Karate", "adults", 0, "18:30", 75),
            ("k-wed-1830", "Adult Karate", "adults", 2, "18:30", 75),
            ("k-fri-1830", "Adult Karate", "adults", 4, "18:30", 75),
            ("k-sun-1100", "Family class", None, 6, "11:00", 90),
        ),
        card_form="jws",
    ),
)

_FIRST = [
    "Ana",
    "Luis",
    "Marta",
    "Jorge",
    "Lucía",
    "Pablo",
    "Sofía",
    "Diego",
    "Elena",
    "Iker",
    "Noa",
    "Hugo",
    "Carmen",
    "Mateo",
    "Julia",
    "Leo",
    "Aisha",
    "Kenji",
    "Zoë",
    "Omar",
    "Maya",
    "Ethan",
    "Chloé",
    "Ravi",
    "Ingrid",
    "Tomás",
    "Amara",
    "Felix",
    "Yuki",
    "Nora",
]
_LAST = [
    "Soler",
    "García",
    "Moreno",
    "Navarro",
    "Ruiz",
    "Iglesias",
    "Ortega",
    "Delgado",
    "Castro",
    "Vidal",
    "Okafor",
    "Tanaka",
    "Schmidt",
    "Dubois",
    "Kowalski",
    "Haddad",
    "Lindqvist",
    "Rossi",
    "Murphy",
    "Nakamura",
    "Silva",
    "Novak",
    "Fernández",
    "Patel",
]


@dataclass(frozen=True, slots=True)
class _StudentPlan:
    index: int
    program: str
    rank: str
    days_in_rank: int
    classes: int
    status: str = "active"
    flags: tuple[str, ...] = ("feesPaid",)
    override: str | None = None
    age: int | None = None


def _plans(academy: _Academy, rng: random.Random) -> list[_StudentPlan]:
    kids_mid = "yellow"
    adults_first = "blue" if academy.slug == GOLDEN_TIGER else "yellow"
    all_flags = ("feesPaid", "assessmentPassed", "instructorApproval")
    fixed = [
        _StudentPlan(0, "kids", "white", 90, 20, age=9),
        _StudentPlan(1, "kids", "white", 75, 14, age=10),
        _StudentPlan(2, "kids", kids_mid, 60, 30, age=11),
        _StudentPlan(3, "adults", adults_first, 200, 25, status="suspended", age=34),
        _StudentPlan(4, "adults", "white", 120, 10, status="frozen", age=41),
        _StudentPlan(5, "adults", "white", 40, 10, override="eligible", age=29),
        _StudentPlan(6, "kids", "white", 120, 30, override="defer", age=8),
        _StudentPlan(7, "kids", kids_mid, 120, 30, age=6),
        _StudentPlan(8, "adults", adults_first, 150, 40, age=31),
        _StudentPlan(9, "adults", "white", 40, 8, age=27),
        _StudentPlan(10, "adults", "white", 400, 70, flags=all_flags, age=38),
        _StudentPlan(11, "kids", "orange", 150, 40, age=12),
        _StudentPlan(12, "adults", "white", 300, 5, status="inactive", age=45),
    ]
    plans = list(fixed)
    for index in range(len(fixed), STUDENTS_PER_TENANT):
        kids = rng.random() < 0.4
        program = next(
            p for p in academy.rulebook["programs"] if p["id"] == ("kids" if kids else "adults")
        )
        ladder = program["ranks"]
        weights = [max(1, len(ladder) - i) ** 2 for i in range(len(ladder))]
        rank = rng.choices(ladder, weights=weights)[0]
        days = rng.randint(10, 500)
        per_week = rng.uniform(0.8, 3.2)
        classes = min(int(days / 7 * per_week), 150)
        flags = tuple(f for f in all_flags if rng.random() < (0.85 if f == "feesPaid" else 0.3))
        status = "suspended" if rng.random() < 0.05 else "active"
        age = rng.randint(5, 14) if kids else rng.randint(16, 58)
        plans.append(
            _StudentPlan(index, program["id"], rank, days, classes, status, flags, age=age)
        )
    return plans


def _sessions(
    academy: _Academy, program: str, start: datetime, end: datetime
) -> list[tuple[datetime, str, str]]:
    """Class sessions of a program (or open to all) between two instants: (start, class, sid)."""
    zone = ZoneInfo(academy.time_zone)
    out: list[tuple[datetime, str, str]] = []
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    while day <= last:
        for class_id, _name, class_program, weekday, hhmm, _minutes in academy.classes:
            if weekday != day.weekday() or class_program not in (None, program):
                continue
            begins = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=zone)
            if start < begins < end:
                out.append((begins.astimezone(UTC), class_id, f"{class_id}@{day.isoformat()}"))
        day += timedelta(days=1)
    return out


def _birth_date(today: date, age: int, rng: random.Random) -> date:
    # The last birthday was 1–300 days ago: exactly ``age`` completed years (the age rule).
    anniversary = date(today.year - age, today.month, min(today.day, 28))
    return anniversary - timedelta(days=rng.randint(1, 300))


def _seed_academy(conn: Connection, academy: _Academy, now: datetime, password: str) -> None:
    rng = random.Random(f"tatami-seed:{academy.slug}")
    tenant_id = tenant_id_for(academy.slug)
    zone = ZoneInfo(academy.time_zone)
    conn.execute(
        sa.insert(schema.tenants).values(
            id=tenant_id,
            slug=academy.slug,
            name=academy.name,
            time_zone=academy.time_zone,
            checkin_window_minutes=academy.window,
            class_lead_minutes=30,
            inactive_policy="block",
            expiry_leeway_seconds=60,
            roster_stale_hours=24,
            roster_max_age_hours=72,
            primary_color=academy.primary,
            accent_color=academy.accent,
            logo_png_b64="",
            rulebook=academy.rulebook,
            card_token_form=academy.card_form,
            seq=0,
            created_at=now,
        )
    )
    conn.execute(
        sa.insert(schema.classes),
        [
            {
                "tenant_id": tenant_id,
                "id": cid,
                "name": name,
                "program_id": program,
                "weekday": weekday,
                "start_time": start,
                "duration_minutes": minutes,
            }
            for cid, name, program, weekday, start, minutes in academy.classes
        ],
    )
    create_key(conn, tenant_id, academy.slug, now - timedelta(days=180), rng)

    seqs = SeqAllocator(conn, tenant_id)
    today = now.astimezone(zone).date()
    history_end = now - timedelta(days=1)
    instructor = user_id_for(academy.slug, f"instructor@{academy.slug}.test")
    plans = _plans(academy, rng)
    student_rows: list[dict[str, Any]] = []
    attendance_rows: list[dict[str, Any]] = []
    promotion_rows: list[dict[str, Any]] = []
    for plan in plans:
        student_id = student_id_for(academy.slug, plan.index)
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        # A grading is at noon, local time.
        graded_day = today - timedelta(days=plan.days_in_rank)
        rank_since = datetime.combine(graded_day, time(12, 0), tzinfo=zone).astimezone(UTC)
        student_seq = seqs.next()
        program = next(p for p in academy.rulebook["programs"] if p["id"] == plan.program)
        position = program["ranks"].index(plan.rank)
        if position > 0:
            promotion_seq = seqs.next()
            promotion_rows.append(
                {
                    "id": seed_uuid("promotion", academy.slug, str(plan.index)),
                    "tenant_id": tenant_id,
                    "student_id": student_id,
                    "from_rank": program["ranks"][position - 1],
                    "to_rank": plan.rank,
                    "promoted_at": rank_since,
                    "actor_id": instructor,
                    "notes": "Grading",
                    "classes_attended": plan.classes + rng.randint(0, 8),
                    "was_eligible": True,
                    "seq": promotion_seq,
                }
            )
            student_seq = promotion_seq
        before = _sessions(academy, plan.program, rank_since - timedelta(days=45), rank_since)
        after = _sessions(academy, plan.program, rank_since, history_end)
        chosen = sorted(rng.sample(after, min(plan.classes, len(after))))
        earlier = sorted(rng.sample(before, min(len(before), rng.randint(0, 6))))
        for begins, class_id, session_id in earlier + chosen:
            seq = seqs.next()
            attendance_rows.append(
                {
                    "id": seed_uuid("attendance", academy.slug, str(plan.index), session_id),
                    "tenant_id": tenant_id,
                    "student_id": student_id,
                    "class_id": class_id,
                    "session_id": session_id,
                    "scanned_at": begins - timedelta(minutes=rng.randint(2, 15)),
                    "source": "import",
                    "kind": None,
                    "created_by": None,
                    "kiosk_id": None,
                    "scan_id": None,
                    "flag": None,
                    "seq": seq,
                    "created_at": now,
                }
            )
            student_seq = seq
        flags = set(plan.flags)
        override_at = now - timedelta(days=3)
        student_rows.append(
            {
                "id": student_id,
                "tenant_id": tenant_id,
                "display_name": f"{first} {last[0]}.",
                "full_name": f"{first} {last}",
                "email": None,
                "program_id": plan.program,
                "rank_id": plan.rank,
                "rank_since": rank_since,
                "classes_since_promotion": len(chosen),
                "status": plan.status,
                "fees_paid": "feesPaid" in flags,
                "assessment_passed": "assessmentPassed" in flags,
                "instructor_approval": "instructorApproval" in flags,
                "override_type": plan.override,
                "override_note": {
                    "eligible": "Competition results",
                    "defer": "Technique not ready yet",
                }.get(plan.override or ""),
                "override_by": instructor if plan.override else None,
                "override_at": override_at if plan.override else None,
                "date_of_birth": _birth_date(today, plan.age, rng) if plan.age else None,
                "seq": student_seq,
                "deleted_at": None,
                "created_at": rank_since,
            }
        )
    conn.execute(sa.insert(schema.students), student_rows)
    conn.execute(sa.insert(schema.attendance), attendance_rows)
    conn.execute(sa.insert(schema.promotions), promotion_rows)

    users = [
        ("admin", f"admin@{academy.slug}.test", f"{academy.name} Admin", None),
        ("instructor", f"instructor@{academy.slug}.test", f"{academy.name} Instructor", None),
        ("assistant", f"assistant@{academy.slug}.test", f"{academy.name} Reception", None),
        (
            "student",
            f"student@{academy.slug}.test",
            student_rows[0]["full_name"],
            student_rows[0]["id"],
        ),
        (
            "student",
            f"student2@{academy.slug}.test",
            student_rows[1]["full_name"],
            student_rows[1]["id"],
        ),
    ]
    conn.execute(
        sa.insert(schema.users),
        [
            {
                "id": user_id_for(academy.slug, email),
                "tenant_id": tenant_id,
                "email": email,
                "name": name,
                "role": role,
                "password_hash": hash_password(password, salt=rng.randbytes(16)),
                "student_id": student,
                "active": True,
                "created_at": now,
            }
            for role, email, name, student in users
        ],
    )
    for label in CARD_LABELS:
        issue_card_row(
            conn,
            tenant_id,
            student_id_for(academy.slug, label),
            now - timedelta(days=30),
            None,
            nonce=_nonce(rng),
        )
    issue_card_row(
        conn,
        tenant_id,
        student_id_for(academy.slug, "revoked_card"),
        now - timedelta(days=60),
        None,
        nonce=_nonce(rng),
    )
    conn.execute(
        sa.update(schema.cards)
        .where(
            schema.cards.c.tenant_id == tenant_id,
            schema.cards.c.student_id == student_id_for(academy.slug, "revoked_card"),
        )
        .values(revoked_at=now - timedelta(days=7))
    )
    seqs.flush()


def _nonce(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(18)).rstrip(b"=").decode("ascii")


def _summary(conn: Connection, created: bool, password: str) -> SeedSummary:
    tenants: dict[str, TenantSeed] = {}
    for academy in _ACADEMIES:
        tenant_id = tenant_id_for(academy.slug)
        cards: dict[str, str] = {}
        revoked = ""
        for card in conn.execute(
            sa.select(schema.cards)
            .where(schema.cards.c.tenant_id == tenant_id)
            .order_by(schema.cards.c.issued_at)
        ):
            token = card_token(conn, card, TokenForm(academy.card_form))
            if card.revoked_at is None:
                cards[card.student_id] = token
            else:
                revoked = token
        emails = ["admin", "instructor", "assistant", "student", "student2"]
        tenants[academy.slug] = TenantSeed(
            id=tenant_id,
            slug=academy.slug,
            name=academy.name,
            time_zone=academy.time_zone,
            users={
                f"{who}@{academy.slug}.test": user_id_for(
                    academy.slug, f"{who}@{academy.slug}.test"
                )
                for who in emails
            },
            students={label: student_id_for(academy.slug, label) for label in LABELS},
            student_ids=tuple(student_id_for(academy.slug, i) for i in range(STUDENTS_PER_TENANT)),
            cards=cards,
            revoked_card=revoked,
        )
    return SeedSummary(created=created, password=password, tenants=tenants)


def _database(target: Database | str) -> tuple[Database, bool]:
    if isinstance(target, Database):
        return target, False
    database = Database(target)
    database.migrate()
    return database, True


def seed(
    target: Database | str,
    *,
    now: datetime | None = None,
    password: str | None = None,
    app_env: AppEnv | str = AppEnv.DEVELOPMENT,
) -> SeedSummary:
    """Create the two academies unless they exist; return what tests and the demo need.

    Raises:
        SeedRefused: ``app_env`` is production.
    """
    if AppEnv(app_env) is AppEnv.PRODUCTION:
        raise SeedRefused("seeding is refused when APP_ENV=production")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    password = password or DEFAULT_SEED_PASSWORD
    database, owned = _database(target)
    try:
        with database.write_tx() as conn:
            existing = (
                conn.execute(
                    sa.select(schema.tenants.c.slug).where(
                        schema.tenants.c.slug.in_([a.slug for a in _ACADEMIES])
                    )
                )
                .scalars()
                .all()
            )
            created = False
            for academy in _ACADEMIES:
                if academy.slug not in existing:
                    _seed_academy(conn, academy, now, password)
                    created = True
            return _summary(conn, created, password)
    finally:
        if owned:
            database.dispose()


def create_synthetic_students(
    target: Database | str,
    slug: str,
    count: int,
    *,
    now: datetime | None = None,
    rng_seed: int = 0,
) -> list[str]:
    """Add ``count`` synthetic students to a tenant (benchmarks): each takes its own ``seq``.

    They have no attendance (``classesSincePromotion`` 0), valid programs and ranks, and
    display names ``Synthetic N``. Returns their ids, in creation order.
    """
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = random.Random(rng_seed)
    database, owned = _database(target)
    ids: list[str] = []
    try:
        with database.write_tx() as conn:
            tenant = conn.execute(
                sa.select(schema.tenants.c.id, schema.tenants.c.rulebook).where(
                    schema.tenants.c.slug == slug
                )
            ).one()
            programs = tenant.rulebook["programs"]
            seqs = SeqAllocator(conn, tenant.id)
            rows: list[dict[str, Any]] = []
            for n in range(count):
                program = programs[n % len(programs)]
                student_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                ids.append(student_id)
                rows.append(
                    {
                        "id": student_id,
                        "tenant_id": tenant.id,
                        "display_name": f"Synthetic {n}",
                        "full_name": f"Synthetic Student {n}",
                        "email": None,
                        "program_id": program["id"],
                        "rank_id": rng.choice(program["ranks"]),
                        "rank_since": now - timedelta(days=rng.randint(1, 700)),
                        "classes_since_promotion": 0,
                        "status": "active",
                        "fees_paid": True,
                        "assessment_passed": False,
                        "instructor_approval": False,
                        "override_type": None,
                        "override_note": None,
                        "override_by": None,
                        "override_at": None,
                        "date_of_birth": None,
                        "seq": seqs.next(),
                        "deleted_at": None,
                        "created_at": now,
                    }
                )
                if len(rows) >= 2000:
                    conn.execute(sa.insert(schema.students), rows)
                    rows = []
            if rows:
                conn.execute(sa.insert(schema.students), rows)
            seqs.flush()
    finally:
        if owned:
            database.dispose()
    return ids

"""The database schema (SQLAlchemy Core), written for SQLite and PostgreSQL alike.

Rules every table follows: ``tenant_id`` NOT NULL with a foreign key to ``tenants`` on every
transactional table; uniques that matter are composite with ``tenant_id``; instants are stored
as UTC (``timestamptz`` on PostgreSQL, UTC text on SQLite) through :class:`UtcDateTime`.

The Alembic migrations in ``migrations/versions`` create exactly these tables; a test compares
the two so that they cannot drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = sa.MetaData(naming_convention=NAMING)


class UtcDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, whatever the backend stores."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored")
        utc = value.astimezone(UTC)
        # SQLite keeps text: store naive UTC so that text order is time order.
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _id(name: str = "id") -> sa.Column[str]:
    return sa.Column(name, sa.String(36), primary_key=True)


def _tenant() -> sa.Column[str]:
    return sa.Column(
        "tenant_id", sa.String(36), sa.ForeignKey("tenants.id"), nullable=False, index=False
    )


tenants = sa.Table(
    "tenants",
    metadata,
    _id(),
    sa.Column("slug", sa.String(64), nullable=False, unique=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("time_zone", sa.String(64), nullable=False),
    sa.Column("checkin_window_minutes", sa.Integer, nullable=False),
    sa.Column("class_lead_minutes", sa.Integer, nullable=False),
    sa.Column("inactive_policy", sa.String(16), nullable=False),
    sa.Column("expiry_leeway_seconds", sa.Integer, nullable=False),
    sa.Column("roster_stale_hours", sa.Integer, nullable=False),
    sa.Column("roster_max_age_hours", sa.Integer, nullable=False),
    sa.Column("primary_color", sa.String(7), nullable=False),
    sa.Column("accent_color", sa.String(7), nullable=False),
    sa.Column("logo_png_b64", sa.Text, nullable=False),
    # Ranks, programs and transition rules: one small document, validated by the domain parser.
    sa.Column("rulebook", sa.JSON, nullable=False),
    # QR token form for new printed cards and for phone passes: "compact" (CWT, base45: a
    # smaller QR, read from farther away) or "jws" (DESIGN §3).
    sa.Column("card_token_form", sa.String(16), nullable=False, server_default="compact"),
    sa.Column("pass_token_form", sa.String(16), nullable=False, server_default="jws"),
    # The tenant's change sequence (DESIGN §5): the last seq handed out.
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    _id(),
    _tenant(),
    sa.Column("email", sa.String(254), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id"), nullable=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("tenant_id", "email"),
)

refresh_tokens = sa.Table(
    "refresh_tokens",
    metadata,
    _id(),
    _tenant(),
    sa.Column("user_id", sa.String(36), sa.ForeignKey("users.id"), nullable=False),
    sa.Column("family_id", sa.String(36), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("rotated_at", UtcDateTime, nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Index(None, "tenant_id", "family_id"),
)

students = sa.Table(
    "students",
    metadata,
    _id(),
    _tenant(),
    sa.Column("display_name", sa.String(120), nullable=False),
    sa.Column("full_name", sa.String(200), nullable=False),
    sa.Column("email", sa.String(254), nullable=True),
    sa.Column("program_id", sa.String(64), nullable=False),
    sa.Column("rank_id", sa.String(64), nullable=False),
    sa.Column("rank_since", UtcDateTime, nullable=False),
    # Counted attendances scanned after rank_since, kept in step with every write.
    sa.Column("classes_since_promotion", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("fees_paid", sa.Boolean, nullable=False),
    sa.Column("assessment_passed", sa.Boolean, nullable=False),
    sa.Column("instructor_approval", sa.Boolean, nullable=False),
    sa.Column("override_type", sa.String(16), nullable=True),
    sa.Column("override_note", sa.String(500), nullable=True),
    sa.Column("override_by", sa.String(36), nullable=True),
    sa.Column("override_at", UtcDateTime, nullable=True),
    sa.Column("date_of_birth", sa.Date, nullable=True),
    # seq of the student's last change; rosters "since N" select seq > N.
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("deleted_at", UtcDateTime, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("tenant_id", "email"),
    sa.Index(None, "tenant_id", "seq"),
)

classes = sa.Table(
    "classes",
    metadata,
    _tenant(),
    sa.Column("id", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("program_id", sa.String(64), nullable=True),
    sa.Column("weekday", sa.Integer, nullable=False),
    sa.Column("start_time", sa.String(5), nullable=False),
    sa.Column("duration_minutes", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("tenant_id", "id"),
)

kiosks = sa.Table(
    "kiosks",
    metadata,
    _id(),
    _tenant(),
    sa.Column("name", sa.String(120), nullable=False),
    sa.Column("device_token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_by", sa.String(36), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.Column("last_seen_at", UtcDateTime, nullable=True),
    sa.Column("heartbeat", sa.JSON, nullable=True),
)

attendance = sa.Table(
    "attendance",
    metadata,
    _id(),
    _tenant(),
    sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id"), nullable=False),
    # Plain text, no foreign key: schedules change, attendance history stays.
    sa.Column("class_id", sa.String(64), nullable=True),
    sa.Column("session_id", sa.String(80), nullable=True),
    sa.Column("scanned_at", UtcDateTime, nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("kind", sa.String(8), nullable=True),
    sa.Column("created_by", sa.String(64), nullable=True),
    sa.Column("kiosk_id", sa.String(36), sa.ForeignKey("kiosks.id"), nullable=True),
    sa.Column("scan_id", sa.String(36), nullable=True),
    sa.Column("flag", sa.String(32), nullable=True),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("tenant_id", "seq"),
    sa.Index(None, "tenant_id", "student_id", "scanned_at"),
)

kiosk_checkins = sa.Table(
    "kiosk_checkins",
    metadata,
    _id(),
    _tenant(),
    sa.Column("kiosk_id", sa.String(36), sa.ForeignKey("kiosks.id"), nullable=False),
    sa.Column("scan_id", sa.String(36), nullable=False),
    # What the kiosk sent, as text: a rejected item may name no real student.
    sa.Column("student_id", sa.String(64), nullable=True),
    sa.Column("scanned_at", UtcDateTime, nullable=True),
    sa.Column("clock_offset_ms", sa.BigInteger, nullable=True),
    sa.Column("class_id", sa.String(64), nullable=True),
    sa.Column("session_id", sa.String(80), nullable=True),
    sa.Column("kind", sa.String(8), nullable=True),
    sa.Column("source", sa.String(16), nullable=True),
    sa.Column("nonce_hash", sa.String(64), nullable=True),
    sa.Column("created_by", sa.String(64), nullable=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.String(64), nullable=True),
    # created/flagged: the attendance's seq; duplicate: the seq of the attendance that counts.
    sa.Column("seq", sa.BigInteger, nullable=True),
    sa.Column("received_at", UtcDateTime, nullable=False),
    # The idempotency key, kept forever (DESIGN §6).
    sa.UniqueConstraint("tenant_id", "kiosk_id", "scan_id"),
)

pass_uses = sa.Table(
    "pass_uses",
    metadata,
    _tenant(),
    sa.Column("nonce_hash", sa.String(64), nullable=False),
    sa.Column("student_id", sa.String(36), nullable=False),
    sa.Column("attendance_id", sa.String(36), nullable=False),
    sa.Column("used_at", UtcDateTime, nullable=False),
    sa.PrimaryKeyConstraint("tenant_id", "nonce_hash"),
)

qr_keys = sa.Table(
    "qr_keys",
    metadata,
    _tenant(),
    sa.Column("kid", sa.String(64), nullable=False),
    # Raw Ed25519 private key, base64url. A hosted platform would keep it in a KMS.
    sa.Column("private_key", sa.String(64), nullable=False),
    sa.Column("public_x", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("retired_at", UtcDateTime, nullable=True),
    sa.PrimaryKeyConstraint("tenant_id", "kid"),
)

cards = sa.Table(
    "cards",
    metadata,
    _id(),
    _tenant(),
    sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id"), nullable=False),
    # The nonce itself: revoked card nonces go to kiosks in the roster.
    sa.Column("nonce", sa.String(128), nullable=False),
    sa.Column("kid", sa.String(64), nullable=False),
    sa.Column("issued_at", UtcDateTime, nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Column("issued_by", sa.String(36), nullable=True),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("tenant_id", "nonce"),
)

promotions = sa.Table(
    "promotions",
    metadata,
    _id(),
    _tenant(),
    sa.Column("student_id", sa.String(36), sa.ForeignKey("students.id"), nullable=False),
    sa.Column("from_rank", sa.String(64), nullable=False),
    sa.Column("to_rank", sa.String(64), nullable=False),
    sa.Column("promoted_at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.String(36), nullable=True),
    sa.Column("notes", sa.String(1000), nullable=False),
    sa.Column("classes_attended", sa.Integer, nullable=False),
    sa.Column("was_eligible", sa.Boolean, nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Index(None, "tenant_id", "student_id"),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    _id(),
    _tenant(),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor_id", sa.String(36), nullable=True),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target_id", sa.String(64), nullable=True),
    sa.Column("data", sa.JSON, nullable=False),
    sa.Index(None, "tenant_id", "at"),
)

events = sa.Table(
    "events",
    metadata,
    _id(),
    _tenant(),
    sa.Column("event_id", sa.String(36), nullable=False),
    sa.Column("kiosk_id", sa.String(36), nullable=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("data", sa.JSON, nullable=False),
    sa.UniqueConstraint("tenant_id", "event_id"),
    sa.Index(None, "tenant_id", "kind", "received_at"),
)

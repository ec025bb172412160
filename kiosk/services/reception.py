"""Reception tools: recent scans, parked uploads, name search, kiosk health, diagnostics.

Reads for the staff screens, phrased for them (names resolved from the cached roster, reasons
attached), plus the redaction rules of a diagnostics bundle. Everything works offline.
"""

from __future__ import annotations

import json
import platform
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from kiosk import __version__
from kiosk.domain.decision import Outcome
from kiosk.domain.model import Rank, Student
from kiosk.domain.ports import (
    BackendError,
    Clock,
    KioskIdentity,
    OutboxWriter,
    RosterReader,
    ScanRecord,
    SetupApi,
    Store,
    StoreSnapshot,
)
from kiosk.services.staff import ACCOUNT_ACCESS
from kiosk.services.sync import RosterFreshness, SyncStatus


@dataclass(frozen=True, slots=True)
class ScanRow:
    """One ledger row as staff see it.

    Attributes:
        record: The ledger row.
        display_name: The student's name from the roster (None when unknown or not verified).
        reason: Why it failed or was parked ("" when there is nothing to say).
    """

    record: ScanRecord
    display_name: str | None
    reason: str = ""

    @property
    def overridable(self) -> bool:
        """Staff may check this student in anyway (a known student, a scan that did not count)."""
        return (
            self.record.student_id is not None
            and self.display_name is not None
            and self.record.outcome not in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        )


@dataclass(frozen=True, slots=True)
class StudentMatch:
    """A name-search hit: the student and their rank (with the belt colour)."""

    student: Student
    rank: Rank


@dataclass(frozen=True, slots=True)
class StaffLogin:
    """A staff member who proved who they are with their academy account."""

    user_id: str
    role: str
    name: str


class StaffLoginError(Exception):
    """The account login failed.

    Attributes:
        not_staff: The credentials were right but the account is not staff of this academy
            (a code, so the UI can word it in the staff's language); otherwise the message is
            the backend's technical answer.
    """

    def __init__(self, message: str, *, not_staff: bool = False) -> None:
        super().__init__(message)
        self.not_staff = not_staff


def staff_login(api: SetupApi, email: str, password: str) -> StaffLogin:
    """Log a staff member in with their academy account; nothing is stored.

    Raises:
        StaffLoginError: wrong credentials, unreachable backend, or a student account.
    """
    try:
        answer = api.login(email, password)
    except BackendError as exc:
        raise StaffLoginError(str(exc) or "login failed") from None
    body = answer.body if isinstance(answer.body, dict) else {}
    raw_user = body.get("user")
    user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
    role = str(user.get("role") or "")
    if role not in ACCOUNT_ACCESS:
        raise StaffLoginError("this account is not a staff account of this academy", not_staff=True)
    return StaffLogin(
        user_id=str(user.get("id") or ""), role=role, name=str(user.get("name") or "")
    )


def freshness_of(
    pulled_at: datetime | None, now: datetime, stale_hours: int, max_hours: int
) -> RosterFreshness:
    """The roster freshness tier (same rule as the sync engine's status)."""
    if pulled_at is None:
        return RosterFreshness.NONE
    age = now - pulled_at
    if age > timedelta(hours=max_hours):
        return RosterFreshness.TOO_OLD
    if age > timedelta(hours=stale_hours):
        return RosterFreshness.STALE
    return RosterFreshness.FRESH


@dataclass(frozen=True, slots=True)
class RosterFacts:
    """What the health panel, the settings and the wizard show of the roster and this kiosk
    (all zero before a roster was applied)."""

    key_ids: tuple[str, ...] = ()
    seq: int = 0
    students: int = 0
    time_zone: str = ""
    checkin_window_minutes: int | None = None
    classes: int = 0
    identity: KioskIdentity | None = None

    def to_json(self) -> dict[str, object]:
        identity = self.identity
        return {
            "keyIds": list(self.key_ids),
            "seq": self.seq,
            "students": self.students,
            "timeZone": self.time_zone,
            "checkinWindowMinutes": self.checkin_window_minutes,
            "classes": self.classes,
            "kioskId": identity.kiosk_id if identity else None,
            "apiUrl": identity.api_url if identity else None,
        }


class ReceptionService:
    """Staff-facing reads and the few staff writes that are not check-ins."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _rows(self, snapshot: StoreSnapshot, records: Iterable[ScanRecord]) -> list[ScanRow]:
        roster = snapshot.roster
        reasons = snapshot.parked_reasons()
        rows = []
        for record in records:
            student = roster.student(record.student_id) if roster and record.student_id else None
            reason = reasons.get(record.scan_id, "") or record.detail
            rows.append(ScanRow(record, student.display_name if student else None, reason))
        return rows

    def recent(self, limit: int = 50) -> list[ScanRow]:
        """The latest scans, failures included, newest first."""
        return self._store.read(lambda snapshot: self._rows(snapshot, snapshot.recent_scans(limit)))

    def parked(self) -> list[ScanRow]:
        """Check-ins the backend refused, with its reasons, oldest first."""
        return self._store.read(lambda snapshot: self._rows(snapshot, snapshot.parked_checkins()))

    def requeue(self, scan_id: str) -> bool:
        """Send a parked check-in again (after staff fixed the cause on the backend)."""

        def write(tx: OutboxWriter) -> bool:
            return tx.requeue_parked(scan_id)

        return self._store.write(write)

    def search(self, text: str, limit: int = 30) -> list[StudentMatch]:
        """Students whose name contains ``text`` (case-insensitive), for manual check-in."""
        wanted = text.strip()

        def read(snapshot: RosterReader) -> list[StudentMatch]:
            roster = snapshot.roster
            if roster is None or not wanted:
                return []
            return [
                StudentMatch(student, roster.rules.rank(student.rank_id))
                for student in roster.search_students(wanted, limit)
            ]

        return self._store.read(read)

    def tenant(self) -> dict[str, str] | None:
        """Tenant name, slug and branding colours of the cached roster (None before one)."""

        def read(snapshot: RosterReader) -> dict[str, str] | None:
            roster = snapshot.roster
            if roster is None:
                identity = snapshot.identity()
                if identity is None:
                    return None
                return {
                    "id": identity.tenant_id,
                    "slug": identity.tenant_slug,
                    "name": identity.tenant_slug,
                    "primary": "",
                    "accent": "",
                    "logo": "",
                    "time_zone": "UTC",
                }
            tenant = roster.tenant
            return {
                "id": tenant.id,
                "slug": tenant.slug,
                "name": tenant.name,
                "primary": tenant.primary_color,
                "accent": tenant.accent_color,
                "logo": tenant.logo_png_b64,
                "time_zone": roster.settings.time_zone,
            }

        return self._store.read(read)

    def local_status(self) -> SyncStatus:
        """Queue and roster figures when this kiosk has no backend to sync with."""
        now = self._clock.now()

        def read(snapshot: StoreSnapshot) -> SyncStatus:
            counts = snapshot.counts()
            roster = snapshot.roster
            upload = snapshot.state("last_upload_at")
            pulled = roster.pulled_at if roster else None
            freshness = (
                freshness_of(
                    pulled,
                    now,
                    roster.settings.roster_stale_hours,
                    roster.settings.roster_max_age_hours,
                )
                if roster
                else RosterFreshness.NONE
            )
            return SyncStatus(
                online=False,
                pending=counts["pending"],
                parked=counts["parked"],
                events_pending=counts["events_pending"],
                last_upload_at=datetime.fromisoformat(upload) if upload else None,
                last_pull_at=pulled,
                roster_seq=roster.seq if roster else 0,
                roster_pulled_at=pulled,
                roster_freshness=freshness,
                roster_students=roster.student_count() if roster else 0,
                clock_offset_ms=self._clock.offset_ms,
            )

        return self._store.read(read)

    def roster_facts(self) -> RosterFacts:
        """Roster facts for the health panel: key ids, seq, size, time zone, check-in window."""

        def read(snapshot: RosterReader) -> RosterFacts:
            roster = snapshot.roster
            identity = snapshot.identity()
            if roster is None:
                return RosterFacts(identity=identity)
            return RosterFacts(
                key_ids=roster.key_ids,
                seq=roster.seq,
                students=roster.student_count(),
                time_zone=roster.settings.time_zone,
                checkin_window_minutes=roster.settings.checkin_window_minutes,
                classes=len(roster.classes),
                identity=identity,
            )

        return self._store.read(read)

    def catalogue(self) -> list[tuple[str, str, list[Rank]]]:
        """Programs of the academy with their ranks in order: the board's filter choices."""

        def read(snapshot: RosterReader) -> list[tuple[str, str, list[Rank]]]:
            roster = snapshot.roster
            if roster is None:
                return []
            rules = roster.rules
            return [
                (program.id, program.name, [rules.rank(rank_id) for rank_id in program.rank_ids])
                for program in rules.programs.values()
            ]

        return self._store.read(read)

    def known_names(self) -> list[str]:
        """Every student name of the roster: what a diagnostics bundle must not contain."""

        def read(snapshot: RosterReader) -> list[str]:
            roster = snapshot.roster
            return [s.display_name for s in roster.all_students()] if roster else []

        return self._store.read(read)


# -- diagnostics ----------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_JWS = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
_BEARER = re.compile(r"(?i)\b(bearer|token|password|pin|secret)\b([\"'=: ]+)[^\s\"',}]+")
#: Opaque secrets (device tokens, nonces): long runs of URL-safe characters. UUIDs (ids are
#: fine to share) have at most 12 characters between hyphens, hashes are 16 hex digits.
_OPAQUE = re.compile(r"(?=[A-Za-z_-]*[0-9])(?=[0-9_-]*[A-Za-z])[A-Za-z0-9_-]{24,}")
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def redact(text: str, names: Sequence[str] = ()) -> str:
    """Remove what a diagnostics bundle must never carry: tokens, emails, secrets, names."""
    text = _JWS.sub("[token]", text)
    text = _EMAIL.sub("[email]", text)
    text = _BEARER.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
    text = _OPAQUE.sub(
        lambda m: m.group(0) if _UUID.match(m.group(0)) else "[secret]",
        text,
    )
    # Longest names first, so "Ana Lee" goes before "Ana"; very short names would eat words.
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 3}, key=len, reverse=True):
        text = re.sub(re.escape(name), "[name]", text, flags=re.IGNORECASE)
    return text


def _redact_json(value: Any, names: Sequence[str]) -> Any:
    if isinstance(value, str):
        return redact(value, names)
    if isinstance(value, Mapping):
        return {str(k): _redact_json(v, names) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_json(v, names) for v in value]
    return value


def diagnostics_files(
    status: Mapping[str, Any],
    health: Mapping[str, Any],
    counts: Mapping[str, Any],
    log_lines: Sequence[str],
    names: Sequence[str],
    generated_at: datetime,
) -> dict[str, str]:
    """The files of a diagnostics bundle, already redacted (the caller zips them).

    Args:
        status: Sync status (``SyncStatus.to_json()``).
        health: Camera, decoder, latency and roster figures.
        counts: Queue and scan figures.
        log_lines: Recent log lines (redacted here again: logs should be clean, but a bundle
            leaves the building).
        names: Student names to blank out.
        generated_at: When the bundle was made.
    """
    versions = {
        "kiosk": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(terse=True),
        "generatedAt": generated_at.isoformat(),
    }
    try:
        from importlib.metadata import PackageNotFoundError, version
    except ImportError:  # pragma: no cover (stdlib since 3.8)
        pass
    else:
        for package in ("PySide6", "httpx", "opencv-python-headless", "zxing-cpp", "keyring"):
            try:
                versions[package] = version(package)
            except PackageNotFoundError:
                versions[package] = "not installed"
    log_text = "\n".join(redact(line.rstrip("\n"), names) for line in log_lines[-500:])

    def dump(value: Any) -> str:
        return json.dumps(_redact_json(value, names), indent=2, sort_keys=True, default=str)

    return {
        "status.json": dump(status),
        "health.json": dump(health),
        "counts.json": dump(counts),
        "versions.json": dump(versions),
        "recent.log": log_text + ("\n" if log_text else ""),
        "README.txt": (
            "TatamiTech kiosk diagnostics bundle.\n"
            "Redacted: no QR tokens, device tokens, emails, PINs or student names.\n"
        ),
    }

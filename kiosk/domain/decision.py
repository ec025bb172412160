"""The check-in decision (DESIGN §4): one scanned text at ``now`` → exactly one outcome.

Validity before duplicates: a scan is first checked as a token (shape, tenant, signature, expiry,
revocation), then against the roster (student known and active), then against this kiosk's
history (pass replay, already checked in). Only a scan that passes all of it is ``accepted``.

One deliberate refinement of the table in DESIGN §4: a ``pass`` whose nonce was already used *by
this same student's accepted check-in for the current session* is reported as ``duplicate``
("already checked in at 17:02"), not ``replay``. A student who keeps the phone up a few seconds
beyond the debounce would otherwise be told to refresh a code that worked. Nothing is recorded
either way and the nonce stays spent, so this gives away nothing: the replay outcome still
catches the same pass used for another session or shown after the window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from kiosk.domain.model import ClassSlot, InactivePolicy, Student, StudentStatus, TenantSettings
from kiosk.domain.schedule import ClassSession, attach_class
from kiosk.domain.tokens import (
    TokenClaims,
    TokenKind,
    TokenReading,
    VerificationKey,
    verify_signature,
)


class Outcome(StrEnum):
    INVALID_CODE = "invalid_code"
    WRONG_TENANT = "wrong_tenant"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    REVOKED = "revoked"
    UNKNOWN_STUDENT = "unknown_student"
    STUDENT_INACTIVE = "student_inactive"
    REPLAY = "replay"
    DUPLICATE = "duplicate"
    ACCEPTED = "accepted"
    #: Not a decision: the decision was ``accepted`` but the store could not commit it.
    NOT_SAVED = "not_saved"


class Tone(StrEnum):
    """What the screen shows; colour is doubled by icon and shape for colour-blind users."""

    GREEN = "green"
    AMBER_GREEN = "amber_green"
    AMBER = "amber"
    RED = "red"


class Record(StrEnum):
    """What a decision leaves behind (DESIGN §4, column "recorded")."""

    ATTENDANCE = "attendance"  # ledger row + outbox, committed before the screen turns green
    ATTEMPT = "attempt"  # ledger row (not attendance) + event
    SCAN_ERROR = "scan_error"  # event
    SECURITY = "security"  # security event, never with the token
    NOTHING = "nothing"


OUTCOME_TONE: Mapping[Outcome, Tone] = {
    Outcome.INVALID_CODE: Tone.RED,
    Outcome.WRONG_TENANT: Tone.RED,
    Outcome.BAD_SIGNATURE: Tone.RED,
    Outcome.EXPIRED: Tone.RED,
    Outcome.REVOKED: Tone.RED,
    Outcome.UNKNOWN_STUDENT: Tone.RED,
    Outcome.STUDENT_INACTIVE: Tone.AMBER,
    Outcome.REPLAY: Tone.AMBER,
    Outcome.DUPLICATE: Tone.AMBER_GREEN,
    Outcome.ACCEPTED: Tone.GREEN,
    Outcome.NOT_SAVED: Tone.RED,
}

OUTCOME_RECORD: Mapping[Outcome, Record] = {
    Outcome.INVALID_CODE: Record.SCAN_ERROR,
    Outcome.WRONG_TENANT: Record.SECURITY,
    Outcome.BAD_SIGNATURE: Record.SECURITY,
    Outcome.EXPIRED: Record.SCAN_ERROR,
    Outcome.REVOKED: Record.SCAN_ERROR,
    Outcome.UNKNOWN_STUDENT: Record.SCAN_ERROR,
    Outcome.STUDENT_INACTIVE: Record.ATTEMPT,
    Outcome.REPLAY: Record.SCAN_ERROR,
    Outcome.DUPLICATE: Record.NOTHING,
    Outcome.ACCEPTED: Record.ATTENDANCE,
    Outcome.NOT_SAVED: Record.NOTHING,
}

#: English headline per outcome; the UI translates by outcome code.
OUTCOME_HEADLINE: Mapping[Outcome, str] = {
    Outcome.INVALID_CODE: "Not a TatamiTech code",
    Outcome.WRONG_TENANT: "This code belongs to another academy",
    Outcome.BAD_SIGNATURE: "Code not valid",
    Outcome.EXPIRED: "Code expired: refresh it on your phone",
    Outcome.REVOKED: "Card deactivated: see the front desk",
    Outcome.UNKNOWN_STUDENT: "Student not found: see the front desk",
    Outcome.STUDENT_INACTIVE: "Please see the front desk",
    Outcome.REPLAY: "Code already used: refresh it on your phone",
    Outcome.DUPLICATE: "Already checked in",
    Outcome.ACCEPTED: "Welcome",
    Outcome.NOT_SAVED: "Check-in NOT saved: please try again or see the front desk",
}


@dataclass(frozen=True, slots=True)
class PriorCheckin:
    """One of the student's accepted check-ins on this kiosk."""

    scan_id: str
    scanned_at: datetime
    session_id: str | None


@dataclass(frozen=True, slots=True)
class PassUse:
    """The accepted check-in that spent a ``pass`` nonce."""

    student_id: str
    scan_id: str
    used_at: datetime


class RosterView(Protocol):
    """What the decision reads of the cached roster."""

    @property
    def tenant_id(self) -> str: ...

    @property
    def keys(self) -> Mapping[str, VerificationKey]: ...

    @property
    def settings(self) -> TenantSettings: ...

    @property
    def classes(self) -> Sequence[ClassSlot]: ...

    def is_revoked(self, nonce: str) -> bool: ...

    def student(self, student_id: str) -> Student | None: ...


class CheckinHistory(Protocol):
    """What the decision reads of this kiosk's own ledger."""

    def accepted_since(self, student_id: str, since: datetime) -> Sequence[PriorCheckin]: ...

    def pass_use(self, nonce: str) -> PassUse | None: ...


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    claims: TokenClaims | None = None
    #: Set only once the signature verified: unverified claims never name a student.
    student: Student | None = None
    session: ClassSession | None = None
    #: For ``duplicate``: the check-in that already counts.
    previous: PriorCheckin | None = None
    #: Machine detail for events (token problem, inactive status...); never payload text.
    detail: str = ""

    @property
    def tone(self) -> Tone:
        return OUTCOME_TONE[self.outcome]

    @property
    def record(self) -> Record:
        return OUTCOME_RECORD[self.outcome]


#: Prior check-ins older than this can never make a duplicate (longest class + lead + window).
HISTORY_HORIZON = timedelta(hours=24)


def find_duplicate(
    priors: Sequence[PriorCheckin],
    session: ClassSession | None,
    window: timedelta,
    now: datetime,
) -> PriorCheckin | None:
    """The earlier check-in that makes this one a duplicate, if any.

    With a class attached, attendance counts once per class session; a check-in without a class
    inside the window also covers it (the student arrived before the class could be attached).
    Without a class, attendance counts once per check-in window.
    """
    window_start = now - window
    for prior in sorted(priors, key=lambda p: p.scanned_at):
        if session is not None and prior.session_id == session.session_id:
            return prior
        in_window = window_start <= prior.scanned_at <= now
        if in_window and (session is None or prior.session_id is None):
            return prior
    return None


def decide(
    reading: TokenReading,
    roster: RosterView,
    history: CheckinHistory,
    now: datetime,
    *,
    window_minutes: int | None = None,
) -> Decision:
    """Decide the outcome of one scan. Pure: everything it knows comes in as arguments.

    ``window_minutes``: this kiosk's own check-in window, in place of the academy's (it
    changes what the kiosk calls a duplicate, never how the backend counts).
    """
    claims = reading.claims
    if claims is None:
        return Decision(Outcome.INVALID_CODE, detail=str(reading.problem or ""))
    if claims.tenant_id != roster.tenant_id.lower():
        return Decision(Outcome.WRONG_TENANT, claims=claims)
    if not verify_signature(reading, roster.keys):
        return Decision(Outcome.BAD_SIGNATURE, claims=claims, detail=f"alg={reading.alg[:16]}")
    if now.timestamp() > claims.exp + roster.settings.expiry_leeway_seconds:
        return Decision(Outcome.EXPIRED, claims=claims)
    if roster.is_revoked(claims.nonce):
        return Decision(Outcome.REVOKED, claims=claims)
    return _decide_for_student(
        roster.student(claims.student_id),
        claims,
        roster,
        history,
        now,
        window_minutes=window_minutes,
    )


def decide_manual(
    student_id: str,
    roster: RosterView,
    history: CheckinHistory,
    now: datetime,
    *,
    allow_inactive: bool = False,
    window_minutes: int | None = None,
) -> Decision:
    """A staff member checks a student in by name: the roster and history rules still apply.

    ``allow_inactive``: staff at the desk decided to let a suspended student train (an override);
    the duplicate rule still holds. ``window_minutes``: as for :func:`decide`.
    """
    return _decide_for_student(
        roster.student(student_id),
        None,
        roster,
        history,
        now,
        allow_inactive=allow_inactive,
        window_minutes=window_minutes,
    )


def _decide_for_student(
    student: Student | None,
    claims: TokenClaims | None,
    roster: RosterView,
    history: CheckinHistory,
    now: datetime,
    *,
    allow_inactive: bool = False,
    window_minutes: int | None = None,
) -> Decision:
    if student is None:
        return Decision(Outcome.UNKNOWN_STUDENT, claims=claims)
    settings = roster.settings
    session = attach_class(roster.classes, now, settings, student.program_id)
    if (
        student.status is not StudentStatus.ACTIVE
        and settings.inactive_policy is InactivePolicy.BLOCK
        and not allow_inactive
    ):
        return Decision(
            Outcome.STUDENT_INACTIVE, claims, student, session, detail=student.status.value
        )
    minutes = settings.checkin_window_minutes if window_minutes is None else window_minutes
    window = timedelta(minutes=minutes)
    priors = history.accepted_since(student.id, now - max(window, HISTORY_HORIZON))
    duplicate_of = find_duplicate(priors, session, window, now)
    if claims is not None and claims.kind is TokenKind.PASS:
        use = history.pass_use(claims.nonce)
        if use is not None and not (use.student_id == student.id and duplicate_of is not None):
            return Decision(Outcome.REPLAY, claims, student, session)
    if duplicate_of is not None:
        return Decision(Outcome.DUPLICATE, claims, student, session, previous=duplicate_of)
    return Decision(Outcome.ACCEPTED, claims, student, session)

"""The check-in use case: decide and record one scan in one unit of work.

:meth:`CheckInService.handle_scan` reads the token (pure, in the caller's thread), then runs the
decision and its records as one transaction on the store thread. The screen turns green only after
that transaction committed; if it could not commit, the result is ``not_saved``.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from kiosk.domain.decision import (
    OUTCOME_HEADLINE,
    Decision,
    Outcome,
    Record,
    Tone,
    decide,
    decide_manual,
)
from kiosk.domain.eligibility import Eligibility, classes_since_promotion, evaluate
from kiosk.domain.model import Rank
from kiosk.domain.ports import (
    CachedRoster,
    Clock,
    Event,
    LedgerWriter,
    NotSavedError,
    RosterReader,
    ScanRecord,
    ScanSource,
    Store,
    SyncState,
)
from kiosk.domain.tokens import TokenKind, TokenReading, nonce_digest, read_token, text_digest

log = logging.getLogger(__name__)

#: A pass is kept as "spent" at least this long, even if its ``exp`` is sooner (skewed clocks).
_MIN_PASS_MEMORY = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class ScanResult:
    """Everything a screen (or a JSON line) needs to show one scan."""

    outcome: Outcome
    tone: Tone
    headline: str
    message: str
    source: ScanSource
    scanned_at: datetime
    #: Set when a ledger row was committed for this scan.
    scan_id: str | None = None
    #: True only when an attendance committed: the one case the screen may turn green.
    recorded: bool = False
    student_id: str | None = None
    display_name: str | None = None
    rank: Rank | None = None
    next_rank: Rank | None = None
    eligibility: Eligibility | None = None
    class_id: str | None = None
    class_name: str | None = None
    class_starts_at: datetime | None = None
    #: For ``duplicate``: when the attendance that counts was recorded (tenant time zone).
    previous_at: datetime | None = None

    @property
    def eligible(self) -> bool:
        return self.eligibility is not None and self.eligibility.eligible

    def to_json(self) -> dict[str, Any]:
        """One JSON line of the headless runner. No names: stdout may end up in a journal."""
        stats = self.eligibility.stats if self.eligibility else None
        return {
            "outcome": self.outcome.value,
            "tone": self.tone.value,
            "message": self.message,
            "scanId": self.scan_id,
            "recorded": self.recorded,
            "studentId": self.student_id,
            "rank": self.rank.id if self.rank else None,
            "nextRank": self.next_rank.id if self.next_rank else None,
            "eligible": self.eligible,
            "classes": [stats.classes_attended, stats.classes_required] if stats else None,
            "days": [stats.days_in_rank, stats.days_required] if stats else None,
            "nextSteps": [n.text for n in self.eligibility.next_steps] if self.eligibility else [],
            "classId": self.class_id,
            "scannedAt": self.scanned_at.isoformat(),
            "source": self.source.value,
        }


def _message(
    decision: Decision, roster: CachedRoster | None, eligibility: Eligibility | None
) -> str:
    outcome = decision.outcome
    if outcome is Outcome.DUPLICATE and decision.previous is not None and roster is not None:
        local = decision.previous.scanned_at.astimezone(roster.settings.zone)
        return f"Already checked in at {local:%H:%M}"
    if outcome is Outcome.ACCEPTED and decision.student is not None:
        # No name here: the message also goes to JSON lines and journals; screens show the
        # name from ``display_name``.
        text = "Welcome"
        if eligibility is not None and eligibility.eligible:
            text += " · eligible for promotion"
        elif eligibility is not None and eligibility.next_steps:
            text += " · " + ", ".join(n.text for n in eligibility.next_steps[:2])
        return text
    return OUTCOME_HEADLINE[outcome]


#: Outcomes reached only after the signature verified: their ``studentId`` claim is trustworthy.
_VERIFIED = frozenset(
    {
        Outcome.EXPIRED,
        Outcome.REVOKED,
        Outcome.UNKNOWN_STUDENT,
        Outcome.STUDENT_INACTIVE,
        Outcome.REPLAY,
        Outcome.DUPLICATE,
        Outcome.ACCEPTED,
    }
)


def _verified_student(decision: Decision) -> str | None:
    if decision.claims is not None and decision.outcome in _VERIFIED:
        return decision.claims.student_id
    return None


class CheckinUnit(RosterReader, LedgerWriter, Protocol):
    """What one check-in touches: the roster it is decided against, the ledger it is recorded
    in (an accepted check-in's row is also its outbox row)."""


class OverrideProblem(StrEnum):
    """Why an override was refused: a code the UI words in the staff's language."""

    NO_NOTE = "no_note"
    NO_STUDENT = "no_student"
    ALREADY_COUNTS = "already_counts"
    NOT_IN_ROSTER = "not_in_roster"


class OverrideError(ValueError):
    """A scan that cannot be overridden (nothing to override, no student known).

    Attributes:
        reason: Why, as a code (this layer has no translator); the message is English, for logs.
    """

    def __init__(self, reason: OverrideProblem, message: str) -> None:
        super().__init__(message)
        self.reason = reason


class CheckInService:
    """Scans and manual check-ins, decided and recorded on the store thread."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        new_scan_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        window_override_minutes: int | None = None,
    ) -> None:
        """``window_override_minutes``: an installer's local check-in window (configuration
        key ``checkin_window_minutes``) in place of the academy's; it changes what this kiosk
        calls a duplicate, not how the backend counts. It wins over the window staff choose
        in the wizard (:meth:`set_local_window`): the installer's file is the fleet's policy."""
        self._store = store
        self._clock = clock
        self._new_scan_id = new_scan_id
        self._configured_window = window_override_minutes
        self._local_window: int | None = None

    @property
    def window_set_by_configuration(self) -> int | None:
        """The installer's window (minutes) when the configuration sets one, else None."""
        return self._configured_window

    def set_local_window(self, minutes: int | None) -> None:
        """Staff's window for this kiosk (None: the academy's); applies from the next scan.

        Called from the GUI thread while scans run on the store thread: one attribute
        assignment, read once per scan, so a scan sees either the old or the new window.
        """
        self._local_window = minutes

    def _window(self) -> int | None:
        """This kiosk's check-in window: the installer's, else staff's (None: the academy's)."""
        if self._configured_window is not None:
            return self._configured_window
        return self._local_window

    def handle_scan(self, text: str, source: ScanSource, now: datetime | None = None) -> ScanResult:
        """Decide one scanned text and record it; never raises for bad input or a full disk."""
        reading = read_token(text)  # pure and cheap: outside the transaction
        at = now or self._clock.now()
        offset = self._clock.offset_ms
        digest = text_digest(text)
        return self._run(
            lambda ledger: self._scan_unit(ledger, reading, digest, source, at, offset), source, at
        )

    def manual_checkin(
        self, student_id: str, staff_id: str, now: datetime | None = None
    ) -> ScanResult:
        """Staff check a student in by name (``source=manual``), offline too."""
        at = now or self._clock.now()
        offset = self._clock.offset_ms

        def unit(ledger: CheckinUnit) -> tuple[Decision, ScanResult]:
            roster = ledger.roster
            if roster is None:
                return self._not_ready(ScanSource.MANUAL, at)
            decision = decide_manual(
                student_id, roster, ledger.history, at, window_minutes=self._window()
            )
            return self._record(
                ledger, roster, decision, ScanSource.MANUAL, at, offset, "", staff_id
            )

        return self._run(unit, ScanSource.MANUAL, at)

    def override_scan(
        self, scan_id: str, staff_id: str, note: str, now: datetime | None = None
    ) -> ScanResult:
        """Staff accept a failed scan anyway (e.g. an expired pass they checked by hand).

        Recorded as a manual attendance carrying the note, plus an audited ``override`` event;
        the duplicate rule still holds, so an override never counts a class twice.
        """
        if not note.strip():
            raise OverrideError(OverrideProblem.NO_NOTE, "an override needs a note")
        at = now or self._clock.now()
        offset = self._clock.offset_ms

        def unit(ledger: CheckinUnit) -> tuple[Decision, ScanResult]:
            roster = ledger.roster
            original = next((r for r in ledger.recent_scans(500) if r.scan_id == scan_id), None)
            if roster is None or original is None or original.student_id is None:
                raise OverrideError(
                    OverrideProblem.NO_STUDENT, "that scan has no known student to check in"
                )
            if original.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE):
                raise OverrideError(OverrideProblem.ALREADY_COUNTS, "that scan already counts")
            student = roster.student(original.student_id)
            if student is None:
                raise OverrideError(
                    OverrideProblem.NOT_IN_ROSTER, "that student is not in the roster"
                )
            # Staff decided at the desk: an inactive membership is what they may override.
            decision = decide_manual(
                student.id,
                roster,
                ledger.history,
                at,
                allow_inactive=True,
                window_minutes=self._window(),
            )
            decision = replace(decision, detail=f"override of {scan_id}")
            outcome = self._record(
                ledger, roster, decision, ScanSource.MANUAL, at, offset, "", staff_id
            )
            ledger.add_event(
                Event(
                    kind="override",
                    at=at,
                    data={
                        "overrides": scan_id,
                        "scanId": outcome[1].scan_id,
                        "outcome": decision.outcome.value,
                        "staff": staff_id,
                        "note": note.strip()[:500],
                    },
                )
            )
            return outcome

        return self._run(unit, ScanSource.MANUAL, at)

    # -- inside the transaction -------------------------------------------------------------

    def _scan_unit(
        self,
        ledger: CheckinUnit,
        reading: TokenReading,
        digest: str,
        source: ScanSource,
        at: datetime,
        offset: int,
    ) -> tuple[Decision, ScanResult]:
        roster = ledger.roster
        if roster is None:
            return self._not_ready(source, at)
        decision = decide(reading, roster, ledger.history, at, window_minutes=self._window())
        return self._record(ledger, roster, decision, source, at, offset, digest, None)

    def _not_ready(self, source: ScanSource, at: datetime) -> tuple[Decision, ScanResult]:
        decision = Decision(Outcome.UNKNOWN_STUDENT, detail="no_roster")
        result = ScanResult(
            outcome=decision.outcome,
            tone=decision.tone,
            headline="Kiosk not set up yet",
            message="This kiosk has no roster yet: please see the front desk",
            source=source,
            scanned_at=at,
        )
        return decision, result

    def _record(
        self,
        ledger: CheckinUnit,
        roster: CachedRoster,
        decision: Decision,
        source: ScanSource,
        at: datetime,
        offset: int,
        digest: str,
        staff_id: str | None,
    ) -> tuple[Decision, ScanResult]:
        claims = decision.claims
        student = decision.student
        session = decision.session
        scan_id = self._new_scan_id()
        is_attendance = decision.record is Record.ATTENDANCE
        ledger.record_scan(
            ScanRecord(
                scan_id=scan_id,
                scanned_at=at,
                clock_offset_ms=offset,
                outcome=decision.outcome,
                source=source,
                sync_state=SyncState.PENDING if is_attendance else SyncState.LOCAL,
                student_id=student.id if student else _verified_student(decision),
                class_id=session.slot.id if session else None,
                session_id=session.session_id if session else None,
                kind=claims.kind if claims else None,
                nonce=claims.nonce if claims and is_attendance else None,
                detail=decision.detail,
                created_by=staff_id,
            )
        )
        if is_attendance and claims is not None and claims.kind is TokenKind.PASS:
            expires = max(datetime.fromtimestamp(claims.exp, at.tzinfo), at + _MIN_PASS_MEMORY)
            ledger.spend_pass(claims.nonce, claims.student_id, scan_id, expires)
        if decision.record in (Record.SCAN_ERROR, Record.SECURITY, Record.ATTEMPT):
            ledger.add_event(self._event(decision, scan_id, digest, source, at))

        eligibility = None
        if student is not None and decision.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE):
            local = ledger.local_attendance(student.id).get(student.id, [])
            count = classes_since_promotion(student, roster.seq, local)
            eligibility = evaluate(student, roster.rules, count, at, roster.settings.zone)
        rules = roster.rules
        result = ScanResult(
            outcome=decision.outcome,
            tone=decision.tone,
            headline=OUTCOME_HEADLINE[decision.outcome],
            message=_message(decision, roster, eligibility),
            source=source,
            scanned_at=at,
            scan_id=scan_id,
            recorded=is_attendance,
            student_id=student.id if student else None,
            display_name=student.display_name if student else None,
            rank=rules.rank(student.rank_id) if student else None,
            next_rank=rules.next_rank(student.program_id, student.rank_id) if student else None,
            eligibility=eligibility,
            class_id=session.slot.id if session else None,
            class_name=session.slot.name if session else None,
            class_starts_at=session.starts_at if session else None,
            previous_at=decision.previous.scanned_at if decision.previous else None,
        )
        return decision, result

    @staticmethod
    def _event(
        decision: Decision, scan_id: str, digest: str, source: ScanSource, at: datetime
    ) -> Event:
        claims = decision.claims
        data: dict[str, str | int | bool | None] = {
            "outcome": decision.outcome.value,
            "scanId": scan_id,
            "source": source.value,
            "detail": decision.detail,
        }
        if claims is None:
            data["textHash"] = digest
        else:
            data["nonceHash"] = nonce_digest(claims.nonce)
            data["kind"] = claims.kind.value
        if decision.outcome is Outcome.WRONG_TENANT and claims is not None:
            data["claimedTenantId"] = claims.tenant_id
        if decision.student is not None:  # only once the signature verified
            data["studentId"] = decision.student.id
        return Event(kind=decision.record.value, at=at, data=data)

    # -- around the transaction -------------------------------------------------------------

    def _run(
        self,
        unit: Callable[[CheckinUnit], tuple[Decision, ScanResult]],
        source: ScanSource,
        at: datetime,
    ) -> ScanResult:
        decided: list[tuple[Decision, ScanResult]] = []

        def remembering(ledger: CheckinUnit) -> tuple[Decision, ScanResult]:
            decided.append(unit(ledger))
            return decided[-1]

        try:
            _, result = self._store.write(remembering)
        except NotSavedError:
            decision, unsaved = decided[-1] if decided else (None, None)
            log.error(
                "scan not saved (outcome would have been %s)",
                decision.outcome.value if decision else "unknown",
            )
            if (
                decision is not None
                and unsaved is not None
                and decision.record is not Record.ATTENDANCE
            ):
                # A red or amber answer stays true even if its trace could not be written.
                return replace(unsaved, scan_id=None, recorded=False)
            return ScanResult(
                outcome=Outcome.NOT_SAVED,
                tone=Tone.RED,
                headline=OUTCOME_HEADLINE[Outcome.NOT_SAVED],
                message=OUTCOME_HEADLINE[Outcome.NOT_SAVED],
                source=source,
                scanned_at=at,
            )
        log.info(
            "scan %s outcome=%s source=%s recorded=%s",
            result.scan_id,
            result.outcome.value,
            source.value,
            result.recorded,
        )
        return result

"""Translations: every user-facing string goes through Qt's translator (English and Japanese).

Strings are marked with ``translate("Context", "text")`` (``QCoreApplication.translate``) so that
``pyside6-lupdate`` finds them; ``scripts/translations.sh`` extracts them into
``resources/translations/kiosk_*.ts`` and compiles the ``.qm`` files the app loads.

Texts that come from the services in English (outcome headlines, eligibility notes) are
translated here by their stable *code*, never by parsing the English text.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QTime, QTranslator

from kiosk.domain.decision import Outcome
from kiosk.domain.eligibility import Note
from kiosk.domain.grading import PromotionProblem
from kiosk.domain.model import StripeKind, StudentStatus
from kiosk.domain.ports import ScanSource, SyncState
from kiosk.domain.tokens import TokenKind, TokenProblem
from kiosk.services.checkin import OverrideError, OverrideProblem
from kiosk.services.reception import StaffLoginError
from kiosk.services.setup import SetupError, SetupProblem
from kiosk.services.sync import RosterFreshness, StaffNeededReason, whole_refusal_status

log = logging.getLogger(__name__)

translate = QCoreApplication.translate


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """Mark ``text`` for translation in ``context`` without translating it yet."""
    return text


LANGUAGES: dict[str, str] = {"en": "English", "ja": "日本語"}

_HEADLINES: dict[Outcome, str] = {
    Outcome.INVALID_CODE: QT_TRANSLATE_NOOP("Outcome", "Not a TatamiTech code"),
    Outcome.WRONG_TENANT: QT_TRANSLATE_NOOP("Outcome", "This code belongs to another academy"),
    Outcome.BAD_SIGNATURE: QT_TRANSLATE_NOOP("Outcome", "Code not valid"),
    Outcome.EXPIRED: QT_TRANSLATE_NOOP("Outcome", "Code expired"),
    Outcome.REVOKED: QT_TRANSLATE_NOOP("Outcome", "Card deactivated"),
    Outcome.UNKNOWN_STUDENT: QT_TRANSLATE_NOOP("Outcome", "Student not found"),
    Outcome.STUDENT_INACTIVE: QT_TRANSLATE_NOOP("Outcome", "Please see the front desk"),
    Outcome.REPLAY: QT_TRANSLATE_NOOP("Outcome", "Code already used"),
    Outcome.DUPLICATE: QT_TRANSLATE_NOOP("Outcome", "Already checked in"),
    Outcome.CLASS_CLOSED: QT_TRANSLATE_NOOP("Outcome", "Check-in for this class has closed"),
    Outcome.RANK_RESTRICTED: QT_TRANSLATE_NOOP("Outcome", "This class is for a higher belt"),
    Outcome.ACCEPTED: QT_TRANSLATE_NOOP("Outcome", "Welcome"),
    Outcome.NOT_SAVED: QT_TRANSLATE_NOOP("Outcome", "Check-in NOT saved"),
}

#: The second line: what the student should do now.
_ADVICE: dict[Outcome, str] = {
    Outcome.INVALID_CODE: QT_TRANSLATE_NOOP("Outcome", "Show the QR code from the TatamiTech app"),
    Outcome.WRONG_TENANT: QT_TRANSLATE_NOOP("Outcome", "Use the code of this academy"),
    Outcome.BAD_SIGNATURE: QT_TRANSLATE_NOOP("Outcome", "Please see the front desk"),
    Outcome.EXPIRED: QT_TRANSLATE_NOOP("Outcome", "Refresh the code on your phone and try again"),
    Outcome.REVOKED: QT_TRANSLATE_NOOP("Outcome", "Please see the front desk for a new card"),
    Outcome.UNKNOWN_STUDENT: QT_TRANSLATE_NOOP("Outcome", "Please see the front desk"),
    Outcome.STUDENT_INACTIVE: QT_TRANSLATE_NOOP("Outcome", "Your membership needs attention"),
    Outcome.REPLAY: QT_TRANSLATE_NOOP("Outcome", "Refresh the code on your phone and try again"),
    Outcome.DUPLICATE: QT_TRANSLATE_NOOP("Outcome", "Nothing else to do: enjoy the class"),
    Outcome.CLASS_CLOSED: QT_TRANSLATE_NOOP("Outcome", "Please see your instructor"),
    Outcome.RANK_RESTRICTED: QT_TRANSLATE_NOOP("Outcome", "Please see your instructor"),
    Outcome.ACCEPTED: QT_TRANSLATE_NOOP("Outcome", "You are checked in"),
    Outcome.NOT_SAVED: QT_TRANSLATE_NOOP("Outcome", "Please try again, or see the front desk"),
}

_SOURCES: dict[ScanSource, str] = {
    ScanSource.CAMERA: QT_TRANSLATE_NOOP("Source", "camera"),
    ScanSource.WEDGE: QT_TRANSLATE_NOOP("Source", "scanner"),
    ScanSource.MANUAL: QT_TRANSLATE_NOOP("Source", "by name"),
}

_SYNC_STATES: dict[SyncState, str] = {
    SyncState.PENDING: QT_TRANSLATE_NOOP("SyncState", "waiting to upload"),
    SyncState.SENT: QT_TRANSLATE_NOOP("SyncState", "uploaded"),
    SyncState.PARKED: QT_TRANSLATE_NOOP("SyncState", "parked"),
    SyncState.LOCAL: QT_TRANSLATE_NOOP("SyncState", "kept on this kiosk"),
}

_FLAG_NOTES: dict[str, str] = {
    "missing_feesPaid": QT_TRANSLATE_NOOP("Note", "fees not paid"),
    "missing_assessmentPassed": QT_TRANSLATE_NOOP("Note", "assessment not passed"),
    "missing_instructorApproval": QT_TRANSLATE_NOOP("Note", "instructor approval pending"),
    "get_feesPaid": QT_TRANSLATE_NOOP("Note", "settle fees at the front desk"),
    "get_assessmentPassed": QT_TRANSLATE_NOOP("Note", "pass the assessment"),
    "get_instructorApproval": QT_TRANSLATE_NOOP("Note", "ask your instructor for approval"),
    "age_unknown": QT_TRANSLATE_NOOP("Note", "date of birth unknown"),
    "record_birth_date": QT_TRANSLATE_NOOP("Note", "record the date of birth at the front desk"),
    "top_rank": QT_TRANSLATE_NOOP("Note", "highest rank"),
    "override_eligible": QT_TRANSLATE_NOOP("Note", "marked eligible by an instructor"),
    "override_defer": QT_TRANSLATE_NOOP("Note", "promotion deferred by an instructor"),
    "talk_to_instructor": QT_TRANSLATE_NOOP("Note", "talk to your instructor"),
    "no_rule": QT_TRANSLATE_NOOP("Note", "no rule for this promotion: the instructor decides"),
    "see_front_desk": QT_TRANSLATE_NOOP("Note", "see the front desk"),
    "requirements_met": QT_TRANSLATE_NOOP("Note", "all requirements met"),
    "all_stripes": QT_TRANSLATE_NOOP("Note", "every stripe is on: the next belt is next"),
    "all_degrees": QT_TRANSLATE_NOOP("Note", "every degree is on"),
}


#: Why a scan failed, for staff (recent scans): by the decision's detail code.
_SCAN_REASONS: dict[str, str] = {
    TokenProblem.EMPTY: QT_TRANSLATE_NOOP("ScanReason", "empty scan"),
    TokenProblem.TOO_LONG: QT_TRANSLATE_NOOP("ScanReason", "too long for a TatamiTech code"),
    TokenProblem.NOT_JWS: QT_TRANSLATE_NOOP("ScanReason", "not a TatamiTech code"),
    TokenProblem.BAD_BASE64: QT_TRANSLATE_NOOP("ScanReason", "damaged code (unreadable parts)"),
    TokenProblem.BAD_JSON: QT_TRANSLATE_NOOP("ScanReason", "damaged code (unreadable content)"),
    TokenProblem.BAD_HEADER: QT_TRANSLATE_NOOP("ScanReason", "code of an unknown kind"),
    TokenProblem.BAD_CLAIMS: QT_TRANSLATE_NOOP("ScanReason", "code with missing or wrong fields"),
    # The compact form's layers read to staff as their JWS counterparts do.
    TokenProblem.BAD_BASE45: QT_TRANSLATE_NOOP("ScanReason", "damaged code (unreadable parts)"),
    TokenProblem.BAD_CBOR: QT_TRANSLATE_NOOP("ScanReason", "damaged code (unreadable content)"),
    TokenProblem.NOT_COSE: QT_TRANSLATE_NOOP("ScanReason", "code of an unknown kind"),
    StudentStatus.SUSPENDED: QT_TRANSLATE_NOOP("ScanReason", "membership suspended"),
    StudentStatus.FROZEN: QT_TRANSLATE_NOOP("ScanReason", "membership frozen"),
    StudentStatus.INACTIVE: QT_TRANSLATE_NOOP("ScanReason", "membership inactive"),
    "no_roster": QT_TRANSLATE_NOOP("ScanReason", "the kiosk has no roster yet"),
}
#: Details with a variable part (``alg=EdDSA``, ``override of <scan id>``): by prefix.
_SCAN_REASON_PREFIXES: dict[str, str] = {
    "alg=": QT_TRANSLATE_NOOP("ScanReason", "signature does not match this academy's keys"),
    "override of ": QT_TRANSLATE_NOOP("ScanReason", "checked in anyway by staff"),
}

#: Why the TatamiTech server refused a check-in (a parked item), by the server's reason code.
_SERVER_REASONS: dict[str, str] = {
    "unknown_student": QT_TRANSLATE_NOOP(
        "ServerReason", "the server does not know this student (removed from the roster?)"
    ),
    "wrong_tenant": QT_TRANSLATE_NOOP("ServerReason", "the student belongs to another academy"),
    "scanned_in_future": QT_TRANSLATE_NOOP(
        "ServerReason", "the scan's time is ahead of the server's clock (check the kiosk's clock)"
    ),
    "invalid_item": QT_TRANSLATE_NOOP("ServerReason", "the server could not read this check-in"),
    "invalid_scan_id": QT_TRANSLATE_NOOP("ServerReason", "the server could not read this check-in"),
    "invalid_session": QT_TRANSLATE_NOOP("ServerReason", "the server does not know this class"),
    # Promotions made on this kiosk.
    "rank_changed": QT_TRANSLATE_NOOP(
        "ServerReason", "the student was promoted otherwise meanwhile: the server's rank stands"
    ),
    "invalid_promotion": QT_TRANSLATE_NOOP(
        "ServerReason", "the server's rules do not allow this promotion"
    ),
    "promoted_in_future": QT_TRANSLATE_NOOP(
        "ServerReason", "the promotion's time is ahead of the server's clock (check the clock)"
    ),
    "invalid_id": QT_TRANSLATE_NOOP("ServerReason", "the server could not read this promotion"),
}

#: Why sync waits for a person (the health panel).
_STAFF_NEEDED: dict[StaffNeededReason, str] = {
    StaffNeededReason.NOT_REGISTERED: QT_TRANSLATE_NOOP(
        "StaffNeeded", "this kiosk is not registered: run the set-up"
    ),
    StaffNeededReason.NO_DEVICE_TOKEN: QT_TRANSLATE_NOOP(
        "StaffNeeded", "sign in again: this computer does not hold the kiosk's device token"
    ),
    StaffNeededReason.REVOKED: QT_TRANSLATE_NOOP(
        "StaffNeeded", "this kiosk was revoked: register it again"
    ),
    StaffNeededReason.SESSION_REFUSED: QT_TRANSLATE_NOOP(
        "StaffNeeded", "the server refused this kiosk's sign-in: register it again"
    ),
    StaffNeededReason.FORBIDDEN: QT_TRANSLATE_NOOP(
        "StaffNeeded", "the server refused this kiosk's access: check the academy, register again"
    ),
}

_TOKEN_KINDS: dict[TokenKind, str] = {
    TokenKind.PASS: QT_TRANSLATE_NOOP("TokenKind", "pass"),
    TokenKind.CARD: QT_TRANSLATE_NOOP("TokenKind", "card"),
}

_FRESHNESS: dict[RosterFreshness, str] = {
    RosterFreshness.NONE: QT_TRANSLATE_NOOP("Freshness", "no roster: staff needed"),
    RosterFreshness.FRESH: QT_TRANSLATE_NOOP("Freshness", "up to date"),
    RosterFreshness.STALE: QT_TRANSLATE_NOOP("Freshness", "getting old"),
    RosterFreshness.TOO_OLD: QT_TRANSLATE_NOOP("Freshness", "too old: staff needed"),
}

#: The camera's life cycle (``SourceState`` of the frame adapter, plus ``off``: no camera).
_CAMERA_STATES: dict[str, str] = {
    "off": QT_TRANSLATE_NOOP("CameraState", "off"),
    "closed": QT_TRANSLATE_NOOP("CameraState", "off"),
    "opening": QT_TRANSLATE_NOOP("CameraState", "starting"),
    "live": QT_TRANSLATE_NOOP("CameraState", "working"),
    "missing": QT_TRANSLATE_NOOP("CameraState", "not found"),
    "ended": QT_TRANSLATE_NOOP("CameraState", "ended"),
    "failed": QT_TRANSLATE_NOOP("CameraState", "failed"),
}

_OVERRIDE_PROBLEMS: dict[OverrideProblem, str] = {
    OverrideProblem.NO_NOTE: QT_TRANSLATE_NOOP("Override", "an override needs a note."),
    OverrideProblem.NO_STUDENT: QT_TRANSLATE_NOOP(
        "Override", "that scan has no known student to check in."
    ),
    OverrideProblem.ALREADY_COUNTS: QT_TRANSLATE_NOOP("Override", "that scan already counts."),
    OverrideProblem.NOT_IN_ROSTER: QT_TRANSLATE_NOOP(
        "Override", "that student is no longer in the roster."
    ),
}

_PROMOTION_PROBLEMS: dict[PromotionProblem, str] = {
    PromotionProblem.TOP_RANK: QT_TRANSLATE_NOOP("Promotion", "already at the highest belt."),
    PromotionProblem.NO_STRIPES: QT_TRANSLATE_NOOP("Promotion", "this belt takes no stripes."),
    PromotionProblem.ALL_STRIPES: QT_TRANSLATE_NOOP(
        "Promotion", "every stripe of this belt is on already."
    ),
    PromotionProblem.NOT_ON_LADDER: QT_TRANSLATE_NOOP(
        "Promotion", "this student is not on the roster's ladder any more."
    ),
    PromotionProblem.NO_NOTE: QT_TRANSLATE_NOOP("Promotion", "a promotion needs a note."),
}

_SETUP_PROBLEMS: dict[SetupProblem, str] = {
    SetupProblem.LOGIN_FAILED: QT_TRANSLATE_NOOP(
        "Setup", "check the email, the password and the connection."
    ),
    SetupProblem.NOT_ADMIN: QT_TRANSLATE_NOOP(
        "Setup", "only an academy admin can register a kiosk, and this account is not one."
    ),
    SetupProblem.REGISTRATION_FAILED: QT_TRANSLATE_NOOP(
        "Setup", "the server did not register the kiosk."
    ),
    SetupProblem.STORAGE: QT_TRANSLATE_NOOP("Setup", "the kiosk's database could not be written."),
}


def outcome_headline(outcome: Outcome) -> str:
    """The big line of a result card, in the current language."""
    return translate("Outcome", _HEADLINES[outcome])


def outcome_advice(outcome: Outcome) -> str:
    """The line under the headline: what to do now."""
    return translate("Outcome", _ADVICE[outcome])


def source_name(source: ScanSource) -> str:
    return translate("Source", _SOURCES[source])


def sync_state_name(state: SyncState) -> str:
    return translate("SyncState", _SYNC_STATES[state])


def note_text(note: Note) -> str:
    """A reason or next step of the eligibility evaluation, translated by its code."""
    code, count = note.code, note.count
    # Plurals are Qt's numerus forms: one source text, the count as ``n``; each catalogue has
    # the forms its language needs (English two, Japanese one).
    if code == "more_classes":
        return translate("Note", "%n more classes", None, count)
    if code == "more_days":
        return translate("Note", "%n more days", None, count)
    if code == "classes_short":
        return translate("Note", "%n classes short", None, count)
    if code == "days_short":
        return translate("Note", "%n days short", None, count)
    if code == "too_young":
        return translate("Note", "too young by %n years", None, count)
    if code == "more_stripes":
        return translate("Note", "%n more stripes", None, count)
    if code == "more_degrees":
        return translate("Note", "%n more degrees", None, count)
    if code == "stripes_short":
        return translate("Note", "%n stripes short", None, count)
    if code == "degrees_short":
        return translate("Note", "%n degrees short", None, count)
    if code == "wait_age":
        return translate("Note", "turn %1").replace("%1", str(count))
    if code == "not_active":
        return translate("Note", "membership not active")
    if code in _FLAG_NOTES:
        return translate("Note", _FLAG_NOTES[code])
    return note.text  # a code this version does not know: the service's English text


def scan_reason(detail: str) -> str:
    """Why a scan failed, for staff, from the decision's detail code ("" when there is none).

    A code this version does not know gives "": the outcome column already says what happened,
    and the raw code stays available as a technical hint (tooltip).
    """
    if detail in _SCAN_REASONS:
        return translate("ScanReason", _SCAN_REASONS[detail])
    for prefix, text in _SCAN_REASON_PREFIXES.items():
        if detail.startswith(prefix):
            return translate("ScanReason", text)
    return ""


def server_refusal(reason: str) -> str:
    """Why the server refused a parked check-in, for staff (the raw reason goes in a tooltip).

    Reason codes this version knows are translated; any other text is the server's own words,
    which no kiosk can translate, shown after a translated lead.
    """
    if reason in _SERVER_REASONS:
        return translate("ServerReason", _SERVER_REASONS[reason])
    status = whole_refusal_status(reason)
    if status is not None:
        return translate("ServerReason", "refused by the server (HTTP %1)").replace(
            "%1", str(status)
        )
    return translate("ServerReason", "refused by the server: %1").replace("%1", reason)


def staff_needed_text(reason: StaffNeededReason | None, english: str) -> str:
    """Why sync waits for a person, in the interface language (``english`` if no code)."""
    if reason is None:
        return english
    return translate("StaffNeeded", _STAFF_NEEDED[reason])


def token_kind_name(kind: TokenKind) -> str:
    return translate("TokenKind", _TOKEN_KINDS[kind])


def freshness_name(freshness: RosterFreshness) -> str:
    return translate("Freshness", _FRESHNESS[freshness])


def camera_state_name(state: str) -> str:
    """A camera state for staff; an unknown state shows as it is (a technical word)."""
    text = _CAMERA_STATES.get(state)
    return translate("CameraState", text) if text else state


def override_problem_text(error: OverrideError) -> str:
    return translate("Override", _OVERRIDE_PROBLEMS[error.reason])


def promotion_problem_text(problem: PromotionProblem) -> str:
    """Why a promotion cannot be made, in the instructor's language."""
    return translate("Promotion", _PROMOTION_PROBLEMS[problem])


def stripes_text(count: int, kind: StripeKind) -> str:
    """ "2 stripes" / "3 degrees" (numerus forms)."""
    if kind is StripeKind.DEGREE:
        return translate("Stripes", "%n degrees", None, count)
    return translate("Stripes", "%n stripes", None, count)


def setup_problem_text(error: SetupError) -> str:
    """What went wrong in set-up, in the staff's language (technical detail not included)."""
    if error.reason is SetupProblem.UNSENT_CHECKINS:
        pending, parked = error.pending, error.parked
        text = translate("Setup", "%n check-ins are not uploaded yet.", None, pending)
        if parked:
            text += " " + translate("Setup", "%n are parked for staff.", None, parked)
        return text + " " + translate("Setup", "Sync and resolve them before wiping.")
    return translate("Setup", _SETUP_PROBLEMS[error.reason])


def staff_login_problem_text(error: StaffLoginError) -> str:
    if error.not_staff:
        return translate("Setup", "this account is not a staff account of this academy.")
    return translate("Setup", "check the email, the password and the connection.")


# -- dates and ages -------------------------------------------------------------------------


def ui_locale() -> QLocale:
    """The locale of the language the interface shows (month names, date order).

    The locale name is itself a translated text, so whichever catalogue is installed decides:
    dates can never be in another language than the words around them.
    """
    return QLocale(translate("Locale", "en", "QLocale name of this translation, e.g. ja"))


def format_time(instant: datetime, zone: ZoneInfo | None = None, *, seconds: bool = False) -> str:
    """A clock time (24 h), in ``zone`` (the academy's)."""
    local = instant.astimezone(zone)
    qtime = QTime(local.hour, local.minute, local.second)
    return ui_locale().toString(qtime, "HH:mm:ss" if seconds else "HH:mm")


def format_date(instant: datetime, zone: ZoneInfo | None = None) -> str:
    """Day and month, in the interface language (12 May, 5月12日)."""
    local = instant.astimezone(zone)
    # The pattern is translated: the order of day and month differs between languages.
    pattern = translate("Date", "d MMM", "QLocale date pattern: day and short month")
    return ui_locale().toString(QDate(local.year, local.month, local.day), pattern)


def format_date_time(
    instant: datetime, zone: ZoneInfo | None = None, *, seconds: bool = False
) -> str:
    return f"{format_date(instant, zone)} {format_time(instant, zone, seconds=seconds)}"


def ago_text(age: timedelta) -> str:
    """How long ago, roughly: "just now", "12 min ago", "3 hours ago", "2 days ago"."""
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 1:
        return translate("Age", "just now")
    if minutes < 60:
        return translate("Age", "%n min ago", None, minutes)
    hours = minutes // 60
    if hours < 48:
        return translate("Age", "%n hours ago", None, hours)
    days = hours // 24  # not inside translate(): lupdate reads "//" as a comment
    return translate("Age", "%n days ago", None, days)


def choose_language(preference: str) -> str:
    """``en`` or ``ja`` from a preference (``auto`` follows the system locale)."""
    if preference in LANGUAGES:
        return preference
    system = QLocale.system().name().split("_")[0]
    return system if system in LANGUAGES else "en"


def install_translator(app: QCoreApplication, translations_dir: Path, language: str) -> QTranslator:
    """Load ``kiosk_<language>.qm`` and install it; returns the translator (keep a reference).

    A missing file is not an error: the English source texts show instead.
    """
    translator = QTranslator(app)
    path = translations_dir / f"kiosk_{language}.qm"
    if translator.load(str(path)):
        app.installTranslator(translator)
    else:
        log.info("no translation file for %s: English texts", language)
    return translator

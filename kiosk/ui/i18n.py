"""Translations: every user-facing string goes through Qt's translator (English and Japanese).

Strings are marked with ``translate("Context", "text")`` (``QCoreApplication.translate``) so that
``pyside6-lupdate`` finds them; ``scripts/translations.sh`` extracts them into
``kiosk/resources/translations/kiosk_*.ts`` and compiles the ``.qm`` files the app loads.

Texts that come from the services in English (outcome headlines, eligibility notes) are
translated here by their stable *code*, never by parsing the English text.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

from kiosk.domain.decision import Outcome
from kiosk.domain.eligibility import Note
from kiosk.domain.ports import ScanSource, SyncState

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
    # Plurals: the English singular and plural are two source texts (lupdate's Python parser
    # does not mark numerus forms), so "1 more class" reads right; Japanese has one form.
    if code == "more_classes":
        if count == 1:
            return translate("Note", "%n more class", None, count)
        return translate("Note", "%n more classes", None, count)
    if code == "more_days":
        if count == 1:
            return translate("Note", "%n more day", None, count)
        return translate("Note", "%n more days", None, count)
    if code == "classes_short":
        if count == 1:
            return translate("Note", "%n class short", None, count)
        return translate("Note", "%n classes short", None, count)
    if code == "days_short":
        if count == 1:
            return translate("Note", "%n day short", None, count)
        return translate("Note", "%n days short", None, count)
    if code == "too_young":
        if count == 1:
            return translate("Note", "too young by %n year", None, count)
        return translate("Note", "too young by %n years", None, count)
    if code == "wait_age":
        return translate("Note", "turn %1").replace("%1", str(count))
    if code == "not_active":
        return translate("Note", "membership not active")
    if code in _FLAG_NOTES:
        return translate("Note", _FLAG_NOTES[code])
    return note.text  # a code this version does not know: the service's English text


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

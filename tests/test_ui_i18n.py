"""Japanese all the way: reasons, health values, errors and dates in the interface language.

An audit found English left in a Japanese kiosk: raw decision codes in the recent scans, health
values (``fresh``, ``closed``, ``off``), the sound status, override errors from the services and
English month names. These tests render the real screens under the Japanese catalogue.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.paths import resource_dir
from kiosk.domain.model import StudentStatus
from kiosk.domain.ports import ScanSource
from kiosk.domain.tokens import TokenKind, TokenProblem
from kiosk.gui import GuiRuntime
from kiosk.services.checkin import OverrideError, OverrideProblem
from kiosk.services.reception import StaffLoginError
from kiosk.services.setup import SetupError, SetupProblem
from kiosk.services.sync import RosterFreshness, StaffNeededReason
from kiosk.ui.camera_setup import describe_test_code
from kiosk.ui.i18n import (
    ago_text,
    camera_state_name,
    format_date_time,
    freshness_name,
    install_translator,
    override_problem_text,
    scan_reason,
    server_refusal,
    setup_problem_text,
    staff_login_problem_text,
    staff_needed_text,
    token_kind_name,
)
from kiosk.ui.sounds import SoundStatus, sound_status_text
from tests import ui_support as ui
from tests.support import OTHER_KEY, TENANT_ID, VECTOR_ROSTER, roster_doc, student_id
from tests.ui_support import scan_from_thread, token

ROOT = Path(__file__).parent.parent
TRANSLATIONS = resource_dir() / "translations"
WAIT = 10_000
#: Any Latin word of three letters or more: none may show in a Japanese value.
_ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def japanese(qapp: QApplication) -> Iterator[QTranslator]:
    translator = install_translator(qapp, TRANSLATIONS, "ja")
    try:
        yield translator
    finally:
        qapp.removeTranslator(translator)


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


def _scan_and_wait(kiosk: GuiRuntime, qtbot: QtBot, text: str) -> None:
    shown = kiosk.shell.controller.shown
    scan_from_thread(kiosk, text, ScanSource.CAMERA)
    qtbot.waitUntil(lambda: kiosk.shell.controller.shown > shown, timeout=WAIT)


def test_recent_scans_give_japanese_reasons_not_codes(
    kiosk: GuiRuntime, qtbot: QtBot, japanese: QTranslator
) -> None:
    forged = token("ana", key=OTHER_KEY)  # the academy's key id, another key: bad signature
    for text in (forged, "hello, not a code", token("suspended")):
        _scan_and_wait(kiosk, qtbot, text)
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(1)
    expected = ["student_inactive", "invalid_code", "bad_signature"]  # newest first
    qtbot.waitUntil(lambda: reception.recent.outcomes() == expected, timeout=WAIT)
    reasons = {
        "student_inactive": "会員資格が停止中",
        "invalid_code": "TatamiTech のコードではありません",
        "bad_signature": "署名がこの道場の鍵と一致しません",
    }
    for row, outcome in enumerate(expected):
        cells = reception.recent.cells(row)
        assert cells[-1] == reasons[outcome], cells
        for code in ("not_jws", "alg=", "suspended", "EdDSA"):
            assert all(code not in cell for cell in cells), cells
        assert "月" in cells[0] and not any(m in cells[0] for m in _MONTHS)  # a Japanese date
    # The raw code stays as a technical hint for whoever looks closer.
    hints = [reception.recent.table.item(row, 5).toolTip() for row in range(3)]
    assert "suspended" in hints[0] and "not_jws" in hints[1] and "alg=" in hints[2]
    reception.close()


def test_health_panel_in_japanese_shows_the_roster_age(
    kiosk: GuiRuntime, qtbot: QtBot, japanese: QTranslator
) -> None:
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(3)
    qtbot.waitUntil(lambda: bool(reception.health.values), timeout=WAIT)
    values = reception.health.values
    for key in ("connection", "lastUpload", "lastPull", "roster", "camera", "sound", "token"):
        value = values[key].replace("fps", "")  # a unit, not a word
        assert not _ENGLISH_WORD.search(value), (key, values[key])
    # Provisioned a moment ago: size, age and the tier, all in Japanese.
    assert "生徒 9 人" in values["roster"]
    assert "たった今" in values["roster"] and "最新" in values["roster"]
    assert values["sound"] == "オフ"  # the test kiosk runs without sound
    reception.close()


def test_override_refusal_is_japanese(
    kiosk: GuiRuntime, qtbot: QtBot, japanese: QTranslator
) -> None:
    expired = token("gus", now=ui.now() - timedelta(hours=1), ttl=timedelta(minutes=5))
    _scan_and_wait(kiosk, qtbot, expired)
    failed = kiosk.shell.controller.current
    assert failed is not None and failed.scan_id is not None
    reception = kiosk.shell.staff.open_reception()
    reception.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: reception.recent.outcomes() == ["expired"], timeout=WAIT)
    reception.recent.select(failed.scan_id)
    assert reception.recent.override_button.isEnabled()
    # Meanwhile the academy removed Gus: the service refuses, the desk reads why in Japanese.
    students = [s for s in VECTOR_ROSTER["students"] if s["id"] != student_id("gus")]
    kiosk.core.provisioning.apply_document(roster_doc(students=students, seq=101))
    reception.recent.override_note.setText("ID checked")
    reception.recent.override_button.click()
    qtbot.waitUntil(lambda: bool(reception.recent.override_result.text()), timeout=WAIT)
    text = reception.recent.override_result.text()
    assert text == "できません: この生徒はもう名簿にいません。"
    assert not _ENGLISH_WORD.search(text)
    reception.close()


def test_every_code_has_japanese_words(japanese: QTranslator) -> None:
    texts = [scan_reason(str(problem)) for problem in TokenProblem]
    texts += [scan_reason(str(status)) for status in StudentStatus if status.value != "active"]
    texts += [scan_reason("alg=EdDSA"), scan_reason("override of 0193-abc")]
    texts += [freshness_name(tier) for tier in RosterFreshness]
    for state in ("off", "closed", "opening", "live", "missing", "ended", "failed"):
        texts.append(camera_state_name(state))
    texts += [sound_status_text(status) for status in SoundStatus]
    texts += [token_kind_name(kind) for kind in TokenKind]
    texts += [override_problem_text(OverrideError(p, "english")) for p in OverrideProblem]
    texts += [
        setup_problem_text(SetupError("english", p, pending=2, parked=1)) for p in SetupProblem
    ]
    texts += [staff_login_problem_text(StaffLoginError("x", not_staff=b)) for b in (True, False)]
    texts += [ago_text(timedelta(minutes=m)) for m in (0, 12, 60, 180, 4000)]
    texts += [server_refusal(code) for code in SERVER_REASON_CODES]
    texts += [staff_needed_text(reason, "english") for reason in StaffNeededReason]
    texts.append(server_refusal("http_422: bad batch"))
    for text in texts:
        words = text.replace("TatamiTech", "").replace("HTTP", "")
        assert text and not _ENGLISH_WORD.search(words), text
    assert ago_text(timedelta(minutes=12)) == "12 分前"
    message, _role = describe_test_code(token("ana", kind="card"), TENANT_ID)
    assert "カード" in message and "card" not in message


#: Every reason the reference server gives for a refused check-in (kiosk/server/ingest.py).
SERVER_REASON_CODES = (
    "unknown_student",
    "wrong_tenant",
    "scanned_in_future",
    "invalid_item",
    "invalid_scan_id",
    "invalid_session",
)


def test_server_refusals_read_as_words_never_codes() -> None:
    for code in SERVER_REASON_CODES:
        assert code not in server_refusal(code) and "_" not in server_refusal(code)
    assert server_refusal("http_422: batch too large") == ("refused by the server (HTTP 422)")
    assert server_refusal("http_42x: odd") == "refused by the server: http_42x: odd"
    # Words this version does not know are the server's own: shown, after a lead.
    assert server_refusal("Mitglied gesperrt") == "refused by the server: Mitglied gesperrt"


def test_every_server_reason_code_is_known_here() -> None:
    """A reason the reference server learns must get words on the kiosk too."""
    source = (ROOT / "kiosk" / "server" / "ingest.py").read_text(encoding="utf-8")
    sent = set(re.findall(r'BadItem\([^,]+, "([a-z_]+)"', source))
    sent |= set(re.findall(r'"rejected", None, "([a-z_]+)"', source))
    for line in re.findall(r"^\s*reason = (.+)$", source, flags=re.MULTILINE):
        sent |= set(re.findall(r'"([a-z_]+)"', line))
    assert sent == set(SERVER_REASON_CODES)


def test_dates_follow_the_interface_language(qapp: QApplication) -> None:
    instant = datetime(2026, 5, 12, 12, 3, 5, tzinfo=UTC)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert format_date_time(instant, tokyo) == "12 May 21:03"
    translator = install_translator(qapp, TRANSLATIONS, "ja")
    try:
        assert format_date_time(instant, tokyo) == "5月12日 21:03"
        assert format_date_time(instant, tokyo, seconds=True) == "5月12日 21:03:05"
    finally:
        qapp.removeTranslator(translator)
    assert format_date_time(instant, tokyo) == "12 May 21:03"


def test_english_reasons_and_ages_read_right() -> None:
    assert scan_reason("not_jws") == "not a TatamiTech code"
    assert scan_reason("unknown_future_code") == ""  # the UI falls back to the headline
    assert ago_text(timedelta(seconds=20)) == "just now"
    assert ago_text(timedelta(minutes=1)) == "1 min ago"
    assert ago_text(timedelta(hours=1, minutes=5)) == "1 hour ago"
    assert ago_text(timedelta(hours=5)) == "5 hours ago"
    assert ago_text(timedelta(days=3)) == "3 days ago"


def test_no_english_month_names_or_raw_error_texts_in_the_interface() -> None:
    """strftime has no idea of the interface language; exception texts come from English code."""
    offenders = []
    for path in [*(ROOT / "kiosk" / "ui").glob("*.py"), ROOT / "kiosk" / "gui.py"]:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "strftime":
                pattern = node.args[0] if node.args else None
                if isinstance(pattern, ast.Constant) and re.search(r"%[aAbBcpx]", pattern.value):
                    offenders.append(f"{path.name}:{node.lineno} strftime({pattern.value!r})")
            replaced = isinstance(func, ast.Attribute) and func.attr == "replace"
            if replaced and len(node.args) == 2:
                value = node.args[1]
                if (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == "str"
                    and value.args
                    and isinstance(value.args[0], ast.Name)
                    and value.args[0].id in ("error", "exc")
                ):
                    offenders.append(f"{path.name}:{node.lineno} .replace(..., str(error))")
    assert not offenders, offenders

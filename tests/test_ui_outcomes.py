"""Result cards for the outcomes tests/test_ui_scan.py does not cover, and the accepted card's
days bar and class label. Real kiosk window, real store, scans from a decoder-like thread."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.domain.decision import Outcome, Tone
from kiosk.domain.ports import ScanSource
from kiosk.gui import GuiRuntime
from kiosk.services.checkin import ScanResult
from kiosk.ui.theme import TONE_STYLES, Glyph, Shape
from tests import ui_support as ui
from tests.support import OTHER_KEY, VECTOR_ROSTER, make_token, roster_doc, roster_student
from tests.ui_support import now, scan_from_thread, token


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[GuiRuntime]:
    with ui.running_kiosk(tmp_path, qapp) as runtime:
        yield runtime


WAIT = 10_000
#: The nonce the vector roster lists as revoked (a lost card, deactivated at the front desk).
REVOKED_NONCE = VECTOR_ROSTER["revokedNonces"][0]


def shown(runtime: GuiRuntime, qtbot: QtBot, text: str) -> ScanResult:
    controller = runtime.shell.controller
    before = controller.shown
    scan_from_thread(runtime, text)
    qtbot.waitUntil(lambda: controller.shown > before, timeout=WAIT)
    assert controller.current is not None
    return controller.current


def forged(_runtime: GuiRuntime) -> str:
    # This academy's tenant id and key id, signed with somebody else's key.
    return make_token("ana", now=now(), key=OTHER_KEY)


def revoked_card(_runtime: GuiRuntime) -> str:
    return token("ben", kind="card", ttl=timedelta(days=365), nonce=REVOKED_NONCE)


def stranger(_runtime: GuiRuntime) -> str:
    return token("zed")  # signed correctly, but nobody of that id is in the roster


def suspended(_runtime: GuiRuntime) -> str:
    return token("suspended")


def replayed_pass(runtime: GuiRuntime) -> str:
    """A pass that already checked Ana in three hours ago (a screenshot shown again)."""
    earlier = now() - timedelta(hours=3)
    text = token("ana", now=earlier, ttl=timedelta(hours=4))
    first = runtime.core.checkin.handle_scan(text, ScanSource.CAMERA, now=earlier)
    assert first.outcome is Outcome.ACCEPTED
    return text


@dataclass(frozen=True)
class Case:
    make: Callable[[GuiRuntime], str]
    outcome: Outcome
    headline: str
    advice: str
    tone: Tone
    shape: Shape
    glyph: Glyph
    names: str | None  # the name on the card, or None when the card must name nobody
    sound: str


CASES = {
    "bad_signature": Case(
        forged,
        Outcome.BAD_SIGNATURE,
        "Code not valid",
        "Please see the front desk",
        Tone.RED,
        Shape.OCTAGON,
        Glyph.CROSS,
        None,
        "error",
    ),
    "revoked": Case(
        revoked_card,
        Outcome.REVOKED,
        "Card deactivated",
        "Please see the front desk for a new card",
        Tone.RED,
        Shape.OCTAGON,
        Glyph.CROSS,
        None,
        "error",
    ),
    "unknown_student": Case(
        stranger,
        Outcome.UNKNOWN_STUDENT,
        "Student not found",
        "Please see the front desk",
        Tone.RED,
        Shape.OCTAGON,
        Glyph.CROSS,
        None,
        "error",
    ),
    "student_inactive": Case(
        suspended,
        Outcome.STUDENT_INACTIVE,
        "Please see the front desk",
        "Your membership needs attention",
        Tone.AMBER,
        Shape.TRIANGLE,
        Glyph.EXCLAMATION,
        "Suspended",
        "attention",
    ),
    "replay": Case(
        replayed_pass,
        Outcome.REPLAY,
        "Code already used",
        "Refresh the code on your phone and try again",
        Tone.AMBER,
        Shape.TRIANGLE,
        Glyph.EXCLAMATION,
        "Ana",
        "attention",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_problem_card_headline_tone_and_shape(kiosk: GuiRuntime, qtbot: QtBot, case: Case) -> None:
    result = shown(kiosk, qtbot, case.make(kiosk))
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is case.outcome and result.tone is case.tone
    assert not result.recorded  # no attendance: the screen can never turn green
    assert card.big.text() == case.headline
    assert card.advice.text() == case.advice
    style = TONE_STYLES[case.tone]
    assert card.tone_style == style
    assert (style.shape, style.glyph) == (case.shape, case.glyph)
    assert card.badge.shape is case.shape
    # A problem never borrows the look of "welcome" or "already checked in".
    for fine in (Tone.GREEN, Tone.AMBER_GREEN):
        assert card.tone_style.fill != TONE_STYLES[fine].fill
        assert card.badge.shape is not TONE_STYLES[fine].shape
    if case.names is None:
        # Unverified or unknown: the card names nobody, whatever the code claims.
        assert not card.kicker.isVisibleTo(card)
        assert result.display_name is None
    else:
        assert card.kicker.isVisibleTo(card) and card.kicker.text() == case.names
    assert not card.rank_row.isVisibleTo(card) and not card.classes.isVisibleTo(card)
    assert not card.ribbon.isVisibleTo(card)
    assert card.help.isVisibleTo(card) and "front desk" in card.help.text()
    assert case.headline in card.accessibleName()
    assert kiosk.sounds.played[-1] == case.sound
    assert kiosk.shell.controller.duration_for(result) == 5.0


def test_amber_and_red_problems_look_different(kiosk: GuiRuntime, qtbot: QtBot) -> None:
    """Colour is never alone: "see the front desk" (amber) and "stop" (red) differ in shape,
    glyph and colour as rendered, not only in the table."""
    looks = {}
    for name in ("student_inactive", "unknown_student"):
        shown(kiosk, qtbot, CASES[name].make(kiosk))
        card = kiosk.shell.window.scan_screen.card
        image = card.badge.grab().toImage()
        centre = image.pixelColor(image.width() // 2, image.height() // 2).name()
        looks[name] = (card.tone_style.fill, card.badge.shape, card.tone_style.glyph, centre)
    amber, red = looks["student_inactive"], looks["unknown_student"]
    assert all(a != r for a, r in zip(amber, red, strict=True))


def test_accepted_card_shows_days_bar_and_the_class_in_progress(
    kiosk: GuiRuntime, qtbot: QtBot
) -> None:
    zone = ZoneInfo(VECTOR_ROSTER["settings"]["timeZone"])
    local = now().astimezone(zone)
    started = (local - timedelta(minutes=30)).replace(second=0, microsecond=0)
    evening = {
        "id": "adults-randori",
        "name": "Adults randori",
        "weekday": started.weekday(),
        "start": started.strftime("%H:%M"),
        "durationMinutes": 120,
        "program": "adults",
    }
    since = (now() - timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    students = [*VECTOR_ROSTER["students"], roster_student("lia", rankSince=since)]
    kiosk.core.provisioning.apply_document(
        roster_doc(students=students, classes=[evening], seq=101)
    )
    kiosk.shell.refresh_tenant()  # the card shows times in the academy's zone
    qtbot.waitUntil(lambda: kiosk.shell.zone == zone, timeout=WAIT)

    result = shown(kiosk, qtbot, token("lia"))
    card = kiosk.shell.window.scan_screen.card
    assert result.outcome is Outcome.ACCEPTED and result.class_name == "Adults randori"
    assert result.eligibility is not None
    stats = result.eligibility.stats
    assert stats.days_required == 60 and 29 <= stats.days_in_rank <= 31
    assert card.days.isVisibleTo(card)
    assert card.days.label.text() == "Days in this belt"
    assert card.days.value.text() == f"{stats.days_in_rank} of 60"
    assert card.days.meter.value == pytest.approx(stats.days_progress)
    assert 0.45 < card.days.meter.value < 0.55
    assert card.days.accessibleName() == f"Days in this belt: {stats.days_in_rank} of 60"
    assert card.class_label.isVisibleTo(card)
    assert card.class_label.text() == f"Class: Adults randori · {started:%H:%M}"
    # Not eligible yet (classes and days short): next steps instead of the ribbon.
    assert card.steps.isVisibleTo(card) and "more days" in card.steps.text()
    assert not card.ribbon.isVisibleTo(card)

    # Without a class in progress the label goes away on the next card.
    result = shown(kiosk, qtbot, token("ben"))
    assert result.class_name == "Adults randori"  # same class for everyone in it
    kiosk.core.provisioning.apply_document(roster_doc(students=students, seq=102))
    result = shown(kiosk, qtbot, token("carla"))
    assert result.outcome is Outcome.ACCEPTED and result.class_name is None
    assert not card.class_label.isVisibleTo(card)

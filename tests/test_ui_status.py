"""The status strip: roster freshness tiers, the clock-skew warning, the academy's branding."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.gui import GuiRuntime
from kiosk.runtime import SyncSettings
from kiosk.server.clock import ManualClock
from kiosk.server.embedded import start_server
from kiosk.server.seed import GOLDEN_TIGER
from kiosk.services.sync import RosterFreshness
from kiosk.ui.status_strip import StatusStrip
from tests import ui_support as ui
from tests.support import VECTOR_ROSTER, roster_doc
from tests.ui_support import make_runtime, now, open_runtime

WAIT = 20_000
SECRET = "ui-status-tests-jwt-secret-that-is-long-enough-for-any-environment"


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


def kiosk_with_roster(
    tmp_path: Path, qapp: QApplication, document: dict[str, object], age: timedelta
) -> GuiRuntime:
    """An offline kiosk whose roster was pulled ``age`` ago."""
    ui.ensure_theme(qapp)
    context = open_runtime(tmp_path / "kiosk")
    context.provisioning.apply_document(document, now=now() - age)
    runtime = make_runtime(context)
    runtime.start()
    return runtime


def pill_for(strip: StatusStrip, text: str) -> str:
    return next(p.level for p in strip.pills if p.text() == text)


@pytest.mark.parametrize(
    ("hours", "text", "level", "freshness"),
    [
        (1, "Roster up to date", "info", RosterFreshness.FRESH),
        (30, "Roster 30 hours old", "warn", RosterFreshness.STALE),
        (50, "Roster 2 days old", "warn", RosterFreshness.STALE),
        (80, "Roster too old: staff needed", "bad", RosterFreshness.TOO_OLD),
    ],
)
def test_roster_freshness_tiers(
    tmp_path: Path,
    qapp: QApplication,
    qtbot: QtBot,
    hours: int,
    text: str,
    level: str,
    freshness: RosterFreshness,
) -> None:
    runtime = kiosk_with_roster(tmp_path, qapp, VECTOR_ROSTER, timedelta(hours=hours))
    try:
        strip = runtime.shell.window.strip
        qtbot.waitUntil(lambda: text in strip.pill_texts(), timeout=WAIT)
        assert pill_for(strip, text) == level
        assert strip.roster.accessibleName() == text  # read out, not only coloured
        status = runtime.shell.last_status
        assert status is not None and status.roster_freshness is freshness
        others = [t for t in strip.pill_texts() if t.startswith("Roster") and t != text]
        assert not others  # exactly one roster tier at a time
    finally:
        runtime.shutdown()


def test_academy_limits_decide_the_tiers(tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> None:
    """The tiers follow the academy's own limits from the roster, not fixed numbers."""
    settings = {**VECTOR_ROSTER["settings"], "rosterStaleHours": 2, "rosterMaxAgeHours": 6}
    document = roster_doc(settings=settings)
    runtime = kiosk_with_roster(tmp_path, qapp, document, timedelta(hours=7))
    try:
        strip = runtime.shell.window.strip
        qtbot.waitUntil(lambda: "Roster too old: staff needed" in strip.pill_texts(), timeout=WAIT)
    finally:
        runtime.shutdown()


def test_clock_skew_learnt_from_the_server_shows_a_warning(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    """The reference server's clock runs ten minutes ahead: the kiosk learns the offset from
    its Date header and the strip warns, in words."""
    ui.ensure_theme(qapp)
    server_clock = ManualClock(now() + timedelta(minutes=10))
    server = start_server(
        f"sqlite:///{tmp_path / 'server.sqlite3'}", clock=server_clock, jwt_secret=SECRET
    )
    try:
        context = open_runtime(tmp_path / "kiosk", sync=SyncSettings(1.0, 60.0))
        api = context.backend_for(server.base_url, GOLDEN_TIGER)
        assert server.seed is not None
        try:
            context.setup.register(
                api, server.base_url, f"admin@{GOLDEN_TIGER}.test", server.seed.password, "k1"
            )
        finally:
            api.close()
        runtime = make_runtime(context)
        runtime.start()
        try:
            strip = runtime.shell.window.strip
            qtbot.waitUntil(lambda: "● Online" in strip.pill_texts(), timeout=WAIT)
            qtbot.waitUntil(lambda: "Clock off by 10 min" in strip.pill_texts(), timeout=WAIT)
            assert strip.skew.level == "warn"
            assert strip.skew.accessibleName() == "Clock off by 10 min"
            assert 9 * 60_000 < context.clock.offset_ms < 11 * 60_000
        finally:
            runtime.shutdown()
    finally:
        server.stop()


def test_skew_pill_appears_only_when_the_clock_is_off(
    tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    runtime = kiosk_with_roster(tmp_path, qapp, VECTOR_ROSTER, timedelta(minutes=5))
    try:
        strip = runtime.shell.window.strip
        qtbot.waitUntil(lambda: "Roster up to date" in strip.pill_texts(), timeout=WAIT)
        assert not strip.skew.isVisibleTo(strip)
        # The clock drifts (an offset learnt from the backend): the warning appears.
        runtime.core.clock.set_offset_ms(-4 * 60_000)
        runtime.shell.refresh_status()
        qtbot.waitUntil(lambda: "Clock off by 4 min" in strip.pill_texts(), timeout=WAIT)
        assert strip.skew.isVisibleTo(strip)
    finally:
        runtime.shutdown()


def png_b64(color: str, side: int = 64) -> str:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor(color))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    assert image.save(buffer, "PNG")
    buffer.close()
    return base64.b64encode(bytes(data.data())).decode()


def pixel(widget_image: QImage, x: int, y: int) -> str:
    return widget_image.pixelColor(x, y).name()


def test_tenant_logo_and_brand_colours(tmp_path: Path, qapp: QApplication, qtbot: QtBot) -> None:
    brand, logo_color = "#0d47a1", "#ff00ff"
    tenant = {
        **VECTOR_ROSTER["tenant"],
        "branding": {"primaryColor": brand, "logoPngBase64": png_b64(logo_color)},
    }
    runtime = kiosk_with_roster(tmp_path, qapp, roster_doc(tenant=tenant), timedelta(minutes=1))
    try:
        strip = runtime.shell.window.strip
        qtbot.waitUntil(lambda: strip.tenant_label.text() == "Golden Tiger", timeout=WAIT)
        band = strip.grab().toImage()
        assert pixel(band, strip.width() // 2, 1) == brand  # the brand band across the top
        logo = strip.logo.grab().toImage()
        assert pixel(logo, logo.width() // 2, logo.height() // 2) == logo_color

        # A new roster without a logo and with another colour: initials on that colour.
        green = "#1b5e20"
        tenant = {**tenant, "branding": {"primaryColor": green}}
        runtime.core.provisioning.apply_document(roster_doc(tenant=tenant, seq=101))
        runtime.shell.refresh_status()  # a new roster seq makes the shell read the tenant
        qtbot.waitUntil(
            lambda: pixel(strip.grab().toImage(), strip.width() // 2, 1) == green, timeout=WAIT
        )
        tile = strip.logo.grab().toImage()
        assert pixel(tile, max(3, tile.width() // 10), tile.height() // 2) == green
        colours = {pixel(tile, x, tile.height() // 2) for x in range(tile.width())}
        assert logo_color not in colours and len(colours) > 2  # initials drawn on it
    finally:
        runtime.shutdown()


def test_an_invalid_brand_colour_falls_back(qapp: QApplication, qtbot: QtBot) -> None:
    """A colour the strip cannot parse never reaches the painter (the roster parser guards
    the same, this is the widget's own guard)."""
    from zoneinfo import ZoneInfo

    strip = StatusStrip()
    qtbot.addWidget(strip)
    strip.resize(900, 80)
    strip.set_tenant("Iron Crane", "not-a-colour", "%%%", ZoneInfo("UTC"))
    image = strip.grab().toImage()
    assert pixel(image, 450, 1) == "#b71c1c"
    assert strip.tenant_label.text() == "Iron Crane"

"""The camera panel's test mode (wizard and settings): a test scan is described, never checked in.

Two real paths into the panel: the synthetic camera through the real decode pipeline (settings
of a provisioned kiosk) and a USB scanner typing into the first-run wizard registered against
the real reference server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.camera import CameraSettings
from kiosk.domain.decision import Outcome
from kiosk.gui import GuiRuntime
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER, IRON_CRANE
from kiosk.ui.camera_setup import describe_test_code
from tests import ui_support as ui
from tests.support import OTHER_KEY, TENANT_ID, make_token
from tests.ui_support import focused_window, make_runtime, now, open_runtime, token
from tests.ui_support import type_into_window as typed

WAIT = 20_000
SECRET = "camera-setup-tests-jwt-secret-that-is-long-enough-for-any-environment"
OTHER_TENANT = "0b8c1f42-9d1b-4a57-9a64-52c1d7a0e111"


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


# -- what a test scan says (pure) -----------------------------------------------------------


def test_describe_test_code() -> None:
    foreign = make_token("ana", now=now(), tenant_id=OTHER_TENANT, key=OTHER_KEY, kind="card")
    expired = token("ana", now=now() - timedelta(days=1))
    assert describe_test_code(token("ana"), TENANT_ID) == (
        "Read a TatamiTech pass: the camera works.",
        "ok",
    )
    assert describe_test_code(token("ana", kind="card"), TENANT_ID.upper()) == (
        "Read a TatamiTech card: the camera works.",
        "ok",
    )
    # Nothing is verified in test mode: an expired pass still proves the camera reads.
    assert describe_test_code(expired, TENANT_ID)[1] == "ok"
    assert describe_test_code(foreign, TENANT_ID) == (
        "Read a TatamiTech card of another academy.",
        "warn",
    )
    assert describe_test_code("https://example.com/menu", TENANT_ID) == (
        "Read a code, but it is not a TatamiTech code.",
        "warn",
    )
    # Before the academy is known (first wizard steps), any TatamiTech code is fine.
    assert describe_test_code(foreign, "")[1] == "ok"


# -- settings: the synthetic camera through the real decoder ---------------------------------


class Feed:
    """The synthetic camera's supplier: an empty lobby until a code is held up."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.text: str | None = None
        self.shown = 0

    def hold(self, text: str | None) -> None:
        with self._lock:
            self.text = text

    def __call__(self) -> str | None:
        with self._lock:
            if self.text is not None:
                self.shown += 1
            return self.text


@pytest.fixture
def camera_kiosk(tmp_path: Path, qapp: QApplication) -> Iterator[tuple[GuiRuntime, Feed]]:
    ui.ensure_theme(qapp)
    context = open_runtime(tmp_path / "kiosk", camera=CameraSettings(fps=5.0))
    ui.provision(context)
    feed = Feed()
    runtime = make_runtime(context, source="demo", next_text=feed)
    runtime.start()
    try:
        yield runtime, feed
    finally:
        feed.hold(None)
        runtime.shutdown()


def test_settings_camera_test_scan_is_described_and_never_checked_in(
    camera_kiosk: tuple[GuiRuntime, Feed], qtbot: QtBot
) -> None:
    runtime, feed = camera_kiosk
    qtbot.waitUntil(lambda: runtime.frame_bridge.state == "live", timeout=WAIT)
    settings = runtime.shell.staff.open_settings()
    panel = settings.camera
    qtbot.waitUntil(lambda: panel.isVisible() and panel.tenant_id == TENANT_ID, timeout=WAIT)
    assert settings.tabs.currentWidget() is panel  # the camera tab opens first: test mode
    assert panel.source.currentData() == "demo"

    card = token("ana", kind="card", ttl=timedelta(days=1))
    feed.hold(card)  # a student's card in front of the real camera pipeline
    qtbot.waitUntil(lambda: panel.test_reads >= 1, timeout=WAIT)
    assert panel.test_result.text() == "Read a TatamiTech card: the camera works."
    assert panel.test_result.property("role") == "ok"
    assert runtime.reception.recent(10) == []  # no ledger row: nothing was checked in
    assert runtime.sync.status().pending == 0
    assert runtime.shell.controller.shown == 0  # and no result card

    # Leaving the camera tab ends test mode: the next card in front of the camera checks in.
    reads = panel.test_reads
    settings.tabs.setCurrentIndex(1)
    feed.hold(token("ben", kind="card", ttl=timedelta(days=1)))
    controller = runtime.shell.controller
    qtbot.waitUntil(lambda: controller.current is not None, timeout=WAIT)
    current = controller.current
    assert current is not None and current.outcome is Outcome.ACCEPTED
    assert current.display_name == "Ben"
    assert panel.test_reads == reads
    assert [row.record.outcome for row in runtime.reception.recent(10)] == [Outcome.ACCEPTED]
    feed.hold(None)
    settings.close()


# -- the first-run wizard: a USB scanner on the camera step ------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", jwt_secret=SECRET)
    yield running
    running.stop()


def test_wizard_camera_step_describes_a_scanner_code_without_checking_in(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ui.ensure_theme(qapp)
    runtime = make_runtime(open_runtime(tmp_path / "kiosk"))
    runtime.start()
    try:
        wizard = runtime.shell.staff.wizard
        assert wizard is not None and server.seed is not None
        wizard.connection.slug.setText(GOLDEN_TIGER)
        wizard.connection.buttons["custom"].setChecked(True)
        wizard.connection.custom.setText(server.base_url)
        wizard.next_button.click()
        wizard.account.email.setText(f"admin@{GOLDEN_TIGER}.test")
        wizard.account.password.setText(server.seed.password)
        wizard.account.register_button.click()
        qtbot.waitUntil(lambda: wizard.account.registered is not None, timeout=WAIT)
        wizard.next_button.click()  # the camera step
        panel = wizard.camera
        assert panel is not None
        tiger = server.seed.tenants[GOLDEN_TIGER]
        qtbot.waitUntil(lambda: panel.isVisible() and panel.tenant_id == tiger.id, timeout=WAIT)

        wizard.activateWindow()
        window = wizard.windowHandle()
        qtbot.waitUntil(lambda: QGuiApplication.focusWindow() is window, timeout=WAIT)
        card = tiger.cards[tiger.students["card_holder"]]
        typed(focused_window(), card)
        qtbot.waitUntil(lambda: panel.test_reads == 1, timeout=WAIT)
        assert panel.test_result.text() == "Read a TatamiTech card: the camera works."
        assert runtime.shell.wedge_scans == 1
        assert panel.test_result.property("role") == "ok"
        crane = server.seed.tenants[IRON_CRANE]
        typed(focused_window(), next(iter(crane.cards.values())))
        qtbot.waitUntil(lambda: panel.test_reads == 2, timeout=WAIT)
        assert panel.test_result.text() == "Read a TatamiTech card of another academy."
        assert panel.test_result.property("role") == "warn"
        typed(focused_window(), "https://example.com/menu?table=4")
        qtbot.waitUntil(lambda: panel.test_reads == 3, timeout=WAIT)
        assert "not a TatamiTech code" in panel.test_result.text()

        assert runtime.reception.recent(10) == []  # a set-up test leaves no ledger row
        assert runtime.sync.status().pending == 0
        assert runtime.shell.controller.shown == 0
        assert wizard.index == 2  # typing the code did not press Next
        wizard.close()
    finally:
        runtime.shutdown()

"""Settings → "Register again…" against the real reference server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.adapters.secrets import SERVICE
from kiosk.domain.decision import Outcome
from kiosk.runtime import SyncSettings
from kiosk.server import schema
from kiosk.server.embedded import RunningServer, start_server
from kiosk.server.seed import GOLDEN_TIGER
from tests import ui_support as ui
from tests.keyring_backends import MemoryKeyring
from tests.server_support import Api, bearer
from tests.ui_support import make_runtime, open_runtime, scan_from_thread

WAIT = 20_000
SECRET = "reregister-tests-jwt-secret-that-is-long-enough-for-any-environment"


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    running = start_server(f"sqlite:///{tmp_path / 'server.sqlite3'}", jwt_secret=SECRET)
    yield running
    running.stop()


def test_register_again_from_the_settings(
    server: RunningServer, tmp_path: Path, qapp: QApplication, qtbot: QtBot
) -> None:
    ui.ensure_theme(qapp)
    assert server.seed is not None
    keyring = MemoryKeyring()
    context = open_runtime(tmp_path / "kiosk", keyring, sync=SyncSettings(1.0, 60.0))
    api = context.backend_for(server.base_url, GOLDEN_TIGER)
    try:
        first = context.setup.register(
            api, server.base_url, f"admin@{GOLDEN_TIGER}.test", server.seed.password, "door"
        )
    finally:
        api.close()
    old_token = keyring.items[(SERVICE, f"device-token:{first.kiosk_id}")]
    runtime = make_runtime(context)
    runtime.start()
    try:
        shell, strip = runtime.shell, runtime.shell.window.strip
        qtbot.waitUntil(lambda: "● Online" in strip.pill_texts(), timeout=WAIT)

        settings = shell.staff.open_settings()
        settings.tabs.setCurrentIndex(4)  # connection
        qtbot.waitUntil(
            lambda: first.kiosk_id in settings.connection.identity_label.text(), timeout=WAIT
        )
        with qtbot.waitSignal(settings.reregister_requested, timeout=WAIT):
            settings.connection.register_button.click()
        qtbot.waitUntil(
            lambda: shell.staff.wizard is not None and shell.staff.wizard.isVisible(), timeout=WAIT
        )
        wizard = shell.staff.wizard
        assert wizard is not None
        # Register only: no camera step, no PIN step (staff keep their PINs and camera).
        assert wizard.camera is None and wizard.kiosk is None and len(wizard.steps) == 3
        assert runtime.shell.window.isVisible()  # the kiosk stays up behind the wizard

        wizard.connection.slug.setText(GOLDEN_TIGER)
        wizard.connection.buttons["custom"].setChecked(True)
        wizard.connection.custom.setText(server.base_url)
        wizard.next_button.click()
        wizard.account.email.setText(f"admin@{GOLDEN_TIGER}.test")
        wizard.account.password.setText(server.seed.password)
        wizard.account.name.setText("door, again")
        wizard.account.register_button.click()
        qtbot.waitUntil(lambda: wizard.account.registered is not None, timeout=WAIT)
        registered = wizard.account.registered
        assert registered is not None
        again = registered.result
        assert again.kiosk_id != first.kiosk_id and again.tenant_slug == GOLDEN_TIGER
        assert registered.students > 0 and registered.error is None
        wizard.next_button.click()  # the summary
        assert f"Kiosk id: {again.kiosk_id}" in wizard.summary.text()
        with qtbot.waitSignal(wizard.completed, timeout=WAIT):
            wizard.next_button.click()
        qtbot.waitUntil(lambda: shell.staff.wizard is None, timeout=WAIT)

        identity = context.setup.identity()
        assert identity is not None
        assert identity.kiosk_id == again.kiosk_id
        assert identity.tenant_slug == GOLDEN_TIGER
        assert identity.tenant_id == server.seed.tenants[GOLDEN_TIGER].id
        assert identity.device_name == "door, again"
        new_token = keyring.items[(SERVICE, f"device-token:{again.kiosk_id}")]
        assert new_token != old_token
        # The device token was replaced: the old kiosk's token is not left behind.
        assert list(keyring.items.values()) == [new_token]

        # The kiosk now talks to the server as the new kiosk.
        tiger = server.seed.tenants[GOLDEN_TIGER]
        scan_from_thread(runtime, tiger.cards[tiger.students["card_holder"]])
        controller = shell.controller
        qtbot.waitUntil(lambda: controller.current is not None, timeout=WAIT)
        result = controller.current
        assert result is not None and result.outcome is Outcome.ACCEPTED
        qtbot.waitUntil(lambda: runtime.sync.status().pending == 0, timeout=WAIT)
        with server.database.read_tx() as conn:
            kiosk_id = conn.execute(
                sa.select(schema.attendance.c.kiosk_id).where(
                    schema.attendance.c.scan_id == result.scan_id
                )
            ).scalar_one()
        assert kiosk_id == again.kiosk_id
        assert "● Online" in strip.pill_texts()
        with Api(server) as admin:
            listed = admin.http.get("/api/kiosks", headers=bearer(admin.token())).json()
        names = {k["kioskId"]: k["name"] for k in listed["kiosks"]}
        assert names[again.kiosk_id] == "door, again" and names[first.kiosk_id] == "door"
    finally:
        runtime.shutdown()

"""Screenshots of the kiosk's main screens, into ``docs/screenshots/``.

Run under a virtual X server (``scripts/screenshots.sh`` wraps ``xvfb-run``), or with
``QT_QPA_PLATFORM=offscreen``. It starts the demo environment (seeded reference server, kiosk
registered against it), shows the real window at 1920×1080 with the synthetic camera feed, puts
real scans through the real check-in path, and grabs each screen. Nothing is mocked; a few
results are steered by choosing which student's code is scanned.

    python scripts/screenshots.py [--lang en|ja] [--out docs/screenshots] [--size 1920x1080]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop  # noqa: E402
from PySide6.QtGui import QColor, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from kiosk.adapters.paths import resource_dir  # noqa: E402
from kiosk.demo import DemoEnvironment  # noqa: E402
from kiosk.domain.decision import Outcome, Tone  # noqa: E402
from kiosk.domain.ports import ScanSource  # noqa: E402
from kiosk.gui import GuiRuntime, _ensure_demo_pins  # noqa: E402
from kiosk.runtime import KioskRuntime, RuntimeSettings, SyncSettings  # noqa: E402
from kiosk.server.seed import GOLDEN_TIGER, IRON_CRANE  # noqa: E402
from kiosk.services.checkin import ScanResult  # noqa: E402
from kiosk.services.staff import PinRole  # noqa: E402
from kiosk.ui.board.promote import PromoteDialog  # noqa: E402
from kiosk.ui.i18n import install_translator  # noqa: E402
from kiosk.ui.theme import apply_theme  # noqa: E402


def pump(app: QApplication, seconds: float) -> None:
    """Run the event loop for a while (a script, not a test: plain waiting is fine)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def wait_for(app: QApplication, condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("screen did not reach the expected state")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


class Shooter:
    def __init__(self, app: QApplication, out: Path, suffix: str) -> None:
        self.app = app
        self.out = out
        self.suffix = suffix
        self.saved: list[Path] = []

    def grab(self, widget: QWidget, name: str) -> None:
        pump(self.app, 0.4)
        path = self.out / f"{name}{self.suffix}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")

    def grab_over(self, window: QWidget, dialog: QWidget, name: str) -> None:
        """A compact dialog as staff see it: centred over the dimmed kiosk window."""
        pump(self.app, 0.4)
        canvas = window.grab()
        painter = QPainter(canvas)
        painter.fillRect(canvas.rect(), QColor(0, 0, 0, 140))
        shot = dialog.grab()
        painter.drawPixmap(
            (canvas.width() - shot.width()) // 2, (canvas.height() - shot.height()) // 2, shot
        )
        painter.end()
        path = self.out / f"{name}{self.suffix}.png"
        canvas.save(str(path))
        self.saved.append(path)
        sys.stdout.write(f"{path.relative_to(ROOT)}\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", default="en", choices=["en", "ja"])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1920x1080")
    parser.add_argument("--only", default="", help="comma-separated screen names")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb" if os.environ.get("DISPLAY") else "offscreen")
    app = QApplication([sys.argv[0]])
    apply_theme(app, height / 1080, (resource_dir() / "icons").as_posix())
    install_translator(app, resource_dir() / "translations", args.lang)
    suffix = "" if args.lang == "en" else f"_{args.lang}"
    shooter = Shooter(app, args.out, suffix)
    only = {name for name in args.only.split(",") if name}

    def wanted(name: str) -> bool:
        return not only or name in only

    root = Path(tempfile.mkdtemp(prefix="tatami-shots-"))
    env = DemoEnvironment.start(
        root / "demo", settings=RuntimeSettings(sync=SyncSettings(5.0, 60.0))
    )
    assert env.server.seed is not None
    tiger = env.server.seed.tenants[GOLDEN_TIGER]
    crane = env.server.seed.tenants[IRON_CRANE]
    showing: list[str | None] = [tiger.cards.get(tiger.students["card_holder"])]
    note = _ensure_demo_pins(env.runtime.pins)
    runtime = GuiRuntime(
        env.runtime,
        source="demo",
        next_text=lambda: showing[0],
        fullscreen=False,
        sound=False,
        demo_note=note,
        owns_core=False,
    )
    window = runtime.shell.window
    window.resize(width, height)
    runtime.start()
    # Codes in the preview are only previewed (test mode) until we scan on purpose.
    runtime.camera.set_test_mode(True)
    wait_for(app, lambda: runtime.frame_bridge.shown > 3, 20)
    pump(app, 1.5)
    if wanted("scan_idle"):
        shooter.grab(window, "scan_idle")
    showing[0] = None

    def scan(text: str, outcome: Outcome) -> ScanResult:
        before = runtime.shell.controller.shown
        threading.Thread(
            target=runtime.coordinator.code_detected, args=(text, ScanSource.CAMERA)
        ).start()
        wait_for(app, lambda: runtime.shell.controller.shown > before)
        result = runtime.shell.controller.current
        assert result is not None and result.outcome is outcome, (result, outcome)
        return result

    server = env.server
    students = tiger.students
    scan(server.issue_token(GOLDEN_TIGER, students["eligible"]), Outcome.ACCEPTED)
    if wanted("result_eligible"):
        shooter.grab(window, "result_eligible")
    scan(server.issue_token(GOLDEN_TIGER, students["close"]), Outcome.ACCEPTED)
    if wanted("result_accepted"):
        shooter.grab(window, "result_accepted")
    scan(server.issue_token(GOLDEN_TIGER, students["close"]), Outcome.DUPLICATE)
    if wanted("result_duplicate"):
        shooter.grab(window, "result_duplicate")
    past = server.clock.now() - timedelta(hours=2)
    scan(server.issue_token(GOLDEN_TIGER, students["close_days"], now=past), Outcome.EXPIRED)
    if wanted("result_expired"):
        shooter.grab(window, "result_expired")
    scan(server.issue_token(GOLDEN_TIGER, students["suspended"]), Outcome.STUDENT_INACTIVE)
    if wanted("result_inactive"):
        shooter.grab(window, "result_inactive")
    scan(next(iter(crane.cards.values())), Outcome.WRONG_TENANT)
    if wanted("result_wrong_tenant"):
        shooter.grab(window, "result_wrong_tenant")
    # Grading: the demo's classes are on now (a kids' class begun 15 minutes ago, tardy after
    # 5; "Advanced BJJ" for blue belt and up).
    scan(server.issue_token(GOLDEN_TIGER, students["stripe_ready"]), Outcome.ACCEPTED)
    if wanted("result_stripe"):
        shooter.grab(window, "result_stripe")
    scan(server.issue_token(GOLDEN_TIGER, students["missing_flags"]), Outcome.ACCEPTED)
    if wanted("result_tardy"):
        shooter.grab(window, "result_tardy")
    scan(server.issue_token(GOLDEN_TIGER, students["eligible_adult"]), Outcome.ACCEPTED)
    if wanted("result_restricted"):
        shooter.grab(window, "result_restricted")
    if wanted("result_not_saved"):
        now = runtime.services.clock.now()
        runtime.shell.controller.show_result(
            ScanResult(
                outcome=Outcome.NOT_SAVED,
                tone=Tone.RED,
                headline="",
                message="",
                source=ScanSource.CAMERA,
                scanned_at=now,
            )
        )
        shooter.grab(window, "result_not_saved")

    # Offline: the server goes away, a student checks in, the strip says so.
    if wanted("scan_offline"):
        server.stop()
        runtime.sync.nudge()
        scan(server_token(env, students["card_holder"]), Outcome.ACCEPTED)
        wait_for(
            app,
            lambda: runtime.shell.last_status is not None and not runtime.shell.last_status.online,
            30,
        )
        runtime.shell.refresh_status()
        pump(app, 1.0)
        shooter.grab(window, "scan_offline")
    runtime.shell.controller.reset()

    # Staff screens.
    pad = runtime.shell.staff.ask_pin(PinRole.INSTRUCTOR)
    pump(app, 0.5)
    for digit in "12":
        pad.keypad.keys[digit].click()
    if wanted("pin_pad"):
        shooter.grab_over(window, pad, "pin_pad")
    pad.close()
    menu = runtime.shell.staff.open_staff_menu()
    if wanted("staff_menu"):
        shooter.grab(menu, "staff_menu")
    menu.close()
    reception = runtime.shell.staff.open_reception()
    reception.manual.name_search.setText("a")
    wait_for(app, lambda: reception.manual.matches.count() > 0)
    if wanted("reception_manual"):
        shooter.grab(reception, "reception_manual")
    reception.tabs.setCurrentIndex(1)
    wait_for(app, lambda: reception.recent.table.rowCount() > 0)
    if wanted("reception_recent"):
        shooter.grab(reception, "reception_recent")
    reception.tabs.setCurrentIndex(3)
    wait_for(app, lambda: bool(reception.health.values))
    if wanted("reception_health"):
        shooter.grab(reception, "reception_health")
    reception.close()
    board = runtime.shell.staff.open_board()
    wait_for(app, lambda: board.table.rowCount() > 0)
    board.table.selectRow(0)
    wait_for(app, lambda: board.detail.name.text() != "" and board.detail.recent.count() > 0)
    if wanted("board"):
        shooter.grab(board, "board")
    board.filters.eligible_only.setChecked(True)
    wait_for(app, lambda: board.loaded >= 2)
    pump(app, 0.5)
    if wanted("board_eligible"):
        shooter.grab(board, "board_eligible")
    loaded = board.loaded
    board.filters.stripes.setChecked(True)
    wait_for(app, lambda: board.loaded > loaded and board.table.rowCount() > 0)
    board.table.selectRow(0)
    wait_for(app, lambda: board.detail.promote_button.isEnabled())
    if wanted("board_stripes"):
        shooter.grab(board, "board_stripes")
    board.detail.promote_button.click()
    pump(app, 0.3)
    promote = board.findChild(PromoteDialog)
    assert promote is not None
    promote.note.setText("Clean guard passes in every roll")
    promote.pin.setText("2468")
    if wanted("promote"):
        shooter.grab_over(board, promote, "promote")
    promote.close()
    board.close()
    settings = runtime.shell.staff.open_settings()
    pump(app, 1.0)
    if wanted("settings_camera"):
        shooter.grab(settings, "settings_camera")
    settings.tabs.setCurrentIndex(2)
    if wanted("settings_checkin"):
        shooter.grab(settings, "settings_checkin")
    settings.tabs.setCurrentIndex(4)
    if wanted("settings_connection"):
        shooter.grab(settings, "settings_connection")
    settings.close()
    runtime.shutdown()

    # The first-run wizard, on an empty kiosk, against a fresh server.
    if wanted("wizard_connection") or wanted("wizard_account") or wanted("wizard_camera"):
        wizard_shots(app, shooter, root)
    env.stop()
    return 0


def offline(runtime: GuiRuntime) -> bool:
    status = runtime.shell.last_status
    return status is not None and not status.online


def server_token(env: DemoEnvironment, student: str) -> str:
    """A card token signed the way the (now stopped) server signs: the seeded card."""
    tiger = env.server.seed.tenants[GOLDEN_TIGER] if env.server.seed else None
    assert tiger is not None
    return tiger.cards[student]


def wizard_shots(app: QApplication, shooter: Shooter, root: Path) -> None:
    from kiosk.server.embedded import start_server

    server = start_server(f"sqlite:///{root / 'wizard-server.sqlite3'}")
    core = KioskRuntime.open(root / "fresh", remember_credentials=False)
    runtime = GuiRuntime(core, source="demo", next_text=lambda: None, fullscreen=False, sound=False)
    runtime.start()
    wizard = runtime.shell.staff.wizard
    assert wizard is not None
    wizard.resize(1920, 1080)
    wizard.connection.slug.setText(GOLDEN_TIGER)
    wizard.connection.buttons["custom"].setChecked(True)
    wizard.connection.custom.setText(server.base_url)
    shooter.grab(wizard, "wizard_connection")
    wizard._on_next_button_clicked()
    wizard.account.email.setText(f"admin@{GOLDEN_TIGER}.test")
    assert server.seed is not None
    wizard.account.password.setText(server.seed.password)
    wizard.account._on_register_button_clicked()
    wait_for(app, lambda: wizard.account.registered is not None, 30)
    shooter.grab(wizard, "wizard_account")
    wizard._on_next_button_clicked()
    wait_for(app, lambda: runtime.frame_bridge.shown > 3, 20)
    shooter.grab(wizard, "wizard_camera")
    wizard._on_next_button_clicked()
    shooter.grab(wizard, "wizard_pins")
    runtime.shutdown()
    server.stop()


if __name__ == "__main__":
    sys.exit(main())

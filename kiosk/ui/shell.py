"""The Qt shell of the kiosk: window, controller, wedge capture, staff flows, status refresh.

It owns every GUI-thread object and wires the bridges (results, sync status, frames) to them.
Blocking work goes through two task managers: one worker for scans typed by a USB scanner (in
order), one for everything staff do. The composition root (:mod:`kiosk.gui`) builds the
services and the ports, then hands them here.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.domain.decision import OUTCOME_HEADLINE, OUTCOME_TONE, Outcome
from kiosk.domain.eligibility import Eligibility, EligibilityStats, EligibilityStatus
from kiosk.domain.model import Rank
from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import ScanResult
from kiosk.services.preferences import KioskPreferences
from kiosk.services.staff import PinRole
from kiosk.services.sync import SyncStatus
from kiosk.ui.bridges import FrameBridge, ScanBridge, SyncBridge
from kiosk.ui.controller import ScanController
from kiosk.ui.main_window import KioskWindow
from kiosk.ui.ports import KioskServices
from kiosk.ui.sounds import SoundBoard
from kiosk.ui.staff_screens import StaffScreens
from kiosk.ui.tasks import TaskManager
from kiosk.ui.warmup import LazyTypeWarmer
from kiosk.ui.wedge import WedgeFilter

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


def warm_up_results(now: datetime) -> list[ScanResult]:
    """One result of every look (green and eligible, amber-green, amber, red, not saved)."""
    white, yellow = Rank("white", "White", "#f5f5f5"), Rank("yellow", "Yellow", "#fdd835")
    stats = EligibilityStats(16, 16, 60, 60, None, None, "white", "yellow")
    eligible = Eligibility(True, EligibilityStatus.ELIGIBLE, (), (), stats)
    results = []
    for outcome in (
        Outcome.ACCEPTED,
        Outcome.DUPLICATE,
        Outcome.STUDENT_INACTIVE,
        Outcome.EXPIRED,
        Outcome.NOT_SAVED,
    ):
        student = outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        results.append(
            ScanResult(
                outcome=outcome,
                tone=OUTCOME_TONE[outcome],
                headline=OUTCOME_HEADLINE[outcome],
                message="",
                source=ScanSource.CAMERA,
                scanned_at=now,
                display_name="Warm Up" if student else None,
                rank=white if student else None,
                next_rank=yellow if student else None,
                eligibility=eligible if student else None,
                previous_at=now if outcome is Outcome.DUPLICATE else None,
            )
        )
    return results


#: How often the status strip re-reads queue and roster figures without a sync event.
STATUS_REFRESH_MS = 10_000


def show_full_screen(window: QWidget) -> None:
    """Show ``window`` over its whole screen, with or without a window manager.

    Full screen is a request to the window manager; a bare X session (how kiosks often run:
    ``xinit`` and the app) has none, and the window would keep its default size in a corner.
    Sizing it to the screen first makes both cases look the same.
    """
    screen = window.screen() or QApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
    window.showFullScreen()


class KioskShell(QObject):
    """Builds and runs the kiosk's screens.

    Args:
        services: The kiosk's services and ports.
        scans: Results from the decoder thread and the scan worker.
        sync: Status from the sync threads.
        frames: Camera frames (None: no preview).
        sounds: Outcome sounds.
        preferences: Preferences at start.
        fullscreen: Show full screen (off for tests and screenshots at a fixed size).

    Signals:
        exit_requested(): Staff chose to exit the kiosk (the app quits in order).
        ready(): The kiosk window is on screen.
    """

    exit_requested = Signal()
    ready = Signal()

    def __init__(
        self,
        services: KioskServices,
        scans: ScanBridge,
        sync: SyncBridge,
        frames: FrameBridge | None,
        sounds: SoundBoard,
        preferences: KioskPreferences,
        *,
        fullscreen: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.services = services
        self.scans = scans
        self.sync_bridge = sync
        self.frames = frames
        self.sounds = sounds
        self.preferences = preferences
        self.fullscreen = fullscreen
        self.tasks = TaskManager("kiosk-ui", workers=2, parent=self)
        self.scan_tasks = TaskManager("kiosk-wedge", workers=1, parent=self)
        self.window = KioskWindow(frames)
        self.window.scan_screen.idle.set_demo_note(services.demo_note)
        self.controller = ScanController(
            self.window.scan_screen, sounds, preferences.result_seconds, parent=self
        )
        self.wedge = WedgeFilter(parent=self)
        self.staff = StaffScreens(self)
        self._test_mode = False
        self._roster_seq = -1
        self._status_pending = False
        self.last_status: SyncStatus | None = None
        self.wedge_scans = 0
        self.zone = ZoneInfo("UTC")

        scans.result_ready.connect(self.controller._on_scans_result_ready)
        scans.result_ready.connect(self._on_scans_result_ready)
        sync.status_changed.connect(self._on_sync_status_changed)
        if frames is not None:
            frames.status_changed.connect(self._on_frames_status_changed)
            frames.frame_shown.connect(self._on_frames_frame_shown)
            frames.set_mirror(preferences.mirror)
        self.wedge.scanned.connect(self._on_wedge_scanned)
        self.window.strip.staff_requested.connect(self._on_strip_staff_requested)
        self.staff.result_made.connect(self._on_staff_result_made)
        self.staff.preferences_changed.connect(self._on_staff_preferences_changed)
        self.staff.wiped.connect(self._on_staff_wiped)
        self.staff.setup_completed.connect(self._on_staff_setup_completed)
        self.staff.setup_cancelled.connect(self._on_staff_setup_cancelled)
        self.staff.exit_requested.connect(self._on_staff_exit_requested)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_REFRESH_MS)
        self._status_timer.timeout.connect(self._on_status_timer_timeout)
        self._status_soon = QTimer(self)
        self._status_soon.setSingleShot(True)
        self._status_soon.setInterval(250)
        self._status_soon.timeout.connect(self._on_status_timer_timeout)
        self.type_warmer: LazyTypeWarmer | None = None

    # -- start and stop -------------------------------------------------------------------

    def start(self, first_run: bool) -> None:
        """Install the scanner capture and show the wizard (first run) or the kiosk."""
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.wedge)
        if first_run:
            self.staff.open_wizard(register_only=False, top_level=True)
        else:
            self.show_kiosk()

    def show_kiosk(self) -> None:
        if self.fullscreen:
            show_full_screen(self.window)
        else:
            self.window.show()
        self.warm_up()
        self.window.activateWindow()
        self.window.setFocus()  # not the staff button: no focus ring on the students' screen
        self.refresh_tenant()
        self.refresh_status()
        self._status_timer.start()
        self.ready.emit()

    def warm_up(self) -> None:
        """Render every kind of result card once, off screen, before students arrive.

        The first use of a Qt enum type in PySide6 builds its Python class (10–30 ms), and the
        first card of each colour paints its preview overlay (~10 ms): done here at start, a
        student's first scan never pays for it.
        """
        screen = self.window.scan_screen
        for result in warm_up_results(self.services.clock.now()):
            screen.show_result(result)
            screen.grab()
        screen.show_idle()
        screen.grab()
        if self.type_warmer is None:
            # The rest of PySide's lazy classes, a few milliseconds per turn while idle.
            self.type_warmer = LazyTypeWarmer((QtCore, QtGui, QtWidgets), parent=self)
            self.type_warmer.start()

    def shutdown(self) -> None:
        """GUI side of the ordered shutdown: stop capture, drain the workers, close windows."""
        self._status_timer.stop()
        self._status_soon.stop()
        if self.type_warmer is not None:
            self.type_warmer.stop()
        self.controller.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.wedge)
        self.scan_tasks.shutdown()
        self.tasks.shutdown()
        self.staff.close_all()
        self.window.allow_exit()
        self.window.close()
        self.window.deleteLater()

    # -- scans ------------------------------------------------------------------------------

    def set_test_mode(self, on: bool) -> None:
        """Codes are previewed, not checked in, while a camera test panel is on screen."""
        self._test_mode = on
        self.services.camera.set_test_mode(on)

    @Slot(str)
    def _on_wedge_scanned(self, text: str) -> None:
        self.wedge_scans += 1
        if self._test_mode:
            self.scans.preview_code(text)
            return
        coordinator = self.services.coordinator
        # The coordinator calls on_result (→ the scan bridge) on the worker thread.
        self.scan_tasks.run(lambda: coordinator.code_detected(text, ScanSource.WEDGE))

    @Slot(object, object)
    def _on_scans_result_ready(self, result: ScanResult, _latency: float | None) -> None:
        self.staff.show_scan(result)
        # Not in the same event-loop turn as the card's first paint: the queue count can wait
        # a quarter of a second, the student's card cannot.
        self._status_soon.start()

    # -- status -----------------------------------------------------------------------------

    def refresh_status(self) -> None:
        if self._status_pending:
            return
        self._status_pending = True
        self.tasks.run(self.services.sync.status, self._on_status_read, self._on_status_failed)

    def _on_status_read(self, status: SyncStatus) -> None:
        self._status_pending = False
        self._show_status(status)

    def _on_status_failed(self, error: BaseException) -> None:
        self._status_pending = False
        log.warning("status read failed: %s", type(error).__name__)

    @Slot(object)
    def _on_sync_status_changed(self, status: SyncStatus) -> None:
        self._show_status(status)

    def _show_status(self, status: SyncStatus) -> None:
        self.last_status = status
        self.window.strip.set_status(
            status, self.services.sync.connected, self.services.clock.now()
        )
        if status.roster_seq != self._roster_seq:
            self._roster_seq = status.roster_seq
            self.refresh_tenant()

    @Slot()
    def _on_status_timer_timeout(self) -> None:
        self.refresh_status()

    @Slot()
    def _on_frames_frame_shown(self) -> None:
        # Once: the cold-start figure of the benchmark and of the log.
        if self.frames is not None:
            self.frames.frame_shown.disconnect(self._on_frames_frame_shown)
        log.info("first camera frame on screen")

    @Slot()
    def _on_strip_staff_requested(self) -> None:
        self.staff.ask_pin(PinRole.INSTRUCTOR)

    @Slot(str, str)
    def _on_frames_status_changed(self, state: str, detail: str) -> None:
        self.window.strip.set_camera_state(state, detail)

    def refresh_tenant(self) -> None:
        self.tasks.run(self.services.reception.tenant, self._on_tenant_read)

    def _on_tenant_read(self, tenant: dict[str, str] | None) -> None:
        if not tenant:
            return
        try:
            zone = ZoneInfo(tenant.get("time_zone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        name = tenant.get("name") or tenant.get("slug") or ""
        self.zone = zone
        self.window.strip.set_tenant(name, tenant.get("primary", ""), tenant.get("logo", ""), zone)
        self.window.scan_screen.set_time_zone(zone)
        self.window.scan_screen.idle.set_welcome(name)

    # -- what the staff screens change ------------------------------------------------------

    def health_extra(self) -> dict[str, object]:
        """Figures only the Qt side knows (any thread: plain attribute reads)."""
        frames = self.frames
        return {
            "sound": self.sounds.status,
            "previewShown": frames.shown if frames else 0,
            "previewDropped": frames.dropped if frames else 0,
            "wedgeScans": self.wedge_scans,
            "resultsShown": self.controller.shown,
        }

    def show_window(self, window: QWidget, size: tuple[int, int]) -> None:
        """Show a top-level window full screen, or at ``size`` when the kiosk is windowed."""
        if self.fullscreen:
            show_full_screen(window)
        else:
            window.resize(*size)
            window.show()

    @Slot(object)
    def _on_staff_result_made(self, result: ScanResult) -> None:
        self.controller.show_result(result)
        self.refresh_status()

    @Slot(object)
    def _on_staff_preferences_changed(self, preferences: KioskPreferences) -> None:
        self.preferences = preferences
        self.services.checkin.set_local_window(preferences.checkin_window_minutes)
        self.controller.result_seconds = preferences.result_seconds
        self.sounds.set_enabled(preferences.sound, preferences.volume)
        if self.frames is not None:
            self.frames.set_mirror(preferences.mirror)

    @Slot()
    def _on_staff_wiped(self) -> None:
        self.preferences = KioskPreferences()
        self.services.checkin.set_local_window(None)
        self.window.strip.set_tenant("", "", "", ZoneInfo("UTC"))
        self.refresh_status()

    @Slot(object, bool, bool)
    def _on_staff_setup_completed(
        self, preferences: KioskPreferences, chose_camera: bool, top_level: bool
    ) -> None:
        self._on_staff_preferences_changed(preferences)
        if chose_camera:
            self.services.camera.start(
                preferences.camera, None if preferences.engine == "auto" else preferences.engine
            )
        if top_level or not self.window.isVisible():
            self.show_kiosk()
        self.refresh_tenant()
        self.refresh_status()

    @Slot(bool)
    def _on_staff_setup_cancelled(self, top_level: bool) -> None:
        if top_level or not self.window.isVisible():
            # Nothing is set up: leaving the first-run wizard ends the app.
            self.exit_requested.emit()

    @Slot()
    def _on_staff_exit_requested(self) -> None:
        self.window.allow_exit()
        self.exit_requested.emit()

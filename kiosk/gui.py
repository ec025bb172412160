"""The GUI composition root: ``run_gui(args)`` starts the kiosk window.

The kiosk itself is the Qt-free :class:`kiosk.runtime.KioskRuntime` (store, services, scan
loop, sync, backups). This module only wraps it for Qt: the application, a single-instance
lock in the data directory, the bridges that carry the runtime's callbacks to the GUI thread
as signals (:mod:`kiosk.ui.bridges`), sounds, and the shell of screens
(:class:`kiosk.ui.shell.KioskShell`).

Threads, and the order they stop in (each with its sentinel and a join):

    camera thread   source.read() → one-slot mailbox        (Camera.stop: interrupt, join)
    decoder thread  mailbox → pipeline → coordinator        (mailbox closed, join)
    GUI workers     store reads, PIN hashes, USB-scanner texts (TaskManager shutdown)
    sync threads    upload / pull                           (SyncLoop.stop: event, join)
    backup thread   the daily backup                        (event, join)
    store thread    the only SQLite writer                  (KioskRuntime.stop: sentinel, join)

Results reach widgets only through Qt signals of GUI-thread objects.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import logging.handlers
import os
import signal
import sys
import time
from collections.abc import Callable

from PySide6.QtCore import (
    QLockFile,
    QMessageLogContext,
    Qt,
    QTimer,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from kiosk import __version__
from kiosk.adapters.camera import Camera
from kiosk.adapters.config import KioskConfig
from kiosk.adapters.frames import Frame, SourceStatus, preview_pixels
from kiosk.adapters.paths import KioskPaths, resolve_paths, resource_dir
from kiosk.runtime import KioskRuntime, RuntimeSettings
from kiosk.services.preferences import KioskPreferences
from kiosk.services.staff import PinRole, PinService
from kiosk.ui.bridges import FrameBridge, ScanBridge, SyncBridge
from kiosk.ui.i18n import choose_language, install_translator, translate
from kiosk.ui.ports import KioskServices
from kiosk.ui.shell import KioskShell
from kiosk.ui.sounds import SoundBoard
from kiosk.ui.theme import apply_theme

log = logging.getLogger(__name__)

#: Where the process started (cold start is measured from here).
_PROCESS_START = time.monotonic()

#: Demo PINs, set only in demo mode when the demo kiosk has none (shown on the idle screen).
DEMO_STAFF_PIN = "1234"
DEMO_INSTRUCTOR_PIN = "2468"

EXIT_ALREADY_RUNNING = 3


class GuiRuntime:
    """A kiosk window over a :class:`KioskRuntime`: bridges, sounds and the shell of screens.

    ``run_gui`` uses it with a real application; tests and the benchmark build it on their own
    runtime and drive it with ``qtbot``.

    Args:
        core: An open runtime (stopped by :meth:`shutdown` when ``owns_core``).
        source: Frame source spec (None: the preference; ``none``: no camera).
        engine: Decoder engine (None: the preference).
        next_text: Demo feed supplier (offers the ``demo`` source).
        fullscreen: Full screen windows.
        sound: Allow sounds (tests pass False: QtMultimedia is never loaded).
        demo_note: Shown on the idle screen.
        owns_core: Stop the runtime at shutdown (else its owner does, e.g. the demo).
    """

    def __init__(
        self,
        core: KioskRuntime,
        *,
        source: str | None = None,
        engine: str | None = None,
        next_text: Callable[[], str | None] | None = None,
        fullscreen: bool = True,
        sound: bool = True,
        demo_note: str = "",
        owns_core: bool = True,
    ) -> None:
        self.core = core
        self._owns_core = owns_core
        self._closed = False
        self.preferences: KioskPreferences = core.preferences.load()
        self.scan_bridge = ScanBridge()
        self.sync_bridge = SyncBridge()
        self.frame_bridge = FrameBridge(prepare=preview_pixels)
        # The runtime's callbacks run on its threads; the bridges turn them into signals.
        core.coordinator.on_result = self.scan_bridge.deliver
        core.sync.on_status = self.sync_bridge.publish
        self.camera: Camera = core.make_camera(next_text, disabled=source == "none")
        self.camera.on_frame = self._on_camera_frame
        self.camera.on_status = self._on_camera_status
        self.camera.on_preview = self.scan_bridge.preview_code
        self.sync = core.sync
        self.coordinator = core.coordinator
        self.reception = core.reception
        self.preferences_service = core.preferences
        self.source = source
        self.engine = engine
        resources = resource_dir()
        self.sounds = SoundBoard(
            resources / "sounds",
            enabled=self.preferences.sound,
            volume=self.preferences.volume,
            allowed=sound,
        )
        self.services = KioskServices(
            checkin=core.checkin,
            board=core.board,
            grading=core.grading,
            pins=core.pins,
            setup=core.setup,
            reception=core.reception,
            preferences=core.preferences,
            coordinator=core.coordinator,
            clock=core.clock,
            sync=core.sync,
            camera=self.camera,
            api_factory=core.backend_for,
            diagnostics=core.diagnostics,
            resources=resources,
            version=__version__,
            vault_persistent=core.vault.persistent,
            vault_backend=core.vault.backend_name,
            export_dir=core.paths.cache,
            demo_note=demo_note,
        )
        self.shell = KioskShell(
            self.services,
            self.scan_bridge,
            self.sync_bridge,
            self.frame_bridge,
            self.sounds,
            self.preferences,
            fullscreen=fullscreen,
        )

    def _on_camera_frame(self, frame: Frame) -> None:
        self.frame_bridge.offer(frame.image, frame.captured_at)  # camera thread

    def _on_camera_status(self, status: SourceStatus) -> None:
        self.frame_bridge.report_status(str(status.state), status.detail)  # camera thread

    @property
    def first_run(self) -> bool:
        """Nothing to check in against and the wizard never completed: set-up first."""
        return self.reception.tenant() is None and not self.preferences.setup_done

    def start(self) -> None:
        """The runtime (sync, backups), the camera, and the windows (the wizard on a first run)."""
        self.core.start()
        first_run = self.first_run
        spec = self.source or self.preferences.camera
        if spec != "none" and not first_run:
            engine = self.engine or self.preferences.engine
            self.camera.start(spec, None if engine == "auto" else engine)
        elif first_run and spec != "none":
            self.camera.start(spec, None)  # the wizard's camera step previews it
        self.shell.start(first_run)

    @staticmethod
    def settle_memory() -> None:
        """Hide start-up objects from the garbage collector once the kiosk runs.

        A full collection walks every object imported at start (Qt, NumPy, OpenCV, HTTP and
        SQL libraries): measured at 18–25 ms of GUI-thread time, a visible hitch. Frozen,
        they are never walked again; later collections only see the kiosk's own objects.
        """
        gc.collect()
        gc.freeze()

    def shutdown(self) -> None:
        """Stop in order: camera and decoder, GUI workers, then the runtime (sync, store)."""
        if self._closed:
            return
        self._closed = True
        self.camera.stop()
        self.shell.shutdown()
        self.shell.deleteLater()
        if self._owns_core:
            self.core.stop()
        else:
            self.core.sync.stop()


# -- process-level concerns ----------------------------------------------------------------------


_QT_LOG = logging.getLogger("qt")
#: Qt categories that complain about optional system libraries (audio, VA-API): not our
#: problem, and noisy on every kiosk without them.
_QUIET_CATEGORIES = ("qt.multimedia", "qt.qpa.fonts")


def _qt_message_handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    category = context.category or "default"
    if category.startswith(_QUIET_CATEGORIES) or "PulseAudio" in message:
        _QT_LOG.debug("%s: %s", category, message)
        return
    level = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }.get(kind, logging.WARNING)
    _QT_LOG.log(level, "%s: %s", category, message)


def _screen_scale(app: QApplication) -> float:
    screen = app.primaryScreen()
    height = screen.size().height() if screen is not None else 1080
    return max(0.7, min(2.0, height / 1080))


def _ensure_demo_pins(pins: PinService) -> str:
    """Demo only: PINs the visitor can read on screen."""
    if not pins.is_set(PinRole.STAFF):
        pins.set_pin(PinRole.STAFF, DEMO_STAFF_PIN)
    if not pins.is_set(PinRole.INSTRUCTOR):
        pins.set_pin(PinRole.INSTRUCTOR, DEMO_INSTRUCTOR_PIN)
    return (
        translate("Demo", "Demo: staff PIN %1 · instructor PIN %2")
        .replace("%1", DEMO_STAFF_PIN)
        .replace("%2", DEMO_INSTRUCTOR_PIN)
    )


def run_gui(args: argparse.Namespace) -> int:
    """Run the kiosk window until staff exit it (or ``--quit-after`` seconds pass)."""
    os.environ.setdefault("QT_ENABLE_HIGHDPI_SCALING", "1")
    qInstallMessageHandler(_qt_message_handler)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("tatami-kiosk")
    app.setOrganizationName("TatamiTech")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)

    # Logging (redacted JSON lines) and the crash log were set up by kiosk.app for every command.
    config: KioskConfig = args.config
    settings = RuntimeSettings.from_config(config, fps=args.fps, loop=args.loop, demo=args.demo)
    demo = None
    lock: QLockFile | None = None
    if not args.demo:
        lock = _take_lock(resolve_paths(args.data_dir).ensure())
        if lock is None:
            return EXIT_ALREADY_RUNNING
    try:
        if args.demo:
            from kiosk.demo import DemoEnvironment

            demo = DemoEnvironment.start(args.data_dir, settings=settings)
            core = demo.runtime
            lock = _take_lock(core.paths)
            if lock is None:
                return EXIT_ALREADY_RUNNING
        else:
            core = KioskRuntime.open(args.data_dir, settings=settings)
        scale = _screen_scale(app)
        icons = resource_dir() / "icons"
        apply_theme(app, scale, icons.as_posix())
        app.setWindowIcon(QIcon(str(icons / "tatami-kiosk.svg")))
        install_translator(
            app,
            resource_dir() / "translations",
            choose_language(core.preferences.load().language),
        )
        demo_note = _ensure_demo_pins(core.pins) if demo else ""
        runtime = GuiRuntime(
            core,
            source=(args.source or "demo")
            if demo
            else (args.source or _configured(config, "camera_source")),
            engine=args.engine or _configured(config, "decoder_engine"),
            next_text=demo.next_text if demo else None,
            fullscreen=config.fullscreen and os.environ.get("TATAMI_WINDOWED", "") != "1",
            sound=config.sound,
            demo_note=demo_note,
            owns_core=demo is None,
        )
        # exit(), not quit(): quit() asks every window to close, and the kiosk window refuses.
        runtime.shell.exit_requested.connect(_exit_loop, Qt.ConnectionType.QueuedConnection)
        runtime.shell.ready.connect(_log_ready)
        # Audio first, before any worker thread: probing loads Qt's multimedia plugins, whose
        # messages reach the Python message handler, while the camera thread imports its
        # extension modules. Interleaved, the two deadlocked the demo once (a frozen smoke
        # run, stacks in the crash log). About 50-70 ms here.
        runtime.sounds.start()
        runtime.start()
        QTimer.singleShot(3000, runtime.settle_memory)  # after the camera's imports
        if args.quit_after is not None:
            QTimer.singleShot(int(args.quit_after * 1000), _exit_loop)
        _watch_signals(app)
        code = app.exec()
        first = runtime.frame_bridge.first_frame_at
        if first is not None:
            log.info("cold start to first frame: %.0f ms", (first - _PROCESS_START) * 1000)
        runtime.shutdown()
        return int(code)
    finally:
        if demo is not None:
            demo.stop()
        if lock is not None:
            lock.unlock()


def _configured(config: KioskConfig, key: str) -> str | None:
    """A setting staff or an installer put in the configuration (not a default): it wins over
    the preference chosen in the wizard, which is what the kiosk uses otherwise."""
    if config.origin.get(key, "default") == "default":
        return None
    value = getattr(config, key)
    return None if value == "auto" else str(value)


def _take_lock(paths: KioskPaths) -> QLockFile | None:
    """One kiosk per data directory: two would fight for the camera and the database."""
    lock = QLockFile(str(paths.lock_file))
    lock.setStaleLockTime(0)  # a lock left by a crashed kiosk is stale when its PID is gone
    if lock.tryLock(500):
        return lock
    pid, host, _app = lock.getLockInfo()
    sys.stderr.write(f"tatami-kiosk: already running (pid {pid} on {host}) with {paths.data}\n")
    return None


def _watch_signals(app: QApplication) -> None:
    """SIGTERM/SIGINT (systemd stop, Ctrl-C) end the event loop, then the ordered shutdown."""

    def handler(signum: int, frame: object) -> None:
        QTimer.singleShot(0, _exit_loop)

    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(ValueError):
            signal.signal(signum, handler)
    # Python runs signal handlers only between bytecodes: give it a chance twice a second.
    ticker = QTimer(app)
    ticker.setInterval(500)
    ticker.timeout.connect(_noop)
    ticker.start()


def _log_ready() -> None:
    log.info("kiosk window shown after %.0f ms", (time.monotonic() - _PROCESS_START) * 1000)


def _exit_loop() -> None:
    """End the event loop; the ordered shutdown follows in :func:`run_gui`."""
    QApplication.exit(0)


def _noop() -> None:
    """Lets the interpreter run pending signal handlers."""


__all__ = ["GuiRuntime", "run_gui"]

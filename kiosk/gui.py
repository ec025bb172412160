"""The GUI composition root: ``run_gui(args)`` starts the kiosk window.

Above :mod:`kiosk.context` (Qt-free services) it adds what a window needs: the Qt application,
a single-instance lock in the data directory, a crash log, the camera scan loop and the sync
loop wrapped for Qt (:class:`CameraRunner`, :class:`SyncRunner`), and the shell of screens
(:class:`kiosk.ui.shell.KioskShell`).

Threads, and the order they stop in (each with its sentinel and a join):

    camera thread   source.read() → one-slot mailbox        (ScanLoop.stop: interrupt, join)
    decoder thread  mailbox → pipeline → coordinator        (mailbox closed, join)
    wedge worker    USB-scanner texts → coordinator         (executor shutdown)
    sync threads    upload / pull                           (SyncLoop.stop: event, join)
    store thread    the only SQLite writer                  (context.close: sentinel, join)

Results reach widgets only through Qt signals of GUI-thread objects (:mod:`kiosk.ui.bridges`).
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
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict
from typing import Any

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
from kiosk.adapters.api_client import HttpBackend
from kiosk.adapters.backup import DailyBackup
from kiosk.adapters.config import KioskConfig
from kiosk.adapters.frames import preview_pixels
from kiosk.adapters.logs import LOG_FILE_NAME
from kiosk.adapters.paths import KioskPaths, resolve_paths, resource_dir
from kiosk.context import KioskContext
from kiosk.domain.ports import ScanSource
from kiosk.services.preferences import KioskPreferences, PreferencesService
from kiosk.services.reception import ReceptionService
from kiosk.services.scanning import ScanCoordinator
from kiosk.services.staff import PinRole, PinService
from kiosk.services.sync import SyncEngine, SyncLoop, SyncStatus
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


# -- camera ---------------------------------------------------------------------------------


class CameraRunner:
    """The scan loop (camera + decoder threads) behind :class:`kiosk.ui.ports.CameraPort`.

    Starting and stopping happen on a short-lived control thread: opening a camera, importing
    OpenCV and building a decoder take hundreds of milliseconds the GUI must not wait for.

    Args:
        frames: Preview frames go here (camera thread).
        scans: Test-mode codes go here (decoder thread).
        coordinator: Real scans go here (decoder thread).
        next_text: Text supplier of the synthetic demo feed (demo mode).
        fps: Requested frame rate.
        disabled: No camera at all (``--source none``, tests): ``start`` does nothing.
        loop: Play files and folders in a loop (benchmarks, demos from recordings).
        size: Requested camera (or demo feed) frame size, (width, height).
        camera_fps: The camera's frame rate when ``fps`` is not given (configuration).
        camera_backend: Capture API name (configuration ``camera_backend``).
    """

    def __init__(
        self,
        frames: FrameBridge,
        scans: ScanBridge,
        coordinator: ScanCoordinator,
        next_text: Callable[[], str | None] | None = None,
        fps: float | None = None,
        *,
        disabled: bool = False,
        loop: bool = False,
        size: tuple[int, int] = (1280, 720),
        camera_fps: float = 30.0,
        camera_backend: str = "auto",
    ) -> None:
        self._disabled = disabled
        self._camera_fps = camera_fps
        self._camera_backend = camera_backend
        self._loop_files = loop
        self._size = size
        self._frames = frames
        self._scans = scans
        self._coordinator = coordinator
        self._next_text = next_text
        self._fps = fps
        self._loop: Any = None
        self._lock = threading.Lock()
        self._control: threading.Thread | None = None
        self._spec = ""
        self._engine = "auto"
        self._engines: list[str] | None = None
        self._test_mode = False
        self.started_at: float | None = None
        self.error: str | None = None

    @property
    def spec(self) -> str:
        return self._spec

    def start(self, spec: str | None = None, engine: str | None = None) -> None:
        if self._disabled:
            return
        spec = spec or self._spec or "camera:0"
        self._spec = spec
        self._engine = engine or "auto"
        control = threading.Thread(
            target=self._restart, args=(spec, engine), name="kiosk-camera-control", daemon=True
        )
        with self._lock:
            previous, self._control = self._control, control
        if previous is not None:
            previous.join()
        control.start()

    def _restart(self, spec: str, engine: str | None) -> None:
        from kiosk.adapters.decoders import EngineUnavailable, make_engine
        from kiosk.adapters.frames import SourceError, open_source
        from kiosk.adapters.scan_pipeline import DecodePipeline, ScanLoop

        self._stop_loop()
        try:
            source = open_source(
                spec,
                next_text=self._next_text,
                width=self._size[0],
                height=self._size[1],
                fps=self._fps,
                loop=self._loop_files,
                camera_fps=self._camera_fps,
                camera_backend=self._camera_backend,
            )
        except SourceError as exc:
            self.error = str(exc)
            self._frames.report_status("failed", str(exc))
            log.warning("camera source not usable: %s", exc)
            return
        try:
            pipeline = DecodePipeline(make_engine(engine)) if engine else DecodePipeline.default()
        except EngineUnavailable as exc:
            log.warning("decoder %s unavailable (%s): using the default", engine, exc)
            pipeline = DecodePipeline.default()
        loop = ScanLoop(
            source,
            pipeline,
            on_code=self._on_code,
            on_frame=self._on_frame,
            on_status=self._on_status,
        )
        with self._lock:
            self._loop = loop
        self.started_at = time.monotonic()
        loop.start()
        log.info("camera started: %s, engine %s", source.describe(), pipeline.primary.name)

    def _on_code(self, code: Any) -> None:
        # Decoder thread: decide and record here; the result travels to the GUI as a signal.
        if self._test_mode:
            self._scans.preview_code(code.text)
            return
        self._coordinator.code_detected(code.text, ScanSource.CAMERA, code.captured_at)

    def _on_frame(self, frame: Any) -> None:
        self._frames.offer(frame.image, frame.captured_at)

    def _on_status(self, status: Any) -> None:
        self._frames.report_status(str(status.state), status.detail)

    def _stop_loop(self) -> None:
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()

    def stop(self) -> None:
        with self._lock:
            control = self._control
        if control is not None:
            control.join()
        self._stop_loop()

    def stats(self) -> Mapping[str, Any]:
        with self._lock:
            loop = self._loop
        if loop is None:
            return {"camera_state": self._frames.state, "spec": self._spec}
        stats = asdict(loop.stats())
        stats["engine"] = loop.pipeline.primary.name
        stats["spec"] = self._spec
        return stats

    def sources(self) -> list[tuple[str, str]]:
        label = translate("CameraSetup", "Camera %1 (%2)")
        choices = [
            (f"camera:{i}", label.replace("%1", str(i + 1)).replace("%2", f"camera:{i}"))
            for i in range(4)
        ]
        if self._next_text is not None:
            choices.insert(0, ("demo", translate("CameraSetup", "Demo feed (synthetic)")))
        return choices

    def engines(self) -> list[str]:
        if self._engines is None:
            from kiosk.adapters.decoders import available_engines

            self._engines = [name for name, why in available_engines().items() if why is None]
        return list(self._engines)

    def set_test_mode(self, on: bool) -> None:
        self._test_mode = on

    def camera_state(self) -> str:
        return self._frames.state


# -- sync -----------------------------------------------------------------------------------


class SyncRunner:
    """The sync loop behind :class:`kiosk.ui.ports.SyncPort`; rebuilt after (re-)registration.

    Args:
        context: The kiosk context (store, vault, clock, set-up).
        bridge: Status goes here (sync threads).
        reception: Local status when the kiosk has no backend.
        camera_state: Reported in heartbeats.
        upload_interval: Seconds between uploads when idle.
        pull_interval: Seconds between roster pulls.
    """

    def __init__(
        self,
        context: KioskContext,
        bridge: SyncBridge,
        reception: ReceptionService,
        camera_state: Callable[[], str],
        *,
        upload_interval: float = 30.0,
        pull_interval: float = 300.0,
    ) -> None:
        self._context = context
        self._bridge = bridge
        self._reception = reception
        self._camera_state = camera_state
        self.upload_interval = upload_interval
        self.pull_interval = pull_interval
        self._lock = threading.RLock()
        self.engine: SyncEngine | None = None
        self.loop: SyncLoop | None = None
        self._backend: HttpBackend | None = None

    @property
    def connected(self) -> bool:
        return self.engine is not None

    def restart(self) -> None:
        with self._lock:
            self.stop()
            identity = self._context.setup.identity()
            if not identity or not identity.get("api_url"):
                return
            self._backend = HttpBackend(str(identity["api_url"]), str(identity["tenant_slug"]))
            self.engine = SyncEngine(
                self._context.store,
                self._backend,
                self._context.vault,
                self._context.clock,
                camera_state=self._camera_state,
            )
            self.loop = SyncLoop(
                self.engine,
                upload_interval=self.upload_interval,
                pull_interval=self.pull_interval,
                on_status=self._bridge.publish,
            )
            self.loop.start()

    def stop(self) -> None:
        with self._lock:
            loop, self.loop = self.loop, None
            backend, self._backend = self._backend, None
            self.engine = None
        if loop is not None:
            loop.stop()
        if backend is not None:
            backend.close()

    def status(self) -> SyncStatus:
        engine = self.engine
        return engine.status() if engine is not None else self._reception.local_status()

    def nudge(self) -> None:
        loop = self.loop
        if loop is not None:
            loop.nudge()

    def pull_now(self) -> None:
        loop = self.loop
        if loop is not None:
            loop.pull_now()

    def pull_once(self) -> tuple[int, str | None]:
        engine = self.engine
        if engine is None:
            return 0, "not registered"
        report = engine.pull_once()
        return report.students, report.error

    def promotion_check(self, student_id: str) -> Mapping[str, Any] | None:
        engine = self.engine
        return engine.promotion_check(student_id) if engine is not None else None


# -- the runtime ------------------------------------------------------------------------------


class GuiRuntime:
    """Everything of a running kiosk window, built on a :class:`KioskContext`.

    ``run_gui`` uses it with a real application; tests and the benchmark build it on their own
    context and drive it with ``qtbot``.

    Args:
        context: An open kiosk context (closed by :meth:`shutdown` when ``owns_context``).
        source: Frame source spec (None: the preference; ``none``: no camera).
        engine: Decoder engine (None: the preference).
        next_text: Demo feed supplier.
        fullscreen: Full screen windows.
        sound: Allow sounds (tests pass False: QtMultimedia is never loaded).
        demo_note: Shown on the idle screen.
        sync_intervals: (upload, pull) seconds.
        api_factory: Set-up clients (defaults to the HTTP backend).
        owns_context: Close the context at shutdown.
        fps: Camera (or demo feed) frame rate; None for the source's default.
        loop: Loop file and folder sources.
        camera_size: Requested camera (or demo feed) frame size, (width, height).
        camera_fps: The camera's frame rate when ``fps`` is not given.
        camera_backend: Capture API name (``auto``: the platform's best).
    """

    def __init__(
        self,
        context: KioskContext,
        *,
        source: str | None = None,
        engine: str | None = None,
        next_text: Callable[[], str | None] | None = None,
        fullscreen: bool = True,
        sound: bool = True,
        demo_note: str = "",
        sync_intervals: tuple[float, float] = (30.0, 300.0),
        api_factory: Callable[[str, str], Any] | None = None,
        owns_context: bool = True,
        fps: float | None = None,
        loop: bool = False,
        camera_size: tuple[int, int] = (1280, 720),
        camera_fps: float = 30.0,
        camera_backend: str = "auto",
    ) -> None:
        self.context = context
        self._owns_context = owns_context
        self._closed = False
        store, clock = context.store, context.clock
        self.preferences_service = PreferencesService(store)
        self.preferences: KioskPreferences = self.preferences_service.load()
        self.scan_bridge = ScanBridge()
        self.sync_bridge = SyncBridge()
        self.frame_bridge = FrameBridge(prepare=preview_pixels)
        self.reception = ReceptionService(store, clock)
        self.sync = SyncRunner(
            context,
            self.sync_bridge,
            self.reception,
            camera_state=self.frame_bridge_state,
            upload_interval=sync_intervals[0],
            pull_interval=sync_intervals[1],
        )
        self.coordinator = ScanCoordinator(
            context.checkin, on_result=self.scan_bridge.deliver, after_accept=self.sync.nudge
        )
        self.camera = CameraRunner(
            self.frame_bridge,
            self.scan_bridge,
            self.coordinator,
            next_text=next_text,
            fps=fps,
            disabled=source == "none",
            loop=loop,
            size=camera_size,
            camera_fps=camera_fps,
            camera_backend=camera_backend,
        )
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
            checkin=context.checkin,
            board=context.board,
            pins=PinService(store, clock),
            setup=context.setup,
            reception=self.reception,
            preferences=self.preferences_service,
            coordinator=self.coordinator,
            clock=clock,
            sync=self.sync,
            camera=self.camera,
            api_factory=api_factory or HttpBackend,
            resources=resources,
            version=__version__,
            vault_persistent=context.vault.persistent,
            vault_backend=context.vault.backend_name,
            log_file=context.paths.logs / LOG_FILE_NAME,
            export_dir=context.paths.cache,
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

    def frame_bridge_state(self) -> str:
        return self.frame_bridge.state

    @property
    def first_run(self) -> bool:
        """Nothing to check in against and the wizard never completed: set-up first."""
        return self.reception.tenant() is None and not self.preferences.setup_done

    def start(self) -> None:
        """Sync, camera and windows (the wizard on a first run)."""
        self.sync.restart()
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
        """Stop in order: camera and decoder, GUI workers, sync, store."""
        if self._closed:
            return
        self._closed = True
        self.camera.stop()
        self.shell.shutdown()
        self.shell.deleteLater()
        self.sync.stop()
        if self._owns_context:
            self.context.close()


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

    demo = None
    paths = resolve_paths(args.data_dir).ensure() if not args.demo else None
    lock: QLockFile | None = None
    daily: DailyBackup | None = None
    if paths is not None:
        lock = _take_lock(paths)
        if lock is None:
            return EXIT_ALREADY_RUNNING
    # Logging (redacted JSON lines) and the crash log were set up by kiosk.app for every command.
    config: KioskConfig = args.config
    try:
        if args.demo:
            from kiosk.demo import DemoEnvironment

            demo = DemoEnvironment.start(args.data_dir)
            context = demo.context
            lock = _take_lock(context.paths)
            if lock is None:
                demo.stop()
                return EXIT_ALREADY_RUNNING
        else:
            context = KioskContext.open(
                args.data_dir, window_override_minutes=config.checkin_window_minutes
            )
        if config.backup_enabled:
            # At start and hourly after: a kiosk runs for weeks, and only the .deb has a timer.
            daily = DailyBackup(
                context.paths.database,
                context.paths.backups,
                config.backup_keep,
                context.clock.now,
            )
            daily.start()
        scale = _screen_scale(app)
        icons = resource_dir() / "icons"
        apply_theme(app, scale, icons.as_posix())
        app.setWindowIcon(QIcon(str(icons / "tatami-kiosk.svg")))
        preferences = PreferencesService(context.store).load()
        install_translator(
            app, resource_dir() / "translations", choose_language(preferences.language)
        )
        demo_note = _ensure_demo_pins(PinService(context.store, context.clock)) if demo else ""
        runtime = GuiRuntime(
            context,
            source=(args.source or "demo")
            if demo
            else (args.source or _configured(config, "camera_source")),
            engine=args.engine or _configured(config, "decoder_engine"),
            next_text=demo.next_text if demo else None,
            fullscreen=config.fullscreen and os.environ.get("TATAMI_WINDOWED", "") != "1",
            sound=config.sound,
            demo_note=demo_note,
            sync_intervals=(10.0, 60.0)
            if demo
            else (float(config.upload_interval_seconds), float(config.pull_interval_seconds)),
            owns_context=demo is None,
            fps=args.fps,
            loop=args.loop,
            camera_size=(config.camera_width, config.camera_height),
            camera_fps=config.camera_fps,
            camera_backend=config.camera_backend,
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
        if daily is not None:
            daily.stop()
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


__all__ = ["CameraRunner", "GuiRuntime", "SyncRunner", "run_gui"]

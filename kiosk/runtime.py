"""The Qt-free kiosk: one runtime that every face of the kiosk wraps.

:class:`KioskRuntime` is the only place that assembles the kiosk (an import-linter contract in
``pyproject.toml`` holds everyone else to it). It owns:

    paths, clock, credential store (keyring), the store and its writer thread
    the services (check-in, board, provisioning, set-up, PINs, preferences, reception)
    the scan coordinator, and the camera: its scan loop built by a
        :class:`~kiosk.adapters.camera.ScanLoopFactory`, the one place that opens frame sources
        and picks a decoder (with the fallback)
    :class:`SyncRunner`: the one place that builds the HTTP backend, the sync engine and its loop
    the daily backup

The headless runner uses it directly; :mod:`kiosk.gui` wraps it in Qt bridges (as Electrum's
Qt window wraps its daemon, and Anki's ``aqt`` its collection); commands that only need the
store and services open it and never start it.

Life cycle, and the order things stop in (each thread with its sentinel and a join)::

    KioskRuntime.open(...)     store writer thread, services          (nothing else runs)
    runtime.start()            sync threads (when registered), daily backup
    runtime.camera.start(...)  camera and decoder threads (restartable; a control thread)
    runtime.stop()             camera, sync, backup, store
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.adapters.api_client import HttpBackend
from kiosk.adapters.backup import DailyBackup
from kiosk.adapters.camera import Camera, CameraSettings, ScanLoopFactory
from kiosk.adapters.clock import SystemClock
from kiosk.adapters.diagnostics import DiagnosticsFiles
from kiosk.adapters.logs import LOG_FILE_NAME
from kiosk.adapters.paths import KioskPaths, resolve_paths
from kiosk.adapters.secrets import KeyringVault
from kiosk.adapters.store import SqliteStore
from kiosk.domain.ports import ScanSource
from kiosk.services.board import BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.preferences import PreferencesService
from kiosk.services.provisioning import ProvisioningService
from kiosk.services.reception import ReceptionService
from kiosk.services.scanning import ScanCoordinator
from kiosk.services.setup import SetupService
from kiosk.services.staff import PinService
from kiosk.services.sync import PromotionVerdict, SyncEngine, SyncLoop, SyncStatus

if TYPE_CHECKING:
    from kiosk.adapters.config import KioskConfig
    from kiosk.domain.camera import DetectedCode

log = logging.getLogger(__name__)


# -- settings ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SyncSettings:
    """Seconds between uploads (when idle), roster pulls and heartbeats."""

    upload_interval: float = 30.0
    pull_interval: float = 300.0
    heartbeat_interval: float = 60.0


#: The demo's server is local and its feed busy: sync often, so the queue is seen draining.
DEMO_SYNC = SyncSettings(upload_interval=10.0, pull_interval=60.0)


@dataclass(frozen=True, slots=True)
class RuntimeSettings:
    """Everything the runtime takes from the configuration.

    Attributes:
        window_override_minutes: An installer's check-in window (locks the wizard's choice).
        camera: Frame source requests.
        sync: Sync periods.
        backup_keep: Automatic daily backups kept; None: no automatic backup.
    """

    window_override_minutes: int | None = None
    camera: CameraSettings = field(default_factory=CameraSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)
    backup_keep: int | None = None

    @classmethod
    def from_config(
        cls,
        config: KioskConfig,
        *,
        fps: float | None = None,
        loop: bool = False,
        demo: bool = False,
    ) -> RuntimeSettings:
        """The settings of a configured kiosk (``fps`` and ``loop`` come from the command line)."""
        return cls(
            window_override_minutes=config.checkin_window_minutes,
            camera=CameraSettings(
                size=(config.camera_width, config.camera_height),
                fps=fps,
                camera_fps=config.camera_fps,
                backend=config.camera_backend,
                loop=loop,
            ),
            sync=DEMO_SYNC
            if demo
            else SyncSettings(
                upload_interval=float(config.upload_interval_seconds),
                pull_interval=float(config.pull_interval_seconds),
                heartbeat_interval=float(config.heartbeat_interval_seconds),
            ),
            backup_keep=config.backup_keep if config.backup_enabled else None,
        )


# -- sync -------------------------------------------------------------------------------------


class SyncRunner:
    """The sync engine and its loop, built from this kiosk's identity; rebuilt after
    (re-)registration. The one place that builds the HTTP backend and the engine.

    Implements :class:`kiosk.ui.ports.SyncPort`. ``on_status`` is called from the sync threads
    after every cycle (a window turns it into a Qt signal).
    """

    def __init__(
        self,
        runtime: KioskRuntime,
        settings: SyncSettings,
        camera_state: Callable[[], str],
    ) -> None:
        self._runtime = runtime
        self.settings = settings
        self._camera_state = camera_state
        self.on_status: Callable[[SyncStatus], None] | None = None
        self._lock = threading.RLock()
        self._engine: SyncEngine | None = None
        self._backend: HttpBackend | None = None
        self.loop: SyncLoop | None = None

    @property
    def connected(self) -> bool:
        """This kiosk has a backend to sync with."""
        return self._engine is not None

    @property
    def engine(self) -> SyncEngine | None:
        return self._engine

    def connect(self) -> SyncEngine | None:
        """The engine for the registered backend (built once), or None before registration."""
        with self._lock:
            if self._engine is not None:
                return self._engine
            identity = self._runtime.setup.identity()
            if identity is None or not identity.api_url:
                return None
            runtime = self._runtime
            self._backend = runtime.backend_for(identity.api_url, identity.tenant_slug)
            self._engine = SyncEngine(
                runtime.store,
                self._backend,
                runtime.vault,
                runtime.clock,
                camera_state=self._camera_state,
            )
            return self._engine

    def start(self) -> None:
        """Connect and start the upload and pull threads (nothing before registration)."""
        with self._lock:
            if self.loop is not None:
                return
            engine = self.connect()
            if engine is None:
                return
            settings = self.settings
            self.loop = SyncLoop(
                engine,
                upload_interval=settings.upload_interval,
                pull_interval=settings.pull_interval,
                heartbeat_interval=settings.heartbeat_interval,
                on_status=self._publish,
            )
            self.loop.start()

    def _publish(self, status: SyncStatus) -> None:
        if self.on_status is not None:
            self.on_status(status)

    def restart(self) -> None:
        """Blocking: rebuild from the kiosk's identity (after registration) and start."""
        with self._lock:
            self.stop()
            self.start()

    def stop(self) -> None:
        """Blocking: stop the sync threads and close the connection."""
        with self._lock:
            loop, self.loop = self.loop, None
            backend, self._backend = self._backend, None
            self._engine = None
        if loop is not None:
            loop.stop()
        if backend is not None:
            backend.close()

    def drain(self) -> SyncStatus | None:
        """Blocking: stop the sync threads, then upload once more, so that a short run (a demo,
        a smoke test) leaves nothing queued; the status after it (None when not registered)."""
        with self._lock:
            loop, self.loop = self.loop, None
            engine = self._engine
        if loop is not None:
            loop.stop()
        if engine is None:
            return None
        engine.upload_once()
        return engine.status()

    def status(self) -> SyncStatus:
        engine = self._engine
        return engine.status() if engine is not None else self._runtime.reception.local_status()

    def nudge(self) -> None:
        loop = self.loop
        if loop is not None:
            loop.nudge()

    def pull_now(self) -> None:
        loop = self.loop
        if loop is not None:
            loop.pull_now()

    def pull_once(self) -> tuple[int, str | None]:
        engine = self._engine
        if engine is None:
            return 0, "not registered"
        report = engine.pull_once()
        return report.students, report.error

    def promotion_check(self, student_id: str) -> PromotionVerdict | None:
        engine = self._engine
        return engine.promotion_check(student_id) if engine is not None else None


# -- the runtime ------------------------------------------------------------------------------


class KioskRuntime:
    """The kiosk without a screen: store, services, scan loop, sync, backups, credentials.

    Build it with :meth:`open`; :meth:`start` and :meth:`stop` run and end its threads.
    """

    def __init__(
        self,
        paths: KioskPaths,
        store: SqliteStore,
        clock: SystemClock,
        vault: KeyringVault,
        settings: RuntimeSettings,
    ) -> None:
        self.paths = paths
        self.store = store
        self.clock = clock
        self.vault = vault
        self.settings = settings
        self.checkin = CheckInService(
            store, clock, window_override_minutes=settings.window_override_minutes
        )
        self.board = BoardService(store, clock)
        self.provisioning = ProvisioningService(store, clock)
        self.setup = SetupService(store, vault, clock)
        self.preferences = PreferencesService(store)
        self.pins = PinService(store, clock)
        self.reception = ReceptionService(store, clock)
        self.diagnostics = DiagnosticsFiles(paths.logs / LOG_FILE_NAME)
        # The window staff chose in the wizard applies to headless runs too: one data dir is
        # one kiosk, whatever front end reads its camera.
        self.checkin.set_local_window(self.preferences.load().checkin_window_minutes)
        self.sync = SyncRunner(self, settings.sync, camera_state=self._camera_state)
        self.coordinator = ScanCoordinator(self.checkin, after_accept=self.sync.nudge)
        self._camera: Camera | None = None
        self._backup: DailyBackup | None = None
        self._started = False
        self._closed = False

    @classmethod
    def open(
        cls,
        data_dir: str | Path | None = None,
        *,
        vault: KeyringVault | None = None,
        settings: RuntimeSettings | None = None,
        remember_credentials: bool = True,
    ) -> KioskRuntime:
        """Open the kiosk in ``data_dir`` (else the platform's places): store and services.

        Args:
            data_dir: ``--data-dir``.
            vault: The credential store (default: the OS keyring).
            settings: From the configuration (default: defaults, no automatic backup).
            remember_credentials: False keeps the device token in memory only (the demo never
                writes to the OS keyring).
        """
        if vault is None:
            vault = KeyringVault() if remember_credentials else KeyringVault.memory_only()
        paths = resolve_paths(data_dir).ensure()
        store = SqliteStore(paths.database)
        try:
            clock = SystemClock()
            offset = store.read(lambda ledger: ledger.state("clock_offset_ms"))
            if offset:
                clock.set_offset_ms(int(offset))
            return cls(paths, store, clock, vault, settings or RuntimeSettings())
        except BaseException:
            store.close()
            raise

    def backend_for(self, api_url: str, tenant_slug: str) -> HttpBackend:
        """A client of the backend at ``api_url`` (set-up, before this kiosk has an identity)."""
        return HttpBackend(api_url, tenant_slug)

    # -- camera ---------------------------------------------------------------------------------

    def make_camera(
        self,
        next_text: Callable[[], str | None] | None = None,
        *,
        disabled: bool = False,
    ) -> Camera:
        """The kiosk's camera (one per runtime; stopped by :meth:`stop`).

        Args:
            next_text: The demo feed's supplier of texts (offers the ``demo`` source).
            disabled: No camera at all (``--source none``).
        """
        if self._camera is not None:
            raise RuntimeError("this runtime has a camera already")
        factory = ScanLoopFactory(self.settings.camera, next_text)
        self._camera = Camera(factory, disabled=disabled)
        self._camera.on_code = self._on_camera_code
        return self._camera

    def _on_camera_code(self, code: DetectedCode) -> None:
        # Decoder thread: decide and record here; the result goes to the coordinator's listener.
        self.coordinator.code_detected(code.text, ScanSource.CAMERA, code.captured_at)

    @property
    def camera(self) -> Camera | None:
        return self._camera

    def _camera_state(self) -> str:
        camera = self._camera
        return camera.state if camera is not None else "closed"

    # -- life cycle -------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the sync threads (a registered kiosk) and the daily backup."""
        if self._started or self._closed:
            return
        self._started = True
        keep = self.settings.backup_keep
        if keep is not None:
            # At start and hourly after: a kiosk runs for weeks, and only the .deb has a timer.
            self._backup = DailyBackup(
                self.paths.database, self.paths.backups, keep, self.clock.now
            )
            self._backup.start()
        self.sync.start()

    def stop(self) -> None:
        """Stop in order: camera and decoder, sync, backup, then the store (idempotent)."""
        if self._closed:
            return
        self._closed = True
        if self._camera is not None:
            self._camera.stop()
        self.sync.stop()
        if self._backup is not None:
            self._backup.stop()
            self._backup = None
        self.store.close()

    def close(self) -> None:
        """The same as :meth:`stop`: a runtime that was never started only has its store."""
        self.stop()

    def __enter__(self) -> KioskRuntime:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


__all__ = ["DEMO_SYNC", "KioskRuntime", "RuntimeSettings", "SyncRunner", "SyncSettings"]

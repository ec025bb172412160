"""What the Qt layer needs from below, as plain Python: services and three small ports.

The GUI composition root (:mod:`kiosk.gui`) fills :class:`KioskServices` from the Qt-free
runtime (:mod:`kiosk.runtime`), whose camera, sync runner and diagnostics files implement
:class:`CameraPort`, :class:`SyncPort` and :class:`DiagnosticsPort`. The widgets know only
these, so the UI never imports an adapter.

Every method marked *blocking* reads the store or the network: call it through a
:class:`~kiosk.ui.tasks.TaskManager`, never on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from kiosk.domain.camera import ScanStats
from kiosk.domain.ports import Clock, SetupApi
from kiosk.services.board import BoardService
from kiosk.services.checkin import CheckInService
from kiosk.services.grading import GradingService
from kiosk.services.preferences import PreferencesService
from kiosk.services.reception import ReceptionService
from kiosk.services.scanning import ScanCoordinator
from kiosk.services.setup import SetupService
from kiosk.services.staff import PinService
from kiosk.services.sync import PromotionVerdict, SyncStatus


class ClosableSetupApi(SetupApi, Protocol):
    """A set-up client that holds a connection until closed."""

    def close(self) -> None: ...


class CameraPort(Protocol):
    """The camera and decoder threads, seen from the UI."""

    @property
    def spec(self) -> str:
        """The source being used (``camera:0``, ``demo``...)."""
        ...

    def start(self, spec: str | None = None, engine: str | None = None) -> None:
        """(Re)start scanning from ``spec`` with ``engine``; returns at once."""
        ...

    def stop(self) -> None:
        """Stop the camera and decoder threads (blocking: up to a few seconds)."""
        ...

    def stats(self) -> ScanStats:
        """Capture and decode rates, decode time, state and engine (zeros while stopped)."""
        ...

    def sources(self) -> list[str]:
        """Source specs for the set-up and settings screens (``demo``, ``camera:0``...)."""
        ...

    def engines(self) -> list[str]:
        """Decoder engines usable here, best first."""
        ...

    def set_test_mode(self, on: bool) -> None:
        """While on, codes are previewed (``ScanBridge.code_previewed``), not checked in."""
        ...


class SyncPort(Protocol):
    """The sync threads, seen from the UI."""

    @property
    def connected(self) -> bool:
        """This kiosk has a backend to sync with."""
        ...

    def status(self) -> SyncStatus:
        """Blocking: the current status (local figures when not connected)."""
        ...

    def nudge(self) -> None:
        """Upload now."""
        ...

    def pull_now(self) -> None:
        """Pull the roster now."""
        ...

    def pull_once(self) -> tuple[int, str | None]:
        """Blocking: pull the roster now; (students in the roster, error or None)."""
        ...

    def promotion_check(self, student_id: str) -> PromotionVerdict | None:
        """Blocking: the backend's own evaluation, or None when it cannot be reached."""
        ...

    def restart(self) -> None:
        """Blocking: (re)build the sync from the kiosk's identity, e.g. after registration."""
        ...

    def stop(self) -> None:
        """Blocking: stop the sync threads."""
        ...


class DiagnosticsPort(Protocol):
    """The files of a diagnostics bundle: the log's recent lines in, a zip out."""

    def recent_log_lines(self, limit: int = 400) -> list[str]:
        """Blocking: the last ``limit`` lines of the kiosk's log."""
        ...

    def write_bundle(self, path: Path, files: Mapping[str, str]) -> Path:
        """Blocking: write the (already redacted) files into a zip at ``path``."""
        ...


@dataclass
class KioskServices:
    """Everything the screens use, wired once by the composition root.

    Attributes:
        api_factory: Builds a set-up client for (base URL, tenant slug): admin login,
            registration, staff account login.
        resources: The bundled resources directory (sounds, translations).
        diagnostics: Reads the log and writes diagnostics bundles.
        export_dir: Default folder for diagnostics bundles.
        demo_note: Shown on the idle screen in demo mode (demo PINs), else empty.
    """

    checkin: CheckInService
    board: BoardService
    grading: GradingService
    pins: PinService
    setup: SetupService
    reception: ReceptionService
    preferences: PreferencesService
    coordinator: ScanCoordinator
    clock: Clock
    sync: SyncPort
    camera: CameraPort
    api_factory: Callable[[str, str], ClosableSetupApi]
    diagnostics: DiagnosticsPort
    resources: Path
    version: str
    vault_persistent: bool = True
    vault_backend: str = ""
    export_dir: Path | None = None
    demo_note: str = ""

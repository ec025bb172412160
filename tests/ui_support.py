"""Helpers for the UI tests: a real kiosk (context, store, runtime) in ``tmp_path``.

Nothing is mocked: the kiosk runs on a real SQLite store with the vector roster (or registered
against a real reference server on 127.0.0.1), the device token lives in an in-memory keyring,
and scans go through the real coordinator from a plain thread, as the decoder thread does. Qt
runs offscreen (``tests/conftest.py``). Waiting is done with ``qtbot.waitUntil`` /
``qtbot.waitSignal``, never with sleeps.

Each test module declares its fixtures in two lines with :func:`no_leaked_windows` (every
module: a test leaves no top-level window behind) and :func:`running_kiosk`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QTranslator
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.adapters.paths import resource_dir
from kiosk.adapters.secrets import KeyringVault
from kiosk.domain.ports import ScanSource
from kiosk.gui import GuiRuntime
from kiosk.runtime import KioskRuntime, RuntimeSettings
from kiosk.services.staff import PinRole
from kiosk.ui.i18n import install_translator
from kiosk.ui.theme import apply_theme
from tests.keyring_backends import MemoryKeyring
from tests.support import VECTOR_ROSTER, make_token

STAFF_PIN = "2468"
INSTRUCTOR_PIN = "1357"


def now() -> datetime:
    return datetime.now(UTC)


def token(student: str, **kwargs: Any) -> str:
    """A pass (or card) of the vector tenant, valid now on the system clock."""
    return make_token(student, now=kwargs.pop("now", now()), **kwargs)


def open_runtime(
    data_dir: Path, keyring: MemoryKeyring | None = None, **settings: Any
) -> KioskRuntime:
    """A kiosk runtime in ``data_dir`` with an in-memory keyring; ``settings`` are
    :class:`RuntimeSettings` fields (e.g. ``sync=SyncSettings(1.0, 60.0)``)."""
    return KioskRuntime.open(
        data_dir,
        vault=KeyringVault(keyring or MemoryKeyring()),
        settings=RuntimeSettings(**settings),
    )


def provision(core: KioskRuntime, pins: bool = True) -> None:
    """The vector roster and the two PINs, as staff would have set them up."""
    core.provisioning.apply_document(VECTOR_ROSTER)
    if pins:
        core.pins.set_pin(PinRole.STAFF, STAFF_PIN)
        core.pins.set_pin(PinRole.INSTRUCTOR, INSTRUCTOR_PIN)


def make_runtime(core: KioskRuntime, **kwargs: Any) -> GuiRuntime:
    """A kiosk window without camera or sound, not full screen, at a kiosk-like size."""
    options: dict[str, Any] = {
        "source": "none",
        "fullscreen": False,
        "sound": False,
        "owns_core": True,
    }
    options.update(kwargs)
    runtime = GuiRuntime(core, **options)
    runtime.shell.window.resize(1280, 800)
    return runtime


def scan_from_thread(
    runtime: GuiRuntime, text: str, source: ScanSource = ScanSource.CAMERA
) -> None:
    """Hand a decoded text to the coordinator from a worker thread, as the decoder does."""
    worker = threading.Thread(
        target=runtime.coordinator.code_detected, args=(text, source), name="test-decoder"
    )
    worker.start()
    worker.join(10)


def type_into_window(window: QWindow, text: str, *, enter: bool = True) -> None:
    """Key presses as the platform delivers them: to the window first (scanner speed)."""
    for char in text:
        QTest.keyClick(window, char)
    if enter:
        QTest.keyClick(window, "\r")


def focused_window() -> QWindow:
    from PySide6.QtGui import QGuiApplication

    window = QGuiApplication.focusWindow()
    assert window is not None
    return window


_ENGLISH: list[QTranslator] = []


def ensure_english(app: QApplication) -> None:
    """The English catalogue, once, as the kiosk always runs with its language's catalogue:
    English plurals ("1 check-in needs staff") are numerus forms it holds."""
    if not _ENGLISH:
        _ENGLISH.append(install_translator(app, resource_dir() / "translations", "en"))


_THEMED: list[bool] = []


def ensure_theme(app: QApplication) -> None:
    """The kiosk's theme, once (a style sheet problem would log a Qt warning and fail)."""
    if not _THEMED:
        apply_theme(app, 0.8, (resource_dir() / "icons").as_posix())
        _THEMED.append(True)


@contextmanager
def no_leaked_windows() -> Iterator[None]:
    """A test leaves no top-level widget behind (napari's viewer check)."""
    before = {id(w) for w in QApplication.topLevelWidgets()}
    yield
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()
    leaked = [w for w in QApplication.topLevelWidgets() if id(w) not in before and _is_ours(w)]
    assert not leaked, f"leaked top-level widgets: {[type(w).__name__ for w in leaked]}"


def _is_ours(widget: QWidget) -> bool:
    return type(widget).__module__.startswith("kiosk.") or widget.isVisible()


@contextmanager
def running_kiosk(tmp_path: Path, app: QApplication) -> Iterator[GuiRuntime]:
    """A provisioned, offline kiosk window (vector roster, staff and instructor PINs)."""
    ensure_theme(app)
    context = open_runtime(tmp_path / "kiosk")
    provision(context)
    runtime = make_runtime(context)
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.shutdown()

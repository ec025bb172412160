"""Entry point of ``tatami-kiosk`` and ``python -m kiosk``: a start-up screen, then the kiosk.

Importing the kiosk (store, HTTP client, services, OpenCV) takes a second or more before any
window exists; the demo then starts its embedded server. So when the kiosk window is going to
open, the start-up screen (:mod:`kiosk.ui.splash`: the academy's name and "Starting camera…")
is shown first, from the lightest imports there are, and the rest loads behind it. Everything
else (subcommands, ``--headless``, a keyboard wedge on stdin, no display, ``--help``) goes
straight to :func:`kiosk.app.main`, as before.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Sequence
from typing import Any

# The demo's academy (kiosk.server.seed), named here so that the demo's screen has it before
# the reference server is even imported. tests/test_vision_startup.py keeps the two in step.
DEMO_ACADEMY = "Golden Tiger"

_SUBCOMMANDS = frozenset({"setup", "sync", "roster", "pin", "decode", "doctor", "smoke", "backup"})

_splash: Any = None  # kept alive until the process ends; it closes itself


def _option(args: Sequence[str], name: str) -> str | None:
    for n, arg in enumerate(args):
        if arg == name and n + 1 < len(args):
            return args[n + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _configured_source(data_dir: str | None) -> str | None:
    """``camera_source`` from the environment or the configuration file, read cheaply."""
    if os.environ.get("TATAMI_CAMERA_SOURCE"):
        return os.environ["TATAMI_CAMERA_SOURCE"]
    from kiosk.adapters.paths import resolve_paths

    try:
        with resolve_paths(data_dir).config_file.open("rb") as handle:
            value = tomllib.load(handle).get("camera_source")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return value if isinstance(value, str) else None


def window_expected(args: Sequence[str]) -> bool:
    """The kiosk window will open: no subcommand, no headless run, a real display."""
    if any(a in ("-h", "--help", "--version", "--headless") for a in args):
        return False
    if any(not a.startswith("-") and a in _SUBCOMMANDS for a in args):
        return False
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return False  # tests and benchmarks without a screen: nobody to show it to
    if sys.platform.startswith(("linux", "freebsd", "openbsd")) and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    source = _option(args, "--source") or _configured_source(_option(args, "--data-dir"))
    return source != "stdin"


def _facts(args: Sequence[str]) -> tuple[str | None, str]:
    """The academy's name and the interface language for the start-up screen."""
    from kiosk.adapters.paths import resolve_paths
    from kiosk.adapters.startup_peek import startup_facts

    language = os.environ.get("TATAMI_LANGUAGE", "")
    if "--demo" in args:
        return DEMO_ACADEMY, language or "auto"
    facts = startup_facts(resolve_paths(_option(args, "--data-dir")).database)
    return facts.academy, language or facts.language


def main(argv: Sequence[str] | None = None) -> int:
    """Show the start-up screen when a window is coming, then run :func:`kiosk.app.main`."""
    global _splash
    args = list(sys.argv[1:] if argv is None else argv)
    if window_expected(args):
        try:
            _splash = _show_splash(args)
        except Exception:  # the start-up screen must never stop the kiosk from starting
            _splash = None
    from kiosk.app import main as app_main

    return app_main(args)


def _show_splash(args: Sequence[str]) -> Any:
    from PySide6.QtWidgets import QApplication

    from kiosk.ui.splash import StartupScreen

    app = QApplication.instance() or QApplication(sys.argv[:1])
    del app  # run_gui takes this instance (QApplication.instance())
    windowed = os.environ.get("TATAMI_WINDOWED", "") == "1" or os.environ.get(
        "TATAMI_FULLSCREEN", ""
    ).lower() in ("0", "false", "no", "off")
    academy, language = _facts(args)
    splash = StartupScreen(academy, language=language, full_screen=not windowed)
    splash.show_now()
    return splash


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

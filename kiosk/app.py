"""``tatami-kiosk``: the composition root and command line.

Qt is imported only when a window is wanted, so headless commands start fast and run where Qt
cannot. Sub-commands:

    run        the kiosk (default); --demo, --headless, --source, --fps, --loop, --quit-after
    setup      register this kiosk with the backend (admin login; password never stored)
    sync       sync --once: upload, pull, heartbeat, then print a JSON status
    roster     roster import FILE: provision offline from a roster document
    pin        pin set [--role staff|instructor]: set a PIN on this computer
    decode     decode image files or folders (test a printed card)
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType, ModuleType
from typing import TYPE_CHECKING, TypeAlias

from kiosk import __version__
from kiosk.adapters.config import ConfigError, KioskConfig, load_config
from kiosk.adapters.logs import install_crash_handler, setup_logging
from kiosk.adapters.paths import resolve_paths
from kiosk.domain.ports import ScanSource, StorageError
from kiosk.domain.roster import RosterError
from kiosk.runtime import KioskRuntime, RuntimeSettings

if TYPE_CHECKING:
    from kiosk.commands.headless import ScanHandler
    from kiosk.services.checkin import ScanResult
    from kiosk.services.scanning import ScanCoordinator

log = logging.getLogger("kiosk")

#: Commands contributed by modules of ``kiosk.commands``: each module has ``NAME``,
#: ``add_parser(subparsers, parents)`` and ``run(args) -> int``, and imports nothing heavy at
#: module level (the parser is built on every start).
EXTRA_COMMANDS: tuple[str, ...] = (
    "kiosk.commands.doctor",
    "kiosk.commands.smoke",
    "kiosk.commands.backup",
    "kiosk.commands.pin",
)


def _extra_commands() -> dict[str, ModuleType]:
    modules = [importlib.import_module(name) for name in EXTRA_COMMANDS]
    return {module.NAME: module for module in modules}


def _build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=None,
        help="keep database, config, logs and cache under DIR (also TATAMI_DATA_DIR)",
    )
    common.add_argument(
        "--log-level", default=None, help="DEBUG | INFO | WARNING | ERROR (also TATAMI_LOG_LEVEL)"
    )

    parser = argparse.ArgumentParser(
        prog="tatami-kiosk",
        description="TatamiTech check-in kiosk",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"tatami-kiosk {__version__}")
    commands = parser.add_subparsers(dest="command")

    run = commands.add_parser("run", parents=[common], help="run the kiosk (default)")
    _add_run_arguments(run)
    _add_run_arguments(parser)  # so that `tatami-kiosk --demo` works without `run`

    roster = commands.add_parser("roster", parents=[common], help="roster provisioning")
    roster_commands = roster.add_subparsers(dest="roster_command", required=True)
    roster_import = roster_commands.add_parser(
        "import", parents=[common], help="apply a roster document (JSON) offline"
    )
    roster_import.add_argument("file", type=Path)

    setup = commands.add_parser(
        "setup", parents=[common], help="register this kiosk with the backend (admin login)"
    )
    setup.add_argument(
        "--api",
        default=None,
        help="backend URL, e.g. https://golden-tiger.tatamitech.com (default: from the "
        "configuration's environment and tenant)",
    )
    setup.add_argument(
        "--tenant", default=None, help="academy slug, e.g. golden-tiger (default: configured)"
    )
    setup.add_argument("--email", required=True, help="an academy admin's email")
    setup.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (else a prompt)"
    )
    setup.add_argument("--name", default=None, help="kiosk name (default: this machine's name)")

    sync = commands.add_parser("sync", parents=[common], help="sync with the backend")
    sync.add_argument("--once", action="store_true", required=True, help="one full sync, then exit")

    decode = commands.add_parser(
        "decode", parents=[common], help="decode QR codes in image files or folders"
    )
    decode.add_argument("paths", nargs="+", metavar="PATH")
    decode.add_argument(
        "--engine",
        default=None,
        help="zxing | pyzbar | opencv | opencv-aruco | pipeline (default: the kiosk's pipeline)",
    )
    decode.add_argument("--json", action="store_true", help="one JSON line per image")
    for module in _extra_commands().values():
        module.add_parser(commands, [common])
    return parser


def _add_run_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--demo", action="store_true", help="demo tenant and synthetic feed")
    parser.add_argument("--headless", action="store_true", help="no window: JSON lines")
    parser.add_argument(
        "--source",
        default=None,
        help="stdin | camera:N | file:PATH | folder:PATH | demo (default camera:0; --demo: demo)",
    )
    parser.add_argument(
        "--quit-after", type=float, default=None, metavar="SECONDS", help="end cleanly after"
    )
    parser.add_argument(
        "--engine", default=None, help="QR decoder engine (default: the measured best)"
    )
    parser.add_argument(
        "--fps",
        type=_positive_float,
        default=None,
        help="camera: frame rate asked of the driver (default 30); file: pace instead of the "
        "file's own; folder: images per second (default 2); demo: feed rate (default 15)",
    )
    parser.add_argument(
        "--loop", action="store_true", help="play file: and folder: sources in a loop (else once)"
    )


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not 0 < value <= 240:
        raise argparse.ArgumentTypeError("must be above 0 and at most 240")
    return value


def _configure(args: argparse.Namespace) -> int | None:
    """Configuration (file < TATAMI_* < flags), redacted JSON-lines logs, crash log."""
    paths = resolve_paths(args.data_dir)
    try:
        config = load_config(paths.config_file, os.environ, {"log_level": args.log_level})
    except ConfigError as exc:
        if args.command != "doctor":
            return _fail(str(exc))
        # doctor exists to explain a broken configuration: it reports this one itself.
        setup_logging(paths, args.log_level or "WARNING")
        install_crash_handler(paths)
        args.config = None
        return None
    setup_logging(paths, config.log_level, environment=config.environment.value)
    install_crash_handler(paths)
    args.config = config
    return None


def _fail(message: str, code: int = 2) -> int:
    print(f"tatami-kiosk: {message}", file=sys.stderr)
    return code


def _cmd_roster_import(args: argparse.Namespace) -> int:
    from kiosk.commands.roster import import_roster_file
    from kiosk.services.staff import PinRole

    with KioskRuntime.open(args.data_dir) as runtime:
        try:
            summary = import_roster_file(runtime.provisioning, args.file)
        except RosterError as exc:
            return _fail(f"roster not imported, nothing changed: {exc}")
        except StorageError as exc:
            return _fail(f"roster not imported, nothing changed: {exc}")
        staff_pin_set = runtime.pins.is_set(PinRole.STAFF)
    print(json.dumps(summary.to_json()))
    if not staff_pin_set:
        print(
            "tatami-kiosk: no staff PIN on this kiosk yet: set one with `tatami-kiosk pin set` "
            "(the kiosk's PIN pad does not let anyone at the screen choose it)",
            file=sys.stderr,
        )
    return 0


def _cmd_setup(args: argparse.Namespace) -> int:
    import getpass
    import platform

    from kiosk.services.setup import SetupError

    config: KioskConfig = args.config
    tenant = args.tenant or config.tenant
    api_url = args.api or (
        config.resolved_api_url if not args.tenant or args.tenant == config.tenant else None
    )
    if not tenant or not api_url:
        return _fail("say which academy and backend: --tenant SLUG and --api URL (or configure)")
    args.tenant, args.api = tenant, api_url
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"Password for {args.email}: ")
    name = args.name or platform.node() or "kiosk"
    with KioskRuntime.open(args.data_dir) as runtime:
        api = runtime.backend_for(args.api, args.tenant)
        try:
            result = runtime.setup.register(api, args.api, args.email, password, name)
        except SetupError as exc:
            return _fail(f"set-up failed: {exc}")
        finally:
            api.close()
            del password
        engine = runtime.sync.connect()
        assert engine is not None
        pulled = engine.pull_once()
    print(
        json.dumps(
            {
                "kioskId": result.kiosk_id,
                "tenant": result.tenant_slug,
                "tokenStored": "keyring" if result.token_persistent else "memory-only",
                "rosterSeq": pulled.seq,
                "students": pulled.students,
                "error": pulled.error,
            }
        )
    )
    if not result.token_persistent:
        print(
            "warning: no OS keyring here, so the device token is not kept after this process; "
            "set PYTHON_KEYRING_BACKEND to a persistent backend or log in again after a restart",
            file=sys.stderr,
        )
    return 0 if pulled.error is None else 1


def _cmd_sync(args: argparse.Namespace) -> int:
    with KioskRuntime.open(args.data_dir) as runtime:
        engine = runtime.sync.connect()
        if engine is None:
            return _fail("this kiosk is not registered: run `tatami-kiosk setup` first")
        status = engine.sync_once()
    print(json.dumps(status.to_json()))
    return 0 if status.staff_needed is None and status.last_error is None else 1


def _has_display() -> bool:
    """A window is possible: a display on Linux/BSD, always on Windows and macOS."""
    if os.environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return True
    if sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    return True


def _cmd_run(args: argparse.Namespace) -> int:
    config: KioskConfig = args.config
    source = args.source or ("demo" if args.demo else config.camera_source)
    if args.engine is None and config.decoder_engine != "auto":
        args.engine = config.decoder_engine
    if not args.headless and source != "stdin" and _has_display():
        from kiosk.gui import run_gui  # Qt is imported only here

        return run_gui(args)
    return _run_headless(args, source)


def _run_headless(args: argparse.Namespace, source_spec: str) -> int:
    """No window: a keyboard wedge on stdin, a camera, a video file, an image folder or the demo
    feed; one JSON line per scan. A registered kiosk syncs in the background meanwhile."""
    from kiosk.adapters.frames import SourceError
    from kiosk.commands.headless import run_frames, run_lines

    settings = RuntimeSettings.from_config(
        args.config, fps=args.fps, loop=args.loop, demo=args.demo
    )
    demo = None
    if args.demo:
        from kiosk.demo import DemoEnvironment

        demo = DemoEnvironment.start(args.data_dir, settings=settings)
        runtime = demo.runtime
    else:
        runtime = KioskRuntime.open(args.data_dir, settings=settings)
    stop = threading.Event()
    previous = _install_stop_handlers(stop)
    try:
        runtime.start()
        if source_spec == "stdin":
            run_lines(coordinator_handler(runtime.coordinator), sys.stdin, sys.stdout)
            return 0
        camera = runtime.make_camera(demo.next_text if demo else None)
        try:
            run_frames(
                camera,
                runtime.coordinator,
                source_spec,
                sys.stdout,
                engine=args.engine,
                quit_after=args.quit_after,
                stop=stop,
            )
        except SourceError as exc:
            return _fail(str(exc))
        return 0
    finally:
        status = runtime.sync.drain()
        if status is not None:
            print(json.dumps({"sync": status.to_json()}), file=sys.stderr, flush=True)
        _restore_stop_handlers(previous)
        if demo is not None:
            demo.stop()
        else:
            runtime.stop()


def coordinator_handler(coordinator: ScanCoordinator) -> ScanHandler:
    """Adapt a coordinator to the line runner (wedge scans also nudge the sync loop)."""

    class _Handler:
        def handle_scan(self, text: str, source: ScanSource) -> ScanResult:
            return coordinator.code_detected(text, source)

    return _Handler()


#: What ``signal.signal`` accepts and returns: a handler, SIG_DFL/SIG_IGN, or None.
_SignalHandler: TypeAlias = Callable[[int, FrameType | None], object] | int | None


def _install_stop_handlers(stop: threading.Event) -> dict[int, _SignalHandler]:
    """SIGTERM and SIGINT end a headless run cleanly (systemd stop, Ctrl-C)."""
    previous: dict[int, _SignalHandler] = {}

    def handler(signum: int, frame: object) -> None:
        stop.set()

    for signum in (signal.SIGTERM, signal.SIGINT):
        # ValueError: not the main thread (tests calling main() from a thread).
        with contextlib.suppress(ValueError):
            previous[signum] = signal.signal(signum, handler)
    return previous


def _restore_stop_handlers(previous: dict[int, _SignalHandler]) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    failed = _configure(args)
    if failed is not None:
        return failed
    try:
        if args.command == "roster":
            return _cmd_roster_import(args)
        if args.command == "setup":
            return _cmd_setup(args)
        if args.command == "sync":
            return _cmd_sync(args)
        extra = _extra_commands()
        if args.command in extra:
            return int(extra[args.command].run(args))
        if args.command == "decode":
            # Imported here: OpenCV costs start-up time that other commands should not pay.
            from kiosk.commands.decode import run_decode

            return run_decode(args.paths, args.engine, args.json)
        return _cmd_run(args)
    except KeyboardInterrupt:
        return 130
    except StorageError as exc:
        return _fail(str(exc))

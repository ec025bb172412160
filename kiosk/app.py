"""``tatami-kiosk``: the composition root and command line.

Qt is imported only when a window is wanted, so headless commands start fast and run where Qt
cannot. Sub-commands:

    run        the kiosk (default); --demo, --headless, --source, --quit-after
    roster     roster import FILE: provision offline from a roster document
    decode     decode image files or folders (test a printed card)
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.context import KioskContext
from kiosk.domain.ports import StorageError
from kiosk.domain.roster import RosterError

log = logging.getLogger("kiosk")


def _build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        default=None,
        help="keep database, config, logs and cache under DIR (also TATAMI_DATA_DIR)",
    )
    common.add_argument("--log-level", default=os.environ.get("TATAMI_LOG_LEVEL", "WARNING"))

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

    decode = commands.add_parser(
        "decode", parents=[common], help="decode QR codes in image files or folders"
    )
    decode.add_argument("paths", nargs="+", metavar="PATH")
    decode.add_argument("--engine", default=None, help="zxing | pyzbar | opencv (default: best)")
    decode.add_argument("--json", action="store_true", help="one JSON line per image")
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


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.WARNING),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _fail(message: str, code: int = 2) -> int:
    print(f"tatami-kiosk: {message}", file=sys.stderr)
    return code


def _cmd_roster_import(args: argparse.Namespace) -> int:
    from kiosk.commands.roster import import_roster_file

    with KioskContext.open(args.data_dir) as context:
        try:
            summary = import_roster_file(context.provisioning, args.file)
        except RosterError as exc:
            return _fail(f"roster not imported, nothing changed: {exc}")
        except StorageError as exc:
            return _fail(f"roster not imported, nothing changed: {exc}")
    print(json.dumps(summary.to_json()))
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    source = args.source or ("demo" if args.demo else "camera:0")
    if source == "stdin":
        from kiosk.commands.headless import run_lines

        with KioskContext.open(args.data_dir) as context:
            run_lines(context.checkin, sys.stdin, sys.stdout)
        return 0
    return _fail(f"source {source!r} is not available in this build yet")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    _configure_logging(args.log_level)
    try:
        if args.command == "roster":
            return _cmd_roster_import(args)
        if args.command == "decode":
            # Imported here: OpenCV costs start-up time that other commands should not pay.
            from kiosk.commands.decode import run_decode

            return run_decode(args.paths, args.engine, args.json)
        return _cmd_run(args)
    except KeyboardInterrupt:
        return 130
    except StorageError as exc:
        return _fail(str(exc))

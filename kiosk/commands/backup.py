"""``tatami-kiosk backup create|list|restore``: local copies of the kiosk database.

    backup create [--auto] [--keep N]   online copy (the kiosk may be running); --auto makes the
                                        daily backup only if today's is missing and keeps N
    backup list [--json]                backups, oldest first
    backup restore FILE [--yes]         replace the database (kiosk stopped; newer refused)

Exit status: 0 done, 1 refused or failed (the message says why), 2 usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.adapters.paths import KioskPaths

NAME = "backup"


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(NAME, parents=parents, help="back up or restore the database")
    actions = parser.add_subparsers(dest="backup_command", required=True)
    create = actions.add_parser("create", parents=parents, help="back up now (online)")
    create.add_argument(
        "--auto",
        action="store_true",
        help="the daily backup: only if none today, then keep the newest N",
    )
    create.add_argument(
        "--keep",
        type=int,
        default=None,
        metavar="N",
        help="automatic backups kept (default: backup_keep, 7)",
    )
    listing = actions.add_parser("list", parents=parents, help="list backups")
    listing.add_argument("--json", action="store_true")
    restore = actions.add_parser(
        "restore", parents=parents, help="replace the database by a backup (kiosk stopped)"
    )
    restore.add_argument("file", help="a backup file, or its name in the backup directory")
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation (scripts)")


def run(args: argparse.Namespace) -> int:
    from kiosk.adapters.backup import BackupError
    from kiosk.adapters.paths import resolve_paths
    from kiosk.domain.ports import StorageError

    paths = resolve_paths(args.data_dir)
    try:
        if args.backup_command == "create":
            return _create(paths, args)
        if args.backup_command == "list":
            return _list(paths, args.json)
        return _restore(paths, args)
    except (BackupError, StorageError) as exc:
        print(f"tatami-kiosk: backup: {exc}", file=sys.stderr)
        return 1


def _create(paths: KioskPaths, args: argparse.Namespace) -> int:
    import os
    from datetime import UTC, datetime

    from kiosk.adapters.backup import auto_backup, create_backup
    from kiosk.adapters.config import ConfigError, load_config

    now = datetime.now(UTC)
    if args.auto:
        keep = args.keep
        if keep is None:
            try:
                config = load_config(paths.config_file, os.environ, {})
            except ConfigError as exc:
                print(f"tatami-kiosk: backup: {exc}", file=sys.stderr)
                return 2
            if not config.backup_enabled:
                print(json.dumps({"created": None, "reason": "backup_enabled = false"}))
                return 0
            keep = config.backup_keep
        info = auto_backup(paths.database, paths.backups, keep, now)
        print(
            json.dumps(
                {
                    "created": info.to_json() if info else None,
                    "reason": None if info else "today's backup exists or no database",
                }
            )
        )
        return 0
    info = create_backup(paths.database, paths.backups, "manual", now)
    print(json.dumps({"created": info.to_json()}))
    return 0


def _list(paths: KioskPaths, as_json: bool) -> int:
    from kiosk.adapters.backup import list_backups

    backups = list_backups(paths.backups)
    if as_json:
        print(
            json.dumps({"directory": str(paths.backups), "backups": [b.to_json() for b in backups]})
        )
        return 0
    if not backups:
        print(f"no backups in {paths.backups}")
        return 0
    for info in backups:
        print(
            f"{info.created_at:%Y-%m-%d %H:%M:%S}Z  {info.kind:<11}  "
            f"{info.size / 1024:>9.1f} KiB  {info.path.name}"
        )
    return 0


def _restore(paths: KioskPaths, args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from kiosk.adapters.backup import inspect_database, restore_backup

    candidate = Path(args.file).expanduser()
    if not candidate.exists() and (paths.backups / args.file).exists():
        candidate = paths.backups / args.file
    inspection = inspect_database(candidate)
    if not args.yes:
        print(
            f"Restore {candidate.name} ({inspection.tenant_slug or 'no tenant'}, "
            f"{inspection.accepted_checkins} check-ins, {inspection.pending_checkins} not yet "
            f"uploaded) over {paths.database}?",
            file=sys.stderr,
        )
        print(
            "Check-ins made after that backup and not uploaded are lost. Type yes: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if sys.stdin.readline().strip().lower() != "yes":
            print("tatami-kiosk: backup: restore cancelled", file=sys.stderr)
            return 1
    result = restore_backup(
        candidate, paths.database, paths.backups, paths.lock_file, datetime.now(UTC)
    )
    print(
        json.dumps(
            {
                "restoredFrom": str(result.restored_from),
                "safetyCopy": str(result.safety_copy) if result.safety_copy else None,
                "tenant": result.inspection.tenant_slug,
                "checkins": result.inspection.accepted_checkins,
                "pending": result.inspection.pending_checkins,
            }
        )
    )
    return 0

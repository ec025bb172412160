"""``tatami-kiosk doctor [--json]``: is this machine ready to check students in?

One line per check, ``ok``, ``warn`` or ``fail``, with a hint for anything not ok. The exit
status is 1 when a check fails, that is when something blocks check-in (no roster, an unusable
database or data directory, no decoder, the configured camera missing, a broken
configuration). A backend that cannot be reached is a warning: the kiosk is offline-first and
keeps checking students in.

Read-only: doctor may run beside a working kiosk.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Imported by each check when it runs: doctor reports what fails to import, too.
    from kiosk.adapters.backup import Inspection
    from kiosk.adapters.config import KioskConfig
    from kiosk.adapters.paths import KioskPaths

NAME = "doctor"

OK, WARN, FAIL = "ok", "warn", "fail"
LOW_SPACE_WARN = 500 * 1024 * 1024
LOW_SPACE_FAIL = 50 * 1024 * 1024
MAX_SKEW = timedelta(minutes=2)  # DESIGN §7: warn staff beyond two minutes
STALE_ROSTER = timedelta(hours=24)
STALE_BACKUP = timedelta(days=2)
OLD_PENDING = timedelta(hours=1)


@dataclass
class Check:
    name: str
    status: str
    summary: str
    hint: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        entry: dict[str, Any] = {"name": self.name, "status": self.status, "summary": self.summary}
        if self.hint:
            entry["hint"] = self.hint
        if self.data:
            entry["data"] = self.data
        return entry


def add_parser(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
    parents: list[argparse.ArgumentParser],
) -> None:
    parser = subparsers.add_parser(
        NAME,
        parents=parents,
        help="check cameras, decoders, storage, keyring and backend; exit 1 if check-in is blocked",
    )
    parser.add_argument("--json", action="store_true", help="one JSON document instead of lines")
    parser.add_argument(
        "--api", default=None, help="backend URL to probe (default: the registered one)"
    )
    parser.add_argument("--tenant", default=None, help="academy slug for --api")
    parser.add_argument(
        "--timeout", type=float, default=5.0, metavar="SECONDS", help="per backend request"
    )


def run(args: argparse.Namespace) -> int:
    checks = diagnose(args)
    failed = any(check.status == FAIL for check in checks)
    if args.json:
        from kiosk import __version__

        print(
            json.dumps(
                {
                    "ok": not failed,
                    "version": __version__,
                    "checkedAt": datetime.now(UTC).isoformat(timespec="seconds"),
                    "checks": [check.to_json() for check in checks],
                },
                indent=2,
            )
        )
    else:
        width = max(len(check.name) for check in checks)
        for check in checks:
            print(f"{check.status:<4}  {check.name:<{width}}  {check.summary}")
            if check.hint and check.status != OK:
                print(f"{'':<4}  {'':<{width}}  → {check.hint}")
        verdict = "check-in is BLOCKED" if failed else "check-in can work"
        print(
            f"\n{sum(c.status == FAIL for c in checks)} failed, "
            f"{sum(c.status == WARN for c in checks)} warnings: {verdict}"
        )
    return 1 if failed else 0


def _guarded(name: str, probe: Callable[[], list[Check]]) -> list[Check]:
    """A probe that crashes is a failed check, not a crashed doctor."""
    try:
        return probe()
    except Exception as exc:  # doctor reports, never dies
        return [
            Check(
                name,
                FAIL,
                f"the check itself failed: {type(exc).__name__}: {exc}",
                "report this with the output of `tatami-kiosk doctor --json`",
            )
        ]


def diagnose(args: argparse.Namespace) -> list[Check]:
    from kiosk.adapters.config import ConfigError, KioskConfig, load_config
    from kiosk.adapters.paths import resolve_paths

    paths = resolve_paths(args.data_dir)
    checks: list[Check] = [_version_check()]
    try:
        config = load_config(paths.config_file, os.environ, {})
        checks.append(
            Check(
                "config",
                OK,
                f"environment {config.environment.value}, "
                f"camera {config.camera_source}, decoder {config.decoder_engine}",
                data={"file": str(paths.config_file), **config.to_json()},
            )
        )
    except ConfigError as exc:
        config = KioskConfig()
        checks.append(
            Check("config", FAIL, str(exc), "fix the key named above; see docs/configuration.md")
        )
    checks += _guarded("data-dir", lambda: _directory_checks(paths))
    inspection_box: list[Inspection] = []
    checks += _guarded("database", lambda: _database_checks(paths, inspection_box))
    inspection = inspection_box[0] if inspection_box else None
    running = _running_kiosk(paths)
    checks.append(
        Check("instance", OK, f"a kiosk is running on this data directory ({running})")
        if running
        else Check("instance", OK, "no kiosk is running on this data directory")
    )
    checks += _guarded("camera", lambda: _camera_checks(config.camera_source, running is None))
    checks += _guarded("decoders", lambda: _decoder_checks(config.decoder_engine))
    checks += _guarded("keyring", lambda: _keyring_checks(inspection))
    checks += _guarded("backend", lambda: _backend_checks(args, config, inspection))
    checks += _guarded("backups", lambda: _backup_checks(paths))
    return checks


def _version_check() -> Check:
    from kiosk import __version__
    from kiosk.adapters.diagnostics import runtime_summary

    runtime = runtime_summary()
    frozen = ", frozen build" if runtime["frozen"] == "yes" else ""
    return Check(
        "version",
        OK,
        f"tatami-kiosk {__version__}, Python {runtime['python']}, {runtime['platform']}{frozen}",
        data=runtime,
    )


def _directory_checks(paths: KioskPaths) -> list[Check]:
    from kiosk.adapters.diagnostics import probe_directory

    checks = []
    for name, directory in (("data-dir", paths.data), ("log-dir", paths.logs)):
        probe = probe_directory(directory)
        free = probe.free_bytes
        data = {"path": str(probe.path), "freeBytes": free}
        free_text = f", {free / 2**30:.1f} GiB free" if free is not None else ""
        if not probe.writable:
            checks.append(
                Check(
                    name,
                    FAIL if name == "data-dir" else WARN,
                    f"{probe.path}: {probe.detail}",
                    f"give the kiosk's user write access to {probe.path}",
                    data,
                )
            )
        elif free is not None and free < LOW_SPACE_FAIL:
            checks.append(
                Check(
                    name,
                    FAIL,
                    f"{probe.path}: almost full{free_text}",
                    "free disk space: a check-in that cannot be saved is refused",
                    data,
                )
            )
        elif free is not None and free < LOW_SPACE_WARN:
            checks.append(
                Check(
                    name,
                    WARN,
                    f"{probe.path}: low on space{free_text}",
                    "free disk space before it runs out",
                    data,
                )
            )
        else:
            checks.append(Check(name, OK, f"{probe.path}: writable{free_text}", data=data))
    return checks


def _database_checks(paths: KioskPaths, box: list[Inspection]) -> list[Check]:
    from kiosk.adapters.backup import BackupError, NewerDatabaseError, inspect_database
    from kiosk.adapters.diagnostics import sqlite_library_version

    version = sqlite_library_version()
    if not paths.database.exists():
        return [
            Check(
                "database",
                OK,
                f"SQLite {version}; no kiosk database yet (created at first start)",
                data={"sqlite": version},
            ),
            Check(
                "roster",
                FAIL,
                "no roster: this kiosk cannot check anyone in",
                "run `tatami-kiosk setup --api URL --tenant SLUG --email ADMIN` or "
                "`tatami-kiosk roster import FILE`",
            ),
        ]
    try:
        inspection = inspect_database(paths.database)
    except NewerDatabaseError as exc:
        return [
            Check(
                "database",
                FAIL,
                str(exc),
                "install the newer kiosk again, or `tatami-kiosk backup restore`",
            )
        ]
    except BackupError as exc:
        return [
            Check(
                "database",
                FAIL,
                f"SQLite {version}: {exc}",
                "restore the latest backup: `tatami-kiosk backup list`, then "
                "`tatami-kiosk backup restore FILE` (with the kiosk stopped)",
            )
        ]
    box.append(inspection)
    checks = [
        Check(
            "database",
            OK,
            f"SQLite {version}, integrity ok, "
            f"{len(inspection.migrations)} migrations, {inspection.accepted_checkins} "
            "check-ins",
            data={
                "sqlite": version,
                "path": str(paths.database),
                "migrations": list(inspection.migrations),
            },
        ),
    ]
    now = datetime.now(UTC)
    if not inspection.students and inspection.roster_seq is None:
        checks.append(
            Check(
                "roster",
                FAIL,
                "no roster: this kiosk cannot check anyone in",
                "run `tatami-kiosk setup` or `tatami-kiosk roster import FILE`",
            )
        )
    else:
        pulled = inspection.roster_pulled_at
        age = now - pulled if pulled else None
        summary = (
            f"{inspection.tenant_slug or '?'}: {inspection.students} students, "
            f"seq {inspection.roster_seq}"
        )
        if age is not None:
            summary += f", pulled {_ago(age)}"
        data = {
            "tenant": inspection.tenant_slug,
            "students": inspection.students,
            "seq": inspection.roster_seq,
            "pulledAt": pulled.isoformat() if pulled else None,
        }
        if age is not None and age > STALE_ROSTER:
            checks.append(
                Check(
                    "roster",
                    WARN,
                    summary + " (stale)",
                    "check the network, then `tatami-kiosk sync --once`",
                    data,
                )
            )
        else:
            checks.append(Check("roster", OK, summary, data=data))
    pending, parked = inspection.pending_checkins, inspection.parked_checkins
    oldest = inspection.oldest_pending_at
    queue = {
        "pending": pending,
        "parked": parked,
        "oldestPendingAt": oldest.isoformat() if oldest else None,
    }
    if parked:
        checks.append(
            Check(
                "sync-queue",
                WARN,
                f"{parked} check-ins parked, {pending} pending",
                "staff: resolve parked check-ins on the kiosk's staff screen",
                queue,
            )
        )
    elif oldest is not None and now - oldest > OLD_PENDING:
        checks.append(
            Check(
                "sync-queue",
                WARN,
                f"{pending} check-ins waiting since {_ago(now - oldest)}",
                "check the backend checks below",
                queue,
            )
        )
    else:
        checks.append(Check("sync-queue", OK, f"{pending} pending, {parked} parked", data=queue))
    return checks


def _running_kiosk(paths: KioskPaths) -> str | None:
    """The holder of the data directory's lock (``pid …``), or None when no kiosk runs."""
    from kiosk.adapters.instance_lock import InstanceLock

    lock = InstanceLock(paths.lock_file, "doctor")
    if not lock.is_locked_elsewhere():
        return None
    holder = lock.holder()
    return f"pid {holder.split()[0]}" if holder else "pid unknown"


def _camera_checks(source: str, open_devices: bool) -> list[Check]:
    import sys

    from kiosk.adapters.diagnostics import probe_cameras

    probes = probe_cameras(open_devices=open_devices)
    found = [p for p in probes if p.found]
    data = {
        "probes": [{"index": p.index, "found": p.found, "detail": p.detail} for p in probes],
        "configured": source,
        "probed": open_devices,
    }
    listing = ", ".join(f"{p.index} ({p.detail})" for p in found) or "none at indexes 0–3"
    if source.startswith("camera:"):
        wanted = int(source.split(":", 1)[1])
        if any(p.index == wanted for p in found):
            return [Check("camera", OK, f"camera {wanted} works; found: {listing}", data=data)]
        if not open_devices and not sys.platform.startswith("linux"):
            # Only Linux can tell a present camera without opening it.
            return [
                Check(
                    "camera",
                    OK,
                    f"camera {wanted} not probed: the running kiosk uses it",
                    data=data,
                )
            ]
        return [
            Check(
                "camera",
                FAIL,
                f"configured camera {wanted} not available; found: {listing}",
                "plug the camera in, or set camera_source (e.g. camera:1, "
                "or stdin for a USB scanner) in the configuration",
                data,
            )
        ]
    return [
        Check(
            "camera",
            OK if found else WARN,
            f"source {source} configured; cameras found: {listing}",
            "" if found else "no camera: only a USB scanner or stdin can scan",
            data,
        )
    ]


def _decoder_checks(configured: str) -> list[Check]:
    from kiosk.adapters.diagnostics import probe_decoders

    probes = probe_decoders()
    usable = [p for p in probes if p.available]
    data = {
        "engines": [
            {"name": p.name, "available": p.available, "version": p.version, "reason": p.reason}
            for p in probes
        ],
        "configured": configured,
    }
    listing = ", ".join(f"{p.name} {p.version or ''}".strip() for p in usable) or "none"
    if not usable:
        return [
            Check(
                "decoders",
                FAIL,
                "no QR decoder engine loads",
                "reinstall the kiosk (zxing-cpp is bundled)",
                data,
            )
        ]
    if configured != "auto" and not any(p.name == configured for p in usable):
        reason = next((p.reason for p in probes if p.name == configured), "unknown engine")
        return [
            Check(
                "decoders",
                FAIL,
                f"configured engine {configured} unavailable: {reason}",
                "set decoder_engine = auto, or install what the reason names",
                data,
            )
        ]
    return [Check("decoders", OK, f"usable: {listing}", data=data)]


def _keyring_checks(inspection: Inspection | None) -> list[Check]:
    import logging

    from kiosk.adapters.secrets import KeyringVault

    # The vault warns on stderr when there is no keyring; doctor reports it as a check instead.
    vault_log = logging.getLogger("kiosk.adapters.secrets")
    previous = vault_log.level
    vault_log.setLevel(logging.ERROR)
    try:
        vault = KeyringVault()
    finally:
        vault_log.setLevel(previous)
    checks = []
    if vault.persistent:
        checks.append(
            Check(
                "keyring", OK, f"backend {vault.backend_name}", data={"backend": vault.backend_name}
            )
        )
    else:
        checks.append(
            Check(
                "keyring",
                WARN,
                "no usable OS keyring: the device token is kept in memory only",
                "staff must log in again after every restart "
                "(scanning continues offline); install a Secret Service (e.g. "
                "gnome-keyring) or set PYTHON_KEYRING_BACKEND",
                {"backend": vault.backend_name},
            )
        )
    kiosk_id = inspection.kiosk_id if inspection is not None else None
    if not kiosk_id:
        checks.append(
            Check(
                "device-token",
                WARN,
                "this kiosk is not registered with a backend",
                "run `tatami-kiosk setup` so check-ins reach the platform",
            )
        )
    elif vault.get_device_token(kiosk_id):
        checks.append(Check("device-token", OK, f"present for kiosk {kiosk_id}"))
    else:
        checks.append(
            Check(
                "device-token",
                WARN,
                f"no device token for kiosk {kiosk_id}: check-ins stay local until staff log in",
                "run `tatami-kiosk setup` again (an admin login)",
            )
        )
    return checks


def _backend_checks(
    args: argparse.Namespace, config: KioskConfig, inspection: Inspection | None
) -> list[Check]:
    from kiosk.adapters.platform_client import PlatformClient, PlatformUnreachable

    api = args.api or (inspection.api_url if inspection is not None else None)
    api = api or config.resolved_api_url
    tenant = args.tenant or (inspection.tenant_slug if inspection is not None else None)
    tenant = tenant or config.tenant
    if not api:
        return [
            Check(
                "backend",
                WARN,
                "no backend configured (offline provisioning)",
                "pass --api URL, or register with `tatami-kiosk setup`",
            )
        ]
    checks = []
    with PlatformClient(api, tenant, timeout=args.timeout) as client:
        try:
            health = client.health()
        except PlatformUnreachable as exc:
            return [
                Check(
                    "backend",
                    WARN,
                    f"{api} unreachable ({exc})",
                    "check the network, proxy and api_url; check-ins are queued meanwhile",
                    {"api": api},
                )
            ]
        if health.ok:
            checks.append(
                Check(
                    "health",
                    OK,
                    f"{api}/health 200 in {health.elapsed_ms:.0f} ms",
                    data={"api": api, "ms": health.elapsed_ms},
                )
            )
        else:
            checks.append(
                Check(
                    "health",
                    WARN,
                    f"{api}/health answered {health.status}",
                    "the backend is unwell; check-ins are queued meanwhile",
                    {"api": api, "status": health.status},
                )
            )
        try:
            ready = client.ready()
        except PlatformUnreachable as exc:
            ready = None
            checks.append(Check("ready", WARN, f"/ready: {exc}", "retry later"))
        if ready is not None:
            if ready.ok:
                checks.append(
                    Check(
                        "ready",
                        OK,
                        f"/ready 200 in {ready.elapsed_ms:.0f} ms",
                        data={"body": ready.body},
                    )
                )
            else:
                checks.append(
                    Check(
                        "ready",
                        WARN,
                        f"/ready answered {ready.status} {ready.error_code or ''}".rstrip(),
                        "database or migrations not ready on the backend",
                        {"status": ready.status, "body": ready.body},
                    )
                )
        skew = health.clock_skew()
        if skew is None:
            checks.append(
                Check(
                    "clock",
                    WARN,
                    "the backend sent no Date header",
                    "clock skew cannot be measured",
                )
            )
        else:
            seconds = skew.total_seconds()
            data = {"skewSeconds": round(seconds, 1)}
            text = f"local clock {abs(seconds):.0f} s {'ahead of' if seconds >= 0 else 'behind'}"
            text += " the backend"
            if abs(skew) > MAX_SKEW:
                checks.append(
                    Check(
                        "clock",
                        WARN,
                        text,
                        "enable time synchronisation (timedatectl set-ntp true); the "
                        "kiosk corrects by the offset while online",
                        data,
                    )
                )
            else:
                checks.append(Check("clock", OK, text, data=data))
    return checks


def _backup_checks(paths: KioskPaths) -> list[Check]:
    from kiosk.adapters.backup import list_backups

    backups = list_backups(paths.backups)
    if not paths.database.exists():
        return []
    automatic = [b for b in backups if b.kind == "auto"]
    if not backups:
        return [
            Check(
                "backups",
                WARN,
                "no backup yet",
                "`tatami-kiosk backup create`; the daily backup runs with the kiosk",
            )
        ]
    latest = backups[-1]
    age = datetime.now(UTC) - latest.created_at
    data = {"count": len(backups), "auto": len(automatic), "latest": latest.path.name}
    if age > STALE_BACKUP:
        return [
            Check(
                "backups",
                WARN,
                f"latest backup {_ago(age)} ({latest.path.name})",
                "is the kiosk running daily? `tatami-kiosk backup create` now",
                data,
            )
        ]
    return [Check("backups", OK, f"{len(backups)} backups, latest {_ago(age)}", data=data)]


def _ago(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 120:
        return f"{seconds} s ago"
    if seconds < 7200:
        return f"{seconds // 60} min ago"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"

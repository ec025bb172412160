"""Where the kiosk keeps things: the one place that owns paths (like qutebrowser's standarddir).

By default the platform's user directories (``platformdirs``); ``--data-dir DIR`` or
``TATAMI_DATA_DIR`` puts everything under one directory instead, so several kiosks can run side
by side (tests, multi-kiosk checks):

    DIR/data/kiosk.sqlite3   the roster cache and check-in ledger
    DIR/data/backups/        daily online backups
    DIR/config/kiosk.toml    configuration
    DIR/logs/                rotating JSON-lines logs, crash log
    DIR/cache/               disposable files
"""

from __future__ import annotations

import importlib.util
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tatami-kiosk"
APP_AUTHOR = "TatamiTech"
ENV_DATA_DIR = "TATAMI_DATA_DIR"


@dataclass(frozen=True, slots=True)
class KioskPaths:
    data: Path
    config: Path
    logs: Path
    cache: Path

    @property
    def database(self) -> Path:
        return self.data / "kiosk.sqlite3"

    @property
    def backups(self) -> Path:
        return self.data / "backups"

    @property
    def config_file(self) -> Path:
        return self.config / "kiosk.toml"

    @property
    def lock_file(self) -> Path:
        return self.data / "kiosk.lock"

    @property
    def crash_log(self) -> Path:
        return self.logs / "crash.log"

    def ensure(self) -> KioskPaths:
        for directory in (self.data, self.config, self.logs, self.cache):
            directory.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(data_dir: str | os.PathLike[str] | None = None) -> KioskPaths:
    """Paths for ``--data-dir`` (or ``TATAMI_DATA_DIR``), else the platform's own places."""
    chosen = data_dir or os.environ.get(ENV_DATA_DIR)
    if chosen:
        root = Path(chosen).expanduser().resolve()
        return KioskPaths(root / "data", root / "config", root / "logs", root / "cache")
    return KioskPaths(
        data=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        config=Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
        logs=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
        cache=Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
    )


def resource_dir() -> Path:
    """Bundled resources: inside a PyInstaller bundle when frozen, else the package data of
    ``kiosk.resources`` (the top-level ``resources/`` folder, mapped to that name by
    ``pyproject.toml``: in a wheel it sits inside ``kiosk/``, in an editable install it stays
    where the clone has it)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "kiosk" / "resources"
    spec = importlib.util.find_spec("kiosk.resources")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("kiosk.resources is not installed: pip install -e .")
    return Path(next(iter(spec.submodule_search_locations))).resolve()

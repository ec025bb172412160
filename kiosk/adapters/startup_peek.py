"""What the start-up screen shows before the kiosk has loaded: academy and language, read-only.

Only the standard library (``sqlite3``, ``json``): this runs before the heavier modules are
imported, so that the screen shows the academy at once instead of black.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

_PREFERENCES_KEY = "ui:preferences"  # kiosk.services.preferences keeps them under this key


@dataclass(frozen=True, slots=True)
class StartupFacts:
    """The academy's name (None before set-up) and the interface language staff chose."""

    academy: str | None = None
    language: str = "auto"


def startup_facts(database: Path) -> StartupFacts:
    """Read the facts from the kiosk's database; defaults when missing, unreadable or busy."""
    if not database.is_file():
        return StartupFacts()
    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
        try:
            tenant = conn.execute("SELECT json FROM roster_parts WHERE name = 'tenant'").fetchone()
            prefs = conn.execute(
                "SELECT value FROM kiosk_state WHERE key = ?", (_PREFERENCES_KEY,)
            ).fetchone()
        finally:
            conn.close()
        name = json.loads(tenant[0]).get("name") if tenant else None
        language = json.loads(prefs[0]).get("language", "auto") if prefs else "auto"
    except (sqlite3.Error, ValueError, AttributeError):
        return StartupFacts()
    return StartupFacts(
        name if isinstance(name, str) and name.strip() else None,
        language if language in ("en", "ja") else "auto",
    )


def academy_name(database: Path) -> str | None:
    """The academy this kiosk's database belongs to, or None."""
    return startup_facts(database).academy

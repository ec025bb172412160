"""What the start-up screen shows before the kiosk has loaded: the academy's name, read-only.

Only the standard library (``sqlite3``, ``json``): this runs before the heavier modules are
imported, so that the screen shows the academy at once instead of black.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def academy_name(database: Path) -> str | None:
    """The academy this kiosk's database belongs to, or None (not set up, unreadable, busy)."""
    if not database.is_file():
        return None
    try:
        conn = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True, timeout=0.05)
        try:
            row = conn.execute("SELECT json FROM roster_parts WHERE name = 'tenant'").fetchone()
        finally:
            conn.close()
        name = json.loads(row[0]).get("name") if row else None
    except (sqlite3.Error, ValueError, AttributeError):
        return None
    return name if isinstance(name, str) and name.strip() else None

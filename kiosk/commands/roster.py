"""``tatami-kiosk roster import FILE``: provision a kiosk from a roster document, offline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kiosk.domain.roster import RosterError
from kiosk.services.provisioning import ProvisioningService, RosterSummary


def import_roster_file(service: ProvisioningService, path: Path) -> RosterSummary:
    """Read, validate and apply a roster file. Raises RosterError with a clear message."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RosterError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(raw) > 256 * 1024 * 1024:
        raise RosterError(f"{path} is larger than 256 MB: not a roster")
    try:
        document: Any = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RosterError(f"{path} is not valid JSON ({exc})") from None
    return service.apply_document(document)

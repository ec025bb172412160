"""This kiosk's own preferences (camera, decoder, sound, language), kept in its store.

They live next to the ledger rather than in a config file: one ``--data-dir`` is one kiosk, a
backup holds everything, and signing out and wiping forgets them with the tenant (the next owner
runs the set-up again).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from kiosk.domain.ports import (
    LedgerReader,
    LedgerWriter,
    Store,
)

log = logging.getLogger(__name__)

_KEY = "ui:preferences"

#: How long a result stays on screen, in seconds (the issue asks for 3–5 s).
MIN_RESULT_SECONDS = 3.0
MAX_RESULT_SECONDS = 5.0
#: A kiosk's own check-in window, in minutes (the configuration key allows the same range).
MIN_WINDOW_MINUTES = 1
MAX_WINDOW_MINUTES = 1440


@dataclass(frozen=True, slots=True)
class KioskPreferences:
    """Local choices staff make in the set-up wizard or the settings.

    Attributes:
        camera: Frame source spec (``camera:0``, ``file:PATH``, ``folder:PATH``, ``demo``).
        mirror: Show the preview mirrored (people aim better at a mirror image).
        engine: Decoder engine name, or ``auto`` for the measured default.
        sound: Play outcome sounds.
        volume: Sound volume, 0..1.
        language: ``auto`` (the system's), ``en`` or ``ja``.
        result_seconds: How long a result stays before the screen returns to scanning.
        checkin_window_minutes: This kiosk's check-in window, or None for the academy's.
        setup_done: The first-run wizard was completed on this kiosk.
    """

    camera: str = "camera:0"
    mirror: bool = True
    engine: str = "auto"
    sound: bool = True
    volume: float = 0.8
    language: str = "auto"
    result_seconds: float = 4.0
    checkin_window_minutes: int | None = None
    setup_done: bool = False

    def normalized(self) -> KioskPreferences:
        """The same preferences with out-of-range values brought back into range."""
        return replace(
            self,
            volume=min(1.0, max(0.0, float(self.volume))),
            result_seconds=min(MAX_RESULT_SECONDS, max(MIN_RESULT_SECONDS, self.result_seconds)),
            language=self.language if self.language in ("auto", "en", "ja") else "auto",
            checkin_window_minutes=_window(self.checkin_window_minutes),
        )

    @classmethod
    def from_json(cls, text: str | None) -> KioskPreferences:
        """Parse stored preferences; unknown keys are ignored, bad JSON gives the defaults."""
        if not text:
            return cls()
        try:
            raw: Any = json.loads(text)
        except ValueError:
            log.warning("stored preferences are not JSON: using defaults")
            return cls()
        if not isinstance(raw, dict):
            return cls()
        known = {f.name: f.type for f in fields(cls)}
        values = {key: value for key, value in raw.items() if key in known}
        try:
            return cls(**values).normalized()
        except (TypeError, ValueError):
            return cls()

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)


def _window(minutes: object) -> int | None:
    if not isinstance(minutes, int) or isinstance(minutes, bool):
        return None  # the academy's window: the safe reading of anything odd
    return min(MAX_WINDOW_MINUTES, max(MIN_WINDOW_MINUTES, minutes))


class PreferencesService:
    """Reads and writes :class:`KioskPreferences` in the store (``kiosk_state``)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self) -> KioskPreferences:
        def read(snapshot: LedgerReader) -> str | None:
            return snapshot.state(_KEY)

        return KioskPreferences.from_json(self._store.read(read))

    def save(self, preferences: KioskPreferences) -> KioskPreferences:
        """Store the preferences (normalised) and return what was stored."""
        stored = preferences.normalized()
        text = stored.to_json()

        def write(tx: LedgerWriter) -> None:
            tx.set_state(_KEY, text)

        self._store.write(write)
        return stored

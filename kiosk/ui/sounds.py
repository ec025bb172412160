"""Outcome sounds: short bundled WAVs played with QtMultimedia's ``QSoundEffect``.

QtMultimedia is imported lazily and only when sound is wanted: it needs libpulse (or another
audio backend) and probes for hardware codecs, which costs start-up time and logs warnings on
machines without audio. Where there is no audio output, the kiosk stays silent and says so in
the health panel; nothing fails.
"""

from __future__ import annotations

import logging
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QUrl

from kiosk.domain.decision import Outcome, Tone
from kiosk.services.checkin import ScanResult

if TYPE_CHECKING:
    # Imported when sounds start: a kiosk without PySide6-Addons or audio runs silent.
    from PySide6.QtMultimedia import QSoundEffect

log = logging.getLogger(__name__)
translate = QCoreApplication.translate


class SoundStatus(StrEnum):
    """Whether sounds play, as a code: diagnostics keep the code, the health panel words it."""

    OFF = "off"
    NOT_STARTED = "not_started"
    READY = "ready"
    NO_MULTIMEDIA = "no_multimedia"
    NO_OUTPUT = "no_output"
    NO_FILES = "no_files"


def sound_status_text(status: str) -> str:
    """A sound status for staff, in the current language (an unknown code shows as it is)."""
    texts: dict[str, str] = {
        SoundStatus.OFF: translate("Sound", "off"),
        SoundStatus.NOT_STARTED: translate("Sound", "not started yet"),
        SoundStatus.READY: translate("Sound", "ready"),
        SoundStatus.NO_MULTIMEDIA: translate("Sound", "silent: no sound system on this computer"),
        SoundStatus.NO_OUTPUT: translate("Sound", "silent: no audio output"),
        SoundStatus.NO_FILES: translate("Sound", "silent: no sound files"),
    }
    return texts.get(status, status)


#: Sound files in ``resources/sounds`` (made by ``scripts/make_sounds.py``).
SOUND_NAMES = ("accepted", "eligible", "duplicate", "attention", "error", "not_saved")


def sound_for(result: ScanResult) -> str:
    """Which sound a result plays: an eligible student gets the chime."""
    if result.outcome is Outcome.NOT_SAVED:
        return "not_saved"
    if result.outcome is Outcome.ACCEPTED:
        return "eligible" if result.eligible else "accepted"
    if result.tone is Tone.AMBER_GREEN:
        return "duplicate"
    if result.tone is Tone.AMBER:
        return "attention"
    return "error"


class SoundBoard(QObject):
    """Plays outcome sounds when audio is available.

    Args:
        sounds_dir: Directory with ``<name>.wav`` files.
        enabled: Staff preference.
        volume: 0..1.
        parent: Qt parent.
        allowed: False keeps the board silent whatever the preference (tests, benchmarks).

    Attributes:
        played: Names asked for, most recent last (the health panel and tests read it).
        status: A :class:`SoundStatus` code.
    """

    def __init__(
        self,
        sounds_dir: Path,
        enabled: bool = True,
        volume: float = 0.8,
        parent: QObject | None = None,
        *,
        allowed: bool = True,
    ) -> None:
        super().__init__(parent)
        self._dir = sounds_dir
        # ``allowed`` False (tests, benchmarks): QtMultimedia is never even imported.
        self._allowed = allowed
        self._enabled = enabled and allowed
        self._volume = volume
        self._effects: dict[str, QSoundEffect] = {}
        self._started = False
        self.played: list[str] = []
        # What probing the audio output found; turning sound off and on again shows it again.
        self._probed = SoundStatus.NOT_STARTED
        self.status = SoundStatus.OFF if not self._enabled else SoundStatus.NOT_STARTED

    @property
    def available(self) -> bool:
        return bool(self._effects)

    def start(self) -> None:
        """Probe the audio output and load the sounds (GUI thread, before worker threads start)."""
        if self._started or not self._enabled:
            return
        self._started = True
        try:
            from PySide6.QtMultimedia import QMediaDevices, QSoundEffect
        except ImportError as exc:  # no PySide6-Addons, or libpulse missing
            self.status = self._probed = SoundStatus.NO_MULTIMEDIA
            log.info("sounds off: QtMultimedia unavailable (%s)", type(exc).__name__)
            return
        outputs = QMediaDevices.audioOutputs()
        if not outputs:
            self.status = self._probed = SoundStatus.NO_OUTPUT
            log.info("sounds off: no audio output device")
            return
        for name in SOUND_NAMES:
            path = self._dir / f"{name}.wav"
            if not path.is_file():
                continue
            effect = QSoundEffect(self)
            effect.setSource(QUrl.fromLocalFile(str(path)))
            effect.setVolume(self._volume)
            self._effects[name] = effect
        self._probed = SoundStatus.READY if self._effects else SoundStatus.NO_FILES
        self.status = self._probed

    def set_enabled(self, enabled: bool, volume: float | None = None) -> None:
        enabled = enabled and self._allowed
        self._enabled = enabled
        if volume is not None:
            self._volume = volume
            for effect in self._effects.values():
                effect.setVolume(volume)
        if enabled and not self._started:
            self.start()
        if not enabled:
            self.status = SoundStatus.OFF
        elif self._started:
            self.status = self._probed

    def play(self, name: str) -> None:
        """Play ``name`` (remembered in :attr:`played` even when silent)."""
        self.played.append(name)
        del self.played[:-50]
        if not self._enabled:
            return
        effect = self._effects.get(name)
        if effect is not None:
            effect.stop()  # a new result interrupts the previous sound
            effect.play()

    def play_result(self, result: ScanResult) -> str:
        name = sound_for(result)
        self.play(name)
        return name

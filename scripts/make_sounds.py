"""Generate the kiosk's outcome sounds (small mono WAVs) into ``resources/sounds``.

Run ``python scripts/make_sounds.py``; the WAVs are committed, so this is only needed to change
them. Pure stdlib: sine tones with a soft attack and an exponential decay, a few harmonics for a
bell-like timbre. Each outcome has its own contour, so the result is audible without looking:
rising (welcome), an arpeggio (eligible), one soft tone (already in), two level tones
(attention), falling low tones (error), three low pulses (not saved).
"""

from __future__ import annotations

import math
import struct
import sys
import wave
from pathlib import Path

RATE = 22_050
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds"

C5, E5, G5, C6, E6, G6 = 523.25, 659.25, 783.99, 1046.5, 1318.5, 1568.0
A3, E4, A4 = 220.0, 329.63, 440.0


def tone(freq: float, seconds: float, volume: float = 0.5, decay: float = 6.0) -> list[float]:
    count = int(RATE * seconds)
    attack = int(RATE * 0.008)
    samples = []
    for i in range(count):
        t = i / RATE
        envelope = min(1.0, i / attack) * math.exp(-decay * t)
        value = (
            math.sin(2 * math.pi * freq * t)
            + 0.35 * math.sin(2 * math.pi * 2 * freq * t)
            + 0.12 * math.sin(2 * math.pi * 3 * freq * t)
        )
        samples.append(volume * envelope * value / 1.47)
    return samples


def silence(seconds: float) -> list[float]:
    return [0.0] * int(RATE * seconds)


def mix(*parts: tuple[float, list[float]]) -> list[float]:
    """Overlay parts starting at the given offsets (seconds)."""
    length = max(int(offset * RATE) + len(samples) for offset, samples in parts)
    out = [0.0] * length
    for offset, samples in parts:
        start = int(offset * RATE)
        for i, value in enumerate(samples):
            out[start + i] += value
    return out


SOUNDS = {
    "accepted": mix((0.0, tone(E5, 0.35)), (0.11, tone(C6, 0.5))),
    "eligible": mix(
        (0.0, tone(C5, 0.5, 0.4)),
        (0.12, tone(E5, 0.5, 0.4)),
        (0.24, tone(G5, 0.6, 0.4)),
        (0.36, tone(C6, 0.9, 0.45, 3.5)),
        (0.36, tone(E6, 0.9, 0.2, 3.5)),
        (0.36, tone(G6, 0.9, 0.12, 3.5)),
    ),
    "duplicate": tone(G5, 0.45, 0.4),
    "attention": mix((0.0, tone(A4, 0.3, 0.5, 8)), (0.22, tone(A4, 0.3, 0.5, 8))),
    "error": mix((0.0, tone(E4, 0.3, 0.55, 7)), (0.2, tone(A3, 0.45, 0.55, 6))),
    "not_saved": mix(
        (0.0, tone(A3, 0.18, 0.55, 10)),
        (0.22, tone(A3, 0.18, 0.55, 10)),
        (0.44, tone(A3, 0.35, 0.55, 8)),
    ),
}


def write(path: Path, samples: list[float]) -> None:
    peak = max(1e-9, max(abs(s) for s in samples))
    scale = min(1.0, 0.9 / peak)
    frames = b"".join(struct.pack("<h", int(s * scale * 32767)) for s in samples + silence(0.02))
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(frames)


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, samples in SOUNDS.items():
        path = OUT / f"{name}.wav"
        write(path, samples)
        sys.stdout.write(f"{path.relative_to(OUT.parent.parent.parent)}: {path.stat().st_size} B\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

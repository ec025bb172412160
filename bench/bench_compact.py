"""Benchmark of the compact QR token against the JWS (issue 18 §1, DESIGN §3).

Run from the repository root::

    python bench/bench_compact.py                  # ~6 minutes on 2 cores
    python bench/bench_compact.py --quick          # 20 frames, 2 runs (~2 minutes)
    python bench/bench_compact.py --frames 100 --runs 5

Tokens are real: the reference server (in-process, seeded) issues a card and a pass of one
Golden Tiger student in each form through its own issuing code, and the symbol is the one it
prints (``kiosk.server.cards.card_qr``: error level M).

Tables:
  size       characters, QR mode, version and modules of each token.
  read rate  for code sides from 80 to 300 px, the share of synthetic 720p frames read by the
             kiosk's decode pipeline (one frame at a time, frame phases cycled so that retries
             and full passes come as often as live) and by the baseline, plain zxing-cpp on the
             greyscale frame. A frame counts only when the decoded text equals the token.
  threshold  the smallest side read in >= 95 % of frames at that side and every larger one,
             per run (each run has its own frame seed): the range over runs.
  distance   the same threshold as reading distance with a 70° (horizontal) webcam at 1280 px:
             focal length f = 640 / tan(35°) = 914 px, distance = physical side × f / side px,
             for a code printed 5 cm wide and one shown 4 cm wide on a phone.

Frames (:func:`kiosk_frame`) are a pure function of (text, side, seed): a cluttered lobby, the
code on a card rotated up to ±25° and tilted up to 35° in depth (perspective), defocus blur
(Gaussian sigma 0.4–1.0 px) plus motion blur (0–3 px), light from dim (×0.35) to full with a
gamma, sensor noise rising in the dark, and 8-bit rounding. Cards only: a pass of the same form
is the same QR version (first table).
"""

from __future__ import annotations

import argparse
import functools
import math
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.adapters.scan_pipeline import DecodePipeline  # noqa: E402
from kiosk.domain.tokens import TokenForm  # noqa: E402
from kiosk.server.cards import card_qr  # noqa: E402
from kiosk.server.embedded import start_server  # noqa: E402
from kiosk.server.seed import GOLDEN_TIGER, student_id_for  # noqa: E402

FRAME_SIZE = (1280, 720)
SIDES = (80, 100, 120, 140, 160, 180, 200, 220, 240, 260, 280, 300)
GOAL_RATE = 0.95
FOV_DEG = 70.0
FOCAL_PX = (FRAME_SIZE[0] / 2) / math.tan(math.radians(FOV_DEG / 2))
PRINTED_CM = 5.0
PHONE_CM = 4.0
# Degradations (uniform ranges per frame): what a kiosk camera sees of a card held up.
MAX_TILT_DEG = 35.0
DEFOCUS_SIGMA = (0.4, 1.0)
MAX_MOTION_PX = 3.0
MIN_LIGHT = 0.35


def table(title: str, header: list[str], rows: list[list[object]]) -> None:
    """Print a plain-text table (also valid Markdown)."""
    cells = [header] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    print(f"\n### {title}\n")
    for n, row in enumerate(cells):
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        if n == 0:
            print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    sys.stdout.flush()


# --------------------------------------------------------------------------- real tokens


@dataclass(frozen=True)
class Token:
    label: str
    form: TokenForm
    text: str


def issue_real_tokens() -> list[Token]:
    """A card and a pass of one student, in each form, from the seeded reference server."""
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(f"sqlite:///{Path(tmp) / 'bench.db'}")
        try:
            student = student_id_for(GOLDEN_TIGER, "card_holder")
            tokens = [
                Token(
                    f"{form.value} {kind}",
                    form,
                    server.issue_token(GOLDEN_TIGER, student, kind, form=form),
                )
                for form in TokenForm
                for kind in ("card", "pass")
            ]
        finally:
            server.stop()
    return tokens


# --------------------------------------------------------------------------- synthetic frames


def _lobby(rng: random.Random) -> np.ndarray:
    """A cluttered, unevenly lit background (grey levels, float32)."""
    width, height = FRAME_SIZE
    x = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    base = 90 + 80 * x * rng.uniform(0.3, 1) + 50 * y * rng.uniform(0.3, 1)
    frame = np.ascontiguousarray(np.broadcast_to(base, (height, width)).astype(np.uint8))
    for _ in range(14):
        x0, y0 = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(40, 400), rng.randrange(40, 300)
        cv2.rectangle(frame, (x0, y0), (x0 + w, y0 + h), rng.uniform(20, 230), thickness=-1)
    for _ in range(6):  # text-like texture: what a poster gives the detector
        x0, y0 = rng.randrange(width - 200), rng.randrange(height - 60)
        for line in range(4):
            cv2.putText(
                frame, "TATAMI DOJO 123", (x0, y0 + 14 * line), cv2.FONT_HERSHEY_SIMPLEX, 0.4, 30
            )
    return frame.astype(np.float32)


@functools.lru_cache(maxsize=16)
def _card(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The printed card of ``text`` (8 px per module, grey) and its symbol's corners."""
    qr = card_qr(text)
    border, px, margin = 4, 8, 48  # quiet zone (modules), pixels per module, paper (px)
    modules = np.array(
        [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=border)], dtype=bool
    )
    n = modules.shape[0] - 2 * border
    card = np.kron(np.where(modules, 25.0, 235.0), np.ones((px, px))).astype(np.float32)
    card = cv2.copyMakeBorder(card, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=225)
    lo, hi = border * px + margin, border * px + margin + n * px
    corners = np.array([[lo, lo], [hi, lo], [hi, hi], [lo, hi]], dtype=np.float32)
    return card, corners


def kiosk_frame(text: str, side: int, seed: int) -> np.ndarray:
    """A 720p BGR frame holding ``text``'s printed QR with a symbol side of ``side`` px.

    Pure function of its arguments: the same (text, side, seed) always gives the same frame.
    """
    rng = random.Random(f"{seed}:{side}:{text}")
    frame = _lobby(rng)
    card, src = _card(text)
    # Destination: the symbol square tilted in depth (one axis foreshortened, the far edge
    # shorter), rotated in the image plane, somewhere in the frame.
    tilt = math.radians(rng.uniform(0, MAX_TILT_DEG))
    rotation = math.radians(rng.uniform(-25, 25))
    half = side / 2
    squeeze = math.cos(tilt)
    far = 1 - 0.25 * math.sin(tilt)
    corners = [
        (-half * far, -half * squeeze),
        (half * far, -half * squeeze),
        (half, half * squeeze),
        (-half, half * squeeze),
    ]
    if rng.random() < 0.5:  # tilted sideways instead of backwards
        corners = [(y, x) for x, y in corners]
        corners = [corners[0], corners[3], corners[2], corners[1]]
    width, height = FRAME_SIZE
    reach = half * 1.5
    cx, cy = rng.uniform(reach, width - reach), rng.uniform(reach, height - reach)
    cos_r, sin_r = math.cos(rotation), math.sin(rotation)
    dst = np.array(
        [[cx + x * cos_r - y * sin_r, cy + x * sin_r + y * cos_r] for x, y in corners],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(src, dst)
    paper = rng.uniform(0.85, 1.0)
    warped = cv2.warpPerspective(card * paper, matrix, FRAME_SIZE, flags=cv2.INTER_AREA)
    inside = np.ones(card.shape, np.float32)
    mask = cv2.warpPerspective(inside, matrix, FRAME_SIZE, flags=cv2.INTER_LINEAR)
    frame = frame * (1 - mask) + warped * mask
    # Optics: defocus, then motion blur along a random direction.
    frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(*DEFOCUS_SIGMA))
    length = rng.uniform(0, MAX_MOTION_PX)
    if length >= 1:
        size = math.ceil(length) | 1
        kernel = np.zeros((size, size), np.float32)
        kernel[size // 2, :] = 1
        centre = (size / 2 - 0.5, size / 2 - 0.5)
        rot = cv2.getRotationMatrix2D(centre, rng.uniform(0, 180), 1)
        kernel = cv2.warpAffine(kernel, rot, (size, size))
        frame = cv2.filter2D(frame, -1, kernel / max(float(kernel.sum()), 1e-6))
    # Light: dim to full, a gamma, then noise that grows in the dark; 8-bit like a camera.
    light = rng.uniform(MIN_LIGHT, 1.0)
    frame = cv2.pow(frame / 255, rng.uniform(0.9, 1.3)) * (255 * light)
    noise = np.random.default_rng(rng.randrange(2**32)).standard_normal(
        frame.shape, dtype=np.float32
    )
    frame += noise * (2 + 6 * (1 - light))
    gray = np.clip(frame, 0, 255).astype(np.uint8)
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


# --------------------------------------------------------------------------- decoding


def plain_zxing(frame: np.ndarray) -> list[str]:
    """The baseline: zxing-cpp on the greyscale frame, QR codes only."""
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    return [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]


def pipeline_reader() -> Callable[[np.ndarray, int], list[str]]:
    pipeline = DecodePipeline()

    def read(frame: np.ndarray, index: int) -> list[str]:
        # As live: each frame at its place in the cycle of retries and full passes.
        pipeline.reset(index % pipeline.cycle)
        return pipeline.run(frame).texts

    return read


def sweep(
    tokens: list[Token], frames: int, seed: int, sides: tuple[int, ...]
) -> dict[tuple[str, str, int], float]:
    """Read rate per (token label, reader, side)."""
    pipeline = pipeline_reader()
    rates: dict[tuple[str, str, int], float] = {}
    for token in tokens:
        for side in sides:
            hits = {"pipeline": 0, "zxing-cpp": 0}
            for index in range(frames):
                frame = kiosk_frame(token.text, side, seed * 100_003 + index)
                hits["pipeline"] += token.text in pipeline(frame, index)
                hits["zxing-cpp"] += token.text in plain_zxing(frame)
            for reader, count in hits.items():
                rates[(token.label, reader, side)] = count / frames
    return rates


def threshold(
    rates: dict[tuple[str, str, int], float], label: str, reader: str, sides: tuple[int, ...]
) -> int | None:
    """Smallest side read in >= GOAL_RATE of frames there and at every larger side."""
    best = None
    for side in sorted(sides, reverse=True):
        if rates[(label, reader, side)] >= GOAL_RATE:
            best = side
        else:
            break
    return best


def distance_cm(physical_cm: float, side_px: float) -> float:
    return physical_cm * FOCAL_PX / side_px


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--frames", type=int, default=40, help="frames per token and side (40)")
    parser.add_argument("--runs", type=int, default=3, help="runs, each with its own seed (3)")
    parser.add_argument("--quick", action="store_true", help="20 frames, 2 runs")
    args = parser.parse_args()
    frames, runs = (20, 2) if args.quick else (args.frames, args.runs)
    started = time.perf_counter()

    tokens = issue_real_tokens()
    rows = []
    for token in tokens:
        qr = card_qr(token.text)
        side = qr.symbol_size(border=0)[0]
        rows.append([token.label, len(token.text), qr.mode, f"{qr.version}-{qr.error}", side])
    table(
        "QR size of real tokens (reference server, printed at error level M)",
        ["token", "characters", "mode", "version", "modules"],
        rows,
    )
    jws_modules = card_qr(tokens[0].text).symbol_size(border=0)[0]
    compact_modules = card_qr(tokens[2].text).symbol_size(border=0)[0]
    print(
        f"\ncompact / JWS modules per side: {compact_modules / jws_modules:.2f} "
        f"(area {compact_modules**2 / jws_modules**2:.2f})"
    )

    # A pass has the same size as a card of its form (table above): frames of cards stand for
    # both; the distance table gives a phone's figure from the same threshold.
    tokens = [t for t in tokens if t.label.endswith("card")]
    all_rates = [sweep(tokens, frames, seed, SIDES) for seed in range(1, runs + 1)]
    readers = ("pipeline", "zxing-cpp")
    rows = []
    for token in tokens:
        for reader in readers:
            cells = []
            for side in SIDES:
                values = [r[(token.label, reader, side)] for r in all_rates]
                low, high = 100 * min(values), 100 * max(values)
                cells.append(f"{low:.0f}–{high:.0f}" if low != high else f"{low:.0f}")
            rows.append([token.label, reader, *cells])
    table(
        "Read rate (%) per code side in px: 720p frames with blur, tilt and low light "
        f"({frames} frames per side × {runs} runs, range over runs)",
        ["token", "reader", *map(str, SIDES)],
        rows,
    )

    rows = []
    thresholds: dict[tuple[str, str], list[int | None]] = {}
    for token in tokens:
        for reader in readers:
            found = [threshold(r, token.label, reader, SIDES) for r in all_rates]
            thresholds[(token.label, reader)] = found
            known = [f for f in found if f is not None]
            text = "none" if not known else f"{min(known)}–{max(known)}"
            if known and min(known) == max(known):
                text = str(known[0])
            if len(known) < len(found):
                text += f" ({len(found) - len(known)} run(s): none up to {SIDES[-1]})"
            rows.append([token.label, reader, text])
    table(
        f"Smallest side read in >= {GOAL_RATE:.0%} of frames (px, range over runs)",
        ["token", "reader", "side px"],
        rows,
    )

    rows = []
    for reader in readers:
        jws = [j for j in thresholds[("jws card", reader)] if j]
        compact = [c for c in thresholds[("compact card", reader)] if c]
        if not jws or not compact:
            rows.append([reader, "–", "–", "–", "–", "–"])
            continue
        worst_jws, worst_compact = max(jws), max(compact)
        ratios = [c / j for c, j in zip(compact, jws, strict=False)]

        def metres(cm: float, jws_px: int = worst_jws, compact_px: int = worst_compact) -> str:
            return f"{distance_cm(cm, jws_px) / 100:.2f} → {distance_cm(cm, compact_px) / 100:.2f}"

        rows.append(
            [
                reader,
                f"{worst_jws} → {worst_compact}",
                f"{min(ratios):.2f}–{max(ratios):.2f}",
                metres(PRINTED_CM),
                metres(PHONE_CM),
                f"{worst_jws / worst_compact:.2f}×",
            ]
        )
    table(
        "Compact vs JWS (JWS → compact, worst run): side read, reading distance in metres "
        f"(70° webcam, 1280 px, f = {FOCAL_PX:.0f} px)",
        [
            "reader",
            "side px",
            "compact ÷ JWS side",
            f"{PRINTED_CM:.0f} cm printed code",
            f"{PHONE_CM:.0f} cm code on a phone",
            "farther by",
        ],
        rows,
    )
    total = len(tokens) * len(SIDES) * frames * runs
    print(f"\n{total} frames in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

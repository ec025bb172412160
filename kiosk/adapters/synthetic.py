"""Synthetic kiosk camera frames: QR codes held up the way students hold them.

Codes are rendered with segno, not with a decoder library, so decoding tests are not a closed
loop. Every random choice comes from a ``random.Random`` passed in or seeded here, so a run is
reproducible from its seed.
"""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import cv2
import numpy as np
import segno
from numpy.random import default_rng
from numpy.typing import NDArray

from kiosk.adapters.frame_types import Frame, Image, SourceState, SourceStatus

SIZE_720P = (1280, 720)
SIZE_1080P = (1920, 1080)

_PIXELS_PER_MODULE = 6  # resolution of the flat card before it is warped into the scene


def qr_modules(text: str, *, error: str = "l", border: int = 4) -> NDArray[np.bool_]:
    """Return the QR symbol of ``text`` as booleans (True = dark), quiet zone included."""
    qr = segno.make(text, error=error, micro=False, boost_error=False)
    rows = [[bool(value) for value in row] for row in qr.matrix_iter(scale=1, border=border)]
    return np.array(rows, dtype=np.bool_)


def qr_version(text: str, *, error: str = "l") -> int:
    """Return the QR version segno picks for ``text`` at the given error level."""
    version = segno.make(text, error=error, micro=False, boost_error=False).version
    return int(version)


def render_qr_image(text: str, *, module_px: int = 8, error: str = "l", border: int = 4) -> Image:
    """Return a clean, upright grayscale QR image (dark on white), e.g. for a printed card."""
    modules = qr_modules(text, error=error, border=border)
    gray = np.where(modules, 0, 255).astype(np.uint8)
    return np.kron(gray, np.ones((module_px, module_px), dtype=np.uint8))


@dataclass(frozen=True)
class Effects:
    """The degradations applied to one rendered frame (for reports and debugging)."""

    qr_side: int = 0
    rotation_deg: float = 0.0
    perspective: float = 0.0
    motion_px: float = 0.0
    focus_sigma: float = 0.0
    noise_sigma: float = 0.0
    light: float = 1.0
    glare: bool = False
    inverted: bool = False
    occluded: float = 0.0
    phone: bool = False
    corners: tuple[tuple[float, float], ...] = ()  # symbol corners in the frame, clockwise


@dataclass(frozen=True)
class SyntheticFrame:
    """One rendered frame and what is in it."""

    image: Image
    text: str | None
    effects: Effects = field(default_factory=Effects)


class KioskScene:
    """Renders kiosk-like frames of a fixed size: a cluttered lobby and, optionally, a held code.

    Args:
        size: Frame (width, height).
        seed: Seed of the scene background; frames take their randomness from the caller.
    """

    def __init__(self, size: tuple[int, int] = SIZE_720P, seed: int = 0) -> None:
        self.size = size
        self._background = _lobby_background(size, random.Random(seed))
        self._cards: dict[tuple[str, str], NDArray[np.bool_]] = {}

    @property
    def background(self) -> Image:
        """The static background (BGR); callers must not modify it."""
        return self._background

    def render(
        self,
        text: str | None,
        rng: random.Random,
        *,
        difficulty: float = 1.0,
        qr_side: int | None = None,
        inverted: bool | None = None,
        centre: tuple[float, float] | None = None,
        rotation_deg: float | None = None,
    ) -> SyntheticFrame:
        """Render one frame, with ``text`` as a held QR code, or an empty scene when None.

        Args:
            text: Text of the code, or None for a frame with no code.
            rng: Source of every random choice of this frame.
            difficulty: 0 gives a clean, upright code; 1 the full range of degradations.
            qr_side: Side of the code in pixels (random in 120–450 when None).
            inverted: Light-on-dark code (random, ~15 % when None).
            centre: Centre of the code in pixels (random when None).
            rotation_deg: Rotation of the code (random, wider with difficulty, when None).
        """
        width, height = self.size
        frame = self._background.copy()
        _shift_lighting(frame, rng)
        effects = Effects()
        if text is not None:
            frame, effects = self._paste_code(
                frame, text, rng, difficulty, qr_side, inverted, centre, rotation_deg
            )
        frame, effects = _degrade(frame, rng, difficulty, effects)
        assert frame.shape == (height, width, 3)
        return SyntheticFrame(frame, text, effects)

    def _modules(self, text: str, error: str) -> NDArray[np.bool_]:
        key = (text, error)
        modules = self._cards.get(key)
        if modules is None:
            if len(self._cards) > 64:  # the demo feed shows few texts; keep the cache bounded
                self._cards.clear()
            modules = qr_modules(text, error=error)
            self._cards[key] = modules
        return modules

    def _paste_code(
        self,
        frame: Image,
        text: str,
        rng: random.Random,
        difficulty: float,
        qr_side: int | None,
        inverted: bool | None,
        centre: tuple[float, float] | None,
        rotation_deg: float | None,
    ) -> tuple[Image, Effects]:
        width, height = self.size
        modules = self._modules(text, rng.choice(("l", "l", "m")))
        border = 4
        n_modules = modules.shape[0] - 2 * border
        side = qr_side if qr_side is not None else int(rng.uniform(120, 450))
        side = min(side, int(height * 0.85))
        phone = rng.random() < 0.6
        if inverted is None:
            inverted = phone and rng.random() < 0.25

        # Flat card: the symbol with its quiet zone, on a phone screen or a printed card.
        px = _PIXELS_PER_MODULE
        symbol = np.where(modules, 0, 255).astype(np.uint8)
        if inverted:
            symbol = 255 - symbol
        card_gray: Image = np.kron(symbol, np.ones((px, px), dtype=np.uint8))
        margin = int(rng.uniform(0.5, 3.0) * px) if phone else int(rng.uniform(2, 8) * px)
        pad_value = (20 if inverted else 250) if phone else 235
        card_gray = cv2.copyMakeBorder(
            card_gray, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=pad_value
        )
        bezel = int(rng.uniform(1.5, 4) * px) if phone else 0
        if phone:
            card_gray = cv2.copyMakeBorder(
                card_gray, bezel, bezel * 3, bezel, bezel, cv2.BORDER_CONSTANT, value=15
            )
        card = cv2.cvtColor(card_gray, cv2.COLOR_GRAY2BGR)
        if not phone:
            tint = np.array([rng.uniform(0.85, 1.0) for _ in range(3)], dtype=np.float32)
            card = np.clip(card.astype(np.float32) * tint, 0, 255).astype(np.uint8)
        elif not inverted:
            # Phone screens are bluish and brighter than paper.
            card = cv2.add(card, np.array([12.0, 4.0, 0.0, 0.0]))

        # Where the symbol's corners land in the flat card image.
        card_h, card_w = card.shape[:2]
        left = top = bezel + margin + border * px
        inner = n_modules * px
        src_symbol = np.array(
            [[left, top], [left + inner, top], [left + inner, top + inner], [left, top + inner]],
            dtype=np.float32,
        )

        # Destination: the symbol's side in the frame, rotated, tilted in perspective.
        if rotation_deg is None:
            max_rot = 30.0 * difficulty
            rotation = rng.uniform(-max_rot, max_rot)
            if rng.random() < 0.1 * difficulty:
                rotation += rng.choice((90.0, 180.0, -90.0))
        else:
            rotation = rotation_deg
        tilt = rng.uniform(0.0, 0.18) * difficulty
        scale = side / inner
        if centre is None:
            half_diag = side * 0.75 + margin * scale
            cx = rng.uniform(min(half_diag, width / 2), max(width - half_diag, width / 2))
            cy = rng.uniform(min(half_diag, height / 2), max(height - half_diag, height / 2))
        else:
            cx, cy = centre
        card_corners = np.array(
            [[0, 0], [card_w, 0], [card_w, card_h], [0, card_h]], dtype=np.float32
        )
        sym_centre = src_symbol.mean(axis=0)
        theta = math.radians(rotation)
        rot = np.array(
            [[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]],
            dtype=np.float32,
        )
        dst_corners = (card_corners - sym_centre) * scale @ rot.T + np.array([cx, cy])
        # Perspective: pull two adjacent corners towards each other (card tilted away).
        edge = rng.randrange(4)
        a, b = edge, (edge + 1) % 4
        mid = (dst_corners[a] + dst_corners[b]) / 2
        dst_corners[a] += (mid - dst_corners[a]) * tilt
        dst_corners[b] += (mid - dst_corners[b]) * tilt
        for corner in dst_corners:
            corner += np.array([rng.gauss(0, side * 0.01), rng.gauss(0, side * 0.01)]) * difficulty
        matrix = cv2.getPerspectiveTransform(card_corners, dst_corners.astype(np.float32))
        warped = cv2.warpPerspective(card, matrix, (width, height), flags=cv2.INTER_AREA)
        mask = cv2.warpPerspective(
            np.full((card_h, card_w), 255, dtype=np.uint8), matrix, (width, height)
        )
        mask_f = (mask.astype(np.float32) / 255.0)[..., None]
        blended = frame.astype(np.float32) * (1 - mask_f) + warped.astype(np.float32) * mask_f
        frame = blended.astype(np.uint8)

        quad = cv2.perspectiveTransform(src_symbol[None], matrix)[0]
        occluded = 0.0
        if rng.random() < 0.25 * difficulty:
            occluded = _thumb(frame, rng, quad)
        return frame, Effects(
            corners=tuple((round(float(x), 1), round(float(y), 1)) for x, y in quad),
            qr_side=side,
            rotation_deg=round(rotation, 1),
            perspective=round(tilt, 3),
            inverted=inverted,
            occluded=occluded,
            phone=phone,
        )


def _lobby_background(size: tuple[int, int], rng: random.Random) -> Image:
    """A reception-desk scene: walls, a door, posters with text, a belt rack; no code."""
    width, height = size
    base = np.array([rng.uniform(90, 180) for _ in range(3)], dtype=np.float32)
    ys = np.linspace(0.7, 1.15, height, dtype=np.float32)[:, None, None]
    frame = np.clip(np.ones((height, width, 3), np.float32) * base * ys, 0, 255).astype(np.uint8)
    unit = width / 1280
    for _ in range(rng.randint(4, 9)):  # furniture and posters
        x0, y0 = rng.randrange(width), rng.randrange(height)
        w, h = int(rng.uniform(60, 400) * unit), int(rng.uniform(60, 400) * unit)
        colour = tuple(rng.randrange(256) for _ in range(3))
        cv2.rectangle(frame, (x0, y0), (x0 + w, y0 + h), colour, -1)
        for line in range(rng.randint(0, 6)):  # poster text: high-contrast strokes
            words = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ 0123456789") for _ in range(12))
            cv2.putText(
                frame,
                words,
                (x0 + 5, y0 + int((22 + 24 * line) * unit)),
                cv2.FONT_HERSHEY_SIMPLEX,
                0.6 * unit,
                (20, 20, 20),
                max(1, int(2 * unit)),
                cv2.LINE_AA,
            )
    for _ in range(rng.randint(2, 6)):  # belts on a rack, door frames
        x0 = rng.randrange(width)
        colour = tuple(rng.randrange(256) for _ in range(3))
        cv2.line(frame, (x0, 0), (x0 + rng.randint(-80, 80), height), colour, rng.randint(3, 20))
    # A chequered floor mat strip: regular texture a detector must not mistake for a code.
    if rng.random() < 0.7:
        tile = max(8, int(24 * unit))
        y_floor = int(height * rng.uniform(0.8, 0.92))
        for x in range(0, width, tile):
            for y in range(y_floor, height, tile):
                if (x // tile + y // tile) % 2:
                    cv2.rectangle(frame, (x, y), (x + tile, y + tile), (40, 40, 40), -1)
    return np.asarray(frame, dtype=np.uint8)


def _shift_lighting(frame: Image, rng: random.Random) -> None:
    """Small frame-to-frame exposure changes, as auto-exposure does."""
    gain = rng.uniform(0.95, 1.05)
    cv2.convertScaleAbs(frame, frame, alpha=gain, beta=rng.uniform(-4, 4))


def _thumb(frame: Image, rng: random.Random, symbol_quad: NDArray[np.float32]) -> float:
    """Cover part of one edge of the symbol with a thumb; returns the covered share (approx.)."""
    corner = rng.randrange(4)
    p0 = symbol_quad[corner]
    p1 = symbol_quad[(corner + 1) % 4]
    centre = symbol_quad.mean(axis=0)
    share = rng.uniform(0.03, 0.12)
    along = rng.uniform(0.3, 0.7)
    base = p0 + (p1 - p0) * along
    side = float(np.linalg.norm(p1 - p0))
    inward = (centre - base) / max(float(np.linalg.norm(centre - base)), 1.0)
    tip = base + inward * side * share * 2.5
    thickness = max(4, int(side * 0.12))
    skin = (rng.uniform(90, 150), rng.uniform(120, 170), rng.uniform(170, 220))
    start = base - inward * side * 0.3
    cv2.line(
        frame,
        (int(start[0]), int(start[1])),
        (int(tip[0]), int(tip[1])),
        skin,
        thickness,
        cv2.LINE_AA,
    )
    return round(share, 3)


def _degrade(
    frame: Image, rng: random.Random, difficulty: float, effects: Effects
) -> tuple[Image, Effects]:
    """Camera effects over the whole frame: glare, blur, low light, sensor noise, compression."""
    height, width = frame.shape[:2]
    glare = rng.random() < 0.2 * difficulty
    if glare:
        overlay: Image = np.zeros((height, width), dtype=np.uint8)
        centre = (rng.randrange(width), rng.randrange(height))
        axes = (int(rng.uniform(30, 160) * width / 1280), int(rng.uniform(20, 90) * width / 1280))
        cv2.ellipse(overlay, centre, axes, rng.uniform(0, 180), 0, 360, 255, -1)
        overlay = cv2.GaussianBlur(overlay, (0, 0), 15)
        strength = rng.uniform(0.4, 0.8)
        glare_bgr = cv2.cvtColor(overlay, cv2.COLOR_GRAY2BGR)
        frame = cv2.addWeighted(frame, 1.0, glare_bgr, strength, 0)
    motion = rng.uniform(0, 9) * difficulty if rng.random() < 0.5 else 0.0
    if motion >= 1.5:
        length = round(motion)
        kernel: Image = np.zeros((length, length), dtype=np.float32)
        kernel[length // 2, :] = 1.0 / length
        angle = rng.uniform(0, 180)
        rot = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), angle, 1.0)
        kernel = cv2.warpAffine(kernel, rot, (length, length))
        kernel = np.asarray(kernel / max(float(kernel.sum()), 1e-6), dtype=np.float32)
        frame = cv2.filter2D(frame, -1, kernel)
    else:
        motion = 0.0
    focus = rng.uniform(0, 1.6) * difficulty if rng.random() < 0.5 else 0.0
    if focus >= 0.4:
        frame = cv2.GaussianBlur(frame, (0, 0), focus)
    else:
        focus = 0.0
    light = rng.uniform(0.3, 1.0) if rng.random() < 0.3 * difficulty else 1.0
    noise_sigma = rng.uniform(1, 4) + (8 * (1 - light) + rng.uniform(0, 6)) * difficulty
    noisy = frame.astype(np.float32) * light
    noise_rng = default_rng(rng.getrandbits(64))
    noise = noise_rng.standard_normal((height, width, 1), dtype=np.float32) * noise_sigma
    frame = np.clip(noisy + noise, 0, 255).astype(np.uint8)
    if rng.random() < 0.5:  # webcams deliver MJPEG; its blocks are part of what decoders see
        quality = rng.randint(60, 92)
        ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
        decoded = cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else None
        if decoded is not None:
            frame = decoded
    return frame, replace(
        effects,
        motion_px=round(motion, 1),
        focus_sigma=round(focus, 2),
        noise_sigma=round(noise_sigma, 1),
        light=round(light, 2),
        glare=glare,
    )


class SyntheticFeed:
    """A demo frame source: each text is held up for ~1–2 s, then a gap of empty frames.

    ``next_text`` supplies the texts to show (e.g. the demo tenant's cards and passes); it is
    called once per presentation and may return None to show only the empty lobby for a while
    (a gap; several Nones in a row make a long quiet spell). Codes are held with a side of
    120–450 px at 720p, in proportion at other heights. Frames are paced at ``fps`` in real time
    unless ``realtime`` is False.

    Args:
        next_text: Supplies the next text to show, or None for an empty presentation.
        fps: Frames per second.
        size: Frame (width, height).
        seed: Seed of every random choice.
        realtime: Pace frames at ``fps`` (True) or deliver them as fast as they are read.
        difficulty: Passed to :meth:`KioskScene.render` (the demo wants mostly readable codes).
        hold_seconds: Range of the time a code stays in view.
        gap_seconds: Range of the time with no code between two codes.
    """

    # Code side as a share of the frame height: 120–450 px at 720p.
    SIDE_RANGE = (120 / 720, 450 / 720)

    def __init__(
        self,
        next_text: Callable[[], str | None],
        *,
        fps: float = 15.0,
        size: tuple[int, int] = SIZE_720P,
        seed: int = 0,
        realtime: bool = True,
        difficulty: float = 0.4,
        hold_seconds: tuple[float, float] = (1.0, 2.0),
        gap_seconds: tuple[float, float] = (1.0, 2.5),
    ) -> None:
        self._next_text = next_text
        self._fps = fps
        self._size = size
        self._seed = seed
        self._realtime = realtime
        self._difficulty = difficulty
        self._hold = hold_seconds
        self._gap = gap_seconds
        self._rng = random.Random(seed)
        self._scene: KioskScene | None = None
        self._interrupted = threading.Event()
        self._index = 0
        self._plan: list[str | None] = []
        self._next_due = 0.0
        self._status = SourceStatus(SourceState.CLOSED, "demo feed not opened")
        self.current_text: str | None = None
        self._held: tuple[int, tuple[float, float], bool, float] | None = None

    @property
    def status(self) -> SourceStatus:
        """Current state of the feed."""
        return self._status

    @property
    def actual_size(self) -> tuple[int, int] | None:
        """Frame (width, height)."""
        return self._size

    @property
    def actual_fps(self) -> float | None:
        """Frames per second the feed is paced at."""
        return self._fps

    def describe(self) -> str:
        """Short human description (no payloads)."""
        width, height = self._size
        return f"demo feed {width}x{height} @ {self._fps:g} fps (seed {self._seed})"

    def open(self) -> None:
        """Build the scene; cheap enough for any thread."""
        self._scene = KioskScene(self._size, seed=self._seed)
        self._next_due = time.monotonic()
        self._status = SourceStatus(SourceState.LIVE, self.describe())

    def read(self) -> Frame | None:
        """Return the next frame, paced at ``fps``; None once interrupted or closed."""
        if self._scene is None or self._interrupted.is_set():
            return None
        if self._realtime:
            delay = self._next_due - time.monotonic()
            if delay > 0 and self._interrupted.wait(delay):
                return None
            self._next_due = max(self._next_due + 1.0 / self._fps, time.monotonic() - 0.5)
        if not self._plan:
            self._plan = self._presentation()
        text = self._plan.pop()
        self.current_text = text
        rendered = self._scene.render(text, self._rng, difficulty=self._difficulty, **self._pose())
        frame = Frame(rendered.image, self._index, time.monotonic())
        self._index += 1
        return frame

    def skip(self) -> bool:
        """Pass over the next frame, paced as a read, without rendering it."""
        if self._scene is None or self._interrupted.is_set():
            return False
        if self._realtime:
            delay = self._next_due - time.monotonic()
            if delay > 0 and self._interrupted.wait(delay):
                return False
            self._next_due = max(self._next_due + 1.0 / self._fps, time.monotonic() - 0.5)
        if not self._plan:
            self._plan = self._presentation()
        self.current_text = self._plan.pop()
        self._index += 1
        return True

    def interrupt(self) -> None:
        """Make a pending or later ``read()`` return None promptly (any thread)."""
        self._interrupted.set()

    def close(self) -> None:
        """Release the scene."""
        self._scene = None
        self._status = SourceStatus(SourceState.CLOSED, "demo feed closed")

    def _pose(self) -> dict[str, Any]:
        """This frame's pose: the presentation's, with a hand's tremor of a few pixels."""
        if self._held is None:
            return {}
        side, (cx, cy), inverted, rotation = self._held
        jitter = max(1.0, side * 0.01)
        return {
            "qr_side": side,
            "centre": (cx + self._rng.gauss(0, jitter), cy + self._rng.gauss(0, jitter)),
            "inverted": inverted,
            "rotation_deg": rotation + self._rng.gauss(0, 1.0),
        }

    def _presentation(self) -> list[str | None]:
        """Frames of one presentation, reversed for ``pop()``: the code held, then a gap."""
        text = self._next_text()
        # A student holds the code still-ish: one size, place and angle per presentation.
        width, height = self._size
        side = int(self._rng.uniform(*self.SIDE_RANGE) * height)
        margin = side * 0.8
        centre = (
            self._rng.uniform(margin, max(margin, width - margin)),
            self._rng.uniform(margin, max(margin, height - margin)),
        )
        inverted = self._rng.random() < 0.15
        self._held = (side, centre, inverted, self._rng.uniform(-15, 15) * self._difficulty)
        held = int(self._rng.uniform(*self._hold) * self._fps) if text is not None else 0
        gap = int(self._rng.uniform(*self._gap) * self._fps)
        plan: list[str | None] = [text] * held + [None] * max(gap, 1)
        plan.reverse()
        return plan

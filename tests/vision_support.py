"""Helpers for the vision tests: token-shaped texts, card images and generated video files."""

from __future__ import annotations

import base64
import queue
import random
import threading
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from kiosk.adapters.frames import FrameSource, SourceState, SourceStatus
from kiosk.adapters.scan_pipeline import DecodePipeline, DetectedCode, ScanLoop, ScanStats
from kiosk.adapters.synthetic import KioskScene, render_qr_image


def jws_like(rng: random.Random, payload_bytes: int = 190) -> str:
    """A compact-JWS-shaped text of platform size (~380 characters, QR version 13–15)."""

    def part(n: int) -> str:
        return base64.urlsafe_b64encode(rng.randbytes(n)).decode().rstrip("=")

    return f"{part(27)}.{part(payload_bytes)}.{part(64)}"


def card_image(text: str, *, module_px: int = 6, inverted: bool = False) -> np.ndarray:
    """A clean printed card (BGR) holding ``text`` as a QR code."""
    gray = render_qr_image(text, module_px=module_px)
    if inverted:
        gray = 255 - gray
    gray = cv2.copyMakeBorder(
        gray, 40, 40, 40, 40, cv2.BORDER_CONSTANT, value=255 - int(inverted) * 235
    )
    return cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)


def lobby_frames(
    count: int, *, seed: int = 0, size: tuple[int, int] = (1280, 720), difficulty: float = 1.0
) -> list[np.ndarray]:
    """Frames of an empty lobby (posters, stripes, a chequered mat, noise), no code.

    One scene per seed, as one fixed camera sees it; ``difficulty`` scales the per-frame blur,
    glare and low light (noise, exposure drift and compression are always there).
    """
    scene = KioskScene(size, seed=seed)
    rng = random.Random(seed)
    return [scene.render(None, rng, difficulty=difficulty).image for _ in range(count)]


def code_frame(
    text: str, *, seed: int = 0, qr_side: int = 300, inverted: bool = False, size=(1280, 720)
) -> np.ndarray:
    """A lobby frame with ``text`` held up cleanly (no blur, no tilt)."""
    scene = KioskScene(size, seed=seed)
    return scene.render(
        text, random.Random(seed), difficulty=0.0, qr_side=qr_side, inverted=inverted
    ).image


def write_video(path: Path, frames: list[np.ndarray], fps: float = 30.0) -> Path:
    """Write ``frames`` as MJPG in an AVI container (works in every opencv-python build)."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    assert writer.isOpened(), "MJPG/AVI writer unavailable"
    for frame in frames:
        writer.write(frame)
    writer.release()
    return path


def scan_to_end(
    source: FrameSource, pipeline: DecodePipeline, **loop_options: Any
) -> tuple[list[DetectedCode], ScanStats]:
    """Run a real scan loop over a finite source until it closes: every scan, and the stats."""
    codes: queue.Queue[DetectedCode] = queue.Queue()
    ended = threading.Event()

    def on_status(status: SourceStatus) -> None:
        if status.state is SourceState.CLOSED:
            ended.set()

    loop = ScanLoop(source, pipeline, codes.put, on_status=on_status, **loop_options)
    loop.start()
    assert ended.wait(timeout=30)
    assert loop.stop(timeout=10)
    assert not loop.running
    return list(codes.queue), loop.stats()

"""The live scan loop's economies: idle mode and the CPU budget, on real generated video.

No mocks, no sleeps: frames come from MJPG files written here, decoders are the real engines,
and every assertion is about counts (frames analysed, skipped, dropped), never about speed.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from kiosk.adapters.decoders import make_engine
from kiosk.adapters.frames import Frame, Image, VideoFileSource
from kiosk.adapters.scan_pipeline import (
    DecodePipeline,
    IdleGate,
    PipelineResult,
    ScanLoop,
)
from tests.vision_support import code_frame, jws_like, lobby_frames, scan_to_end, write_video

SIZE = (1280, 720)
SEED = 31
QUIET = 15  # frames before idling: shorter than the kiosk's 45 to keep the videos short


@pytest.fixture(scope="module")
def token() -> str:
    return jws_like(random.Random(SEED))


@pytest.fixture(scope="module")
def lobby() -> list[np.ndarray]:
    # A fixed camera on an empty lobby: noise, exposure drift and compression on every frame.
    return lobby_frames(8, seed=SEED, size=SIZE, difficulty=0.3)


def card_video(
    path: Path, lobby: list[np.ndarray], token: str, appear: int, hold: int, after: int
) -> Path:
    """``appear`` lobby frames, the card held for ``hold`` frames, ``after`` lobby frames."""
    card = code_frame(token, qr_side=220, seed=SEED, size=SIZE)
    frames = [lobby[i % len(lobby)] for i in range(appear)] + [card] * hold
    frames += [lobby[i % len(lobby)] for i in range(after)]
    return write_video(path, frames)


def analyse(pipeline: DecodePipeline, gate: IdleGate, index: int, image: Image) -> PipelineResult:
    """What the scan loop's decoder does with a frame the gate lets through."""
    result = pipeline.run(image)
    gate.observe(index, result)
    return result


def video_frames(path: Path) -> list[Frame]:
    source = VideoFileSource(path, realtime=False)
    source.open()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    source.close()
    return frames


@pytest.mark.parametrize("appear", [40, 41, 42])  # every phase of idle mode's 1-in-3 pattern
def test_idle_reads_a_card_within_two_frames_of_the_first_readable_one(
    tmp_path: Path, lobby: list[np.ndarray], token: str, appear: int
) -> None:
    hold, after = 20, 30
    frames = video_frames(card_video(tmp_path / "card.avi", lobby, token, appear, hold, after))
    every_frame = DecodePipeline.default()
    readable = [f.index for f in frames if token in every_frame.decode(f.image)]
    assert readable and readable[0] == appear

    gate = IdleGate(quiet_frames=QUIET)  # the kiosk's stride: every 3rd frame when idle
    pipeline = DecodePipeline.default()
    analysed: list[int] = []
    hits: list[int] = []
    idle_when_shown = False
    for frame in frames:
        if frame.index == appear:
            idle_when_shown = gate.idle_at(frame.index)
        if not gate.should_analyse(frame.index):
            continue
        result = analyse(pipeline, gate, frame.index, frame.image)
        analysed.append(frame.index)
        if token in result.texts:
            hits.append(frame.index)

    # The empty lobby (posters included) went quiet: every 3rd frame only, before the card.
    assert idle_when_shown and gate.stride == 3
    before = [i for i in analysed if QUIET + 5 <= i < appear]
    assert before and all(b - a == 3 for a, b in itertools.pairwise(before))
    # The card is read at most two frames after the first frame an every-frame decoder reads.
    assert hits and 0 <= hits[0] - readable[0] <= 2
    # Seen once, every frame is analysed again while it is held.
    assert set(range(hits[0], appear + hold)) <= set(analysed)
    assert len(hits) >= len(readable) - 2
    # Gone, and the lobby quiet again: back to idle.
    assert gate.idle_at(frames[-1].index)
    assert gate.skipped == len(frames) - len(analysed) and gate.skipped > 20


class Counted(DecodePipeline):
    """A real pipeline that counts its runs and the CPU time each one took."""

    def __init__(self, pipeline: DecodePipeline) -> None:
        super().__init__(pipeline.primary)
        self.runs = threading.Semaphore(0)
        self.cpu_seconds: list[float] = []

    def run(self, image: Image, *, thorough: bool = False) -> PipelineResult:
        started = time.thread_time()
        result = super().run(image, thorough=thorough)
        self.cpu_seconds.append(time.thread_time() - started)
        self.runs.release()
        return result


def test_scan_loop_idles_on_an_empty_lobby_and_still_reads_the_card(
    tmp_path: Path, lobby: list[np.ndarray], token: str
) -> None:
    path = card_video(tmp_path / "lobby_then_card.avi", lobby, token, 60, 30, 0)
    codes, stats = scan_to_end(VideoFileSource(path), DecodePipeline.default(), idle_after=QUIET)
    assert len(codes) == 1
    assert codes[0].text == token and 60 <= codes[0].frame_index < 90
    assert stats.idle_skipped_frames > 0  # the lobby before the card was analysed sparsely
    assert stats.decoded_frames + stats.idle_skipped_frames + stats.dropped_frames <= 90


class SlowEngine:
    """zxing-cpp doing its work ``rounds`` times over: a decoder on a machine short of CPU."""

    name = "slow-zxing"
    inverts = True

    def __init__(self, rounds: int) -> None:
        self._engine = make_engine("zxing")
        self._rounds = rounds

    def decode(self, image: Image) -> list[str]:
        for _ in range(self._rounds - 1):
            self._engine.decode(image)
        return self._engine.decode(image)


def test_cpu_budget_lowers_the_decode_rate_and_skips_frames(
    tmp_path: Path, lobby: list[np.ndarray], token: str
) -> None:
    path = card_video(tmp_path / "loop.avi", lobby, token, 20, 20, 20)
    pipeline = Counted(DecodePipeline(SlowEngine(rounds=10)))
    frames_seen = 0

    def on_frame(frame: Frame) -> None:
        nonlocal frames_seen
        frames_seen += 1

    budget, cap = 0.05, 30.0
    loop = ScanLoop(
        VideoFileSource(path, loop=True),  # paced at the file's 30 fps, like a camera
        pipeline,
        lambda code: None,
        on_frame=on_frame,
        max_decode_fps=cap,
        cpu_budget=budget,
        idle_after=0,  # every frame the decoder takes is decoded: skips are the limiter's
    )
    loop.start()
    for _ in range(6):
        assert pipeline.runs.acquire(timeout=30)
    stats = loop.stats()
    assert loop.stop(timeout=10)

    # Each decode took more CPU than the cap's interval allows within 5 % of a core, so the
    # budget, not the cap, set every wait.
    assert min(pipeline.cpu_seconds) / budget > 1 / cap
    assert stats.budget_limited_frames == stats.decoded_frames >= 6
    # The reported rate is the real one: at most one decode per (its CPU time ÷ budget), which
    # is below the cap and below the camera's rate.
    bound = budget / ((1 - budget) * min(pipeline.cpu_seconds))
    assert 0 < stats.decode_fps <= bound * 1.05
    assert bound < cap and stats.decode_fps < stats.capture_fps
    # Frames the decoder had no time for were dropped (newest wins), not queued.
    assert stats.dropped_frames > 0
    assert stats.decoded_frames + stats.dropped_frames <= frames_seen

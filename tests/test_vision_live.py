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

import cv2
import numpy as np
import pytest

from kiosk.adapters.decoders import make_engine
from kiosk.adapters.frames import Frame, Image, VideoFileSource
from kiosk.adapters.scan_pipeline import (
    SAME_REGION,
    DecodePipeline,
    IdleGate,
    PipelineResult,
    ScanLoop,
    overlap,
)
from kiosk.adapters.synthetic import KioskScene
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
    pipeline.focus = gate.focus_at(index)
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


def unreadable_code(token: str, side: int = 260) -> Image:
    """A lobby frame with a code whose finder patterns are covered: code-like, undecodable."""
    scene = KioskScene(SIZE, seed=SEED)
    rendered = scene.render(
        token, random.Random(SEED), difficulty=0.0, qr_side=side, inverted=False
    )
    image = rendered.image.copy()
    corners = np.array(rendered.effects.corners)
    side = np.linalg.norm(corners[1] - corners[0])
    for x, y in corners[[0, 1, 3]]:  # the three finder patterns sit at these corners
        centre = (
            int(x + (corners[:, 0].mean() - x) * 0.1),
            int(y + (corners[:, 1].mean() - y) * 0.1),
        )
        cv2.circle(image, centre, int(side * 0.14), (128, 128, 128), -1)
    return image


def test_a_new_candidate_region_wakes_idle_mode_at_once(
    lobby: list[np.ndarray], token: str
) -> None:
    pipeline = DecodePipeline.default()
    gate = IdleGate(quiet_frames=QUIET)

    def step(index: int, image: Image) -> bool:
        if not gate.should_analyse(index):
            return False
        analyse(pipeline, gate, index, image)
        return True

    index = 0
    while not gate.idle_at(index):
        step(index, lobby[index % len(lobby)])
        index += 1
    assert [step(i, lobby[i % len(lobby)]) for i in range(index, index + 6)].count(True) == 2
    index += 6
    while not gate.should_analyse(index):
        index += 1
    covered = unreadable_code(token)
    result = analyse(pipeline, gate, index, covered)
    assert result.texts == [] and result.regions  # no code, but something code-like appeared
    # Awake: every frame is analysed again, though none holds a readable code, until the
    # covered card has been quiet (a known region) for the whole spell.
    assert all(step(i, covered) for i in range(index + 1, index + QUIET))
    assert gate.idle_at(index + QUIET)


def test_a_card_where_the_last_one_was_is_new_again(lobby: list[np.ndarray], token: str) -> None:
    pipeline = DecodePipeline.default()
    gate = IdleGate(quiet_frames=QUIET)
    card = code_frame(token, qr_side=170, seed=SEED, size=SIZE)
    assert pipeline.run(card).texts == [token]
    covered = unreadable_code(token, side=170)
    card_boxes = pipeline.run(covered).regions
    assert card_boxes
    # A quiet lobby, a card held and read, taken away, another quiet spell.
    frames = lobby * 3 + [card] * 5 + lobby * 6
    index = 0
    for index, image in enumerate(frames):
        if gate.should_analyse(index):
            analyse(pipeline, gate, index, image)
    index += 1
    assert gate.idle_at(index)
    while not gate.should_analyse(index):
        index += 1
    # The same card at the same spot, its finders covered: unreadable, but new again.
    result = analyse(pipeline, gate, index, covered)
    assert result.texts == []
    assert any(overlap(b, k) >= SAME_REGION for b in result.regions for k in card_boxes)
    assert not gate.idle_at(index + 1)


def test_extra_effort_goes_to_a_region_held_a_moment_and_not_to_posters_for_ever(
    token: str,
) -> None:
    gate = IdleGate(quiet_frames=QUIET, focus_after=3, focus_for=10)
    pipeline = DecodePipeline.default()
    covered = unreadable_code(token)
    focus: list[list[tuple[int, int, int, int]]] = []
    for index in range(16):
        focus.append(gate.focus_at(index))
        analyse(pipeline, gate, index, covered)
    region = pipeline.run(covered).regions
    # Seen on frame 0: no effort before frame 3, one region from frame 3 to 10, none after.
    assert focus[:3] == [[], [], []]
    assert all(len(f) == 1 and overlap(f[0], region[0]) >= SAME_REGION for f in focus[3:11])
    assert focus[11:] == [[]] * 5


class Counted(DecodePipeline):
    """A real pipeline that counts its runs and the CPU time each one took."""

    def __init__(self, pipeline: DecodePipeline) -> None:
        super().__init__(pipeline.primary, pipeline.config)
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

"""Frame sources and the scan loop on real generated files; no mocks, no sleeps."""

from __future__ import annotations

import itertools
import json
import queue
import random
import subprocess
import sys
import threading
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.adapters.frames import (
    CameraSource,
    FolderSource,
    Frame,
    SourceError,
    SourceState,
    SourceStatus,
    VideoFileSource,
    open_source,
)
from kiosk.adapters.scan_pipeline import DecodePipeline, DetectedCode, FrameMailbox, ScanLoop
from kiosk.adapters.synthetic import SyntheticFeed
from tests.vision_support import code_frame, jws_like, lobby_frames, scan_to_end, write_video

SIZE = (640, 360)  # small frames keep the tests quick; the benchmark covers 720p and 1080p


@pytest.fixture(scope="module")
def token() -> str:
    return jws_like(random.Random(99))


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory, token: str) -> Path:
    """30 fps: frames 0–29 empty lobby, 30–59 a held card, 60–89 empty again."""
    empty = lobby_frames(2, seed=7, size=SIZE)
    card = code_frame(token, qr_side=300, seed=7, size=SIZE)
    frames = [empty[i % 2] for i in range(30)] + [card] * 30 + [empty[i % 2] for i in range(30)]
    return write_video(tmp_path_factory.mktemp("video") / "held_card.avi", frames)


def read_all(source: VideoFileSource | FolderSource) -> list[Frame]:
    source.open()
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    source.close()
    return frames


def test_video_file_plays_once_and_ends(video: Path) -> None:
    source = VideoFileSource(video, realtime=False)
    frames = read_all(source)
    assert [f.index for f in frames] == list(range(90))
    assert frames[0].image.shape == (360, 640, 3)
    assert source.actual_size == SIZE and source.actual_fps == 30.0
    assert all(b.captured_at >= a.captured_at for a, b in itertools.pairwise(frames))


def test_video_file_loops(video: Path) -> None:
    source = VideoFileSource(video, realtime=False, loop=True)
    source.open()
    frames = [source.read() for _ in range(200)]
    source.close()
    assert all(f is not None for f in frames)
    assert source.status.state is SourceState.CLOSED


def test_pipeline_finds_the_code_at_the_right_frame(video: Path, token: str) -> None:
    pipeline = DecodePipeline.default()
    hits = [
        f.index
        for f in read_all(VideoFileSource(video, realtime=False))
        if pipeline.decode(f.image)
    ]
    assert hits and hits[0] == 30 and hits[-1] == 59
    assert len(hits) >= 28  # MJPG may blur one or two frames


def test_scan_loop_turns_a_held_card_into_one_scan(video: Path, token: str) -> None:
    codes, stats = scan_to_end(VideoFileSource(video), DecodePipeline.default())
    assert len(codes) == 1  # one second of the same card: one scan
    code = codes[0]
    assert code.text == token
    assert 30 <= code.frame_index <= 59
    assert code.engine == "zxing"
    assert code.captured_at <= code.decoded_at
    assert stats.scans == 1 and stats.decoded_frames > 0


def test_garbage_video_never_scans(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    frames = [rng.integers(0, 256, (360, 640, 3), dtype=np.uint8) for _ in range(20)]
    frames += lobby_frames(10, seed=3, size=SIZE)
    path = write_video(tmp_path / "garbage.avi", frames)
    codes, stats = scan_to_end(
        VideoFileSource(path, realtime=False), DecodePipeline.default(), max_decode_fps=0
    )
    assert codes == []
    assert stats.decoded_frames >= 1


def test_missing_camera_gives_a_status_not_a_crash() -> None:
    statuses: queue.Queue[SourceStatus] = queue.Queue()
    source = CameraSource(99, seed=1)
    loop = ScanLoop(source, DecodePipeline.default(), lambda code: None, on_status=statuses.put)
    loop.start()
    while (status := statuses.get(timeout=30)).state is not SourceState.MISSING:
        pass
    assert "camera 99 not found" in status.detail
    assert loop.stats().camera_state == "missing"
    assert loop.stop(timeout=10)  # the backoff wait is interrupted
    assert source.status.state is SourceState.CLOSED


def test_folder_source_in_name_order(tmp_path: Path, token: str) -> None:
    frames = lobby_frames(2, seed=5, size=SIZE)
    cv2.imwrite(str(tmp_path / "b.png"), frames[0])
    cv2.imwrite(str(tmp_path / "a.jpg"), code_frame(token, qr_side=280, seed=5, size=SIZE))
    cv2.imwrite(str(tmp_path / "c.webp"), frames[1])
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "broken.png").write_bytes(b"not a png")
    source = FolderSource(tmp_path, fps=0)
    got = read_all(source)
    assert len(got) == 3
    assert DecodePipeline.default().decode(got[0].image) == [token]
    assert source.status.state is SourceState.CLOSED


def test_open_source_specs(tmp_path: Path, video: Path) -> None:
    assert isinstance(open_source("camera:0"), CameraSource)
    assert isinstance(open_source(f"file:{video}"), VideoFileSource)
    assert isinstance(open_source(f"folder:{tmp_path}"), FolderSource)
    assert isinstance(open_source("demo", next_text=lambda: None), SyntheticFeed)
    for bad in ("camera:x", "file:/no/such.avi", "folder:/no/such", "demo", "webcam", "rtsp:x"):
        with pytest.raises(SourceError):
            open_source(bad)
    assert "camera 3" in open_source("camera:3").describe()


def test_demo_feed_shows_each_text_then_a_gap() -> None:
    texts = iter(["card-1", "card-2", None, "card-3"])
    feed = SyntheticFeed(lambda: next(texts, None), fps=10, size=SIZE, seed=2, realtime=False)
    feed.open()
    shown = []
    for _ in range(100):
        frame = feed.read()
        assert frame is not None and frame.image.shape == (360, 640, 3)
        shown.append(feed.current_text)
    feed.close()
    runs = [t for i, t in enumerate(shown) if i == 0 or shown[i - 1] != t]
    assert [t for t in runs if t is not None][:3] == ["card-1", "card-2", "card-3"]
    assert None in runs


def test_demo_feed_through_the_scan_loop() -> None:
    texts = iter([jws_like(random.Random(i)) for i in range(2)])
    shown = list[str]()

    def next_text() -> str | None:
        text = next(texts, None)
        if text is not None:
            shown.append(text)
        return text

    feed = SyntheticFeed(
        next_text, fps=30, size=SIZE, seed=4, difficulty=0.2, gap_seconds=(0.3, 0.5)
    )
    codes: queue.Queue[DetectedCode] = queue.Queue()
    loop = ScanLoop(feed, DecodePipeline.default(), codes.put)
    loop.start()
    first = codes.get(timeout=30)
    second = codes.get(timeout=30)
    assert loop.stop()
    assert [first.text, second.text] == shown[:2]


def test_stop_is_clean_and_in_order(video: Path) -> None:
    frames_seen = threading.Event()
    source = VideoFileSource(video, loop=True)
    loop = ScanLoop(
        source, DecodePipeline.default(), lambda c: None, on_frame=lambda f: frames_seen.set()
    )
    loop.start()
    assert frames_seen.wait(timeout=30)
    with pytest.raises(RuntimeError):
        loop.start()
    assert loop.stop(timeout=10)
    assert not loop.running
    assert source.status.state is SourceState.CLOSED
    stats = loop.stats()
    assert stats.decoded_frames >= 0 and stats.camera_state == "closed"


def test_rate_limiter_reports_the_real_rate(video: Path) -> None:
    decoded = threading.Semaphore(0)

    class Counting(DecodePipeline):
        def run(self, image, *, thorough=False):  # a real pipeline that also counts
            result = super().run(image, thorough=thorough)
            decoded.release()
            return result

    base = DecodePipeline.default()
    loop = ScanLoop(
        VideoFileSource(video, loop=True),
        Counting(base.primary),
        lambda c: None,
        max_decode_fps=5,
    )
    loop.start()
    for _ in range(6):
        assert decoded.acquire(timeout=10)
    stats = loop.stats()
    assert loop.stop()
    assert 0 < stats.decode_fps <= 6.5
    assert stats.capture_fps > 10  # the camera side keeps its pace (30 fps asked)
    assert stats.dropped_frames > 0  # and frames are passed over, never queued


def test_mailbox_newest_wins_and_close_wakes_the_taker() -> None:
    box = FrameMailbox()
    image = np.zeros((2, 2, 3), np.uint8)
    for i in range(5):
        box.put(Frame(image, i, float(i)))
    frame = box.get(timeout=1)
    assert frame is not None and frame.index == 4
    assert box.dropped == 4
    assert box.get(timeout=0.01) is None
    got: queue.Queue[object] = queue.Queue()
    taker = threading.Thread(target=lambda: got.put(box.get(timeout=30)))
    taker.start()
    box.close()
    taker.join(timeout=5)
    assert not taker.is_alive() and got.get_nowait() is None
    box.put(Frame(image, 9, 9.0))
    assert box.get(timeout=0.01) is None
    drained = FrameMailbox()
    drained.put(Frame(image, 1, 1.0))
    drained.close(drain=True)
    last = drained.get(timeout=1)
    assert last is not None and last.index == 1
    assert drained.get(timeout=0.01) is None


CHILD_STEADY_IMPORTS = """
import json, sys
from kiosk.adapters.scan_pipeline import DecodePipeline
from kiosk.adapters.synthetic import SyntheticFeed

texts = iter(["T" * 378, None] * 100)
feed = SyntheticFeed(lambda: next(texts, None), fps=15, size=(1280, 720), seed=4, realtime=False)
pipeline = DecodePipeline.default()
feed.open()
before = set(sys.modules)
for _ in range(120):
    frame = feed.read()
    assert frame is not None
    pipeline.run(frame.image)
print(json.dumps(sorted(set(sys.modules) - before)))
"""


def test_camera_threads_import_nothing_once_running() -> None:
    """Once frames flow, the camera and decoder threads load no module.

    A module loaded late on a worker thread (``np.random``, which NumPy imports lazily) once
    deadlocked the demo against Qt's multimedia plugins loading on the GUI thread. A fresh
    interpreter: in this one, other tests have imported everything already.
    """
    done = subprocess.run(
        [sys.executable, "-c", CHILD_STEADY_IMPORTS], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []

"""The camera source against a fake camera: the one part of the kiosk no test machine has.

Everything above the device (open, mode request, read, drop-out, backoff, reopen, status) is the
real :class:`CameraSource`; only ``cv2.VideoCapture`` is replaced, through its factory seam.
"""

from __future__ import annotations

import queue
import random
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pytest

from kiosk.adapters.frames import (
    CameraSource,
    Capture,
    SourceState,
    SourceStatus,
    VideoFileSource,
    open_source,
)
from kiosk.adapters.scan_pipeline import DecodePipeline, DetectedCode, ScanLoop
from tests.vision_support import code_frame, jws_like, lobby_frames, write_video

WIDTH, HEIGHT, FPS = cv2.CAP_PROP_FRAME_WIDTH, cv2.CAP_PROP_FRAME_HEIGHT, cv2.CAP_PROP_FPS


@dataclass
class FakeDevice:
    """A USB camera that can be unplugged and plugged back.

    ``modes`` are the (width, height) it supports and ``rates`` its frame rates; a request it
    cannot meet is refused (``set`` returns False) and it keeps its current mode, as UVC drivers
    do. ``script`` gives the images it shows, in turn; ``period`` paces reads like a sensor.
    """

    modes: tuple[tuple[int, int], ...] = ((640, 480),)
    rates: tuple[float, ...] = (15.0,)
    present: bool = True
    frames_before_unplug: int | None = None
    script: list[np.ndarray] = field(default_factory=list)
    period: float = 0.0
    opens: list[float] = field(default_factory=list)
    requests: list[tuple[int, float]] = field(default_factory=list)
    opened: int = 0
    released: int = 0
    delivered: int = 0

    def open(self, index: int, backend: int) -> Capture:
        self.opens.append(time.monotonic())
        return FakeCapture(self)


class FakeCapture:
    def __init__(self, device: FakeDevice) -> None:
        self._device = device
        self._opened = device.present
        device.opened += int(device.present)
        self._size = device.modes[0]
        self._fps = device.rates[0]
        self._tick = threading.Event()

    def isOpened(self) -> bool:  # OpenCV's spelling
        return self._opened

    def set(self, prop: int, value: float) -> bool:
        self._device.requests.append((prop, value))
        if prop == WIDTH:
            match = [m for m in self._device.modes if m[0] == value]
        elif prop == HEIGHT:
            match = [m for m in self._device.modes if m == (self._size[0], value)]
        elif prop == FPS:
            if value not in self._device.rates:
                return False
            self._fps = value
            return True
        else:
            return False
        if not match:
            return False
        self._size = match[0]
        return True

    def get(self, prop: int) -> float:
        return {WIDTH: self._size[0], HEIGHT: self._size[1], FPS: self._fps}.get(prop, 0.0)

    def read(self) -> tuple[bool, np.ndarray | None]:
        device = self._device
        if device.period:
            self._tick.wait(device.period)  # a sensor delivers at its own pace
        unplugged = (
            device.frames_before_unplug is not None
            and device.delivered >= device.frames_before_unplug
        )
        if not self._opened or unplugged:
            device.present = device.present and not unplugged
            return False, None
        if device.script:
            image = device.script[device.delivered % len(device.script)]
        else:
            image = np.full((self._size[1], self._size[0], 3), device.delivered % 256, np.uint8)
        device.delivered += 1
        return True, image

    def release(self) -> None:
        if self._opened:
            self._device.released += 1
        self._opened = False


def attempt(status: SourceStatus) -> int:
    found = re.search(r"\(attempt (\d+)\)", status.detail)
    assert found, status.detail
    return int(found.group(1))


def retry_delay(status: SourceStatus) -> float:
    found = re.search(r"retrying in ([\d.]+) s", status.detail)
    assert found, status.detail
    return float(found.group(1))


def test_camera_asks_for_the_mode_and_reports_what_it_got() -> None:
    device = FakeDevice(modes=((640, 480), (1280, 720)), rates=(15.0, 30.0))
    source = CameraSource(
        1, width=1920, height=1080, fps=60, backend=cv2.CAP_ANY, capture_factory=device.open
    )
    source.open()
    assert device.requests == [(WIDTH, 1920.0), (HEIGHT, 1080.0), (FPS, 60.0)]
    assert source.status.state is SourceState.LIVE
    assert source.actual_size == (640, 480) and source.actual_fps == 15.0
    assert "asked 1920x1080 @ 60 fps, got 640x480 @ 15 fps" in source.status.detail
    frame = source.read()
    assert frame is not None and frame.image.shape == (480, 640, 3) and frame.index == 0
    source.close()
    assert device.released == 1 and source.status.state is SourceState.CLOSED

    met = CameraSource(
        1,
        width=1280,
        height=720,
        fps=30,
        capture_factory=FakeDevice(modes=((640, 480), (1280, 720)), rates=(15.0, 30.0)).open,
    )
    met.open()
    assert met.actual_size == (1280, 720) and met.actual_fps == 30.0
    assert "got 1280x720 @ 30 fps" in met.describe()
    met.close()


def test_a_driver_that_reports_no_frame_rate_is_shown_as_unknown() -> None:
    source = CameraSource(0, capture_factory=FakeDevice(rates=(0.0,)).open)
    source.open()
    assert source.actual_fps is None
    assert source.describe().endswith("got 640x480 @ ? fps)")
    source.close()


def test_open_source_passes_the_requested_mode_to_the_camera() -> None:
    source = open_source("camera:2", width=800, height=600, fps=24)
    assert isinstance(source, CameraSource)
    assert source.describe() == "camera 2 (asked 800x600 @ 24 fps)"


def test_configured_camera_rate_and_api_reach_the_camera() -> None:
    configured = open_source("camera:0", camera_fps=15, camera_backend="msmf")
    assert isinstance(configured, CameraSource)
    assert configured.describe() == "camera 0 (asked 1280x720 @ 15 fps)"
    assert configured.backend == cv2.CAP_MSMF
    flag_wins = open_source("camera:0", fps=24, camera_fps=15, camera_backend="v4l2")
    assert isinstance(flag_wins, CameraSource)
    assert "@ 24 fps" in flag_wins.describe() and flag_wins.backend == cv2.CAP_V4L2
    default = open_source("camera:0")
    assert isinstance(default, CameraSource)
    assert default.backend == (cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY)


def test_missing_camera_is_a_status_then_comes_back_when_plugged_in() -> None:
    device = FakeDevice(present=False)
    source = CameraSource(
        0, initial_backoff=0.01, max_backoff=0.02, seed=3, capture_factory=device.open
    )
    source.open()  # never raises for a missing device
    assert source.status.state is SourceState.MISSING
    assert "camera 0 not found" in source.status.detail and attempt(source.status) == 1
    assert source.read() is None
    assert source.status.state is SourceState.MISSING and attempt(source.status) == 2
    assert source.actual_size is None
    device.present = True
    frame = source.read()
    assert frame is not None and frame.index == 0
    assert source.status.state is SourceState.LIVE
    assert source.actual_size == (640, 480)
    source.close()


def test_camera_that_drops_out_is_reopened_with_backoff() -> None:
    initial, cap, before_reopen = 0.02, 0.08, 3
    device = FakeDevice(frames_before_unplug=4)
    source = CameraSource(
        0,
        initial_backoff=initial,
        max_backoff=cap,
        failures_before_reopen=before_reopen,
        seed=7,
        capture_factory=device.open,
    )
    source.open()
    frames = [source.read() for _ in range(4)]
    assert [f.index for f in frames if f is not None] == [0, 1, 2, 3]

    # A few failed reads are tolerated (a USB hiccup); then the camera counts as gone.
    for _ in range(before_reopen - 1):
        assert source.read() is None
        assert source.status.state is SourceState.LIVE
    assert source.read() is None
    dropped_at = time.monotonic()
    assert source.status.state is SourceState.MISSING
    assert "stopped delivering frames" in source.status.detail and attempt(source.status) == 1
    assert device.released == 1  # the dead handle is let go before reopening

    # Still unplugged: every reopen attempt fails, and the waits grow up to the cap.
    for expected in range(2, 6):
        assert source.read() is None
        assert source.status.state is SourceState.MISSING
        assert "camera 0 not found" in source.status.detail
        assert attempt(source.status) == expected
        assert retry_delay(source.status) <= round(cap, 1)  # shown to 0.1 s
    waits = np.diff([dropped_at, *device.opens[1:]])
    # Full jitter: each wait is at least half its nominal delay (initial · 2^n, capped).
    floors = [min(cap, initial * 2**n) / 2 for n in range(len(waits))]
    assert len(waits) == 4
    assert all(w >= f - 0.002 for w, f in zip(waits, floors, strict=True)), (waits, floors)

    # Plugged back in: the next read reopens and frame numbering carries on.
    device.present, device.frames_before_unplug = True, None
    frame = source.read()
    assert frame is not None and frame.index == 4
    assert source.status.state is SourceState.LIVE

    # A later drop-out starts the backoff from the beginning again.
    device.frames_before_unplug = device.delivered
    for _ in range(before_reopen):
        assert source.read() is None
    assert source.status.state is SourceState.MISSING and attempt(source.status) == 1
    source.close()


def test_interrupt_ends_a_backoff_wait_at_once() -> None:
    device = FakeDevice(present=False)
    source = CameraSource(0, initial_backoff=60, max_backoff=60, capture_factory=device.open)
    source.open()
    source.interrupt()
    started = time.monotonic()
    assert source.read() is None
    assert time.monotonic() - started < 1
    assert len(device.opens) == 1  # no reopen attempt after an interrupt
    source.close()


@pytest.fixture(scope="module")
def token() -> str:
    return jws_like(random.Random(11))


def test_scan_loop_survives_a_camera_drop_out_and_scans_after_it(token: str) -> None:
    size = (640, 360)
    device = FakeDevice(
        modes=(size,),
        rates=(30.0,),
        frames_before_unplug=5,
        script=lobby_frames(1, seed=2, size=size),
        period=1 / 60,
    )
    statuses: queue.Queue[SourceStatus] = queue.Queue()
    codes: queue.Queue[DetectedCode] = queue.Queue()
    source = CameraSource(
        0,
        width=size[0],
        height=size[1],
        fps=30,
        initial_backoff=0.05,
        failures_before_reopen=2,
        seed=1,
        capture_factory=device.open,
    )
    loop = ScanLoop(source, DecodePipeline.default(), codes.put, on_status=statuses.put)
    loop.start()
    try:
        seen: list[SourceState] = []
        while SourceState.MISSING not in seen:
            seen.append(statuses.get(timeout=30).state)
        assert seen[-2:] == [SourceState.LIVE, SourceState.MISSING]
        assert codes.empty()
        # The student holds a card up while the camera is being plugged back in.
        device.script = [code_frame(token, qr_side=280, seed=2, size=size)]
        device.delivered = 0
        device.frames_before_unplug = None
        device.present = True
        while (status := statuses.get(timeout=30)).state is not SourceState.LIVE:
            assert status.state is SourceState.MISSING
        code = codes.get(timeout=30)
        assert code.text == token and code.engine == loop.pipeline.primary.name
    finally:
        assert loop.stop(timeout=10)
    assert loop.stats().scans == 1
    assert device.opened >= 2 and device.released == device.opened  # no handle leaked


def test_an_mjpg_file_is_read_as_jpeg_packets_and_skipped_frames_are_not_decoded(
    tmp_path: Path,
) -> None:
    # Frames of distinct brightness, so that each frame read can be told apart.
    frames = [np.full((72, 128, 3), 20 * n + 10, np.uint8) for n in range(8)]
    path = write_video(tmp_path / "steps.avi", frames)
    source = VideoFileSource(path, realtime=False)
    source.open()
    first = source.read()
    assert source.skip() and source.skip()  # frames 1 and 2: taken, not decoded
    fourth = source.read()
    source.close()
    assert first is not None and fourth is not None
    assert (first.index, fourth.index) == (0, 3)
    assert fourth.image.shape == (72, 128, 3)
    # The packet path gives the same pixels as OpenCV's own decoding of the file.
    capture = cv2.VideoCapture(str(path))
    for _ in range(4):
        ok, reference = capture.read()
    capture.release()
    assert ok and np.abs(fourth.image.astype(int) - reference.astype(int)).max() <= 2
    assert abs(float(fourth.image.mean()) - 70) < 4

"""Frame sources: a camera by index, a video file, a folder of images, the synthetic demo feed.

All sources share one small protocol. ``open()``, ``read()`` and ``close()`` are called by the
one thread that owns the source (the camera thread); ``interrupt()`` may be called from any thread
to make a blocked or paced ``read()`` return promptly so that thread can stop.

``read()`` returns a :class:`Frame`, or None when there is no frame right now. A source may also
offer ``skip()``: take the next frame off the device or file without converting it (OpenCV's
``grab()`` without ``retrieve()``); the scan loop's idle mode uses it for frames it would not
look at. ``status`` then
tells why: ``MISSING`` (the camera is gone; the next reads retry with backoff), ``ENDED`` (a file
or folder played once is over) or ``CLOSED``.
The scan loop reports ``FAILED`` if reading raised.
"""

from __future__ import annotations

import logging
import random
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeAlias

import cv2
import numpy as np

# Re-exported: callers take the frame types from here with the sources.
from kiosk.adapters.frame_types import Frame as Frame
from kiosk.adapters.frame_types import FrameSource as FrameSource
from kiosk.adapters.frame_types import Image as Image
from kiosk.adapters.frame_types import SourceState as SourceState
from kiosk.adapters.frame_types import SourceStatus as SourceStatus

log = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm"})


class Capture(Protocol):
    """The part of ``cv2.VideoCapture`` a camera source uses (tests fake the camera here)."""

    def isOpened(self) -> bool: ...  # OpenCV's spelling

    def set(self, prop: int, value: float) -> bool: ...

    def get(self, prop: int) -> float: ...

    def read(self) -> tuple[bool, Any]: ...

    def grab(self) -> bool: ...

    def release(self) -> None: ...


#: Opens a camera: (index, OpenCV backend) → a capture, opened or not.
CaptureFactory: TypeAlias = Callable[[int, int], Capture]


def open_capture(index: int, backend: int) -> Capture:
    """The real camera, through OpenCV."""
    return cv2.VideoCapture(index, backend)


#: Capture APIs by the names the configuration uses (``camera_backend``); None: platform default.
CAMERA_APIS: dict[str, int | None] = {
    "auto": None,
    "any": cv2.CAP_ANY,
    "dshow": cv2.CAP_DSHOW,
    "msmf": cv2.CAP_MSMF,
    "v4l2": cv2.CAP_V4L2,
    "avfoundation": cv2.CAP_AVFOUNDATION,
}


def camera_api(name: str) -> int | None:
    """The OpenCV capture API for a configured name (unknown names: the platform default)."""
    return CAMERA_APIS.get(name.strip().lower())


class SourceError(ValueError):
    """A source spec that cannot be parsed or points nowhere."""


class _Pacer:
    """Paces reads at a frame rate; the wait is interruptible."""

    def __init__(self, fps: float | None, interrupted: threading.Event) -> None:
        self._period = 1.0 / fps if fps and fps > 0 else 0.0
        self._interrupted = interrupted
        self._due = 0.0

    def reset(self) -> None:
        self._due = time.monotonic()

    def wait(self) -> bool:
        """Wait until the next frame is due; False when interrupted."""
        if self._period <= 0:
            return not self._interrupted.is_set()
        delay = self._due - time.monotonic()
        if delay > 0 and self._interrupted.wait(delay):
            return False
        # After a stall, do not rush to catch up: a live source would have dropped those frames.
        self._due = max(self._due + self._period, time.monotonic() - self._period)
        return not self._interrupted.is_set()


def _as_bgr(image: Image) -> Image:
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    return image


def load_image(path: str | Path) -> Image | None:
    """Read an image file as BGR; None when it is not a readable image.

    ``cv2.imread`` cannot open non-ASCII paths on Windows, so the bytes are read by Python.
    """
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError:
        return None
    if data.size == 0:
        return None
    image = cv2.imdecode(data, cv2.IMREAD_COLOR)
    if image is None:
        return None
    return _as_bgr(image)


class CameraSource:
    """A camera by index through OpenCV ``VideoCapture``.

    A missing camera gives status ``MISSING`` and is retried with exponential backoff (with
    jitter, capped) instead of raising; a camera that stops delivering frames is released and
    reopened the same way.

    Args:
        index: Camera index (0 is the first camera).
        width: Requested frame width; the actual one is in ``actual_size``.
        height: Requested frame height.
        fps: Requested frame rate; the actual one is in ``actual_fps``.
        backend: OpenCV capture API. None picks ``CAP_DSHOW`` on Windows, where the default MSMF
            backend can take tens of seconds to open, and ``CAP_ANY`` elsewhere.
        initial_backoff: Longest wait before the first reopen attempt, in seconds; it doubles
            with each failed attempt up to ``max_backoff``.
        max_backoff: Longest wait between two reopen attempts, in seconds.
        failures_before_reopen: Consecutive failed reads after which the camera counts as gone.
        seed: Seed of the backoff jitter.
        capture_factory: Opens the device; the default is OpenCV's ``VideoCapture``.
    """

    def __init__(
        self,
        index: int,
        *,
        width: int = 1280,
        height: int = 720,
        fps: float = 30.0,
        backend: int | None = None,
        initial_backoff: float = 0.5,
        max_backoff: float = 10.0,
        failures_before_reopen: int = 10,
        seed: int | None = None,
        capture_factory: CaptureFactory = open_capture,
    ) -> None:
        self.index = index
        self._requested = (width, height, fps)
        if backend is None:
            backend = cv2.CAP_DSHOW if sys.platform == "win32" else cv2.CAP_ANY
        self._backend = backend
        self._open_capture = capture_factory
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._failures_before_reopen = failures_before_reopen
        self._rng = random.Random(seed)
        self._interrupted = threading.Event()
        self._capture: Capture | None = None
        self._status = SourceStatus(SourceState.CLOSED, f"camera {index} not opened")
        self._size: tuple[int, int] | None = None
        self._fps: float | None = None
        self._frame_index = 0
        self._failed_reads = 0
        self._attempts = 0
        self._next_attempt = 0.0

    @property
    def status(self) -> SourceStatus:
        """Current state and detail."""
        return self._status

    @property
    def actual_size(self) -> tuple[int, int] | None:
        """(width, height) the driver delivers."""
        return self._size

    @property
    def actual_fps(self) -> float | None:
        """Frame rate the driver reports (0 or unknown gives None)."""
        return self._fps

    @property
    def backend(self) -> int:
        """The OpenCV capture API this camera is opened with."""
        return self._backend

    def describe(self) -> str:
        """Short description: index, requested and actual mode."""
        width, height, fps = self._requested
        text = f"camera {self.index} (asked {width}x{height} @ {fps:g} fps"
        if self._size is not None:
            actual_fps = f"{self._fps:g}" if self._fps else "?"
            text += f", got {self._size[0]}x{self._size[1]} @ {actual_fps} fps"
        return text + ")"

    def open(self) -> None:
        """Try to open the camera once; on failure the status says so and reads retry."""
        self._interrupted.clear()
        self._attempts = 0
        self._try_open()

    def _try_open(self) -> bool:
        self._status = SourceStatus(SourceState.OPENING, f"opening camera {self.index}")
        self._release()
        capture = self._open_capture(self.index, self._backend)
        if not capture.isOpened():
            capture.release()
            self._schedule_retry(f"camera {self.index} not found")
            return False
        # Asked after opening, not as open parameters: a backend without native open parameters
        # turns a refused one into a failed open, whereas a refused set() only leaves the
        # driver's own mode, which is then read back and reported.
        width, height, fps = self._requested
        for prop, value in (
            (cv2.CAP_PROP_FRAME_WIDTH, width),
            (cv2.CAP_PROP_FRAME_HEIGHT, height),
            (cv2.CAP_PROP_FPS, fps),
        ):
            if not capture.set(prop, float(value)):
                log.info("camera %d refused property %d = %g", self.index, prop, value)
        self._capture = capture
        self._size = (
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        reported = float(capture.get(cv2.CAP_PROP_FPS))
        self._fps = reported if reported > 0 else None
        self._attempts = 0
        self._failed_reads = 0
        self._status = SourceStatus(SourceState.LIVE, self.describe())
        log.info("camera opened: %s", self.describe())
        return True

    def _schedule_retry(self, reason: str) -> None:
        # Full jitter keeps two kiosks on one USB hub from retrying in lockstep.
        delay = min(self._max_backoff, self._initial_backoff * 2**self._attempts)
        delay = self._rng.uniform(delay / 2, delay)
        self._attempts += 1
        self._next_attempt = time.monotonic() + delay
        self._status = SourceStatus(
            SourceState.MISSING, f"{reason}; retrying in {delay:.1f} s (attempt {self._attempts})"
        )
        log.warning("camera %d unavailable: %s", self.index, self._status.detail)

    def read(self) -> Frame | None:
        """Return the next frame; when the camera is missing, wait out the backoff and retry."""
        if self._interrupted.is_set():
            return None
        if self._capture is None:
            if self._status.state is SourceState.CLOSED:
                return None
            delay = self._next_attempt - time.monotonic()
            if delay > 0 and self._interrupted.wait(delay):
                return None
            if not self._try_open():
                return None
        assert self._capture is not None
        ok, image = self._capture.read()
        if not ok or image is None:
            self._failed_reads += 1
            if self._failed_reads >= self._failures_before_reopen:
                self._release()
                self._schedule_retry(f"camera {self.index} stopped delivering frames")
            return None
        self._failed_reads = 0
        frame = Frame(_as_bgr(image), self._frame_index, time.monotonic())
        self._frame_index += 1
        return frame

    def skip(self) -> bool:
        """Take the next frame from the driver without converting it (V4L2 and DirectShow
        then leave an MJPG frame undecoded); False when there is none to take."""
        if self._capture is None or self._interrupted.is_set():
            return False
        if not self._capture.grab():
            return False
        self._frame_index += 1
        return True

    def interrupt(self) -> None:
        """Stop waiting for a reopen; a blocked driver read still ends with its frame."""
        self._interrupted.set()

    def close(self) -> None:
        """Release the camera."""
        self._release()
        self._status = SourceStatus(SourceState.CLOSED, f"camera {self.index} closed")

    def _release(self) -> None:
        if self._capture is not None:
            self._capture.release()
            self._capture = None


class VideoFileSource:
    """A video file, played once or looped, paced at its own frame rate or as fast as read.

    Args:
        path: Video file readable by OpenCV (MJPG/AVI works in every opencv-python build).
        loop: Start again at the end instead of ending.
        realtime: Pace frames at the file's fps (like a camera) or deliver as fast as possible.
        fps: Override the file's frame rate for pacing.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        loop: bool = False,
        realtime: bool = True,
        fps: float | None = None,
    ) -> None:
        self.path = Path(path)
        self._loop = loop
        self._realtime = realtime
        self._fps_override = fps
        self._interrupted = threading.Event()
        self._capture: cv2.VideoCapture | None = None
        self._pacer = _Pacer(None, self._interrupted)
        self._status = SourceStatus(SourceState.CLOSED, f"video {self.path.name} not opened")
        self._size: tuple[int, int] | None = None
        self._fps: float | None = None
        self._index = 0
        self._raw_jpeg = False

    @property
    def status(self) -> SourceStatus:
        """Current state and detail."""
        return self._status

    @property
    def actual_size(self) -> tuple[int, int] | None:
        """(width, height) of the video."""
        return self._size

    @property
    def actual_fps(self) -> float | None:
        """The file's frame rate (or the override)."""
        return self._fps

    def describe(self) -> str:
        """Short description: file name, mode and pacing."""
        mode = "looped" if self._loop else "once"
        pace = f"{self._fps:g} fps" if self._realtime and self._fps else "unpaced"
        return f"video {self.path.name} ({mode}, {pace})"

    def open(self) -> None:
        """Open the file; an unreadable file gives status ``MISSING``."""
        self._interrupted.clear()
        capture = cv2.VideoCapture(str(self.path))
        if not capture.isOpened():
            capture.release()
            self._status = SourceStatus(SourceState.MISSING, f"cannot read video {self.path}")
            return
        self._capture = capture
        self._size = (
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        # MJPG (what webcams send): take the JPEG packets as they are and decode only the
        # frames someone looks at, as a webcam's grab() leaves them undecoded. Other codecs
        # are decoded by the backend on every grab.
        fourcc = int(capture.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little")
        self._raw_jpeg = fourcc == b"MJPG" and capture.set(cv2.CAP_PROP_FORMAT, -1)
        reported = float(capture.get(cv2.CAP_PROP_FPS))
        self._fps = self._fps_override or (reported if reported > 0 else 30.0)
        self._pacer = _Pacer(self._fps if self._realtime else None, self._interrupted)
        self._pacer.reset()
        self._status = SourceStatus(SourceState.LIVE, self.describe())

    def read(self) -> Frame | None:
        """Next frame; at the end loop or report ``ENDED``."""
        if self._capture is None or not self._pacer.wait():
            return None
        ok, read = self._capture.read()
        if not ok and self._loop and self._index > 0:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, read = self._capture.read()
        image: Image | None = read if ok else None
        if image is not None and self._raw_jpeg:
            image = cv2.imdecode(image, cv2.IMREAD_COLOR)
        if image is None:
            self._status = SourceStatus(SourceState.ENDED, f"video {self.path.name} ended")
            return None
        frame = Frame(_as_bgr(image), self._index, time.monotonic())
        self._index += 1
        return frame

    def skip(self) -> bool:
        """Pass over the next frame, paced as a read, without decoding it (MJPG) or converting
        it to BGR (other codecs)."""
        if self._capture is None or not self._pacer.wait():
            return False
        if not self._capture.grab():  # raw MJPG: the packet only, nothing decoded
            return False
        self._index += 1
        return True

    def interrupt(self) -> None:
        """Make the pacing wait return at once."""
        self._interrupted.set()

    def close(self) -> None:
        """Release the file."""
        if self._capture is not None:
            self._capture.release()
            self._capture = None
        self._status = SourceStatus(SourceState.CLOSED, f"video {self.path.name} closed")


class FolderSource:
    """The images of a folder in name order, at a given frame rate, once or looped.

    Args:
        path: Folder holding image files (png, jpg, webp, ...); other files are ignored.
        fps: Pace of delivery; 0 or None delivers as fast as read.
        loop: Start again after the last image.
    """

    def __init__(self, path: str | Path, *, fps: float | None = 2.0, loop: bool = False) -> None:
        self.path = Path(path)
        self._fps = fps
        self._loop = loop
        self._interrupted = threading.Event()
        self._pacer = _Pacer(fps, self._interrupted)
        self._files: list[Path] = []
        self._position = 0
        self._index = 0
        self._size: tuple[int, int] | None = None
        self._status = SourceStatus(SourceState.CLOSED, f"folder {self.path.name} not opened")

    @property
    def status(self) -> SourceStatus:
        """Current state and detail."""
        return self._status

    @property
    def actual_size(self) -> tuple[int, int] | None:
        """(width, height) of the last image delivered."""
        return self._size

    @property
    def actual_fps(self) -> float | None:
        """The pace of delivery."""
        return self._fps or None

    def describe(self) -> str:
        """Short description: folder, number of images, pace."""
        pace = f"{self._fps:g} fps" if self._fps else "unpaced"
        return f"folder {self.path.name} ({len(self._files)} images, {pace})"

    def open(self) -> None:
        """List the images; an empty or missing folder gives status ``MISSING``."""
        self._interrupted.clear()
        if self.path.is_dir():
            self._files = sorted(
                p for p in self.path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
            )
        if not self._files:
            self._status = SourceStatus(SourceState.MISSING, f"no images in {self.path}")
            return
        self._position = 0
        self._pacer.reset()
        self._status = SourceStatus(SourceState.LIVE, self.describe())

    def read(self) -> Frame | None:
        """Next readable image; unreadable files are skipped with a warning."""
        if not self._files or not self._pacer.wait():
            return None
        for _ in range(len(self._files)):
            if self._position >= len(self._files):
                if not self._loop:
                    break
                self._position = 0
            path = self._files[self._position]
            self._position += 1
            image = load_image(path)
            if image is None:
                log.warning("skipping unreadable image %s", path.name)
                continue
            self._size = (image.shape[1], image.shape[0])
            frame = Frame(image, self._index, time.monotonic())
            self._index += 1
            return frame
        self._status = SourceStatus(SourceState.ENDED, f"folder {self.path.name} done")
        return None

    def interrupt(self) -> None:
        """Make the pacing wait return at once."""
        self._interrupted.set()

    def close(self) -> None:
        """Forget the listing."""
        self._files = []
        self._status = SourceStatus(SourceState.CLOSED, f"folder {self.path.name} closed")


def open_source(
    spec: str,
    *,
    next_text: Callable[[], str | None] | None = None,
    width: int = 1280,
    height: int = 720,
    fps: float | None = None,
    loop: bool = False,
    realtime: bool = True,
    camera_fps: float = 30.0,
    camera_backend: str = "auto",
    seed: int = 0,
) -> FrameSource:
    """Build (not open) a source from ``camera:N``, ``file:PATH``, ``folder:PATH`` or ``demo``.

    Args:
        spec: The source spec.
        next_text: For ``demo``: supplies the texts the synthetic feed shows.
        width: Requested camera width / demo frame width.
        height: Requested camera height / demo frame height.
        fps: Camera request (wins over ``camera_fps``), folder pace (default 2), file pace
            override, demo pace (default 15).
        loop: Loop files and folders.
        realtime: Pace files and the demo feed in real time.
        camera_fps: The camera's frame rate when ``fps`` is not given (configuration).
        camera_backend: Capture API by name (:data:`CAMERA_APIS`); ``auto`` is the platform's
            best (DirectShow on Windows).
        seed: Seed of the demo feed and camera backoff jitter.

    Raises:
        SourceError: The spec is malformed, or the file or folder does not exist.
    """
    kind, _, arg = spec.partition(":")
    kind = kind.strip().lower()
    if kind == "camera":
        try:
            index = int(arg)
        except ValueError:
            raise SourceError(f"camera index must be a number: {spec!r}") from None
        return CameraSource(
            index,
            width=width,
            height=height,
            fps=fps or camera_fps,
            backend=camera_api(camera_backend),
            seed=seed,
        )
    if kind == "file":
        if not Path(arg).is_file():
            raise SourceError(f"no such video file: {arg}")
        return VideoFileSource(arg, loop=loop, realtime=realtime, fps=fps)
    if kind == "folder":
        if not Path(arg).is_dir():
            raise SourceError(f"no such folder: {arg}")
        return FolderSource(arg, fps=2.0 if fps is None else fps, loop=loop)
    if kind == "demo" and not arg:
        from kiosk.adapters.synthetic import SyntheticFeed  # lazy: segno only for the demo

        if next_text is None:
            raise SourceError("the demo source needs a supplier of texts to show")
        return SyntheticFeed(
            next_text,
            fps=fps or 15.0,
            size=(width, height),
            seed=seed,
            realtime=realtime,
        )
    raise SourceError(f"unknown source {spec!r}: use camera:N, file:PATH, folder:PATH or demo")


def preview_pixels(image: Image, target: tuple[int, int], mirror: bool) -> Image:
    """A camera frame made ready to paint: scaled to cover ``target`` (width, height), mirrored
    if asked, as 32-bit BGRA (Qt's ``Format_RGB32`` byte order on little-endian machines).

    OpenCV does this with the GIL released. The same work through QImage (scaled, flipped,
    convertToFormat) holds the GIL for milliseconds per frame on the camera thread, and the
    GUI thread then waits for it: measured as 40-50 ms event-loop stalls at 30 fps.
    """
    height, width = image.shape[:2]
    scale = max(target[0] / width, target[1] / height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    resized = cv2.resize(image, size, interpolation=interpolation)
    if mirror:
        resized = cv2.flip(resized, 1)
    code = cv2.COLOR_GRAY2BGRA if resized.ndim == 2 else cv2.COLOR_BGR2BGRA
    return cv2.cvtColor(resized, code)

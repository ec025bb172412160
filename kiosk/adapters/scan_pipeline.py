"""From a frame source to decoded texts, in plain Python threads (the UI wraps it in Qt signals).

Camera thread: ``source.read()`` → :class:`FrameMailbox` (one slot, newest frame wins).
Decoder thread: newest frame → :class:`DecodePipeline` → :class:`~kiosk.domain.debounce.Debouncer`
→ ``on_code``. Callbacks run on these worker threads and must be cheap (hand over and return).

The live pipeline is the plain library: one zxing-cpp call on the greyscale frame. Measured on
footage it was never tuned on (``bench/bench_decode.py``), everything wave 1 built around that
call cost more than it read, and was removed (issue 18): a first pass on a downscaled copy, a
texture detector with full-resolution decodes of its regions, a periodic full-frame pass, and
upscaled and binariser retries on regions held in view without a read (same cards read, two
more frames of 1 417, at four to five times the cost of an empty frame).

Stills (``thorough``: ``tatami-kiosk decode``, a card under test) get two retries on the whole
image when the first call reads nothing: upscaled twice (small codes) and with zxing-cpp's
global-histogram binariser (uneven light, blur). On the two sets of real photographs
(``bench/bench_photos.py``) they read three and two more images than zxing-cpp alone, and never
a wrong text. The pyzbar fallback that stills had is gone: one more image on the first set,
none on the second, and pyzbar's own misreads.

The scan loop adds an idle mode (:class:`IdleGate`): after a quiet spell (no code read) it
analyses every ``stride``-th frame only, and every frame again as soon as a code is read.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2

from kiosk.adapters.decoders import (
    DecoderEngine,
    EngineUnavailable,
    ZxingEngine,
    available_engines,
    make_engine,
    to_gray,
)
from kiosk.adapters.frames import Frame, FrameSource, Image, SourceState, SourceStatus
from kiosk.domain.camera import DetectedCode, ScanStats
from kiosk.domain.debounce import Debouncer

log = logging.getLogger(__name__)


def text_fingerprint(text: str) -> str:
    """Short, non-reversible tag of a payload for logs (payloads are never logged)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class PipelineResult:
    """Texts found in one image and the stage that found them (``none`` when nothing)."""

    texts: list[str]
    stage: str
    engine: str


class DecodePipeline:
    """The engine on the greyscale frame; on stills, two retries on the whole image.

    Args:
        primary: The engine (zxing-cpp by default).
        upscale_below: Stills up to this side (px) are retried at twice the size.

    Engines that do not find light-on-dark codes themselves (pyzbar, OpenCV) get the negative
    of every other live frame (a dark-mode phone is read within two frames) and of every still.
    One pipeline per decoder thread (it counts frames for that alternation).
    """

    def __init__(self, primary: DecoderEngine | None = None, *, upscale_below: int = 1600) -> None:
        self.primary = primary if primary is not None else make_engine(default_engine_name())
        self.upscale_below = upscale_below
        self._frames = 0
        # The global-histogram binariser is zxing-cpp's; other engines get the upscale only.
        self._histogram = (
            ZxingEngine(binarizer="global") if isinstance(self.primary, ZxingEngine) else None
        )

    @classmethod
    def default(cls) -> DecodePipeline:
        """The kiosk's pipeline: zxing-cpp (or the best engine that loads here)."""
        return cls(make_engine(default_engine_name()))

    @property
    def name(self) -> str:
        """Name as used by benchmarks and the ``decode`` command."""
        return "pipeline"

    def decode(self, image: Image) -> list[str]:
        """Texts found in ``image`` (the engine protocol, for benchmarks)."""
        return self.run(image).texts

    def run(self, image: Image, *, thorough: bool = False) -> PipelineResult:
        """Decode one frame.

        Args:
            image: BGR or grayscale frame.
            thorough: The retries too (stills, staff testing a card).
        """
        self._frames += 1
        gray = to_gray(image)
        engine = self.primary
        texts = engine.decode(gray)
        if texts:
            return PipelineResult(texts, "full", engine.name)
        if not engine.inverts and (thorough or self._frames % 2 == 0):
            texts = engine.decode(cv2.bitwise_not(gray))
            if texts:
                return PipelineResult(texts, "inverted", engine.name)
        if thorough:
            texts = self._retry(gray)
            if texts:
                return PipelineResult(texts, "retry", engine.name)
        return PipelineResult([], "none", engine.name)

    def _retry(self, gray: Image) -> list[str]:
        """The measured extra effort for stills: upscaled, then a global binariser."""
        if max(gray.shape) <= self.upscale_below:
            bigger = cv2.resize(gray, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
            texts = self.primary.decode(bigger)
            if not texts and not self.primary.inverts:
                texts = self.primary.decode(cv2.bitwise_not(bigger))
            if texts:
                return texts
        return self._histogram.decode(gray) if self._histogram is not None else []


class IdleGate:
    """Which frames the decoder analyses: every one while codes come, fewer when idle.

    After ``quiet_frames`` frames without a code read, the gate lets through only every
    ``stride``-th frame; the first read lets every frame through again. A code that appears
    while idle is therefore read at most ``stride - 1`` frames later than with every frame
    analysed (each analysed frame gets the whole decode).

    Counts are in source frame indices (frames the mailbox dropped count as passed), so the
    behaviour does not depend on timing. Not thread-safe: the decoder thread owns it.

    Args:
        quiet_frames: Frames without a read before idling (0: never idle).
        stride: Analyse every n-th frame while idle (1: every frame).
    """

    def __init__(self, quiet_frames: int = 45, stride: int = 3) -> None:
        self.quiet_frames = quiet_frames
        self.stride = stride
        self._last_activity: int | None = None
        self._last_analysed: int | None = None
        self.analysed = 0
        self.skipped = 0

    def idle_at(self, index: int) -> bool:
        """True when the frame ``index`` comes after a quiet spell."""
        if self.quiet_frames <= 0 or self.stride <= 1 or self._last_activity is None:
            return False
        return index - self._last_activity >= self.quiet_frames

    def should_analyse(self, index: int) -> bool:
        """Whether to decode frame ``index``; counts the frames it lets pass."""
        last = self._last_analysed
        if (
            last is None
            or index <= last  # a source that restarted its count
            or index - last >= self.stride
            or not self.idle_at(index)
        ):
            return True
        self.skipped += 1
        return False

    def observe(self, index: int, result: PipelineResult) -> None:
        """Record what the pipeline found on the analysed frame ``index``."""
        self.analysed += 1
        if self._last_analysed is None or index < self._last_analysed:
            self._last_activity = index  # start (or restart) awake
        self._last_analysed = index
        if result.texts:
            self._last_activity = index


def default_engine_name() -> str:
    """The measured default (zxing-cpp), else the best engine that loads here."""
    reasons = available_engines()
    for name in ("zxing", "pyzbar", "opencv-aruco", "opencv"):
        if reasons[name] is None:
            return name
    raise EngineUnavailable("no QR decoder engine can load here: " + repr(reasons))


class FrameMailbox:
    """One-slot hand-over between the camera thread and the decoder thread.

    ``put`` replaces an untaken frame (counted as dropped): the decoder always gets the newest
    frame and never works through a backlog. ``close`` wakes a waiting ``get``.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._frame: Frame | None = None
        self._closed = False
        self.dropped = 0
        self.delivered = 0

    def put(self, frame: Frame) -> None:
        """Offer ``frame``; an older untaken frame is dropped."""
        with self._cond:
            if self._closed:
                return
            if self._frame is not None:
                self.dropped += 1
            self._frame = frame
            self._cond.notify()

    def get(self, timeout: float | None = None) -> Frame | None:
        """Take the newest frame, waiting up to ``timeout``; None on timeout or when closed."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._frame is not None or self._closed, timeout):
                return None
            frame, self._frame = self._frame, None
            if frame is not None:
                self.delivered += 1
            return frame

    def close(self, *, drain: bool = False) -> None:
        """Refuse further frames and wake the taker (the sentinel of the decoder thread).

        Args:
            drain: Keep an untaken frame for one last ``get`` (a file that ended on its own).
        """
        with self._cond:
            self._closed = True
            if not drain:
                self._frame = None
            self._cond.notify_all()

    @property
    def closed(self) -> bool:
        """True once closed."""
        with self._cond:
            return self._closed


class _Rate:
    """Events per second over a sliding window of timestamps."""

    def __init__(self, window_seconds: float = 3.0) -> None:
        self._window = window_seconds
        self._times: deque[float] = deque()

    def tick(self, now: float) -> None:
        self._times.append(now)
        while self._times and self._times[0] < now - self._window:
            self._times.popleft()

    def rate(self, now: float) -> float:
        while self._times and self._times[0] < now - self._window:
            self._times.popleft()
        if len(self._times) < 2:
            return 0.0
        span = max(now - self._times[0], self._times[-1] - self._times[0])
        return (len(self._times) - 1) / span if span > 0 else 0.0


@dataclass
class _Counters:
    lock: threading.Lock = field(default_factory=threading.Lock)
    capture: _Rate = field(default_factory=_Rate)
    decode: _Rate = field(default_factory=_Rate)
    decode_ms: deque[float] = field(default_factory=lambda: deque(maxlen=200))
    decoded: int = 0
    scans: int = 0
    idle: bool = False
    idle_skipped: int = 0
    budget_limited: int = 0
    rate_skipped: int = 0


class ScanLoop:
    """Camera thread + decoder thread around a source and a pipeline.

    Args:
        source: Frame source; opened, read and closed on the camera thread.
        pipeline: Decode pipeline; used on the decoder thread only.
        on_code: Called on the decoder thread with each debounced scan.
        on_frame: Called on the camera thread with each frame (e.g. a preview); keep it cheap.
        on_status: Called on the camera thread when the source state changes.
        debounce_seconds: Quiet period of the same text (see :mod:`kiosk.domain.debounce`).
        max_decode_fps: Upper bound of decode attempts per second.
        cpu_budget: Share of one core the decoder may use; when decoding gets slower (a busy
            machine), the decode rate drops to stay within it, and ``stats()`` shows the real rate.
        idle_after: Frames with no code read after which the decoder
            analyses only every ``idle_stride``-th frame (0: analyse every frame). 45 frames is
            1.5 s at 30 fps.
        idle_stride: Frames per analysed frame while idle (see :class:`IdleGate`); 3 is the
            measured choice: reading a 720p camera already costs 15–20 % of a core here.
            While idle, the other frames are neither analysed nor previewed, and a source that
            can (``skip()``: grab without retrieve) does not even convert them.
        clock: Monotonic clock (tests pass their own).

    Rate limit: a decode that took ``t`` s is followed by a pause of ``max(1 / max_decode_fps,
    t / cpu_budget)``; frames captured during the pause are passed over (counted as dropped),
    not held. The decoder waits on the mailbox, not on a timer, so a frame it takes is decoded
    as soon as it arrives: a timer at the camera's own rate drifts against its frames, and each
    frame then waited up to a frame period (measured: 17 ms median at 30 fps).
    """

    def __init__(
        self,
        source: FrameSource,
        pipeline: DecodePipeline,
        on_code: Callable[[DetectedCode], None],
        on_frame: Callable[[Frame], None] | None = None,
        on_status: Callable[[SourceStatus], None] | None = None,
        *,
        debounce_seconds: float = 2.5,
        max_decode_fps: float = 30.0,
        cpu_budget: float = 0.5,
        idle_after: int = 45,
        idle_stride: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.source = source
        self.pipeline = pipeline
        self._on_code = on_code
        self._on_frame = on_frame
        self._on_status = on_status
        self._debouncer = Debouncer(debounce_seconds)
        self._min_interval = 1.0 / max_decode_fps if max_decode_fps > 0 else 0.0
        self._idle_stride = max(1, idle_stride) if idle_after > 0 else 1
        self._cpu_budget = cpu_budget
        self._idle = IdleGate(idle_after, idle_stride)
        self._clock = clock
        self._mailbox = FrameMailbox()
        self._stopping = threading.Event()
        self._counters = _Counters()
        self._camera_thread: threading.Thread | None = None
        self._decoder_thread: threading.Thread | None = None
        self._last_status: SourceStatus | None = None
        self._errors = 0
        self._source_ended = False

    def start(self) -> None:
        """Start the camera and decoder threads (once)."""
        if self._camera_thread is not None:
            raise RuntimeError("ScanLoop already started")
        self._camera_thread = threading.Thread(
            target=self._camera_main, name="kiosk-camera", daemon=True
        )
        self._decoder_thread = threading.Thread(
            target=self._decoder_main, name="kiosk-decoder", daemon=True
        )
        self._decoder_thread.start()
        self._camera_thread.start()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop the camera thread, then the decoder thread; True when both ended in time."""
        self._stopping.set()
        self.source.interrupt()
        joined = True
        if self._camera_thread is not None:
            self._camera_thread.join(timeout)
            joined = not self._camera_thread.is_alive()
        # The decoder's sentinel, after the camera can no longer put. A source that ended on its
        # own (a file, a folder) keeps its last frame for the decoder, however soon stop() comes.
        self._mailbox.close(drain=self._source_ended)
        if self._decoder_thread is not None:
            self._decoder_thread.join(timeout)
            joined = joined and not self._decoder_thread.is_alive()
        if not joined:
            log.warning("scan loop threads did not stop within %.1f s", timeout)
        return joined

    @property
    def running(self) -> bool:
        """True while a worker thread is alive."""
        return any(
            t is not None and t.is_alive() for t in (self._camera_thread, self._decoder_thread)
        )

    def stats(self) -> ScanStats:
        """Snapshot of rates, decode time and camera state (any thread)."""
        now = self._clock()
        status = self.source.status
        with self._counters.lock:
            times = sorted(self._counters.decode_ms)
            p50 = statistics.median(times) if times else 0.0
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))] if times else 0.0
            return ScanStats(
                capture_fps=round(self._counters.capture.rate(now), 1),
                decode_fps=round(self._counters.decode.rate(now), 1),
                decode_ms_p50=round(p50, 2),
                decode_ms_p95=round(p95, 2),
                dropped_frames=self._mailbox.dropped + self._counters.rate_skipped,
                decoded_frames=self._counters.decoded,
                scans=self._counters.scans,
                camera_state=str(status.state),
                camera_detail=status.detail,
                idle=self._counters.idle,
                idle_skipped_frames=self._counters.idle_skipped,
                budget_limited_frames=self._counters.budget_limited,
            )

    def _report_status(self) -> None:
        status = self.source.status
        if status != self._last_status:
            self._last_status = status
            if self._on_status is not None:
                self._on_status(status)

    def _camera_main(self) -> None:
        source = self.source
        failed: SourceStatus | None = None
        try:
            source.open()
            self._report_status()
            skip: Callable[[], bool] | None = getattr(source, "skip", None)
            position = 0  # frames delivered or skipped (the source's own index may differ)
            while not self._stopping.is_set():
                asked = time.monotonic()
                # The idle flag is set by the decoder thread; a stale read costs one frame.
                idle_turn = self._counters.idle and position % self._idle_stride != 0
                if idle_turn and skip is not None and skip():
                    # Idle: neither analysed nor shown, so not converted (grab, no retrieve).
                    position += 1
                    with self._counters.lock:
                        self._counters.idle_skipped += 1
                        self._counters.capture.tick(time.monotonic())
                    continue
                frame = source.read()
                self._report_status()
                if frame is None:
                    if source.status.state in (SourceState.ENDED, SourceState.CLOSED):
                        self._source_ended = not self._stopping.is_set()
                        break
                    if time.monotonic() - asked < 0.01:
                        # A source that fails at once (unreadable file): do not spin a core.
                        self._stopping.wait(0.2)
                    continue
                position += 1
                with self._counters.lock:
                    self._counters.capture.tick(frame.captured_at)
                self._mailbox.put(frame)
                # While idle, the preview gets the frames the decoder may analyse (10 fps at
                # 30): nobody is in front of the camera to notice.
                if self._on_frame is not None and not idle_turn:
                    self._on_frame(frame)
        except Exception as exc:
            # A driver or callback bug must not take the kiosk down: staff see the state.
            log.exception("camera thread failed")
            failed = SourceStatus(SourceState.FAILED, f"camera thread failed: {type(exc).__name__}")
        finally:
            try:
                source.close()
            except Exception:
                log.exception("closing the frame source failed")
            self._report_status()
            if failed is not None and self._on_status is not None:
                self._on_status(failed)
            # The source ended on its own: the decoder reads the last frame and stops.
            self._mailbox.close(drain=not self._stopping.is_set())

    def _decoder_main(self) -> None:
        not_before = float("-inf")
        while True:
            frame = self._mailbox.get(timeout=0.5)
            if frame is None:
                if self._mailbox.closed:
                    break
                continue
            if frame.captured_at < not_before:
                with self._counters.lock:
                    self._counters.rate_skipped += 1
                continue
            if not self._idle.should_analyse(frame.index):
                with self._counters.lock:
                    self._counters.idle_skipped += 1
                continue
            started = self._clock()
            cpu_started = time.thread_time()
            try:
                result = self.pipeline.run(frame.image)
            except Exception:
                self._errors += 1
                if self._errors <= 3:  # a broken frame format would otherwise flood the log
                    log.exception("decoding frame %d failed", frame.index)
                not_before = frame.captured_at + 0.1
                continue
            decoded_at = self._clock()
            cpu_ms = (time.thread_time() - cpu_started) * 1000
            elapsed = decoded_at - started
            self._idle.observe(frame.index, result)
            # Honest limiter: a decode that took t seconds of CPU is followed by a pause long
            # enough to keep the decoder within its CPU budget (and never faster than
            # max_decode_fps), counted from this frame's capture. A few milliseconds are
            # forgiven: frames arrive with jitter, and one a millisecond early must not halve
            # the rate.
            busy = max(elapsed, cpu_ms / 1000)
            budget_wait = busy / self._cpu_budget
            pause = max(self._min_interval, budget_wait)
            not_before = frame.captured_at + pause - min(0.25 * self._min_interval, 0.008)
            with self._counters.lock:
                self._counters.decode.tick(decoded_at)
                self._counters.decode_ms.append(elapsed * 1000)
                self._counters.decoded += 1
                self._counters.budget_limited += int(budget_wait > self._min_interval)
                self._counters.idle = self._idle.idle_at(frame.index + 1)
            for text in result.texts:
                if self._debouncer.seen(text, frame.captured_at):
                    with self._counters.lock:
                        self._counters.scans += 1
                    log.info(
                        "scan: frame %d, %d chars, id %s, %s, %.1f ms",
                        frame.index,
                        len(text),
                        text_fingerprint(text),
                        result.stage,
                        elapsed * 1000,
                    )
                    code = DetectedCode(
                        text, frame.index, frame.captured_at, decoded_at, result.engine, started
                    )
                    try:
                        self._on_code(code)
                    except Exception:
                        log.exception("on_code callback failed")

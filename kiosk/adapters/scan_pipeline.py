"""From a frame source to decoded texts, in plain Python threads (the UI wraps it in Qt signals).

Camera thread: ``source.read()`` → :class:`FrameMailbox` (one slot, newest frame wins).
Decoder thread: newest frame → :class:`DecodePipeline` → :class:`~kiosk.domain.debounce.Debouncer`
→ ``on_code``. Callbacks run on these worker threads and must be cheap (hand over and return).

The pipeline is the plain library first: one zxing-cpp call on the greyscale frame, which is
what reads nearly every code on a kiosk's frames (``bench/bench_decode.py`` measures it against
exactly that call). What it adds costs nothing while nothing happens:

1. When nothing was read, a cheap texture detector on a 640-px copy finds code-like regions
   (dense edges in a compact blob). They are the idle mode's sign of activity; they are not
   decoded on their own.
2. Extra effort only where the loop has seen a code-like region for several frames without a
   read (:meth:`IdleGate.focus_at`): that region is cropped and read upscaled (small codes) and
   with zxing-cpp's global-histogram binariser (uneven light). A poster gets that effort for a
   second or two after it first shows up, then never again while it stays.
3. Stills (``thorough``: ``tatami-kiosk decode``, a card under test) get the same two retries on
   the whole image and on every candidate region. Measured on two sets of real photographs
   (``bench/bench_photos.py``), they read three and two more images than zxing-cpp alone and
   never a wrong text.

Removed in wave 2 (issue 18), because on footage the pipeline was not tuned on they cost more
than they read: the first pass on a downscaled copy, decoding every candidate region at full
resolution on every frame, the periodic full-frame pass, and the pyzbar fallback on stills (one
more image on the first photo set, none on the second, and pyzbar's misread texts).

The scan loop adds an idle mode (:class:`IdleGate`): after a quiet spell (no code, no new
candidate region) it analyses every ``stride``-th frame only, and every frame again as soon as
a code or a new region shows up.
"""

from __future__ import annotations

import hashlib
import logging
import statistics
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
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

Box = tuple[int, int, int, int]  # x, y, width, height in full-resolution pixels
SAME_REGION = 0.5  # intersection over union at which two candidate regions are the same one


def text_fingerprint(text: str) -> str:
    """Short, non-reversible tag of a payload for logs (payloads are never logged)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]


@dataclass(frozen=True, slots=True)
class PipelineResult:
    """Texts found in one image and the stage that found them (``none`` when nothing)."""

    texts: list[str]
    stage: str
    engine: str
    # Candidate regions the detector found (empty when the first pass read a code): the idle
    # mode's sign of activity, and where extra effort may go on later frames.
    regions: tuple[Box, ...] = ()


@dataclass(frozen=True)
class PipelineConfig:
    """Knobs of :class:`DecodePipeline`; the defaults are the measured choice.

    Attributes:
        analysis_width: Width of the downscaled copy the region detector works on.
        min_code_side: Smallest code side (full-resolution px) the detector looks for.
        max_regions: Most candidate regions reported per frame.
        upscale_below: Regions (and stills) up to this side (px) are retried at twice the size.
        edge_threshold: Morphological gradient (grey levels) that counts as an edge.
        density_levels: Shares of edge pixels that make a window look like a code, tried in
            turn to split a code from texture around it.
    """

    analysis_width: int = 640
    min_code_side: int = 110
    max_regions: int = 3
    upscale_below: int = 1600
    edge_threshold: int = 24
    density_levels: tuple[float, ...] = (0.3, 0.5, 0.65)


class DecodePipeline:
    """The engine on the greyscale frame, then extra effort on regions the loop points at.

    Args:
        primary: Engine for every pass (zxing-cpp by default).
        config: Pipeline knobs.

    Thread-safe as far as the pipeline goes (it keeps no per-frame state); the scan loop still
    uses one per decoder thread, and ``focus`` is set by that thread.
    """

    def __init__(
        self, primary: DecoderEngine | None = None, config: PipelineConfig | None = None
    ) -> None:
        self.primary = primary if primary is not None else make_engine(default_engine_name())
        self.config = config or PipelineConfig()
        # Regions the scan loop has seen for several frames without a read (IdleGate.focus_at):
        # the only places live frames spend extra effort on.
        self.focus: Sequence[Box] = ()
        self._kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
        # The global-histogram binariser is zxing-cpp only; other engines get the upscale only.
        self._histogram = (
            ZxingEngine(binarizer="global") if isinstance(self.primary, ZxingEngine) else None
        )

    @classmethod
    def default(cls, config: PipelineConfig | None = None) -> DecodePipeline:
        """The kiosk's pipeline: zxing-cpp (or the best engine that loads here)."""
        return cls(make_engine(default_engine_name()), config)

    @property
    def name(self) -> str:
        """Name as used by benchmarks and the ``decode`` command."""
        return "pipeline"

    def decode(self, image: Image) -> list[str]:
        """Texts found in ``image`` (the engine protocol, for benchmarks)."""
        return self.run(image).texts

    @staticmethod
    def _read(engine: DecoderEngine, image: Image) -> list[str]:
        """``engine`` on ``image``, then on its negative when the engine does not invert."""
        texts = engine.decode(image)
        if texts or engine.inverts:
            return texts
        return engine.decode(cv2.bitwise_not(image))

    def run(self, image: Image, *, thorough: bool = False) -> PipelineResult:
        """Decode one frame.

        Args:
            image: BGR or grayscale frame.
            thorough: Every retry on the whole image and on every candidate region (stills,
                staff testing a card), not only on the regions in ``focus``.
        """
        cfg = self.config
        gray = to_gray(image)
        texts = self.primary.decode(gray)
        if texts:
            return PipelineResult(texts, "full", self.primary.name)
        if thorough:
            texts = self._retry(gray)
            if texts:
                return PipelineResult(texts, "full-retry", self.primary.name)
        height, width = gray.shape
        scale = min(1.0, cfg.analysis_width / width)
        small = (
            cv2.resize(
                gray, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
            )
            if scale < 1.0
            else gray
        )
        found = tuple(self.candidate_regions(small, scale, (width, height)))
        boxes = list(found) if thorough else list(self.focus)
        for x, y, w, h in boxes:
            texts = self._retry(gray[y : y + h, x : x + w])
            if texts:
                return PipelineResult(texts, "region-retry", self.primary.name, found)
        return PipelineResult([], "none", self.primary.name, found)

    def _retry(self, crop: Image) -> list[str]:
        """The measured extra effort: upscaled (small codes), then a global binariser."""
        if crop.size == 0:
            return []
        if max(crop.shape) <= self.config.upscale_below:
            bigger = cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
            texts = self._read(self.primary, bigger)
            if texts:
                return texts
        if self._histogram is not None:
            return self._histogram.decode(crop)
        return self._read(self.primary, crop) if not self.primary.inverts else []

    def candidate_regions(
        self, small: Image, scale: float, full_size: tuple[int, int]
    ) -> list[Box]:
        """Code-like regions of the downscaled image, as full-resolution boxes, best first.

        A QR code is a compact blob where nearly every window holds light/dark edges; walls,
        floors and people mostly do not. Text posters do, so this over-selects a little; a false
        region costs one small decode, never a false scan.
        """
        cfg = self.config
        gradient = cv2.morphologyEx(small, cv2.MORPH_GRADIENT, self._kernel)
        _, edges = cv2.threshold(gradient, cfg.edge_threshold, 255, cv2.THRESH_BINARY)
        # Edge density on a half-size grid: 2×2 averaging is half the box filter, 4× cheaper,
        # and contours on the smaller grid are cheaper still.
        grid_w, grid_h = (edges.shape[1] + 1) // 2, (edges.shape[0] + 1) // 2
        grid = cv2.resize(edges, (grid_w, grid_h), interpolation=cv2.INTER_AREA)
        grid_scale = scale * grid_w / small.shape[1]
        window = max(3, int(cfg.min_code_side * grid_scale / 4) | 1)
        density = cv2.blur(grid, (window, window))
        min_side = cfg.min_code_side * grid_scale * 0.6
        max_side = max(grid_w, grid_h) * 0.95
        full_w, full_h = full_size
        scored: list[tuple[float, Box]] = []
        taken: list[tuple[int, int, int, int]] = []
        # A code next to other texture (a poster, a chequered mat) merges with it at the low
        # threshold; stricter thresholds split it off. The first threshold that isolates a
        # blob wins; later ones inside an already taken blob are skipped.
        for level in cfg.density_levels:
            _, dense = cv2.threshold(density, int(255 * level), 255, cv2.THRESH_BINARY)
            contours, _ = cv2.findContours(dense, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
            for contour in contours:
                x, y, w, h = cv2.boundingRect(contour)
                if min(w, h) < min_side or max(w, h) > max_side:
                    continue
                area = cv2.contourArea(contour)
                if max(w, h) > 2.5 * min(w, h) or area < 0.45 * w * h:
                    continue
                if any(
                    x >= tx - 1 and y >= ty - 1 and x + w <= tx + tw + 1 and y + h <= ty + th + 1
                    for tx, ty, tw, th in taken
                ):
                    continue
                taken.append((x, y, w, h))
                # Grow by a quiet zone's worth: the blob stops short of the code's edge.
                pad = 0.12 * max(w, h) + window
                x0 = max(0, int((x - pad) / grid_scale))
                y0 = max(0, int((y - pad) / grid_scale))
                x1 = min(full_w, int((x + w + pad) / grid_scale) + 1)
                y1 = min(full_h, int((y + h + pad) / grid_scale) + 1)
                scored.append((float(area) * level, (x0, y0, x1 - x0, y1 - y0)))
        scored.sort(key=lambda item: item[0], reverse=True)
        return [box for _, box in scored[: cfg.max_regions]]


def overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    inter_w = min(ax + aw, bx + bw) - max(ax, bx)
    inter_h = min(ay + ah, by + bh) - max(ay, by)
    if inter_w <= 0 or inter_h <= 0:
        return 0.0
    inter = inter_w * inter_h
    return inter / (aw * ah + bw * bh - inter)


class IdleGate:
    """Which frames the decoder analyses: every one while something happens, fewer when idle.

    A frame shows activity when the pipeline read a code on it or its detector found a candidate
    region not seen before. Regions that stay put (posters, a chequered mat) are learnt as the
    background, so a cluttered but empty lobby still counts as quiet. Regions that came with a
    code (first seen since the activity began that ended in a read) are not background: a card
    held where the last one was is new again. After ``quiet_frames`` frames without activity
    the gate lets through only every ``stride``-th frame; the first activity lets every frame
    through again. A code that appears while idle is therefore read at most ``stride - 1``
    frames later than with every frame analysed.

    The gate also says where extra effort is worth it (:meth:`focus_at`): a region seen on the
    last analysed frame, first seen at least ``focus_after`` frames ago and at most
    ``focus_for`` frames ago, that is, something code-like held in view for a moment without
    a read. A poster stops getting that effort after ``focus_for`` frames.

    Counts are in source frame indices (frames the mailbox dropped count as passed), so the
    behaviour does not depend on timing. Not thread-safe: the decoder thread owns it.

    Args:
        quiet_frames: Frames without activity before idling (0: never idle).
        stride: Analyse every n-th frame while idle (1: every frame).
        forget_frames: A region not seen for this many frames is forgotten.
        max_known: Most background regions remembered (least recently seen ones go first).
        focus_after: Frames a region must have been in view before it gets extra effort.
        focus_for: Frames after which a region in view gets no more extra effort.
        max_focus: Most regions given extra effort on one frame (the youngest first).
    """

    def __init__(
        self,
        quiet_frames: int = 45,
        stride: int = 3,
        *,
        forget_frames: int = 180,
        max_known: int = 32,
        focus_after: int = 3,
        focus_for: int = 60,
        max_focus: int = 1,
    ) -> None:
        self.quiet_frames = quiet_frames
        self.stride = stride
        self.focus_after = focus_after
        self.focus_for = focus_for
        self.max_focus = max_focus
        self._forget = forget_frames
        self._max_known = max_known
        self._known: list[tuple[Box, int, int]] = []  # region, index first seen, last seen
        self._last_activity: int | None = None
        self._burst_start = 0  # first activity after the last quiet spell
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

    def focus_at(self, index: int) -> list[Box]:
        """Regions worth extra effort on frame ``index``: in view on the last analysed frame,
        for at least ``focus_after`` and at most ``focus_for`` frames, youngest first."""
        last = self._last_analysed
        if last is None or index <= last:
            return []
        ripe = [
            (first, box)
            for box, first, seen in self._known
            if seen == last and self.focus_after <= index - first <= self.focus_for
        ]
        ripe.sort(reverse=True)
        return [box for _, box in ripe[: self.max_focus]]

    def observe(self, index: int, result: PipelineResult) -> None:
        """Record what the pipeline found on the analysed frame ``index``."""
        self.analysed += 1
        if self._last_analysed is None or index < self._last_analysed:
            self._last_activity = self._burst_start = index  # start (or restart) awake
            self._known = []
        was_idle = self.idle_at(index)
        self._last_analysed = index
        self._known = [k for k in self._known if index - k[2] <= self._forget]
        active = bool(result.texts)
        for box in result.regions:
            for n, (known, first, _) in enumerate(self._known):
                if overlap(box, known) >= SAME_REGION:
                    # The first box seen is kept: a region drifting away (a person walking)
                    # turns into a new one, which is activity.
                    self._known[n] = (known, first, index)
                    break
            else:
                self._known.append((box, index, index))
                active = True
        if active:
            if was_idle:
                self._burst_start = index
            self._last_activity = index
        if result.texts:
            self._known = [k for k in self._known if k[1] < self._burst_start]
        if len(self._known) > self._max_known:
            self._known.sort(key=lambda item: item[2])
            del self._known[: len(self._known) - self._max_known]


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
        idle_after: Frames with no code and no new candidate region after which the decoder
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
        self._mailbox.close()  # the decoder's sentinel, after the camera can no longer put
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
                self.pipeline.focus = self._idle.focus_at(frame.index)
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

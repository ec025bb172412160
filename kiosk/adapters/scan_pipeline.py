"""From a frame source to decoded texts, in plain Python threads (the UI wraps it in Qt signals).

Camera thread: ``source.read()`` → :class:`FrameMailbox` (one slot, newest frame wins).
Decoder thread: newest frame → :class:`DecodePipeline` → :class:`~kiosk.domain.debounce.Debouncer`
→ ``on_code``. Callbacks run on these worker threads and must be cheap (hand over and return).

The pipeline keeps frames with no code cheap: most of a kiosk's day is an empty lobby.

1. One zxing-cpp pass on a downscaled copy (≤ 640 px wide): big and medium codes, inverted ones.
2. A cheap texture detector on that copy finds code-like regions (dense edges in a compact blob);
   only those regions are decoded at full resolution, so small codes are still read. Engines
   that do not look for light-on-dark codes themselves (pyzbar, OpenCV) also get each region
   inverted: dark-mode phones. zxing-cpp does this inside its call (``try_invert``).
3. Every ``retry_every``-th frame, regions the primary could not read are retried at twice the
   size (small codes). On stills (``thorough``), a fallback engine (pyzbar when libzbar loads)
   then tries them too, plain and inverted: it reads a few blurred real photographs zxing-cpp
   misses. On live frames it is off by default: measured, it adds next to nothing there and is
   costly on false regions (see ``bench/bench_decode.py``).
4. Every ``full_frame_every``-th decoded frame gets one full-resolution pass, a safety net for
   codes the detector misses; it bounds the extra latency to a few frames (inverted too, for
   engines that do not invert).

The scan loop adds an idle mode (:class:`IdleGate`): after a quiet spell (no code, no new
candidate region) it analyses every ``stride``-th frame only, without decoding the lobby's own
code-like regions (posters), and every frame again as soon as a code or a new region shows up.
Reading a 720p camera or video already costs 15–20 % of a core here; the idle mode keeps the
total of an empty lobby within budget.

Images no wider than the downscale width (photos, crops) skip step 1's downscale and get the full
chain, which is what ``tatami-kiosk decode`` uses for stills.
"""

from __future__ import annotations

import hashlib
import logging
import math
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
    # mode's sign of activity.
    regions: tuple[Box, ...] = ()


@dataclass(frozen=True)
class PipelineConfig:
    """Knobs of :class:`DecodePipeline`; the defaults are the measured choice.

    Attributes:
        analysis_width: Width of the downscaled copy for the first pass and the detector.
        min_code_side: Smallest code side (full-resolution px) the detector looks for.
        max_regions: Most candidate regions decoded at full resolution per frame.
        full_frame_every: Every n-th frame also gets a full-resolution pass (0: never).
        retry_every: Every n-th frame retries the regions upscaled and with the fallback.
        upscale_below: Regions up to this side (px) are retried at twice the size.
        fallback_live: Also run the fallback engine on live frames, not only on stills. Off:
            measured, it reads almost nothing more on kiosk frames and its cost on false
            regions (posters) multiplies the mean decode time of an empty lobby.
        edge_threshold: Morphological gradient (grey levels) that counts as an edge.
        density_levels: Shares of edge pixels that make a window look like a code, tried in
            turn to split a code from texture around it.
    """

    analysis_width: int = 640
    min_code_side: int = 110
    max_regions: int = 3
    full_frame_every: int = 8
    retry_every: int = 4
    upscale_below: int = 480
    fallback_live: bool = False
    edge_threshold: int = 24
    density_levels: tuple[float, ...] = (0.3, 0.5, 0.65)


class DecodePipeline:
    """Primary engine on a downscaled copy, then code-like regions at full resolution.

    Args:
        primary: Engine for every pass (zxing-cpp by default: fastest and most accurate).
        fallback: Engine tried on candidate regions the primary could not read (None: none).
        config: Pipeline knobs.

    Not thread-safe: one pipeline per decoder thread (it counts frames for the full pass).
    """

    def __init__(
        self,
        primary: DecoderEngine | None = None,
        fallback: DecoderEngine | None = None,
        config: PipelineConfig | None = None,
    ) -> None:
        self.primary = primary if primary is not None else make_engine(default_engine_name())
        self.fallback = fallback
        self.config = config or PipelineConfig()
        self._frames = 0
        # Regions known to hold no code (the idle lobby's posters), set by the scan loop's idle
        # mode: candidate regions matching one are reported but not decoded on live frames. The
        # downscaled pass and the periodic full pass still cover them.
        self.background: Sequence[Box] = ()
        self._last_retry_engine = self.primary.name
        self._kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))

    @classmethod
    def default(cls, config: PipelineConfig | None = None) -> DecodePipeline:
        """The kiosk's pipeline: zxing-cpp, with pyzbar as fallback when libzbar loads."""
        primary = make_engine(default_engine_name())
        fallback: DecoderEngine | None = None
        if primary.name != "pyzbar" and available_engines()["pyzbar"] is None:
            fallback = make_engine("pyzbar")
        return cls(primary, fallback, config)

    @property
    def name(self) -> str:
        """Name as used by benchmarks and the ``decode`` command."""
        return "pipeline"

    def decode(self, image: Image) -> list[str]:
        """Texts found in ``image`` (the engine protocol, for benchmarks)."""
        return self.run(image).texts

    @property
    def cycle(self) -> int:
        """Frames after which the pattern of retries and full passes repeats."""
        return math.lcm(max(1, self.config.retry_every), max(1, self.config.full_frame_every))

    def reset(self, phase: int = 0) -> None:
        """Forget the frame count, as a new pipeline would, with ``phase`` frames already seen.

        What a live frame gets (retries, full pass) depends on its place in the cycle; the
        benchmark resets the phase to report each image the same way whatever ran before.
        """
        self._frames = phase

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
            thorough: Every pass and retry on this image, the fallback engine and the
                full-resolution pass included (stills, staff testing a card).
        """
        cfg = self.config
        self._frames += 1
        gray = to_gray(image)
        height, width = gray.shape
        scale = min(1.0, cfg.analysis_width / width)
        small = (
            cv2.resize(
                gray, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA
            )
            if scale < 1.0
            else gray
        )
        texts = self.primary.decode(small)
        if texts:
            return PipelineResult(texts, "downscaled" if scale < 1.0 else "full", self.primary.name)

        found = tuple(self.candidate_regions(small, scale, (width, height)))
        background = () if thorough else self.background
        boxes = [b for b in found if not any(overlap(b, k) >= SAME_REGION for k in background)]
        if scale >= 1.0 and not found:
            # A small still: the whole image is the one region worth the retries.
            boxes = [(0, 0, width, height)]
        crops = [gray[y : y + h, x : x + w] for x, y, w, h in boxes]
        if scale < 1.0:
            for crop in crops:
                texts = self._read(self.primary, crop)
                if texts:
                    return PipelineResult(texts, "region", self.primary.name, found)
        elif not self.primary.inverts:
            # A small image was read whole above, plainly: its negative is what is left.
            texts = self.primary.decode(cv2.bitwise_not(gray))
            if texts:
                return PipelineResult(texts, "inverted", self.primary.name, found)

        # Costlier retries on the regions only every few frames: a held code stays in view for
        # many frames, so this still reads it within a fraction of a second, while an empty
        # lobby with posters (false regions) does not pay them on every frame.
        if thorough or (cfg.retry_every > 0 and self._frames % cfg.retry_every == 0):
            use_fallback = thorough or cfg.fallback_live
            for crop in crops:
                texts = self._retry_region(crop, use_fallback)
                if texts:
                    return PipelineResult(texts, "region-retry", self._last_retry_engine, found)

        # Offset from the retries so that no live frame pays for both (smoother CPU, lower p95).
        periodic = (
            cfg.full_frame_every > 0
            and (self._frames + cfg.retry_every // 2) % cfg.full_frame_every == 0
        )
        if scale < 1.0 and (thorough or periodic):
            texts = self._read(self.primary, gray)
            if texts:
                return PipelineResult(texts, "full", self.primary.name, found)
        return PipelineResult([], "none", self.primary.name, found)

    def _retry_region(self, crop: Image, use_fallback: bool) -> list[str]:
        """Upscaled primary (small codes), then the fallback engine, plain and inverted."""
        cfg = self.config
        if max(crop.shape) <= cfg.upscale_below:
            self._last_retry_engine = self.primary.name
            bigger = cv2.resize(crop, None, fx=2.0, fy=2.0, interpolation=cv2.INTER_CUBIC)
            texts = self._read(self.primary, bigger)
            if texts:
                return texts
        if use_fallback and self.fallback is not None:
            self._last_retry_engine = self.fallback.name
            return self._read(self.fallback, crop)
        return []

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
    the gate lets through only every ``stride``-th frame, and the pipeline skips decoding the
    background regions on those frames (:meth:`background_at`); the first activity lets every
    frame through again. A code that appears while idle is therefore read at most
    ``stride - 1`` frames later than with every frame analysed, unless it sits on a background
    region and is too small for the downscaled pass (then the periodic full-resolution pass
    reads it, a few analysed frames later).

    Counts are in source frame indices (frames the mailbox dropped count as passed), so the
    behaviour does not depend on timing. Not thread-safe: the decoder thread owns it.

    Args:
        quiet_frames: Frames without activity before idling (0: never idle).
        stride: Analyse every n-th frame while idle (1: every frame).
        forget_frames: A region not seen for this many frames is forgotten.
        max_known: Most background regions remembered (least recently seen ones go first).
    """

    def __init__(
        self,
        quiet_frames: int = 45,
        stride: int = 3,
        *,
        forget_frames: int = 180,
        max_known: int = 32,
    ) -> None:
        self.quiet_frames = quiet_frames
        self.stride = stride
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

    def background_at(self, index: int) -> list[Box]:
        """Regions the pipeline need not decode on frame ``index`` (none unless idle)."""
        return [box for box, _, _ in self._known] if self.idle_at(index) else []

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
        clock: Monotonic clock (tests pass their own).
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
                dropped_frames=self._mailbox.dropped,
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
            while not self._stopping.is_set():
                asked = time.monotonic()
                frame = source.read()
                self._report_status()
                if frame is None:
                    if source.status.state in (SourceState.ENDED, SourceState.CLOSED):
                        break
                    if time.monotonic() - asked < 0.01:
                        # A source that fails at once (unreadable file): do not spin a core.
                        self._stopping.wait(0.2)
                    continue
                with self._counters.lock:
                    self._counters.capture.tick(frame.captured_at)
                self._mailbox.put(frame)
                if self._on_frame is not None:
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
        next_start = 0.0
        while True:
            # Rate limit before taking a frame, so the frame decoded is the newest one.
            delay = next_start - self._clock()
            if delay > 0 and self._stopping.wait(delay):
                break
            frame = self._mailbox.get(timeout=0.5)
            if frame is None:
                if self._mailbox.closed:
                    break
                continue
            if not self._idle.should_analyse(frame.index):
                with self._counters.lock:
                    self._counters.idle_skipped += 1
                continue
            started = self._clock()
            cpu_started = time.thread_time()
            try:
                self.pipeline.background = self._idle.background_at(frame.index)
                result = self.pipeline.run(frame.image)
            except Exception:
                self._errors += 1
                if self._errors <= 3:  # a broken frame format would otherwise flood the log
                    log.exception("decoding frame %d failed", frame.index)
                next_start = started + 0.1
                continue
            decoded_at = self._clock()
            cpu_ms = (time.thread_time() - cpu_started) * 1000
            elapsed = decoded_at - started
            self._idle.observe(frame.index, result)
            # Honest limiter: a decode that took t seconds of CPU is followed by enough idle time
            # to keep the decoder within its CPU budget (and never faster than max_decode_fps).
            busy = max(elapsed, cpu_ms / 1000)
            budget_wait = busy / self._cpu_budget
            next_start = started + max(self._min_interval, budget_wait)
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
                        text, frame.index, frame.captured_at, decoded_at, result.engine
                    )
                    try:
                        self._on_code(code)
                    except Exception:
                        log.exception("on_code callback failed")

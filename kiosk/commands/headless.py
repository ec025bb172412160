"""The headless runner: scans in, one JSON line per scan out.

``tatami-kiosk run --headless --source stdin`` reads QR texts line by line, exactly as a USB
keyboard-wedge scanner types them (text, then Enter), and prints one JSON object per scan. It is
the kiosk without a screen: for smoke tests, for a scanner-only station, and for machines with no
display.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from kiosk.domain.ports import ScanSource
from kiosk.services.scanning import ScanCoordinator

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    # OpenCV is imported only when frames are scanned: stdin scanning starts faster.
    from kiosk.adapters.frames import FrameSource, SourceStatus
    from kiosk.adapters.scan_pipeline import ScanStats


class ScanHandler(Protocol):
    def handle_scan(self, text: str, source: ScanSource) -> Any: ...


def emit(out: TextIO, payload: dict[str, Any]) -> None:
    """Write one JSON line and flush, so a reader on a pipe sees each scan at once."""
    out.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


def run_lines(
    service: ScanHandler,
    lines: Iterable[str],
    out: TextIO,
    *,
    source: ScanSource = ScanSource.WEDGE,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Handle each non-blank line as one scan; returns how many scans were handled."""
    handled = 0
    for line in lines:
        if should_stop():
            break
        if not line.strip():
            continue
        result = service.handle_scan(line, source)
        emit(out, result.to_json())
        handled += 1
    return handled


def run_frames(
    coordinator: ScanCoordinator,
    source: FrameSource,
    out: TextIO,
    *,
    engine: str | None = None,
    quit_after: float | None = None,
    stop: threading.Event | None = None,
    status_out: TextIO | None = None,
) -> ScanStats:
    """Scan codes from a frame source (camera, video file, image folder, demo feed).

    ``out`` gets exactly one JSON line per scan; camera state changes and the closing summary
    are JSON lines on ``status_out`` (stderr by default), so a consumer of scans sees only scans.
    Ends when the source ends (a file or folder played once), after ``quit_after`` seconds, or
    when ``stop`` is set (signal handlers). Each scan prints one JSON line with the outcome and
    its timing: ``latencyMs`` (frame captured → outcome committed), ``decodeMs``, ``frame``.
    A ``live`` status line also gives the actual ``width``, ``height`` and ``fps``. An engine
    that is unknown or unavailable here is replaced by the default one, with a ``warning`` line.
    """
    from kiosk.adapters.decoders import EngineUnavailable, make_engine
    from kiosk.adapters.frames import SourceState
    from kiosk.adapters.scan_pipeline import DecodePipeline, DetectedCode, ScanLoop

    stopping = stop or threading.Event()
    write_lock = threading.Lock()
    status_stream = status_out if status_out is not None else sys.stderr

    def on_code(code: DetectedCode) -> None:
        result = coordinator.code_detected(code.text, ScanSource.CAMERA, code.captured_at)
        payload = result.to_json()
        payload.update(
            {
                "frame": code.frame_index,
                "decodeMs": round((code.decoded_at - code.captured_at) * 1000, 2),
                "latencyMs": round((time.monotonic() - code.captured_at) * 1000, 2),
                "engine": code.engine,
            }
        )
        with write_lock:
            emit(out, payload)

    def on_status(status: SourceStatus) -> None:
        payload: dict[str, Any] = {"camera": str(status.state), "detail": status.detail}
        if status.state is SourceState.LIVE:
            # What the driver or file really gives, which may differ from what was asked.
            size, fps = source.actual_size, source.actual_fps
            payload["width"], payload["height"] = size if size is not None else (None, None)
            payload["fps"] = fps
        with write_lock:
            emit(status_stream, payload)
        if status.state in (SourceState.ENDED, SourceState.FAILED):
            stopping.set()

    try:
        pipeline = (
            DecodePipeline.default() if engine is None else DecodePipeline(make_engine(engine))
        )
    except EngineUnavailable as exc:
        # A kiosk at a door keeps scanning with the engine it has rather than not at all.
        pipeline = DecodePipeline.default()
        log.warning("decoder %s unavailable (%s): using %s", engine, exc, pipeline.primary.name)
        with write_lock:
            emit(
                status_stream,
                {
                    "warning": "decoder engine unavailable",
                    "engine": pipeline.primary.name,
                    "requested": engine,
                    "detail": f"{exc}; scanning with {pipeline.primary.name} instead",
                },
            )
    loop = ScanLoop(source, pipeline, on_code, on_status=on_status)
    loop.start()
    try:
        deadline = None if quit_after is None else time.monotonic() + quit_after
        while loop.running and not stopping.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            stopping.wait(0.25 if remaining is None else min(0.25, remaining))
    finally:
        loop.stop()
    stats = loop.stats()
    with write_lock:
        emit(
            status_stream,
            {
                "summary": True,
                "scans": stats.scans,
                "captureFps": stats.capture_fps,
                "decodeFps": stats.decode_fps,
                "decodeMsP50": stats.decode_ms_p50,
                "droppedFrames": stats.dropped_frames,
                "latency": coordinator.latency_ms(),
            },
        )
    return stats

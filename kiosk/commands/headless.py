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
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Protocol, TextIO

from kiosk.domain.camera import ScanStats
from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import ScanResult
from kiosk.services.scanning import ScanCoordinator

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    # OpenCV is imported only when frames are scanned: stdin scanning starts faster.
    from kiosk.adapters.camera import Camera, PipelineChoice
    from kiosk.adapters.frames import SourceStatus
    from kiosk.domain.camera import DetectedCode


class ScanHandler(Protocol):
    def handle_scan(self, text: str, source: ScanSource) -> ScanResult: ...


def emit(out: TextIO, payload: Mapping[str, object]) -> None:
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
    camera: Camera,
    coordinator: ScanCoordinator,
    spec: str,
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

    Raises:
        SourceError: ``spec`` names no usable source (nothing was started).
    """
    from kiosk.adapters.frames import SourceState

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
        payload: dict[str, object] = {"camera": str(status.state), "detail": status.detail}
        source = camera.source
        if status.state is SourceState.LIVE and source is not None:
            # What the driver or file really gives, which may differ from what was asked.
            size = source.actual_size
            payload["width"], payload["height"] = size if size is not None else (None, None)
            payload["fps"] = source.actual_fps
        with write_lock:
            emit(status_stream, payload)
        # A source that ended on its own lets the decoder finish its last frame (the loop stops
        # by itself); stopping here would race it and could drop the only frame of a folder.
        if status.state is SourceState.FAILED:
            stopping.set()

    def on_engine_replaced(choice: PipelineChoice) -> None:
        used = choice.pipeline.primary.name
        with write_lock:
            emit(
                status_stream,
                {
                    "warning": "decoder engine unavailable",
                    "engine": used,
                    "requested": choice.requested,
                    "detail": f"{choice.replaced_because}; scanning with {used} instead",
                },
            )

    camera.on_code = on_code
    camera.on_status = on_status
    camera.on_engine_replaced = on_engine_replaced
    loop = camera.open(spec, engine)
    try:
        deadline = None if quit_after is None else time.monotonic() + quit_after
        while loop.running and not stopping.is_set():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            stopping.wait(0.25 if remaining is None else min(0.25, remaining))
    finally:
        camera.stop()
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

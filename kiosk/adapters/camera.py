"""The kiosk's camera: frame sources and decoder pipelines built in one place, behind a switch.

:class:`ScanLoopFactory` is the only code that opens frame sources (``camera:N``, ``file:``,
``folder:``, ``demo``) and picks a decoder pipeline, replacing an engine this machine lacks by
the default one. :class:`Camera` runs the resulting scan loop (camera and decoder threads) and
can restart it with another source or engine. Both are built by :class:`kiosk.runtime.KioskRuntime`;
each face hands the camera its callbacks (the window: Qt bridges; headless: JSON lines).

OpenCV and the decoders are imported when the camera first starts, not with this module: the
commands that never scan start faster.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.domain.camera import DetectedCode, ScanStats

if TYPE_CHECKING:
    from kiosk.adapters.frames import Frame, FrameSource, SourceStatus
    from kiosk.adapters.scan_pipeline import DecodePipeline, ScanLoop

log = logging.getLogger(__name__)

#: Camera indexes a camera screen offers.
CAMERA_INDEXES = range(4)


@dataclass(frozen=True, slots=True)
class CameraSettings:
    """What is asked of a frame source (configuration and command line).

    Attributes:
        size: Requested camera (or demo feed) frame size, (width, height).
        fps: Requested rate: camera request, file or folder pace, demo rate (None: default).
        camera_fps: The camera's frame rate when ``fps`` is not given.
        backend: Capture API name (``auto``: the platform's best).
        loop: Play files and folders in a loop.
    """

    size: tuple[int, int] = (1280, 720)
    fps: float | None = None
    camera_fps: float = 30.0
    backend: str = "auto"
    loop: bool = False


@dataclass(frozen=True, slots=True)
class PipelineChoice:
    """The decoder pipeline built for a request, and why another engine replaced it (if so)."""

    pipeline: DecodePipeline
    requested: str | None
    replaced_because: str | None = None


class ScanLoopFactory:
    """The one place that opens frame sources and builds decoder pipelines.

    Args:
        settings: What is asked of sources.
        next_text: Supplier of the synthetic demo feed's texts (demo mode only).
    """

    def __init__(
        self, settings: CameraSettings, next_text: Callable[[], str | None] | None = None
    ) -> None:
        self.settings = settings
        self.next_text = next_text
        self._engines: list[str] | None = None

    def open_source(self, spec: str) -> FrameSource:
        """Build (not open) the source ``spec`` names.

        Raises:
            SourceError: The spec is malformed, or its file or folder does not exist.
        """
        from kiosk.adapters.frames import open_source

        settings = self.settings
        return open_source(
            spec,
            next_text=self.next_text,
            width=settings.size[0],
            height=settings.size[1],
            fps=settings.fps,
            loop=settings.loop,
            camera_fps=settings.camera_fps,
            camera_backend=settings.backend,
        )

    def pipeline(self, engine: str | None) -> PipelineChoice:
        """The pipeline for ``engine`` (None or ``auto``: the measured default).

        An engine this machine lacks is replaced by the default: a kiosk at a door keeps
        scanning with the engine it has rather than not at all.
        """
        from kiosk.adapters.decoders import EngineUnavailable, make_engine
        from kiosk.adapters.scan_pipeline import DecodePipeline

        wanted = None if engine in (None, "auto") else engine
        if wanted is None:
            return PipelineChoice(DecodePipeline.default(), None)
        try:
            return PipelineChoice(DecodePipeline(make_engine(wanted)), wanted)
        except EngineUnavailable as exc:
            pipeline = DecodePipeline.default()
            log.warning("decoder %s unavailable (%s): using %s", wanted, exc, pipeline.primary.name)
            return PipelineChoice(pipeline, wanted, str(exc))

    def engines(self) -> list[str]:
        """Decoder engines usable here, best first."""
        if self._engines is None:
            from kiosk.adapters.decoders import available_engines

            self._engines = [name for name, why in available_engines().items() if why is None]
        return list(self._engines)

    def sources(self) -> list[str]:
        """Source specs a camera screen offers (the demo feed first, when there is one)."""
        specs = [f"camera:{index}" for index in CAMERA_INDEXES]
        return (["demo"] if self.next_text is not None else []) + specs


class Camera:
    """The scan loop (camera and decoder threads) behind a switch.

    Implements :class:`kiosk.ui.ports.CameraPort`. The callbacks run on the camera or decoder
    thread; set them before the first start. In test mode codes go to ``on_preview`` instead of
    ``on_code``, so nothing is checked in.

    Attributes:
        on_code: Each scan (decoder thread): decide and record it there.
        on_frame: Each captured frame (camera thread): previews.
        on_status: Each change of the source's state (camera or control thread).
        on_preview: Codes read in test mode (decoder thread).
        on_engine_replaced: The engine asked for is not usable here (the thread that opens).
        state: The source's last state (``closed`` before the first start).
    """

    def __init__(self, factory: ScanLoopFactory, *, disabled: bool = False) -> None:
        self.factory = factory
        self._disabled = disabled
        self.on_code: Callable[[DetectedCode], None] | None = None
        self.on_frame: Callable[[Frame], None] | None = None
        self.on_status: Callable[[SourceStatus], None] | None = None
        self.on_preview: Callable[[str], None] | None = None
        self.on_engine_replaced: Callable[[PipelineChoice], None] | None = None
        self._loop: ScanLoop | None = None
        self._lock = threading.Lock()
        self._control: threading.Thread | None = None
        self._spec = ""
        self._test_mode = False
        self.state = "closed"
        self.started_at: float | None = None
        self.error: str | None = None

    @property
    def spec(self) -> str:
        return self._spec

    @property
    def disabled(self) -> bool:
        """No camera at all (``--source none``, tests): :meth:`start` does nothing."""
        return self._disabled

    @property
    def running(self) -> bool:
        """The camera or decoder thread is alive."""
        with self._lock:
            loop = self._loop
        return loop is not None and loop.running

    @property
    def source(self) -> FrameSource | None:
        """The source being read (its actual size and rate), or None."""
        with self._lock:
            loop = self._loop
        return loop.source if loop is not None else None

    def start(self, spec: str | None = None, engine: str | None = None) -> None:
        """(Re)start scanning on a control thread and return at once.

        Opening a camera, importing OpenCV and building a decoder take hundreds of milliseconds
        a window must not wait for. A source that cannot be used is reported as ``failed``.
        """
        if self._disabled:
            return
        spec = spec or self._spec or "camera:0"
        self._spec = spec
        control = threading.Thread(
            target=self._restart, args=(spec, engine), name="kiosk-camera-control", daemon=True
        )
        with self._lock:
            previous, self._control = self._control, control
        if previous is not None:
            previous.join()
        control.start()

    def _restart(self, spec: str, engine: str | None) -> None:
        from kiosk.adapters.frames import SourceError, SourceState, SourceStatus

        try:
            self.open(spec, engine)
        except SourceError as exc:
            self.error = str(exc)
            log.warning("camera source not usable: %s", exc)
            self._on_loop_status(SourceStatus(SourceState.FAILED, str(exc)))

    def open(self, spec: str, engine: str | None = None) -> ScanLoop:
        """Stop any running loop, then scan ``spec`` with ``engine``, from the calling thread.

        Returns the running loop (its figures stay readable after :meth:`stop`).

        Raises:
            SourceError: The source cannot be used (nothing is left running).
        """
        from kiosk.adapters.scan_pipeline import ScanLoop

        self._stop_loop()
        self._spec = spec
        source = self.factory.open_source(spec)
        choice = self.factory.pipeline(engine)
        if choice.replaced_because is not None and self.on_engine_replaced is not None:
            self.on_engine_replaced(choice)
        loop = ScanLoop(
            source,
            choice.pipeline,
            on_code=self._on_loop_code,
            on_frame=self.on_frame,
            on_status=self._on_loop_status,
        )
        with self._lock:
            self._loop = loop
        self.error = None
        self.started_at = time.monotonic()
        loop.start()
        log.info("camera started: %s, engine %s", source.describe(), choice.pipeline.primary.name)
        return loop

    def _on_loop_code(self, code: DetectedCode) -> None:
        if self._test_mode:
            if self.on_preview is not None:
                self.on_preview(code.text)
        elif self.on_code is not None:
            self.on_code(code)

    def _on_loop_status(self, status: SourceStatus) -> None:
        self.state = str(status.state)
        if self.on_status is not None:
            self.on_status(status)

    def _stop_loop(self) -> None:
        with self._lock:
            loop, self._loop = self._loop, None
        if loop is not None:
            loop.stop()

    def stop(self) -> None:
        """Stop the camera and decoder threads (blocking: up to a few seconds)."""
        with self._lock:
            control = self._control
        if control is not None:
            control.join()
        self._stop_loop()

    def stats(self) -> ScanStats:
        """Capture and decode rates, decode time, state and engine (zeros while stopped)."""
        with self._lock:
            loop = self._loop
        if loop is None:
            return ScanStats.stopped(self.state)
        return replace(loop.stats(), engine=loop.pipeline.primary.name)

    def sources(self) -> list[str]:
        return self.factory.sources()

    def engines(self) -> list[str]:
        return self.factory.engines()

    def set_test_mode(self, on: bool) -> None:
        self._test_mode = on

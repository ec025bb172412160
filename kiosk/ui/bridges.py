"""Bridges from worker threads to the GUI thread: scan results, sync status, camera frames.

Worker threads (decoder, sync, camera) call plain methods here; each method emits a signal of
a QObject that lives on the GUI thread, so Qt queues the call to the connected slots. Nothing
here touches a widget. Frames go through a one-slot mailbox: if the GUI is busy, older frames
are dropped rather than queued, so the preview can never fall behind or pile up memory.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeAlias

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtGui import QImage

from kiosk.services.checkin import ScanResult
from kiosk.services.sync import SyncStatus

#: A camera frame or a prepared preview: rows × columns (× channels) of bytes.
Pixels: TypeAlias = NDArray[np.uint8]


class ScanBridge(QObject):
    """Scan results from the decoder thread or a scan worker, delivered to the GUI thread.

    Signals:
        result_ready(object, object): A :class:`ScanResult` and its latency in seconds (or None).
        code_previewed(str): A code read while scanning is in test mode (set-up): not checked in.
    """

    result_ready = Signal(object, object)
    code_previewed = Signal(str)

    def deliver(self, result: ScanResult, latency: float | None) -> None:
        """From any thread: hand a result to the GUI thread."""
        self.result_ready.emit(result, latency)

    def preview_code(self, text: str) -> None:
        """From any thread: a test scan (set-up wizard, settings); nothing is recorded."""
        self.code_previewed.emit(text)


class SyncBridge(QObject):
    """Sync status from the sync threads, delivered to the GUI thread.

    Signals:
        status_changed(object): A fresh :class:`SyncStatus`.
    """

    status_changed = Signal(object)

    def publish(self, status: SyncStatus) -> None:
        """From any thread."""
        self.status_changed.emit(status)


class FrameBridge(QObject):
    """Camera frames for the preview: converted and scaled on the camera thread, newest wins.

    The camera thread leaves the newest frame in a one-slot mailbox and announces it once; the
    bridge (a GUI-thread object) collects it and tells the previews, which paint ``current``.

    Signals:
        frame_ready(): A new frame waits in the mailbox (camera thread; queued to the bridge).
        frame_shown(): ``current`` holds a new frame (GUI thread).
        status_changed(str, str): Camera state (``live``, ``missing``...) and a detail.
    """

    frame_ready = Signal()
    frame_shown = Signal()
    status_changed = Signal(str, str)

    def __init__(
        self,
        parent: QObject | None = None,
        *,
        prepare: Callable[[Pixels, tuple[int, int], bool], Pixels] | None = None,
    ) -> None:
        """``prepare(pixels, (width, height), mirror)`` returns BGRA pixels that cover the
        target (the composition root passes OpenCV's, which runs without the GIL); without it
        QImage does the work, holding the GIL."""
        super().__init__(parent)
        self._prepare = prepare
        self._lock = threading.Lock()
        self._latest: QImage | None = None
        self._announced = False
        self._target = (960, 540)
        self._mirror = True
        self._active = True
        self.offered = 0
        self.shown = 0
        self.dropped = 0
        self.first_frame_at: float | None = None
        self.state = "closed"
        self.current: QImage | None = None
        self.frame_ready.connect(self._on_self_frame_ready)

    def set_target(self, width: int, height: int) -> None:
        """GUI thread: the preview's size in device pixels (frames are scaled to fit it)."""
        with self._lock:
            self._target = (max(16, width), max(16, height))

    def set_mirror(self, mirror: bool) -> None:
        with self._lock:
            self._mirror = mirror

    def set_active(self, active: bool) -> None:
        """Skip the conversion work while no preview is on screen."""
        with self._lock:
            self._active = active

    def offer(self, pixels: Pixels, captured_at: float | None = None) -> None:
        """Camera thread: a BGR ``uint8`` array (height × width × 3) to show.

        The conversion and scaling happen here, off the GUI thread; the GUI only paints.
        """
        with self._lock:
            target, mirror, active = self._target, self._mirror, self._active
        self.offered += 1
        if not active:
            return
        if self._prepare is not None:
            ready = self._prepare(pixels, target, mirror)
            height, width = ready.shape[:2]
            wrapped = QImage(
                ready.data, width, height, int(ready.strides[0]), QImage.Format.Format_RGB32
            )
            # copy(): the image owns its pixels (a plain memcpy of the preview-sized frame).
            self._publish(wrapped.copy())
            return
        height, width = pixels.shape[:2]
        channels = pixels.shape[2] if pixels.ndim == 3 else 1
        image_format = (
            QImage.Format.Format_BGR888 if channels == 3 else QImage.Format.Format_Grayscale8
        )
        image = QImage(pixels.data, width, height, int(pixels.strides[0]), image_format)
        scaled = image.scaled(
            target[0],
            target[1],
            Qt.AspectRatioMode.KeepAspectRatioByExpanding,
            Qt.TransformationMode.FastTransformation,
        )
        if mirror:
            scaled = scaled.flipped(Qt.Orientation.Horizontal)
        # The window's backing store is 32-bit: converting here (camera thread) halves the GUI
        # thread's paint time, and the result owns its pixels (the camera reuses its array).
        scaled = scaled.convertToFormat(QImage.Format.Format_RGB32)
        self._publish(scaled)

    def _publish(self, image: QImage) -> None:
        with self._lock:
            if self._latest is not None:
                self.dropped += 1
            self._latest = image
            announce = not self._announced
            self._announced = True
            if self.first_frame_at is None:
                self.first_frame_at = time.monotonic()
        if announce:
            self.frame_ready.emit()

    def take(self) -> QImage | None:
        """GUI thread: the newest frame (None if it was already taken)."""
        with self._lock:
            image, self._latest = self._latest, None
            self._announced = False
        if image is not None:
            self.shown += 1
        return image

    @Slot()
    def _on_self_frame_ready(self) -> None:
        image = self.take()
        if image is not None:
            self.current = image
            self.frame_shown.emit()

    def report_status(self, state: str, detail: str) -> None:
        """From any thread: the camera's state changed."""
        self.state = state
        self.status_changed.emit(state, detail)

"""Blocking work off the GUI thread, results back on it (Anki's ``taskman``, in small).

The GUI thread never waits for the store, the network or a PIN hash: it hands a callable to a
:class:`TaskManager`, which runs it on a worker thread and calls ``on_done`` (or ``on_error``)
back on the GUI thread. The hand-back is a Qt signal emitted from the worker thread to a slot of
the manager, which lives on the GUI thread: Qt queues it.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class _Task:
    future: Future[Any]
    on_done: Callable[[Any], None] | None
    on_error: Callable[[BaseException], None] | None
    owners: tuple[QObject, ...]


def _owners(*callbacks: object) -> tuple[QObject, ...]:
    """The QObjects whose bound methods are the callbacks (a closed dialog is gone)."""
    return tuple(
        owner
        for callback in callbacks
        if isinstance(owner := getattr(callback, "__self__", None), QObject)
    )


class TaskManager(QObject):
    """Runs callables on worker threads and delivers their results on the GUI thread.

    Args:
        name: Thread name prefix (shows in crash logs and ``py-spy``).
        workers: Worker threads; 1 keeps tasks in submission order (scans).
        parent: Qt parent.

    Signals:
        finished(int): A task ended (internal: emitted on a worker thread, queued to the slot).
        idle(): No task is pending any more.
    """

    finished = Signal(int)
    idle = Signal()

    def __init__(self, name: str, workers: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        self._tasks: dict[int, _Task] = {}
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._closed = False
        self.finished.connect(self._on_self_finished)

    @property
    def pending(self) -> int:
        """Tasks submitted and not yet delivered."""
        with self._lock:
            return len(self._tasks)

    def run(
        self,
        work: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        *,
        owner: QObject | None = None,
    ) -> Future[T] | None:
        """Run ``work`` on a worker; ``on_done(result)`` or ``on_error(exc)`` on the GUI thread.

        The callbacks are skipped when their owner was deleted meanwhile (a staff screen closed
        before its read came back): ``owner``, or the object of a bound-method callback.
        Returns None (and runs nothing) once the manager is shut down.
        """
        if self._closed:
            return None
        task_id = next(self._ids)
        owners = _owners(on_done, on_error) + ((owner,) if owner is not None else ())
        future: Future[T] = self._executor.submit(work)
        with self._lock:
            self._tasks[task_id] = _Task(future, on_done, on_error, owners)
        future.add_done_callback(lambda _f: self._emit_finished(task_id))
        return future

    def _emit_finished(self, task_id: int) -> None:
        # Runs on the worker thread (or here, if the future was already done).
        with contextlib.suppress(RuntimeError):  # the QObject is gone: shutting down
            self.finished.emit(task_id)

    @Slot(int)
    def _on_self_finished(self, task_id: int) -> None:
        with self._lock:
            task = self._tasks.pop(task_id, None)
            now_idle = not self._tasks
        if task is None or task.future.cancelled():  # cancelled: shutting down
            return
        if not all(shiboken6.isValid(owner) for owner in task.owners):
            if now_idle:
                self.idle.emit()
            return
        error = task.future.exception()
        try:
            if error is not None:
                if task.on_error is not None:
                    task.on_error(error)
                else:
                    log.error("background task failed", exc_info=error)
            elif task.on_done is not None:
                task.on_done(task.future.result())
        finally:
            if now_idle:
                self.idle.emit()

    def shutdown(self) -> None:
        """Refuse new tasks, wait for running ones; their results are no longer delivered."""
        self._closed = True
        with self._lock:
            self._tasks.clear()
        self._executor.shutdown(wait=True, cancel_futures=True)

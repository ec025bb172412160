"""Slow work for a staff screen, in one statement (Anki's ``QueryOp``/``CollectionOp``, in small).

A screen that needs a store read, a PIN hash, a login or a zip written says so once::

    DialogOp(self._tasks, self, lambda: reception.search(text), self._show_matches)
        .busy(self.checkin_button)           # disabled while it runs
        .latest(self._searching)             # only the newest search answers
        .on_failure(self._on_search_failed)  # else: logged, and shown on the screen
        .run()

The work runs on a worker of the shell's :class:`~kiosk.ui.tasks.TaskManager`; its answer comes
back on the GUI thread. The answer is dropped when the screen's dialog was closed meanwhile
(finished, whether deleted yet or not): a read that comes back late never touches a closed
screen. Start operations once the screen sits in its dialog (not from a tab's constructor):
the dialog is found through the screen's window. A failure nobody handles is logged by its type
(logs never carry payloads) and shown on the dialog's problem line
(:meth:`kiosk.ui.dialogs.StaffDialog.show_problem`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QDialog, QWidget

from kiosk.ui.dialogs import StaffDialog
from kiosk.ui.tasks import TaskManager

log = logging.getLogger(__name__)
translate = QCoreApplication.translate
T = TypeVar("T")


class LatestOnly:
    """Only the newest operation started with this token answers: typing a search starts one
    read per pause, and an older, slower read must not overwrite the newer list."""

    def __init__(self) -> None:
        self._generation = 0

    def _begin(self) -> int:
        self._generation += 1
        return self._generation

    def _is_current(self, generation: int) -> bool:
        return generation == self._generation


class DialogOp(Generic[T]):
    """One piece of blocking work for a screen: run on a worker, finish on the GUI thread.

    Args:
        tasks: The shell's task manager (its workers run ``work``).
        screen: The widget asking; its dialog's closing drops the answer.
        work: The blocking call (no Qt in it: it runs on a worker thread).
        done: Called with the result on the GUI thread.
    """

    def __init__(
        self,
        tasks: TaskManager,
        screen: QWidget,
        work: Callable[[], T],
        done: Callable[[T], None] | None = None,
    ) -> None:
        self._tasks = tasks
        self._screen = screen
        self._work = work
        self._done = done
        self._failed: Callable[[BaseException], None] | None = None
        self._busy: tuple[QWidget, ...] = ()
        self._latest: LatestOnly | None = None
        self._generation = 0
        self._watch: _ClosingWatch | None = None

    def busy(self, *widgets: QWidget) -> DialogOp[T]:
        """Disable ``widgets`` until the answer (or the failure) is back."""
        self._busy = widgets
        return self

    def latest(self, token: LatestOnly) -> DialogOp[T]:
        """Answer only if no newer operation started with ``token`` meanwhile."""
        self._latest = token
        return self

    def on_failure(self, handler: Callable[[BaseException], None]) -> DialogOp[T]:
        """Handle a failure here instead of the default (logged and shown on the screen)."""
        self._failed = handler
        return self

    def run(self) -> None:
        """Start the work; returns at once."""
        if self._latest is not None:
            self._generation = self._latest._begin()
        for widget in self._busy:
            widget.setEnabled(False)
        self._watch = _ClosingWatch.of(self._screen.window())
        self._tasks.run(self._work, self._on_work_done, self._on_work_failed, owner=self._watch)

    def _closed(self) -> bool:
        return self._watch is not None and self._watch.closed

    def _on_work_done(self, result: T) -> None:
        if not self._closed():
            self._finish(result)

    def _on_work_failed(self, error: BaseException) -> None:
        if not self._closed():
            self._fail(error)

    # -- on the GUI thread, unless the screen closed ---------------------------------------------

    def _current(self) -> bool:
        return self._latest is None or self._latest._is_current(self._generation)

    def _finish(self, result: T) -> None:
        if not self._current():
            return  # a newer operation of the same kind is running, and will answer
        self._release()
        if self._done is not None:
            self._done(result)

    def _fail(self, error: BaseException) -> None:
        if not self._current():
            return
        self._release()
        if self._failed is not None:
            self._failed(error)
            return
        log.error("%s failed: %s", type(self._screen).__name__, type(error).__name__)
        window = self._screen.window()
        if isinstance(window, StaffDialog):
            window.show_problem(
                translate("StaffDialog", "That did not work (%1). Try again.").replace(
                    "%1", type(error).__name__
                )
            )

    def _release(self) -> None:
        for widget in self._busy:
            widget.setEnabled(True)


class _ClosingWatch(QObject):
    """Notes that a screen's dialog finished (closed): one per window, dying with it.

    The task manager already drops answers for a deleted window (this watch is their owner);
    a dialog that closed is deleted only later, so its ``finished`` signal is what counts.
    """

    NAME = "kiosk-closing-watch"

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(self.NAME)
        self.closed = False
        if isinstance(window, QDialog):
            window.finished.connect(self._on_window_finished)

    @classmethod
    def of(cls, window: QWidget) -> _ClosingWatch:
        found = window.findChild(QObject, cls.NAME)
        return found if isinstance(found, _ClosingWatch) else cls(window)

    @Slot(int)
    def _on_window_finished(self, _result: int) -> None:
        self.closed = True

"""Pay PySide6's lazy start-up costs in small slices while the kiosk idles.

PySide6 creates Python classes and enum types lazily, on first use. Some first uses are bulk:
when a C++ object of a type Python has not seen yet reaches Python (an event filter sees every
object), shiboken walks the class graph to find its most derived type and materialises over a
hundred enum classes at once. Measured: a single 30–40 ms stall of the GUI thread, seconds
after start, in the middle of scanning.

:class:`LazyTypeWarmer` touches every class and enum of the Qt modules ahead of time, a few
milliseconds per event-loop turn, so the preview never hitches and no later first use is bulk.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from types import ModuleType

from PySide6.QtCore import QObject, QTimer, Signal, Slot

log = logging.getLogger(__name__)


def _attributes(modules: tuple[ModuleType, ...]) -> Iterator[tuple[type, str]]:
    for module in modules:
        for name in dir(module):
            cls = getattr(module, name, None)
            if isinstance(cls, type):
                for attribute in list(vars(cls)):
                    yield cls, attribute


class LazyTypeWarmer(QObject):
    """Touches the Qt modules' classes and enums, ``budget_ms`` of GUI time per turn.

    Signals:
        finished(): Everything was touched.
    """

    finished = Signal()

    def __init__(
        self,
        modules: tuple[ModuleType, ...],
        budget_ms: float = 4.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pending = _attributes(modules)
        self._budget = budget_ms / 1000
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._on_timer_timeout)
        self.done = False
        self.touched = 0
        self._started = 0.0

    def start(self) -> None:
        self._started = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    @Slot()
    def _on_timer_timeout(self) -> None:
        deadline = time.perf_counter() + self._budget
        for cls, attribute in self._pending:
            try:
                getattr(cls, attribute)
            except Exception:  # an attribute that cannot be read is simply not warmed
                log.debug("not warmed: %s.%s", cls.__name__, attribute)
            self.touched += 1
            if time.perf_counter() >= deadline:
                return
        self._timer.stop()
        self.done = True
        log.info(
            "Qt types warmed: %d attributes in %.1f s",
            self.touched,
            time.monotonic() - self._started,
        )
        self.finished.emit()

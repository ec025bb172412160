"""PySide's lazy classes and enums are materialised in slices, before students arrive."""

from __future__ import annotations

import time

from PySide6 import QtCore, QtGui, QtWidgets
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.ui.warmup import LazyTypeWarmer


def test_warmer_touches_every_qt_class_in_short_slices(qtbot: QtBot, qapp: QApplication) -> None:
    warmer = LazyTypeWarmer((QtCore, QtGui, QtWidgets), budget_ms=4.0)
    turns: list[float] = []
    original = warmer._on_timer_timeout

    def timed() -> None:
        started = time.perf_counter()
        original()
        turns.append((time.perf_counter() - started) * 1000)

    warmer._timer.timeout.disconnect()
    warmer._timer.timeout.connect(timed)
    with qtbot.waitSignal(warmer.finished, timeout=120_000):
        warmer.start()
    assert warmer.done and warmer.touched > 5_000
    assert len(turns) > 1  # it yielded to the event loop between slices
    # A slice stops at its budget; one attribute may overrun it (one enum class built).
    assert sorted(turns)[len(turns) // 2] < 16
    assert QtWidgets.QWizard.WizardButton.NextButton  # now an ordinary attribute

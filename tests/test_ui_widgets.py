"""Big labels on the result card: never cut off, as large as the space allows."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.ui.widgets import FitLabel


def fitted(qtbot: QtBot, text: str, width: int) -> FitLabel:
    label = FitLabel()
    qtbot.addWidget(label)
    label.resize(width, 50)
    label.set_font_range(104, 40, bold=True)
    label.setText(text)
    return label


def test_short_text_stays_one_line_at_full_size(qtbot: QtBot, qapp: QApplication) -> None:
    label = fitted(qtbot, "Ana", 600)
    assert label.font().pixelSize() == 104 and not label.wordWrap()


def test_long_headline_wraps_instead_of_being_cut(qtbot: QtBot, qapp: QApplication) -> None:
    text = "This code belongs to another academy"
    label = fitted(qtbot, text, 560)
    metrics = QFontMetrics(label.font())
    assert label.wordWrap()
    assert label.font().pixelSize() > 40  # two lines beat one tiny line
    assert label.height() >= 2 * metrics.lineSpacing()
    assert all(metrics.horizontalAdvance(word) <= 560 for word in text.split())


def test_long_name_shrinks_before_it_wraps(qtbot: QtBot, qapp: QApplication) -> None:
    label = fitted(qtbot, "Maximiliano G.", 700)
    metrics = QFontMetrics(label.font())
    assert not label.wordWrap() and metrics.horizontalAdvance(label.text()) <= 700
    assert label.font().pixelSize() >= 104 * 0.7

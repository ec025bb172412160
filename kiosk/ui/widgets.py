"""Small painted widgets shared by the screens: labels that fit, badges, belts, progress bars."""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from kiosk.ui.icons import paint_belt, paint_outcome_icon, paint_star
from kiosk.ui.theme import Glyph, Shape


class FitLabel(QLabel):
    """A one-line label whose font shrinks (down to ``min_px``) until the text fits its width.

    Names differ wildly in length; a long one must still be one readable line, not cut off.
    Text that does not fit even at ``min_px`` wraps onto more lines.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self._max_px = 40
        self._min_px = 16
        self._bold = False
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_font_range(self, max_px: int, min_px: int, bold: bool = False) -> None:
        self._max_px = max(min_px, max_px)
        self._min_px = min_px
        self._bold = bold
        self._fit()

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """One line as large as fits; if that means shrinking below 70 % of the largest size,
        two lines at a larger size read better from across the room; else the smallest size,
        wrapped."""
        font = QFont(self.font())
        font.setBold(self._bold)
        width = max(1, self.width() - 4)
        text = self.text()
        wrap_flags = int(Qt.AlignmentFlag.AlignLeft) | int(Qt.TextFlag.TextWordWrap)

        def lines_at(size: int) -> tuple[int, QFontMetrics]:
            font.setPixelSize(size)
            metrics = QFontMetrics(font)
            if metrics.horizontalAdvance(text) <= width:
                return 1, metrics
            wrapped = metrics.boundingRect(QRect(0, 0, width, 100_000), wrap_flags, text)
            return max(2, round(wrapped.height() / max(1, metrics.lineSpacing()))), metrics

        sizes = []
        size = self._max_px
        while size > self._min_px:
            sizes.append(size)
            size = max(self._min_px, int(size * 0.92))
        sizes.append(self._min_px)
        comfortable = self._max_px * 0.7
        one_line: int | None = None
        two_lines: int | None = None
        for size in sizes:  # largest first; stop at the first size that fits on one line
            count, _ = lines_at(size)
            if count == 1:
                one_line = size
                break
            if two_lines is None and count == 2 and " " in text:
                two_lines = size
        if one_line is not None and one_line >= comfortable:
            chosen = one_line
        elif two_lines is not None:
            chosen = two_lines
        else:
            chosen = one_line if one_line is not None else sizes[-1]
        lines, metrics = lines_at(chosen)
        if font != self.font():
            self.setFont(font)
        wrap = lines > 1
        if wrap != self.wordWrap():
            self.setWordWrap(wrap)
        if wrap:
            bounds = metrics.boundingRect(QRect(0, 0, width, 100_000), wrap_flags, text)
            height = bounds.height() + 4
        else:
            height = metrics.height() + 4
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)


class OutcomeBadge(QWidget):
    """The outcome's shape and glyph, in the card's inverted colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._shape = Shape.CIRCLE
        self._glyph = Glyph.CHECK
        self._fill = "#000000"
        self._ink = "#ffffff"
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_style(self, shape: Shape, glyph: Glyph, fill: str, ink: str) -> None:
        self._shape, self._glyph, self._fill, self._ink = shape, glyph, fill, ink
        self.update()

    @property
    def shape(self) -> Shape:
        return self._shape

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        side = min(self.width(), self.height())
        rect = QRectF((self.width() - side) / 2, (self.height() - side) / 2, side, side)
        paint_outcome_icon(painter, rect, self._shape, self._glyph, self._fill, self._ink)
        painter.end()


class BeltWidget(QWidget):
    """A belt in a rank's colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = "#ffffff"
        self._outline = "#000000"
        self._stripes = (0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_colors(self, color: str, outline: str) -> None:
        self._color, self._outline = color, outline
        self.update()

    def set_stripes(self, stripes: int, slots: int) -> None:
        """Stripes on the belt, of ``slots`` the rank takes (0: no rank bar)."""
        self._stripes = (stripes, slots)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(120, 40)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(2, 2, self.width() - 4, self.height() - 4)
        stripes, slots = self._stripes
        paint_belt(painter, rect, self._color, self._outline, stripes=stripes, slots=slots)
        painter.end()


class StarWidget(QWidget):
    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._color = color
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        paint_star(painter, QRectF(0, 0, self.width(), self.height()), self._color)
        painter.end()


class Meter(QWidget):
    """A thick progress bar drawn in the ink of the card it sits on.

    ``value`` is 0..1; a full bar gets a check mark at its end so completion does not depend on
    reading the numbers.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._value = 0.0
        self._ink = "#ffffff"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(28)

    @property
    def value(self) -> float:
        return self._value

    def set_value(self, value: float, ink: str) -> None:
        self._value = min(1.0, max(0.0, value))
        self._ink = ink
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        h = self.height()
        radius = h / 2
        track = QColor(self._ink)
        track.setAlphaF(0.22)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(QRectF(0, 0, self.width(), h), radius, radius)
        if self._value > 0:
            painter.setBrush(QColor(self._ink))
            width = max(h, self.width() * self._value)
            painter.drawRoundedRect(QRectF(0, 0, width, h), radius, radius)
        painter.end()


class CountdownBar(QWidget):
    """The visible countdown to the scan screen's reset: a bar that empties."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fraction = 1.0
        self._ink = "#ffffff"
        self.setFixedHeight(10)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    @property
    def fraction(self) -> float:
        return self._fraction

    def set_fraction(self, fraction: float, ink: str) -> None:
        self._fraction = min(1.0, max(0.0, fraction))
        self._ink = ink
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        color = QColor(self._ink)
        color.setAlphaF(0.8)
        painter.setBrush(color)
        h = self.height()
        painter.drawRoundedRect(QRectF(0, 0, self.width() * self._fraction, h), h / 2, h / 2)
        painter.end()


def set_ink(widget: QWidget, color: str) -> None:
    """Set a label's text colour through its palette.

    Much cheaper than a per-widget style sheet (no parsing, no re-polish): the result card
    recolours a dozen labels for every scan.
    """
    wanted = QColor(color)
    palette = widget.palette()
    if palette.color(QPalette.ColorRole.WindowText) != wanted:
        palette.setColor(QPalette.ColorRole.WindowText, wanted)
        widget.setPalette(palette)


def set_style_once(widget: QWidget, sheet: str) -> None:
    """Apply a style sheet only when it changed (re-applying one re-polishes the widget)."""
    if widget.styleSheet() != sheet:
        widget.setStyleSheet(sheet)


def set_pixel_font(widget: QWidget, px: int, bold: bool = False) -> None:
    """Set ``widget``'s font to ``px`` pixels (sizes follow the screen, not points)."""
    font = QFont(widget.font())
    if font.pixelSize() == max(8, px) and font.bold() == bold:
        return  # unchanged: setFont would still invalidate the layout
    font.setPixelSize(max(8, px))
    font.setBold(bold)
    widget.setFont(font)

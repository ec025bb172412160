"""Vector icons painted with QPainter: outcome shapes and glyphs, belts, the status dots.

Painted rather than loaded, so they are sharp at any size (a 240 px icon on a 4K screen) and
cost no files. Shapes double the colour channel: circle (good), rounded square (nothing new),
triangle (attention), octagon (stop).
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

from kiosk.ui.theme import Glyph, Shape


def shape_path(shape: Shape, rect: QRectF) -> QPainterPath:
    """The outline of ``shape`` inscribed in ``rect``."""
    path = QPainterPath()
    if shape is Shape.CIRCLE:
        path.addEllipse(rect)
    elif shape is Shape.ROUNDED_SQUARE:
        radius = rect.width() * 0.22
        path.addRoundedRect(rect, radius, radius)
    elif shape is Shape.TRIANGLE:
        top = QPointF(rect.center().x(), rect.top() + rect.height() * 0.04)
        polygon = QPolygonF(
            [
                top,
                QPointF(rect.right(), rect.bottom() - rect.height() * 0.06),
                QPointF(rect.left(), rect.bottom() - rect.height() * 0.06),
            ]
        )
        path.addPolygon(polygon)
        path.closeSubpath()
    else:  # octagon
        cx, cy = rect.center().x(), rect.center().y()
        radius = min(rect.width(), rect.height()) / 2
        points = [
            QPointF(
                cx + radius * math.cos(math.radians(22.5 + 45 * i)),
                cy + radius * math.sin(math.radians(22.5 + 45 * i)),
            )
            for i in range(8)
        ]
        path.addPolygon(QPolygonF(points))
        path.closeSubpath()
    return path


def paint_outcome_icon(
    painter: QPainter, rect: QRectF, shape: Shape, glyph: Glyph, fill: str, ink: str
) -> None:
    """Paint an outcome badge: ``shape`` filled with ``ink``, the glyph cut out in ``fill``.

    Inverting the card's colours makes the badge readable on every card colour.
    """
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(ink))
    painter.drawPath(shape_path(shape, rect))
    size = rect.width()
    pen = QPen(QColor(fill), size * 0.11)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    x, y = rect.left(), rect.top()

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(x + fx * size, y + fy * size)

    if glyph is Glyph.CHECK:
        path = QPainterPath(at(0.27, 0.52))
        path.lineTo(at(0.44, 0.68))
        path.lineTo(at(0.74, 0.36))
        painter.drawPath(path)
    elif glyph is Glyph.CLOCK:
        pen.setWidthF(size * 0.08)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(at(0.22, 0.22), at(0.78, 0.78)))
        painter.drawLine(at(0.5, 0.5), at(0.5, 0.32))
        painter.drawLine(at(0.5, 0.5), at(0.64, 0.58))
    elif glyph is Glyph.EXCLAMATION:
        # Low in the badge: the triangle's weight sits at its base.
        painter.drawLine(at(0.5, 0.42), at(0.5, 0.64))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        dot = size * 0.065
        painter.drawEllipse(at(0.5, 0.79), dot, dot)
    elif glyph is Glyph.CROSS:
        painter.drawLine(at(0.33, 0.33), at(0.67, 0.67))
        painter.drawLine(at(0.67, 0.33), at(0.33, 0.67))
    else:  # disk with a cross: "not saved"
        pen.setWidthF(size * 0.06)
        painter.setPen(pen)
        painter.drawRoundedRect(QRectF(at(0.27, 0.27), at(0.73, 0.73)), size * 0.04, size * 0.04)
        painter.drawLine(at(0.38, 0.27), at(0.38, 0.42))
        painter.drawLine(at(0.38, 0.42), at(0.62, 0.42))
        painter.drawLine(at(0.62, 0.42), at(0.62, 0.27))
        pen.setWidthF(size * 0.08)
        painter.setPen(pen)
        painter.drawLine(at(0.42, 0.52), at(0.58, 0.66))
        painter.drawLine(at(0.58, 0.52), at(0.42, 0.66))
    painter.restore()


def paint_belt(
    painter: QPainter,
    rect: QRectF,
    color: str,
    outline: str,
    *,
    stripes: int = 0,
    slots: int = 0,
) -> None:
    """A belt seen from the front: the band, two tails hanging from the knot, the knot.

    Args:
        painter: Active painter.
        rect: Where to paint (about 3:1).
        color: Belt colour (``#rrggbb``).
        outline: Outline colour (a white belt needs one on a light card, a black one on dark).
        stripes: Stripes (or degrees) on the belt, drawn as white tape on its rank bar.
        slots: How many the rank takes; 0: a belt without a rank bar. A dark belt's bar is red
            (as on a BJJ black belt), the others' black.
    """
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    pen = QPen(QColor(outline), max(1.5, rect.height() * 0.05))
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(QBrush(QColor(color)))
    h = rect.height()
    band_h = h * 0.3
    top = rect.top() + h * 0.08
    band = QRectF(rect.left(), top, rect.width(), band_h)
    painter.drawRoundedRect(band, band_h * 0.25, band_h * 0.25)
    cx = rect.center().x()
    knot_w = band_h * 1.25
    knot_bottom = top + band_h * 1.15
    tail_w = band_h * 0.78
    # Tails first, the knot over them; they splay out like a tied belt's.
    for direction in (-1, 1):
        start = cx + direction * knot_w * 0.12
        end = cx + direction * knot_w * 0.95
        tail = QPolygonF(
            [
                QPointF(start - tail_w / 2, knot_bottom - band_h * 0.3),
                QPointF(start + tail_w / 2, knot_bottom - band_h * 0.3),
                QPointF(end + tail_w / 2, rect.bottom() - pen.widthF()),
                QPointF(end - tail_w / 2, rect.bottom() - pen.widthF()),
            ]
        )
        painter.drawPolygon(tail)
    knot = QRectF(cx - knot_w / 2, top - band_h * 0.18, knot_w, band_h * 1.36)
    painter.drawRoundedRect(knot, band_h * 0.22, band_h * 0.22)
    if slots > 0:
        _paint_rank_bar(painter, band, color, min(stripes, slots), slots)
    painter.restore()


def _paint_rank_bar(painter: QPainter, band: QRectF, color: str, stripes: int, slots: int) -> None:
    """The rank bar near the belt's right end, with one white tape per stripe."""
    dark = QColor(color).lightnessF() < 0.25
    width = band.width() * 0.28
    bar = QRectF(band.right() - width - band.width() * 0.05, band.top(), width, band.height())
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#c62828" if dark else "#111111"))
    painter.drawRect(bar)
    gap = bar.width() / (slots * 2 + 1)
    painter.setBrush(QColor("#ffffff"))
    for index in range(stripes):
        left = bar.left() + gap * (1 + index * 2)
        painter.drawRect(QRectF(left, bar.top(), gap, bar.height()))


def outcome_icon(shape: Shape, glyph: Glyph, fill: str, size: int = 40) -> QIcon:
    """A result's badge for tables: the shape and glyph, in the result's colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    paint_outcome_icon(painter, QRectF(1, 1, size - 2, size - 2), shape, glyph, "#0b1220", fill)
    painter.end()
    return QIcon(pixmap)


def belt_icon(
    color: str, outline: str = "#cbd5e1", size: int = 48, *, stripes: int = 0, slots: int = 0
) -> QIcon:
    """A small belt in a rank's colour, outlined so black and white belts show on any row,
    with its stripes when the rank takes them."""
    pixmap = QPixmap(size, size // 2)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    rect = QRectF(1, 1, size - 2, size // 2 - 2)
    paint_belt(painter, rect, color, outline, stripes=stripes, slots=slots)
    painter.end()
    return QIcon(pixmap)


def paint_star(painter: QPainter, rect: QRectF, color: str) -> None:
    """A five-pointed star (the "eligible for promotion" mark)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    cx, cy = rect.center().x(), rect.center().y()
    outer = min(rect.width(), rect.height()) / 2
    inner = outer * 0.45
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.radians(-90 + 36 * i)
        points.append(QPointF(cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    painter.drawPolygon(QPolygonF(points))
    painter.restore()


def paint_logo(painter: QPainter, rect: QRectF, background: str, ink: str, initials: str) -> None:
    """The tenant's tile when it has no logo: its initials on its brand colour."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(background))
    radius = rect.height() * 0.22
    painter.drawRoundedRect(rect, radius, radius)
    font = painter.font()
    font.setPixelSize(max(8, round(rect.height() * 0.46)))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(ink))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, initials)
    painter.restore()

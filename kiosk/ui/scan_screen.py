"""The scan screen: live preview with a framing guide, and the result card of the last scan.

Readable from two metres: sizes follow the screen height (a 1080p screen gets a ~90 px name),
every outcome has its colour, shape and icon, and an eligible student gets a gold ribbon and a
star. The screen only displays: :class:`~kiosk.ui.controller.ScanController` decides what and
for how long.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt, Slot
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.domain.decision import OUTCOME_HEADLINE, Outcome
from kiosk.domain.model import Rank, StripeKind
from kiosk.services.checkin import ScanResult
from kiosk.ui.bridges import FrameBridge
from kiosk.ui.i18n import note_text, outcome_advice, outcome_headline, stripes_text
from kiosk.ui.theme import PALETTE, TONE_STYLES, ToneStyle, style_for
from kiosk.ui.widgets import (
    BeltWidget,
    CountdownBar,
    FitLabel,
    Meter,
    OutcomeBadge,
    StarWidget,
    set_ink,
    set_pixel_font,
    set_style_once,
)

translate = QCoreApplication.translate


def _local_time(instant: datetime | None, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%H:%M") if instant else ""


class PreviewWidget(QWidget):
    """The camera picture (already scaled on the camera thread) and a framing guide.

    The guide is a square with bright corners; outside it the picture is dimmed, so people see
    where to hold the code. After a result the corners take the result's colour for a moment.
    """

    def __init__(
        self,
        frames: FrameBridge | None,
        parent: QWidget | None = None,
        *,
        drives_size: bool = True,
    ) -> None:
        super().__init__(parent)
        self._frames = frames
        self._drives_size = drives_size
        self._image: QImage | None = None
        self._camera_state = "opening"
        self._guide_color = PALETTE.accent
        self._hint = translate("ScanScreen", "Hold your QR code inside the frame")
        self.setAccessibleName(translate("ScanScreen", "Camera preview"))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self._overlays: dict[tuple[object, ...], QPixmap] = {}
        self._overlay_size = (0, 0)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if frames is not None:
            frames.frame_shown.connect(self._on_frames_frame_shown)
            frames.status_changed.connect(self._on_frames_status_changed)
            self._camera_state = frames.state
            self._image = frames.current
        self.painted = 0

    @property
    def camera_state(self) -> str:
        return self._camera_state

    def set_guide_color(self, color: str | None) -> None:
        self._guide_color = color or PALETTE.accent
        self.update()

    @Slot()
    def _on_frames_frame_shown(self) -> None:
        if self._frames is not None and self.isVisible():
            self._image = self._frames.current
            self.update()

    @Slot(str, str)
    def _on_frames_status_changed(self, state: str, detail: str) -> None:
        self._camera_state = state
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._frames is not None and self._drives_size:
            ratio = self.devicePixelRatioF()
            self._frames.set_target(round(self.width() * ratio), round(self.height() * ratio))

    def paintEvent(self, event: QPaintEvent) -> None:
        self.painted += 1
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#05080f"))
        w, h = self.width(), self.height()
        if self._image is not None and self._camera_state not in ("missing", "failed"):
            image = self._image
            ratio = image.devicePixelRatio() or 1.0
            iw, ih = image.width() / ratio, image.height() / ratio
            # The camera thread scaled the frame to cover the main preview: paint it centred,
            # scaled only where this preview is another size (set-up screens).
            cover = max(w / iw, h / ih)
            if abs(cover - 1.0) > 0.02:
                iw, ih = iw * cover, ih * cover
            target = QRectF((w - iw) / 2, (h - ih) / 2, iw, ih)
            painter.drawImage(target, image)
        side = min(w, h) * 0.62
        guide = QRectF((w - side) / 2, (h - side) / 2 - h * 0.04, side, side)
        painter.drawPixmap(0, 0, self._overlay(guide))
        painter.end()

    def _overlay(self, guide: QRectF) -> QPixmap:
        """Shade, guide corners and hint, painted once per size, colour and text.

        The preview repaints 30 times a second; antialiased paths and text are the expensive
        part (~10 ms), and they change only with the size, the result colour and the state.
        """
        hint_state = (self._camera_state in ("missing", "failed"), self._image is None)
        size = (self.width(), self.height())
        key = (self._guide_color, hint_state, self._hint)
        if self._overlay_size != size:
            self._overlays.clear()  # one overlay per guide colour, until the size changes
            self._overlay_size = size
        cached = self._overlays.get(key)
        if cached is None:
            ratio = self.devicePixelRatioF()
            pixmap = QPixmap(round(self.width() * ratio), round(self.height() * ratio))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            self._paint_guide(painter, guide)
            self._paint_hint(painter, guide)
            painter.end()
            self._overlays[key] = cached = pixmap
        return cached

    def _paint_guide(self, painter: QPainter, guide: QRectF) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        outside = QPainterPath()
        outside.addRect(QRectF(self.rect()))
        hole = QPainterPath()
        hole.addRoundedRect(guide, guide.width() * 0.06, guide.width() * 0.06)
        shade = QColor("#000000")
        shade.setAlphaF(0.45)
        painter.fillPath(outside.subtracted(hole), shade)
        pen = QPen(QColor(self._guide_color), max(4.0, guide.width() * 0.025))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        arm = guide.width() * 0.18
        left, top, right, bottom = guide.left(), guide.top(), guide.right(), guide.bottom()
        for x, y, dx, dy in (
            (left, top, 1, 1),
            (right, top, -1, 1),
            (left, bottom, 1, -1),
            (right, bottom, -1, -1),
        ):
            painter.drawLine(int(x), int(y), int(x + dx * arm), int(y))
            painter.drawLine(int(x), int(y), int(x), int(y + dy * arm))

    def _hint_text(self) -> str:
        if self._camera_state in ("missing", "failed"):
            return translate(
                "ScanScreen", "Camera not available: use the scanner or see the front desk"
            )
        if self._image is None:
            return translate("ScanScreen", "Starting the camera…")
        return self._hint

    def _paint_hint(self, painter: QPainter, guide: QRectF) -> None:
        font = painter.font()
        font.setBold(True)
        largest = max(14, round(self.height() * 0.045))
        smallest = max(14, largest * 2 // 3)
        width = self.width() - 64
        text_now = self._hint_text()
        # One line when it fits at two thirds of the size or more; wrapped at that size if not.
        size = largest
        while size > smallest:
            font.setPixelSize(size)
            if QFontMetrics(font).horizontalAdvance(text_now) <= width:
                break
            size -= 2
        font.setPixelSize(size)
        painter.setFont(font)
        text = text_now
        if self._camera_state in ("missing", "failed"):
            color = PALETTE.warn
        elif self._image is None:
            color = PALETTE.muted
        else:
            color = PALETTE.ink
        area = QRectF(16, guide.bottom() + 8, self.width() - 32, self.height() - guide.bottom() - 8)
        back = QColor("#000000")
        back.setAlphaF(0.55)
        metrics = painter.fontMetrics()
        text_rect = metrics.boundingRect(
            area.toRect(), int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(back)
        painter.drawRoundedRect(QRectF(text_rect).adjusted(-14, -6, 14, 6), 10, 10)
        painter.setPen(QColor(color))
        painter.drawText(area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), text)


class IdlePanel(QFrame):
    """What the right side shows between scans: how to check in."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("idlePanel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 40, 48, 40)
        layout.setSpacing(18)
        self.title = FitLabel(translate("ScanScreen", "Check in"))
        self.title.setAccessibleName(translate("ScanScreen", "Check in"))
        self.subtitle = QLabel(
            translate("ScanScreen", "Welcome! Show your code to start the class")
        )
        self.subtitle.setWordWrap(True)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addSpacing(20)
        self._steps: list[tuple[QLabel, QLabel]] = []
        steps = (
            translate("ScanScreen", "Open your QR code in the TatamiTech app, or take your card"),
            translate("ScanScreen", "Hold it inside the frame, about 20 cm from the camera"),
            translate("ScanScreen", "Wait for the check mark, then off to the mat"),
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(26)
        for row, text in enumerate(steps):
            number = QLabel(str(row + 1))
            number.setAlignment(Qt.AlignmentFlag.AlignCenter)
            number.setObjectName("stepNumber")
            label = QLabel(text)
            label.setWordWrap(True)
            grid.addWidget(number, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            self._steps.append((number, label))
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)
        self.footer = QLabel(
            translate(
                "ScanScreen", "Phone or printed card, both work. Trouble? The front desk helps."
            )
        )
        self.footer.setWordWrap(True)
        self.footer.setProperty("role", "muted")
        layout.addWidget(self.footer)
        self.demo_note = QLabel()
        self.demo_note.setWordWrap(True)
        self.demo_note.setVisible(False)
        self.demo_note.setObjectName("demoNote")
        layout.addWidget(self.demo_note)

    def set_welcome(self, tenant_name: str) -> None:
        if tenant_name:
            self.subtitle.setText(
                translate("ScanScreen", "Welcome to %1! Show your code to start the class").replace(
                    "%1", tenant_name
                )
            )

    def set_demo_note(self, text: str) -> None:
        self.demo_note.setText(text)
        self.demo_note.setVisible(bool(text))

    def apply_scale(self, unit: float) -> None:
        self.title.set_font_range(round(96 * unit), round(40 * unit), bold=True)
        set_pixel_font(self.subtitle, round(38 * unit))
        for number, label in self._steps:
            set_pixel_font(number, round(40 * unit), bold=True)
            side = round(72 * unit)
            number.setFixedSize(side, side)
            number.setStyleSheet(
                f"background: {PALETTE.accent}; color: {PALETTE.accent_ink};"
                f" border-radius: {side // 2}px;"
            )
            set_pixel_font(label, round(36 * unit))
        set_pixel_font(self.footer, round(28 * unit))
        set_pixel_font(self.demo_note, round(26 * unit), bold=True)
        self.demo_note.setStyleSheet(
            f"background: {PALETTE.surface_raised}; color: {PALETTE.ink};"
            f" border-radius: {round(10 * unit)}px; padding: {round(12 * unit)}px;"
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(PALETTE.surface))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 28, 28)
        painter.end()


class ProgressRow(QWidget):
    """ "Classes 11 of 16" with a bar: one requirement on the way to the next belt."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setHorizontalSpacing(16)
        layout.setVerticalSpacing(6)
        self.label = QLabel()
        self.value = QLabel()
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.meter = Meter()
        layout.addWidget(self.label, 0, 0)
        layout.addWidget(self.value, 0, 1)
        layout.addWidget(self.meter, 1, 0, 1, 2)

    def set_progress(self, label: str, value: str, fraction: float, ink: str, muted: str) -> None:
        self.label.setText(label)
        self.value.setText(value)
        for widget, color in ((self.label, muted), (self.value, ink)):
            set_ink(widget, color)
        self.meter.set_value(fraction, ink)
        self.setAccessibleName(f"{label}: {value}")

    def apply_scale(self, unit: float) -> None:
        set_pixel_font(self.label, round(32 * unit))
        set_pixel_font(self.value, round(34 * unit), bold=True)
        self.meter.setFixedHeight(max(10, round(26 * unit)))


class ResultCard(QFrame):
    """One scan's result, big: badge, headline, name, belt and stripes, progress, eligibility
    (belt or stripe), class notices (late, the class's minimum belt, does not count),
    countdown."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("resultCard")
        self._style: ToneStyle = TONE_STYLES[next(iter(TONE_STYLES))]
        self._eligible = False
        self._unit = 1.0
        self.result: ScanResult | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(44, 36, 44, 24)
        outer.setSpacing(14)
        # Stretch above the content: 0 for student results (top-aligned, room for progress),
        # 1 for problems (a centred message reads better than one stuck at the top).
        outer.addStretch(0)
        self._outer = outer

        top = QHBoxLayout()
        top.setSpacing(30)
        self.badge = OutcomeBadge()
        top.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        texts = QVBoxLayout()
        texts.setSpacing(4)
        self.kicker = FitLabel()
        self.big = FitLabel()
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        texts.addWidget(self.kicker)
        texts.addWidget(self.big)
        texts.addWidget(self.advice)
        top.addLayout(texts, 1)
        outer.addLayout(top)

        self.ribbon = QFrame()
        self.ribbon.setObjectName("eligibleRibbon")
        ribbon_layout = QHBoxLayout(self.ribbon)
        ribbon_layout.setContentsMargins(20, 12, 20, 12)
        ribbon_layout.setSpacing(16)
        self.star = StarWidget(PALETTE.eligible_ink)
        self.ribbon_text = QLabel()
        self.ribbon_text.setWordWrap(True)
        ribbon_layout.addWidget(self.star)
        ribbon_layout.addWidget(self.ribbon_text, 1)
        outer.addWidget(self.ribbon)

        self.rank_row = QWidget()
        rank_layout = QHBoxLayout(self.rank_row)
        rank_layout.setContentsMargins(0, 8, 0, 0)
        rank_layout.setSpacing(14)
        self.belt = BeltWidget()
        self.rank_label = QLabel()
        self.arrow = QLabel("→")
        self.next_belt = BeltWidget()
        self.next_label = QLabel()
        for widget in (self.belt, self.rank_label, self.arrow, self.next_belt, self.next_label):
            rank_layout.addWidget(widget)
        rank_layout.addStretch(1)
        outer.addWidget(self.rank_row)

        self.classes = ProgressRow()
        self.days = ProgressRow()
        outer.addWidget(self.classes)
        outer.addWidget(self.days)
        self.steps = QLabel()
        self.steps.setWordWrap(True)
        outer.addWidget(self.steps)
        self.stripe_line = QLabel()
        self.stripe_line.setWordWrap(True)
        outer.addWidget(self.stripe_line)
        self.class_label = QLabel()
        self.class_label.setWordWrap(True)
        outer.addWidget(self.class_label)
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setObjectName("cardNotice")
        outer.addWidget(self.notice)
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setObjectName("cardHelp")
        outer.addWidget(self.help)
        outer.addStretch(1)
        self.countdown_label = QLabel()
        self.countdown = CountdownBar()
        outer.addWidget(self.countdown_label)
        outer.addWidget(self.countdown)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # -- content ----------------------------------------------------------------------------

    @property
    def tone_style(self) -> ToneStyle:
        return self._style

    @property
    def eligible(self) -> bool:
        return self._eligible

    def show_result(self, result: ScanResult, zone: ZoneInfo) -> None:
        """Fill the card for ``result`` (times shown in the tenant's ``zone``)."""
        self.result = result
        style = style_for(result.outcome, result.tone)
        self._style = style
        self._eligible = result.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE) and result.eligible
        ink, muted = style.ink, style.muted_ink
        self.badge.set_style(style.shape, style.glyph, style.fill, ink)
        name = result.display_name or ""
        outcome = result.outcome
        not_set_up = (
            outcome is Outcome.UNKNOWN_STUDENT and result.headline != OUTCOME_HEADLINE[outcome]
        )
        if outcome is Outcome.ACCEPTED:
            kicker, big = outcome_headline(outcome), name or outcome_headline(outcome)
            advice = outcome_advice(outcome)
        elif outcome is Outcome.DUPLICATE:
            when = _local_time(result.previous_at, zone)
            kicker = (
                translate("ScanScreen", "Already checked in at %1").replace("%1", when)
                if when
                else outcome_headline(outcome)
            )
            big = name or outcome_headline(outcome)
            advice = outcome_advice(outcome)
        elif not_set_up:
            kicker = ""
            big = translate("Outcome", "Kiosk not set up yet")
            advice = translate("Outcome", "Please see the front desk")
        else:
            kicker, big, advice = name, outcome_headline(outcome), outcome_advice(outcome)
        self.kicker.setText(kicker)
        self.kicker.setVisible(bool(kicker))
        self.big.setText(big)
        self.advice.setText(advice)
        for label, color in ((self.kicker, muted), (self.big, ink), (self.advice, ink)):
            set_ink(label, color)
        self._show_rank(result, ink, muted)
        self._show_progress(result, ink, muted)
        self._show_eligible(result)
        starts = _local_time(result.class_starts_at, zone)
        if result.class_name:
            text = translate("ScanScreen", "Class: %1").replace("%1", result.class_name)
            self.class_label.setText(f"{text} · {starts}" if starts else text)
        self.class_label.setVisible(bool(result.class_name))
        set_ink(self.class_label, ink)
        self._show_notice(result, starts, ink)
        student_result = outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        self._outer.setStretch(0, 0 if student_result else 1)
        help_text = "" if student_result else _help_for(outcome)
        self.help.setText(help_text)
        self.help.setVisible(bool(help_text))
        set_style_once(
            self.help,
            f"#cardHelp {{ color: {ink}; border-top: 2px solid {muted}; padding-top: 14px; }}",
        )
        set_ink(self.countdown_label, muted)
        self.setAccessibleName(" ".join(t for t in (kicker, big) if t))
        self.setAccessibleDescription(advice)
        self.apply_scale(self._unit)
        self.update()

    def _show_rank(self, result: ScanResult, ink: str, muted: str) -> None:
        rank, next_rank = result.rank, result.next_rank
        show = rank is not None and result.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        self.rank_row.setVisible(show)
        if not show or rank is None:
            return
        self.belt.set_colors(rank.color, ink)
        self.belt.set_stripes(result.stripes, result.max_stripes)
        self.rank_label.setText(_belt_name(rank))
        if result.max_stripes:
            self.rank_row.setAccessibleName(
                f"{_belt_name(rank)}, {stripes_text(result.stripes, result.stripe_kind)}"
            )
        has_next = next_rank is not None
        for widget in (self.arrow, self.next_belt, self.next_label):
            widget.setVisible(has_next)
        if next_rank is not None:
            self.next_belt.set_colors(next_rank.color, ink)
            self.next_label.setText(_belt_name(next_rank))
        for label in (self.rank_label, self.arrow, self.next_label):
            set_ink(label, ink)

    def _show_progress(self, result: ScanResult, ink: str, muted: str) -> None:
        eligibility = result.eligibility
        stats = eligibility.stats if eligibility else None
        show_classes = stats is not None and bool(stats.classes_required)
        show_days = stats is not None and bool(stats.days_required)
        self.classes.setVisible(show_classes)
        self.days.setVisible(show_days)
        if stats is not None and show_classes:
            self.classes.set_progress(
                translate("ScanScreen", "Classes since last promotion"),
                translate("ScanScreen", "%1 of %2")
                .replace("%1", str(stats.classes_attended))
                .replace("%2", str(stats.classes_required)),
                stats.classes_progress,
                ink,
                muted,
            )
        if stats is not None and show_days:
            self.days.set_progress(
                translate("ScanScreen", "Days in this belt"),
                translate("ScanScreen", "%1 of %2")
                .replace("%1", str(stats.days_in_rank))
                .replace("%2", str(stats.days_required)),
                stats.days_progress,
                ink,
                muted,
            )
        steps = eligibility.next_steps if eligibility and not self._eligible else ()
        if steps:
            text = translate("ScanScreen", "Next: %1").replace(
                "%1", " · ".join(note_text(n) for n in steps[:3])
            )
            self.steps.setText(text)
        self.steps.setVisible(bool(steps))
        set_ink(self.steps, ink)
        self._show_stripe_progress(result, ink)

    def _show_stripe_progress(self, result: ScanResult, ink: str) -> None:
        """Stripes on the belt, and what the next one still needs (a due one is in the
        ribbon instead)."""
        stripe = result.stripe_eligibility
        student = result.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        text = ""
        # A due stripe is the ribbon's news (the belt drawing shows the stripes held): the card
        # keeps its room for the rest.
        due = stripe is not None and stripe.eligible
        if student and result.max_stripes and not due:
            degree = result.stripe_kind is StripeKind.DEGREE
            held = (
                translate("ScanScreen", "Degrees: %1 of %2")
                if degree
                else translate("ScanScreen", "Stripes: %1 of %2")
            )
            text = held.replace("%1", str(result.stripes)).replace("%2", str(result.max_stripes))
            pending = [] if stripe is None or stripe.eligible else list(stripe.next_steps[:2])
            if pending:
                following = translate("ScanScreen", "next: %1").replace(
                    "%1", " · ".join(note_text(n) for n in pending)
                )
                text += " · " + following
        self.stripe_line.setText(text)
        self.stripe_line.setVisible(bool(text))
        set_ink(self.stripe_line, ink)

    def _show_notice(self, result: ScanResult, starts: str, ink: str) -> None:
        """Class rules, said plainly: late, the class's minimum belt, does not count."""
        lines = []
        if result.tardy and result.outcome is Outcome.ACCEPTED:
            lines.append(
                translate("ScanScreen", "Late: the class began at %1").replace("%1", starts)
            )
        if result.min_rank is not None:
            lines.append(
                translate("ScanScreen", "This class is for %1 and up").replace(
                    "%1", _belt_name(result.min_rank)
                )
            )
        if result.class_name and not result.counts and result.outcome is Outcome.ACCEPTED:
            lines.append(translate("ScanScreen", "This class does not count toward promotion"))
        self.notice.setText("\n".join(lines))
        self.notice.setVisible(bool(lines))
        set_style_once(
            self.notice,
            f"#cardNotice {{ color: {ink}; border: 3px solid {ink}; border-radius: 12px;"
            " padding: 8px 14px; font-weight: 700; }",
        )

    def _show_eligible(self, result: ScanResult) -> None:
        student = result.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE)
        stripe_due = student and not self._eligible and result.stripe_eligible
        self.ribbon.setVisible(self._eligible or stripe_due)
        if stripe_due:
            degree = result.stripe_kind is StripeKind.DEGREE
            text = (
                translate("ScanScreen", "Eligible for a new degree!")
                if degree
                else translate("ScanScreen", "Eligible for a new stripe!")
            )
        elif not self._eligible:
            return
        elif result.next_rank is not None:
            text = translate("ScanScreen", "Eligible for promotion to %1!").replace(
                "%1", _belt_name(result.next_rank)
            )
        else:
            text = translate("ScanScreen", "Eligible for promotion!")
        text += " " + translate("ScanScreen", "Talk to your instructor.")
        self.ribbon_text.setText(text)
        set_style_once(
            self.ribbon,
            f"#eligibleRibbon {{ background: {PALETTE.eligible}; border-radius: 14px; }}"
            f" QLabel {{ color: {PALETTE.eligible_ink}; font-weight: 700; }}",
        )

    def set_countdown(self, fraction: float, seconds_left: int) -> None:
        self.countdown.set_fraction(fraction, self._style.ink)
        self.countdown_label.setText(
            translate("ScanScreen", "Next student: just scan · resets in %1 s").replace(
                "%1", str(max(0, seconds_left))
            )
        )

    # -- look -------------------------------------------------------------------------------

    def apply_scale(self, unit: float) -> None:
        self._unit = unit
        problem = self.result is not None and self.result.outcome not in (
            Outcome.ACCEPTED,
            Outcome.DUPLICATE,
        )
        badge = round((240 if problem else 200) * unit)
        self.badge.setFixedSize(badge, badge)
        self.kicker.set_font_range(round(46 * unit), round(24 * unit), bold=True)
        self.big.set_font_range(round(104 * unit), round(40 * unit), bold=True)
        set_pixel_font(self.advice, round(38 * unit))
        set_pixel_font(self.ribbon_text, round(36 * unit), bold=True)
        star = round(56 * unit)
        self.star.setFixedSize(star, star)
        for belt in (self.belt, self.next_belt):
            belt.setFixedSize(round(150 * unit), round(54 * unit))
        for label in (self.rank_label, self.next_label, self.arrow):
            set_pixel_font(label, round(40 * unit), bold=True)
        self.classes.apply_scale(unit)
        self.days.apply_scale(unit)
        set_pixel_font(self.steps, round(32 * unit))
        set_pixel_font(self.stripe_line, round(30 * unit))
        set_pixel_font(self.class_label, round(32 * unit))
        set_pixel_font(self.notice, round(30 * unit), bold=True)
        set_pixel_font(self.help, round(30 * unit))
        set_pixel_font(self.countdown_label, round(24 * unit))
        self.countdown.setFixedHeight(max(6, round(12 * unit)))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(2, 2, -2, -2)
        radius = 28.0
        painter.setPen(Qt.PenStyle.NoPen)
        if self._eligible:
            # A gold frame around the whole card: the "eligible" state reads from afar.
            painter.setBrush(QColor(PALETTE.eligible))
            painter.drawRoundedRect(rect, radius, radius)
            border = max(8.0, 14 * self._unit)
            rect = rect.adjusted(border, border, -border, -border)
            radius -= border / 2
        painter.setBrush(QColor(self._style.fill))
        painter.drawRoundedRect(rect, radius, radius)
        painter.end()


def _help_for(outcome: Outcome) -> str:
    """A last line for problem results: where help is (never blame, always a way forward)."""
    if outcome is Outcome.NOT_SAVED:
        return translate(
            "ScanScreen", "Please scan once more. If it happens again, tell the front desk."
        )
    if outcome is Outcome.WRONG_TENANT:
        return translate("ScanScreen", "Visiting? The front desk can check you in.")
    if outcome in (Outcome.CLASS_CLOSED, Outcome.RANK_RESTRICTED):
        return translate("ScanScreen", "Your instructor or the front desk can check you in.")
    return translate("ScanScreen", "No phone or card? The front desk can check you in by name.")


def _belt_name(rank: Rank) -> str:
    return translate("ScanScreen", "%1 belt").replace("%1", rank.name)


class ScanScreen(QWidget):
    """Preview on the left, the idle panel or the last result on the right."""

    def __init__(self, frames: FrameBridge | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = PreviewWidget(frames)
        self.idle = IdlePanel()
        self.card = ResultCard()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.idle)
        self.stack.addWidget(self.card)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 24)
        layout.setSpacing(24)
        layout.addWidget(self.preview, 44)
        layout.addWidget(self.stack, 56)
        self._zone = ZoneInfo("UTC")
        self.setAccessibleName(translate("ScanScreen", "Check-in screen"))

    @property
    def showing_result(self) -> bool:
        return self.stack.currentWidget() is self.card

    def set_time_zone(self, zone: ZoneInfo) -> None:
        self._zone = zone

    def show_result(self, result: ScanResult) -> None:
        self.card.show_result(result, self._zone)
        self.stack.setCurrentWidget(self.card)
        self.preview.set_guide_color(self.card.tone_style.fill)

    def show_idle(self) -> None:
        self.stack.setCurrentWidget(self.idle)
        self.preview.set_guide_color(None)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        unit = max(0.45, min(self.height() / 960, self.width() / 1800))
        self.idle.apply_scale(unit)
        self.card.apply_scale(unit)

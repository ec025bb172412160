"""The status strip across the top of the kiosk: tenant, connection, queue, roster, clock.

Each pill pairs a word with a colour, so the state reads without colour vision. The staff
button on the right is the only way into the staff screens (behind a PIN).
"""

from __future__ import annotations

import base64
from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from kiosk.services.sync import RosterFreshness, SyncStatus
from kiosk.ui.i18n import format_date_time, format_time
from kiosk.ui.icons import paint_logo
from kiosk.ui.theme import PALETTE, parse_hex, readable_ink
from kiosk.ui.widgets import set_pixel_font, set_style_once

translate = QCoreApplication.translate


class Pill(QLabel):
    """A rounded status label. ``level``: ``ok``, ``info``, ``warn``, ``bad``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.level = "info"
        self._shown: tuple[str, str, float] | None = None
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_state(self, text: str, level: str, unit: float) -> None:
        if (text, level, unit) == self._shown:
            return  # the strip refreshes often; a style sheet re-polish is not free
        self._shown = (text, level, unit)
        self.level = level
        self.setText(text)
        self.setAccessibleName(text)
        background = {
            "ok": PALETTE.surface_raised,
            "info": PALETTE.surface_raised,
            "warn": PALETTE.pill_offline,
            "bad": PALETTE.pill_bad,
        }[level]
        ink = PALETTE.good if level == "ok" else readable_ink(background)
        if level == "info":
            ink = PALETTE.ink
        pad_v, pad_h = round(6 * unit), round(16 * unit)
        set_style_once(
            self,
            f"background: {background}; color: {ink}; border-radius: {round(16 * unit)}px;"
            f" padding: {pad_v}px {pad_h}px; font-weight: 700;",
        )
        self.setVisible(bool(text))


class LogoTile(QWidget):
    """The tenant's logo, or its initials on its brand colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmap: QPixmap | None = None
        self._initials = "TT"
        self._color = "#b71c1c"

    def set_tenant(self, name: str, color: str, logo_png_b64: str) -> None:
        words = [w for w in name.replace("-", " ").split() if w]
        self._initials = "".join(w[0] for w in words[:2]).upper() or "TT"
        self._color = _valid_color(color, "#b71c1c")
        self._pixmap = None
        if logo_png_b64:
            pixmap = QPixmap()
            try:
                data = base64.b64decode(logo_png_b64, validate=True)
            except ValueError:
                data = b""
            if data and pixmap.loadFromData(data):
                self._pixmap = pixmap
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(0, 0, self.width(), self.height())
        if self._pixmap is not None:
            scaled = self._pixmap.scaled(
                self.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
            painter.drawPixmap(
                (self.width() - scaled.width()) // 2, (self.height() - scaled.height()) // 2, scaled
            )
        else:
            paint_logo(painter, rect, self._color, readable_ink(self._color), self._initials)
        painter.end()


def _valid_color(color: str, fallback: str) -> str:
    try:
        parse_hex(color)
    except ValueError:
        return fallback
    return color


class StatusStrip(QFrame):
    """Tenant, connection, upload queue, last sync, roster age, clock skew, camera, time.

    Signals:
        staff_requested(): The staff button was pressed.
    """

    staff_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self._unit = 1.0
        self._zone = ZoneInfo("UTC")
        self._brand = "#b71c1c"
        self._status: SyncStatus | None = None
        self._connected = False
        self._camera = ("live", "")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(24, 14, 20, 10)
        layout.setSpacing(14)
        self.logo = LogoTile()
        self.tenant_label = QLabel("TatamiTech")
        self.tenant_label.setAccessibleName(translate("StatusStrip", "Academy"))
        layout.addWidget(self.logo)
        layout.addWidget(self.tenant_label)
        layout.addSpacing(12)
        self.connection = Pill()
        self.queue = Pill()
        self.last_sync = Pill()
        self.roster = Pill()
        self.skew = Pill()
        self.camera = Pill()
        for pill in self.pills:
            layout.addWidget(pill)
        layout.addStretch(1)
        self.clock_label = QLabel()
        self.clock_label.setAccessibleName(translate("StatusStrip", "Time"))
        layout.addWidget(self.clock_label)
        self.staff_button = QPushButton(translate("StatusStrip", "Staff"))
        self.staff_button.setAccessibleName(translate("StatusStrip", "Staff menu (PIN needed)"))
        self.staff_button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.staff_button.clicked.connect(self._on_staff_button_clicked)
        layout.addWidget(self.staff_button)
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._on_clock_timeout)
        self._clock.start()
        self._now: datetime | None = None
        self._on_clock_timeout()

    @property
    def pills(self) -> tuple[Pill, ...]:
        return (self.connection, self.queue, self.last_sync, self.roster, self.skew, self.camera)

    def pill_texts(self) -> list[str]:
        return [p.text() for p in self.pills if p.isVisibleTo(self) and p.text()]

    @Slot()
    def _on_staff_button_clicked(self) -> None:
        self.staff_requested.emit()

    @Slot()
    def _on_clock_timeout(self) -> None:
        now = datetime.now(self._zone)
        self.clock_label.setText(now.strftime("%H:%M"))

    def set_tenant(self, name: str, color: str, logo_png_b64: str, zone: ZoneInfo) -> None:
        self._zone = zone
        self._brand = _valid_color(color, "#b71c1c")
        self.tenant_label.setText(name or "TatamiTech")
        self.logo.set_tenant(name, self._brand, logo_png_b64)
        self._on_clock_timeout()
        self.update()

    def set_camera_state(self, state: str, detail: str) -> None:
        self._camera = (state, detail)
        self._refresh()

    def set_status(self, status: SyncStatus, connected: bool, now: datetime) -> None:
        """Show a sync status. ``connected``: this kiosk has a backend to sync with."""
        self._status = status
        self._connected = connected
        self._now = now
        self._refresh()

    def _refresh(self) -> None:
        u = self._unit
        status = self._status
        state, _detail = self._camera
        if state in ("missing", "failed"):
            self.camera.show_state(translate("StatusStrip", "Camera not available"), "bad", u)
        else:
            self.camera.show_state("", "info", u)
        if status is None:
            for pill in (self.connection, self.queue, self.last_sync, self.roster, self.skew):
                pill.show_state("", "info", u)
            return
        if status.staff_needed:
            self.connection.show_state(translate("StatusStrip", "Staff needed: sign in"), "bad", u)
        elif not self._connected:
            self.connection.show_state(translate("StatusStrip", "Offline mode"), "info", u)
        elif status.online:
            self.connection.show_state("● " + translate("StatusStrip", "Online"), "ok", u)
        else:
            self.connection.show_state(
                translate("StatusStrip", "Offline: check-ins are kept here"), "warn", u
            )
        waiting = status.pending
        parked = status.parked
        if parked:
            self.queue.show_state(
                translate("StatusStrip", "%n check-ins need staff", None, parked), "bad", u
            )
        elif waiting:
            self.queue.show_state(
                "⇡ " + translate("StatusStrip", "%n to upload", None, waiting), "info", u
            )
        else:
            self.queue.show_state("", "info", u)
        synced = status.last_upload_at or status.last_pull_at
        if synced is not None and self._connected:
            self.last_sync.show_state(
                translate("StatusStrip", "Synced %1").replace("%1", self._when(synced)), "info", u
            )
        else:
            self.last_sync.show_state("", "info", u)
        self._show_roster(status)
        if status.clock_skew_warning:
            minutes = max(1, round(abs(status.clock_offset_ms) / 60000))
            self.skew.show_state(
                translate("StatusStrip", "Clock off by %n min", None, minutes), "warn", u
            )
        else:
            self.skew.show_state("", "info", u)

    def _show_roster(self, status: SyncStatus) -> None:
        u = self._unit
        freshness = status.roster_freshness
        if freshness is RosterFreshness.NONE:
            self.roster.show_state(translate("StatusStrip", "No roster: staff needed"), "bad", u)
        elif freshness is RosterFreshness.TOO_OLD:
            self.roster.show_state(
                translate("StatusStrip", "Roster too old: staff needed"), "bad", u
            )
        elif freshness is RosterFreshness.STALE:
            age = self._age_text(status.roster_pulled_at)
            self.roster.show_state(
                translate("StatusStrip", "Roster %1 old").replace("%1", age), "warn", u
            )
        else:
            self.roster.show_state(translate("StatusStrip", "Roster up to date"), "info", u)

    def _when(self, instant: datetime) -> str:
        local = instant.astimezone(self._zone)
        now = (self._now or datetime.now(self._zone)).astimezone(self._zone)
        if local.date() == now.date():
            return format_time(local, self._zone)
        return format_date_time(local, self._zone)

    def _age_text(self, instant: datetime | None) -> str:
        if instant is None or self._now is None:
            return "?"
        hours = max(0, int((self._now - instant).total_seconds() // 3600))
        days = hours // 24
        if days >= 2:
            return translate("StatusStrip", "%n days", None, days)
        return translate("StatusStrip", "%n hours", None, hours)

    def apply_scale(self, unit: float) -> None:
        self._unit = unit
        side = round(52 * unit)
        self.logo.setFixedSize(side, side)
        set_pixel_font(self.tenant_label, round(30 * unit), bold=True)
        for pill in self.pills:
            set_pixel_font(pill, round(22 * unit), bold=True)
        set_pixel_font(self.clock_label, round(34 * unit), bold=True)
        set_pixel_font(self.staff_button, round(22 * unit), bold=True)
        self.staff_button.setStyleSheet(
            f"QPushButton {{ background: {PALETTE.surface_raised}; color: {PALETTE.muted};"
            f" border: 2px solid {PALETTE.border}; border-radius: {round(12 * unit)}px;"
            f" padding: {round(8 * unit)}px {round(18 * unit)}px; }}"
            f" QPushButton:focus {{ border: 3px solid {PALETTE.focus}; }}"
        )
        self._refresh()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(PALETTE.surface))
        # The tenant's colour as a band on top: branding without putting text on it.
        band = max(4, round(6 * self._unit))
        painter.fillRect(0, 0, self.width(), band, QColor(self._brand))
        painter.fillRect(0, self.height() - 1, self.width(), 1, QColor(PALETTE.border))
        painter.end()

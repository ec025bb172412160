"""Colours, contrast and type of the kiosk: readable from two metres, safe for colour-blind eyes.

Every outcome has a colour *and* a shape *and* an icon (:mod:`kiosk.ui.icons`), so no one has to
tell red from green. Text colours are chosen against their background for a WCAG contrast of at
least 4.5:1 (``tests/test_ui_theme.py`` checks every pair used here). "Not saved" is red, never
green.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kiosk.domain.decision import Outcome, Tone


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def parse_hex(color: str) -> tuple[int, int, int]:
    """``#rrggbb`` (or ``#rgb``) as integers; raises ValueError for anything else."""
    text = color.strip().lstrip("#")
    if len(text) == 3:
        text = "".join(ch * 2 for ch in text)
    if len(text) != 6:
        raise ValueError(f"not a #rrggbb colour: {color!r}")
    return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)


def relative_luminance(color: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""
    r, g, b = parse_hex(color)
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    a, b = relative_luminance(foreground), relative_luminance(background)
    light, dark = max(a, b), min(a, b)
    return (light + 0.05) / (dark + 0.05)


#: Text on dark surfaces and on light ones.
INK_LIGHT = "#f8fafc"
INK_DARK = "#0b1220"


def readable_ink(background: str) -> str:
    """The text colour (near-white or near-black) with the better contrast on ``background``."""
    if contrast_ratio(INK_LIGHT, background) >= contrast_ratio(INK_DARK, background):
        return INK_LIGHT
    return INK_DARK


class Shape(StrEnum):
    """The outline of an outcome icon: a second channel besides colour."""

    CIRCLE = "circle"  # all good
    ROUNDED_SQUARE = "rounded_square"  # fine, nothing new
    TRIANGLE = "triangle"  # attention
    OCTAGON = "octagon"  # stop


class Glyph(StrEnum):
    """The symbol inside an outcome icon."""

    CHECK = "check"
    CLOCK = "clock"
    EXCLAMATION = "exclamation"
    CROSS = "cross"
    DISK_CROSS = "disk_cross"  # not saved


@dataclass(frozen=True, slots=True)
class ToneStyle:
    """How one tone looks: card fill, its text, icon shape and glyph."""

    fill: str
    ink: str
    muted_ink: str
    shape: Shape
    glyph: Glyph


# Fills picked for luminance steps that survive deuteranopia and protanopia: dark green, light
# lime, bright amber, dark red. The test suite checks the ink contrast of each.
TONE_STYLES: dict[Tone, ToneStyle] = {
    Tone.GREEN: ToneStyle("#166534", INK_LIGHT, "#dcfce7", Shape.CIRCLE, Glyph.CHECK),
    Tone.AMBER_GREEN: ToneStyle("#c5e063", INK_DARK, "#1a2e05", Shape.ROUNDED_SQUARE, Glyph.CLOCK),
    Tone.AMBER: ToneStyle("#ea8c00", INK_DARK, "#2a1800", Shape.TRIANGLE, Glyph.EXCLAMATION),
    Tone.RED: ToneStyle("#d32f2f", INK_LIGHT, "#ffffff", Shape.OCTAGON, Glyph.CROSS),
}

#: Not saved is its own style: red with a disk-and-cross, so it never reads as a plain "no".
NOT_SAVED_STYLE = ToneStyle("#7f1d1d", INK_LIGHT, "#fecaca", Shape.OCTAGON, Glyph.DISK_CROSS)


def style_for(outcome: Outcome, tone: Tone) -> ToneStyle:
    """The style of a result: by tone, with "not saved" forced to its red style."""
    if outcome is Outcome.NOT_SAVED:
        return NOT_SAVED_STYLE
    return TONE_STYLES[tone]


@dataclass(frozen=True, slots=True)
class Palette:
    """Screen colours (dark theme: the camera picture and the result colours stand out)."""

    window: str = "#0b1220"
    surface: str = "#162033"
    surface_raised: str = "#22304a"
    border: str = "#3a4a66"
    ink: str = INK_LIGHT
    muted: str = "#cbd5e1"
    accent: str = "#7dd3fc"
    accent_ink: str = INK_DARK
    focus: str = "#facc15"
    eligible: str = "#facc15"
    eligible_ink: str = INK_DARK
    good: str = "#4ade80"
    warn: str = "#fbbf24"
    bad: str = "#f87171"
    pill_offline: str = "#f59e0b"
    pill_bad: str = "#b91c1c"
    pill_neutral: str = "#22304a"
    progress_track: str = "#0b1220"


PALETTE = Palette()

#: Text/background pairs the UI uses, for the contrast test (foreground, background, what).
TEXT_PAIRS: tuple[tuple[str, str, str], ...] = (
    (PALETTE.ink, PALETTE.window, "text on window"),
    (PALETTE.muted, PALETTE.window, "muted text on window"),
    (PALETTE.ink, PALETTE.surface, "text on surface"),
    (PALETTE.muted, PALETTE.surface, "muted text on surface"),
    (PALETTE.ink, PALETTE.surface_raised, "text on raised surface"),
    (PALETTE.muted, PALETTE.surface_raised, "muted on raised surface"),
    (PALETTE.accent_ink, PALETTE.accent, "primary button"),
    (PALETTE.eligible_ink, PALETTE.eligible, "eligible ribbon"),
    (PALETTE.good, PALETTE.surface, "online indicator text"),
    (PALETTE.warn, PALETTE.surface, "warning text"),
    (PALETTE.bad, PALETTE.surface, "error text"),
    (readable_ink(PALETTE.pill_offline), PALETTE.pill_offline, "offline pill"),
    (readable_ink(PALETTE.pill_bad), PALETTE.pill_bad, "staff-needed pill"),
    (PALETTE.ink, PALETTE.pill_neutral, "neutral pill"),
    *(
        pair
        for tone, style in TONE_STYLES.items()
        for pair in (
            (style.ink, style.fill, f"{tone.value} card text"),
            (style.muted_ink, style.fill, f"{tone.value} card secondary text"),
        )
    ),
    (NOT_SAVED_STYLE.ink, NOT_SAVED_STYLE.fill, "not saved card text"),
    (NOT_SAVED_STYLE.muted_ink, NOT_SAVED_STYLE.fill, "not saved secondary text"),
)

#: The UI font stack: DejaVu/Noto for Latin, Droid Sans Fallback or Noto CJK for Japanese.
FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Noto Sans CJK JP", "Droid Sans Fallback"]


def stylesheet(scale: float = 1.0, icons: str = "") -> str:
    """The application style sheet for staff screens (the scan screen paints itself).

    Args:
        scale: Multiplies sizes (a 1080p screen is 1.0).
        icons: Directory of the check and chevron SVGs ("" draws none).
    """
    p = PALETTE

    def px(value: float) -> int:
        return max(1, round(value * scale))

    def icon(name: str) -> str:
        return f"image: url({icons}/{name});" if icons else ""

    # No rule for plain QWidget: the scan screen paints its own colours and sets its own font
    # sizes (a style sheet font size would override them).
    return f"""
QDialog {{ background: {p.window}; color: {p.ink}; }}
QLabel {{ background: transparent; }}
QLabel[role="muted"] {{ color: {p.muted}; }}
QLabel[role="title"] {{ font-size: {px(34)}px; font-weight: 700; }}
QLabel[role="subtitle"] {{ font-size: {px(24)}px; font-weight: 600; }}
QLabel[role="error"] {{ color: {p.bad}; font-weight: 600; }}
QLabel[role="ok"] {{ color: {p.good}; font-weight: 600; }}
QLabel[role="warn"] {{ color: {p.warn}; font-weight: 600; }}
QPushButton {{
    background: {p.surface_raised}; color: {p.ink}; border: 2px solid {p.border};
    border-radius: {px(10)}px; padding: {px(10)}px {px(22)}px; min-height: {px(34)}px;
}}
QPushButton:hover {{ border-color: {p.accent}; }}
QPushButton:focus {{ border: 3px solid {p.focus}; }}
QPushButton:disabled {{ color: {p.muted}; border-color: {p.surface_raised}; }}
QPushButton[role="primary"] {{
    background: {p.accent}; color: {p.accent_ink}; border-color: {p.accent}; font-weight: 700;
}}
QPushButton[role="primary"]:focus {{ border: 3px solid {p.focus}; }}
QPushButton[role="primary"]:disabled {{
    background: {p.surface_raised}; color: {p.muted}; border-color: {p.border};
}}
QPushButton[role="danger"] {{
    background: {p.pill_bad}; color: {INK_LIGHT}; border-color: {p.pill_bad};
}}
QPushButton[role="key"] {{
    font-size: {px(38)}px; font-weight: 700; min-width: {px(110)}px; min-height: {px(86)}px;
}}
QLineEdit, QSpinBox, QDoubleSpinBox, QComboBox, QPlainTextEdit {{
    background: {p.surface}; color: {p.ink}; border: 2px solid {p.border};
    border-radius: {px(8)}px; padding: {px(8)}px; selection-background-color: {p.accent};
    selection-color: {p.accent_ink};
}}
QLineEdit:focus, QSpinBox:focus, QDoubleSpinBox:focus, QComboBox:focus,
QPlainTextEdit:focus {{
    border: 3px solid {p.focus};
}}
QLineEdit:disabled, QSpinBox:disabled, QDoubleSpinBox:disabled, QComboBox:disabled,
QCheckBox:disabled, QRadioButton:disabled {{
    color: {p.muted}; border-color: {p.surface_raised};
}}
QComboBox QAbstractItemView {{ background: {p.surface}; color: {p.ink}; }}
QCheckBox, QRadioButton {{ spacing: {px(12)}px; padding: {px(4)}px; }}
QCheckBox:focus, QRadioButton:focus {{ color: {p.focus}; }}
QCheckBox::indicator, QRadioButton::indicator {{
    width: {px(26)}px; height: {px(26)}px; border: 2px solid {p.muted};
    background: {p.surface}; border-radius: {px(6)}px;
}}
QRadioButton::indicator {{ border-radius: {px(15)}px; }}
QCheckBox::indicator:checked {{
    background: {p.accent}; border-color: {p.accent}; {icon("check.svg")}
}}
QRadioButton::indicator:checked {{
    border-color: {p.accent};
    background: qradialgradient(cx: 0.5, cy: 0.5, radius: 0.5, fx: 0.5, fy: 0.5,
        stop: 0 {p.accent}, stop: 0.55 {p.accent}, stop: 0.62 {p.surface}, stop: 1 {p.surface});
}}
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border-color: {p.focus}; }}
QComboBox::drop-down {{ width: {px(36)}px; border: none; }}
QComboBox::down-arrow {{ {icon("chevron-down.svg")} width: {px(22)}px; height: {px(22)}px; }}
QAbstractSpinBox::up-button, QAbstractSpinBox::down-button {{
    width: {px(30)}px; border: none; background: {p.surface_raised};
}}
QAbstractSpinBox::up-arrow {{ {icon("chevron-up.svg")} width: {px(18)}px; height: {px(18)}px; }}
QAbstractSpinBox::down-arrow {{
    {icon("chevron-down.svg")} width: {px(18)}px; height: {px(18)}px;
}}
QDoubleSpinBox, QSpinBox {{ padding-right: {px(34)}px; }}
QSlider::groove:horizontal {{
    height: {px(10)}px; background: {p.surface_raised}; border-radius: {px(5)}px;
}}
QSlider::handle:horizontal {{
    background: {p.accent}; width: {px(28)}px; margin: -{px(10)}px 0; border-radius: {px(14)}px;
}}
QListWidget#steps {{ font-size: {px(24)}px; }}
QListWidget#steps::item {{ padding: {px(14)}px {px(10)}px; border-radius: {px(8)}px; }}
QListWidget#steps::item:selected {{
    background: {p.accent}; color: {p.accent_ink}; font-weight: 700;
}}
QTabWidget::pane {{ border: 2px solid {p.border}; border-radius: {px(8)}px; top: -2px; }}
QTabBar::tab {{
    background: {p.surface}; color: {p.muted}; padding: {px(12)}px {px(26)}px;
    border: 2px solid {p.border}; border-bottom: none; margin-right: {px(4)}px;
    border-top-left-radius: {px(8)}px; border-top-right-radius: {px(8)}px;
}}
QTabBar::tab:selected {{ background: {p.surface_raised}; color: {p.ink}; font-weight: 700; }}
QTabBar::tab:focus {{ color: {p.focus}; }}
QTableWidget, QTableView, QListWidget, QTreeWidget {{
    background: {p.surface}; alternate-background-color: {p.surface_raised};
    color: {p.ink}; gridline-color: {p.border}; border: 2px solid {p.border};
    border-radius: {px(8)}px; selection-background-color: {p.accent};
    selection-color: {p.accent_ink};
}}
QTableWidget:focus, QListWidget:focus {{ border: 3px solid {p.focus}; }}
QListWidget::item {{ padding: {px(10)}px {px(8)}px; }}
QTableWidget {{ font-size: {px(21)}px; }}
QHeaderView::section {{
    background: {p.surface_raised}; color: {p.ink}; padding: {px(8)}px; border: none;
    font-weight: 700;
}}
QProgressBar {{
    background: {p.progress_track}; border: 2px solid {p.border}; border-radius: {px(8)}px;
    text-align: center; color: {p.ink}; min-height: {px(26)}px;
}}
QProgressBar::chunk {{ background: {p.accent}; border-radius: {px(6)}px; }}
QGroupBox {{
    border: 2px solid {p.border}; border-radius: {px(10)}px; margin-top: {px(18)}px;
    padding: {px(14)}px; font-weight: 700;
}}
QGroupBox::title {{ subcontrol-origin: margin; left: {px(14)}px; padding: 0 {px(6)}px; }}
QScrollBar:vertical {{ background: {p.surface}; width: {px(18)}px; }}
QScrollBar::handle:vertical {{ background: {p.border}; border-radius: {px(8)}px; }}
"""


def apply_theme(app: object, scale: float = 1.0, icons: str = "") -> None:
    """Palette, font and style sheet for the whole application.

    Args:
        app: The ``QApplication``.
        scale: Screen height / 1080, clamped by the caller.
        icons: Directory of the style sheet's SVG icons.
    """
    from PySide6.QtGui import QColor, QFont, QPalette
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    p = PALETTE
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: p.window,
        QPalette.ColorRole.WindowText: p.ink,
        QPalette.ColorRole.Base: p.surface,
        QPalette.ColorRole.AlternateBase: p.surface_raised,
        QPalette.ColorRole.Text: p.ink,
        QPalette.ColorRole.Button: p.surface_raised,
        QPalette.ColorRole.ButtonText: p.ink,
        QPalette.ColorRole.Highlight: p.accent,
        QPalette.ColorRole.HighlightedText: p.accent_ink,
        QPalette.ColorRole.ToolTipBase: p.surface_raised,
        QPalette.ColorRole.ToolTipText: p.ink,
        QPalette.ColorRole.PlaceholderText: p.muted,
        QPalette.ColorRole.BrightText: p.ink,
    }
    for role, color in roles.items():
        palette.setColor(role, QColor(color))
    # Fusion draws every control from the palette: the same dark look on every desktop.
    app.setStyle("Fusion")
    app.setPalette(palette)
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPixelSize(max(12, round(20 * scale)))
    app.setFont(font)
    app.setStyleSheet(stylesheet(scale, icons))

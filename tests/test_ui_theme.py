"""Colours and shapes: readable (WCAG ≥ 4.5:1) and distinguishable without colour vision."""

from __future__ import annotations

import itertools
import wave
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication

from kiosk.adapters.paths import resource_dir
from kiosk.domain.decision import OUTCOME_TONE, Outcome, Tone
from kiosk.domain.ports import ScanSource
from kiosk.services.checkin import ScanResult
from kiosk.ui.sounds import SOUND_NAMES, sound_for
from kiosk.ui.theme import (
    NOT_SAVED_STYLE,
    TEXT_PAIRS,
    TONE_STYLES,
    contrast_ratio,
    readable_ink,
    relative_luminance,
    style_for,
)
from tests import ui_support as ui
from tests.ui_support import now


@pytest.fixture(autouse=True)
def _no_leaks(qapp: QApplication) -> Iterator[None]:
    with ui.no_leaked_windows():
        yield


def test_contrast_formula_matches_wcag_reference_values() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert relative_luminance("#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(("ink", "background", "what"), TEXT_PAIRS)
def test_every_text_colour_pair_has_at_least_4_5_to_1(ink: str, background: str, what: str) -> None:
    assert contrast_ratio(ink, background) >= 4.5, what


def test_tones_differ_by_shape_glyph_and_lightness_not_only_hue() -> None:
    styles = [*TONE_STYLES.values(), NOT_SAVED_STYLE]
    assert len({(s.shape, s.glyph) for s in styles}) == len(styles)
    # Lightness steps survive colour blindness: no two card colours look alike in grey.
    lightness = sorted(relative_luminance(s.fill) for s in TONE_STYLES.values())
    assert all(b / max(a, 1e-3) > 1.3 for a, b in itertools.pairwise(lightness))


def test_not_saved_is_never_green() -> None:
    green = TONE_STYLES[Tone.GREEN]
    for tone in Tone:
        style = style_for(Outcome.NOT_SAVED, tone)
        assert style == NOT_SAVED_STYLE and style.fill != green.fill
        assert style.shape != green.shape and style.glyph != green.glyph


def test_tenant_colours_get_readable_text() -> None:
    for brand in ("#b71c1c", "#1565c0", "#fdd835", "#ffffff", "#212121"):
        assert contrast_ratio(readable_ink(brand), brand) >= 4.5


@pytest.mark.parametrize("outcome", list(Outcome))
def test_every_outcome_has_a_sound_and_the_file_is_a_short_wav(outcome: Outcome) -> None:
    result = ScanResult(
        outcome=outcome,
        tone=OUTCOME_TONE[outcome],
        headline="",
        message="",
        source=ScanSource.CAMERA,
        scanned_at=now(),
    )
    name = sound_for(result)
    assert name in SOUND_NAMES
    with wave.open(str(resource_dir() / "sounds" / f"{name}.wav")) as sound:
        seconds = sound.getnframes() / sound.getframerate()
        assert 0.2 < seconds < 2.0 and sound.getnchannels() == 1

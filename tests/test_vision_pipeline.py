"""The decode pipeline on kiosk-sized frames: small, big, inverted codes; never a false read."""

from __future__ import annotations

import random

import numpy as np
import pytest

from kiosk.adapters.decoders import DecoderEngine, ZxingEngine, available_engines, make_engine
from kiosk.adapters.scan_pipeline import DecodePipeline, default_engine_name
from kiosk.adapters.synthetic import qr_version
from tests.vision_support import card_image, code_frame, jws_like, lobby_frames

USABLE = [name for name, reason in available_engines().items() if reason is None]


@pytest.fixture
def pipeline() -> DecodePipeline:
    return DecodePipeline.default()


def test_default_engine_is_zxing() -> None:
    assert default_engine_name() == "zxing"


def test_platform_token_needs_version_13_to_15() -> None:
    text = jws_like(random.Random(1))
    assert 13 <= qr_version(text) <= 15
    assert 13 <= qr_version(text, error="m") <= 15


def test_a_code_is_read_by_the_plain_engine_on_the_greyscale_frame(
    pipeline: DecodePipeline,
) -> None:
    for side, seed in ((440, 2), (140, 3)):
        text = jws_like(random.Random(seed))
        result = pipeline.run(code_frame(text, qr_side=side, seed=seed))
        assert result.texts == [text]
        assert result.stage == "full"


def test_stills_are_retried_upscaled(pipeline: DecodePipeline) -> None:
    # 98 px for 81 modules: too small for the engine on the frame; the still's retry reads it.
    text = jws_like(random.Random(7))
    frame = code_frame(text, qr_side=98, seed=7)
    assert pipeline.run(frame).texts == []
    read = pipeline.run(frame, thorough=True)
    assert read.texts == [text] and read.stage == "retry"


@pytest.mark.parametrize("side", [180, 400])
def test_inverted_code_from_a_dark_mode_phone(pipeline: DecodePipeline, side: int) -> None:
    text = jws_like(random.Random(side))
    assert pipeline.run(code_frame(text, qr_side=side, inverted=True, seed=side)).texts == [text]


def engine_named(name: str) -> DecoderEngine:
    # zxing-cpp without its own inverted pass: the pipeline's retry must do the work.
    return ZxingEngine(try_invert=False) if name == "zxing, no try_invert" else make_engine(name)


@pytest.mark.parametrize("name", [n for n in USABLE if n != "zxing"] + ["zxing, no try_invert"])
def test_pipeline_inverts_for_engines_that_do_not(name: str) -> None:
    engine = engine_named(name)
    assert not engine.inverts
    text = jws_like(random.Random(380))
    frame = code_frame(text, qr_side=380, inverted=True, seed=380)
    assert engine.decode(frame) == []  # the engine alone misses a dark-mode phone
    pipeline = DecodePipeline(engine)
    # Live: every other frame gets the negative, so a held phone is read within two frames.
    results = [pipeline.run(frame) for _ in range(2)]
    assert [r.texts for r in results] == [[], [text]]
    assert results[1].stage == "inverted"
    # A still (a phone held to the lens, a photo) is read at once.
    card = card_image("TATAMI-CARD-0002", inverted=True)
    assert DecodePipeline(engine).run(card, thorough=True).texts == ["TATAMI-CARD-0002"]


def test_empty_and_garbage_frames_never_give_a_text(pipeline: DecodePipeline) -> None:
    frames = lobby_frames(12, seed=21)
    rng = np.random.default_rng(0)
    frames += [rng.integers(0, 256, (720, 1280, 3), dtype=np.uint8) for _ in range(3)]
    frames.append(np.zeros((720, 1280, 3), np.uint8))
    frames.append(np.full((720, 1280, 3), 255, np.uint8))
    for frame in frames:
        assert pipeline.run(frame, thorough=True).texts == []


def test_stills_get_the_whole_chain(pipeline: DecodePipeline) -> None:
    text = "TATAMI-CARD-0001"
    assert pipeline.run(card_image(text), thorough=True).texts == [text]
    assert pipeline.decode(card_image(text, inverted=True)) == [text]

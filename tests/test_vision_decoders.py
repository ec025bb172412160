"""Decoder engines: QR only, inverted codes, no false reads, thread safety under two threads."""

from __future__ import annotations

import random
import threading

import cv2
import numpy as np
import pytest
import segno

from kiosk.adapters.decoders import (
    ENGINE_NAMES,
    EngineUnavailable,
    available_engines,
    make_engine,
)
from tests.vision_support import card_image, jws_like, lobby_frames

USABLE = [name for name, reason in available_engines().items() if reason is None]


def test_every_engine_is_listed_with_a_reason_when_unusable() -> None:
    engines = available_engines()
    assert set(engines) == set(ENGINE_NAMES)
    assert engines["zxing"] is None  # the default must load wherever the kiosk runs
    for name, reason in engines.items():
        if reason is not None:
            assert len(reason) > 10, name
            with pytest.raises(EngineUnavailable, match=name):
                make_engine(name)


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(EngineUnavailable, match="unknown engine"):
        make_engine("tesseract")


@pytest.mark.parametrize("name", USABLE)
def test_engine_reads_a_printed_card(name: str) -> None:
    text = "https://golden-tiger.tatamitech.com/checkin?token=abc.def.ghi"
    engine = make_engine(name)
    assert engine.name == name
    assert engine.decode(card_image(text)) == [text]
    gray = cv2.cvtColor(card_image(text), cv2.COLOR_BGR2GRAY)
    assert engine.decode(gray) == [text]


def test_zxing_reads_platform_sized_tokens_and_inverted_codes() -> None:
    engine = make_engine("zxing")
    text = jws_like(random.Random(3))
    assert 370 <= len(text) <= 400
    assert engine.decode(card_image(text, module_px=4)) == [text]
    assert engine.decode(card_image(text, module_px=4, inverted=True)) == [text]


@pytest.mark.parametrize("name", USABLE)
def test_engine_says_truly_whether_it_reads_inverted_codes(name: str) -> None:
    # The pipeline adds an inverted retry for engines whose ``inverts`` is False.
    engine = make_engine(name)
    text = "TATAMI-DARK-MODE-PHONE"
    assert engine.decode(card_image(text, inverted=True)) == ([text] if engine.inverts else [])
    assert engine.inverts == (name == "zxing")


def test_zxing_ignores_micro_qr() -> None:
    # DESIGN §9: Micro QR gave the only misread; the kiosk's codes are QR Model 2.
    micro = segno.make("12345", micro=True)
    assert micro.is_micro
    rows = [[bool(v) for v in row] for row in micro.matrix_iter(scale=10, border=2)]
    gray = np.where(np.array(rows), 0, 255).astype(np.uint8)
    assert make_engine("zxing").decode(gray) == []


@pytest.mark.parametrize("name", USABLE)
def test_no_engine_reads_codes_into_noise_or_an_empty_lobby(name: str) -> None:
    engine = make_engine(name)
    rng = np.random.default_rng(5)
    frames = [rng.integers(0, 256, (480, 640, 3), dtype=np.uint8) for _ in range(3)]
    checker = np.kron((np.indices((24, 32)).sum(axis=0) % 2) * 255, np.ones((20, 20)))
    frames.append(checker.astype(np.uint8))
    frames.extend(lobby_frames(2, seed=11, size=(960, 540)))
    for frame in frames:
        assert engine.decode(frame) == []


@pytest.mark.parametrize("name", USABLE)
def test_one_engine_shared_by_two_threads(name: str) -> None:
    """Each engine documents whether it may be shared; all usable ones here may."""
    engine = make_engine(name)
    rng = random.Random(name)
    texts = [f"student-{rng.randrange(10**9)}-{i}" for i in range(6)]
    cards = [card_image(t, module_px=5) for t in texts]
    barrier = threading.Barrier(2)
    results: dict[int, list[list[str]]] = {}
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[worker] = [engine.decode(cards[(i + worker) % 6]) for i in range(24)]
        except BaseException as exc:  # reported below, in the test thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
        assert not thread.is_alive()
    assert not errors
    for worker in (0, 1):
        expected = [[texts[(i + worker) % 6]] for i in range(24)]
        assert results[worker] == expected

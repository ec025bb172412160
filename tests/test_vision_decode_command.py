"""``tatami-kiosk decode``: how staff test a printed card."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import cv2
import pytest

from kiosk.commands.decode import add_arguments, main, run_decode
from tests.vision_support import card_image, lobby_frames


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    cv2.imwrite(str(tmp_path / "a_card.png"), card_image("TATAMI-CARD-A"))
    cv2.imwrite(str(tmp_path / "b_dark.jpg"), card_image("TATAMI-CARD-B\n", inverted=True))
    (tmp_path / "readme.txt").write_text("ignored: not an image")
    return tmp_path


def test_json_lines_for_a_folder(cards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_decode([str(cards)], None, True) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [Path(r["path"]).name for r in lines] == ["a_card.png", "b_dark.jpg"]
    assert [r["texts"] for r in lines] == [["TATAMI-CARD-A"], ["TATAMI-CARD-B\n"]]
    assert all(r["ms"] > 0 and r["engine"] == "pipeline" for r in lines)


@pytest.mark.parametrize("engine", ["zxing", "opencv"])
def test_named_engine(cards: Path, engine: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_decode([str(cards / "a_card.png")], engine, True) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["texts"] == ["TATAMI-CARD-A"] and record["engine"] == engine


def test_human_output_escapes_control_characters(
    cards: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_decode([str(cards / "b_dark.jpg")], None, False) == 0
    out = capsys.readouterr().out
    assert "1 code" in out and "TATAMI-CARD-B\\n" in out


def test_no_code_and_unreadable_files_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cv2.imwrite(str(tmp_path / "lobby.png"), lobby_frames(1, seed=2, size=(640, 360))[0])
    (tmp_path / "broken.png").write_bytes(b"\x89PNG broken")
    assert run_decode([str(tmp_path / "lobby.png"), str(tmp_path / "broken.png")], None, True) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert records[0]["texts"] == [] and "error" not in records[0]
    assert records[1]["error"] == "not a readable image"


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_decode([str(tmp_path)], None, True) == 2  # empty folder
    assert run_decode([str(tmp_path)], "wechat", False) == 2
    assert run_decode([str(tmp_path)], "nope", False) == 2
    assert "unknown engine" in capsys.readouterr().out


def test_argparse_entry(cards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([str(cards / "a_card.png"), "--engine", "zxing", "--json"])
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["texts"] == ["TATAMI-CARD-A"]

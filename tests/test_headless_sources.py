"""``tatami-kiosk run --headless --source ...`` with frame sources, as an operator runs it.

Real processes, a real roster, real video files and images made here (cards rendered with segno,
independently of the kiosk's own renderer); stdout must carry only scan lines, stderr the
camera status lines and the summary.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
import segno

from tests.ops_support import kiosk as run_kiosk
from tests.ops_support import kiosk_env
from tests.support import VECTOR_ROSTER, make_token, student_id
from tests.vision_support import write_video

SIZE = (640, 360)  # small frames keep the runs quick


def kiosk(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    return run_kiosk(*args, env=kiosk_env(data_dir))


def provisioned(tmp_path: Path) -> Path:
    """A data directory holding the vector roster, imported as staff would."""
    data = tmp_path / "kiosk"
    roster = tmp_path / "roster.json"
    roster.write_text(json.dumps(VECTOR_ROSTER))
    imported = kiosk("roster", "import", str(roster), data_dir=data)
    assert imported.returncode == 0, imported.stderr
    return data


def card(student: str) -> str:
    """A valid card token for now: the headless runner checks expiry on the system clock."""
    return make_token(student, now=datetime.now(UTC), kind="card")


def background(seed: int) -> np.ndarray:
    """A lobby-ish frame: soft gradient and sensor noise, no code."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(60, 190, SIZE[0], dtype=np.float32)[None, :, None]
    noise = rng.normal(0, 6, (SIZE[1], SIZE[0], 3))
    return np.clip(ramp + noise, 0, 255).astype(np.uint8)


def held_card(text: str, seed: int = 0, side: int = 300) -> np.ndarray:
    """``text`` as a QR code on a white card, held up in front of the lobby."""
    modules = np.array(segno.make(text, error="l", micro=False).matrix, dtype=np.uint8)
    qr = np.where(modules > 0, 0, 255).astype(np.uint8)
    qr = cv2.copyMakeBorder(qr, 4, 4, 4, 4, cv2.BORDER_CONSTANT, value=255)  # quiet zone
    qr = cv2.resize(qr, (side, side), interpolation=cv2.INTER_NEAREST)
    frame = background(seed)
    top, left = (SIZE[1] - side) // 2, (SIZE[0] - side) // 2
    frame[top : top + side, left : left + side] = qr[:, :, None]
    return frame


def json_lines(text: str) -> list[dict[str, Any]]:
    """The JSON lines of a stream; console log lines (plain text) are skipped."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def check_scan_line(scan: dict[str, Any]) -> None:
    assert isinstance(scan["frame"], int) and scan["frame"] >= 0
    assert isinstance(scan["decodeMs"], float | int) and scan["decodeMs"] >= 0
    # Captured → committed includes the decode.
    assert isinstance(scan["latencyMs"], float | int) and scan["latencyMs"] >= scan["decodeMs"]
    assert scan["engine"] and scan["source"] == "camera"


def test_video_file_with_a_card_gives_one_accepted_scan(tmp_path: Path) -> None:
    data = provisioned(tmp_path)
    token = card("ana")
    empty = [background(i) for i in range(2)]
    frames = [empty[i % 2] for i in range(15)]
    frames += [held_card(token)] * 30  # one second held up: one scan, not thirty
    frames += [empty[i % 2] for i in range(15)]
    video = write_video(tmp_path / "door.avi", frames, fps=30)

    ran = kiosk("run", "--headless", "--source", f"file:{video}", data_dir=data)

    assert ran.returncode == 0, ran.stderr
    scans = [json.loads(line) for line in ran.stdout.splitlines()]  # stdout: scans only
    assert len(scans) == 1, ran.stdout
    scan = scans[0]
    assert scan["outcome"] == "accepted" and scan["studentId"] == student_id("ana")
    assert 15 <= scan["frame"] < 45
    check_scan_line(scan)
    status = json_lines(ran.stderr)
    live = next(s for s in status if s.get("camera") == "live")
    assert (live["width"], live["height"], live["fps"]) == (*SIZE, 30.0)
    assert "video door.avi (once, 30 fps)" in live["detail"]
    assert any(s.get("camera") == "ended" for s in status)  # played once, then the run ends
    summary = next(s for s in status if s.get("summary"))
    assert summary["scans"] == 1
    assert token not in ran.stderr  # no token in logs


def test_looped_video_keeps_playing_until_told_to_stop(tmp_path: Path) -> None:
    data = provisioned(tmp_path)
    frames = [background(0)] * 5 + [held_card(card("ben"))] * 5 + [background(1)] * 5
    video = write_video(tmp_path / "short.avi", frames, fps=30)  # half a second

    ran = kiosk(
        "run",
        "--headless",
        "--source",
        f"file:{video}",
        "--loop",
        "--quit-after",
        "2.5",
        data_dir=data,
    )

    assert ran.returncode == 0, ran.stderr
    scans = [json.loads(line) for line in ran.stdout.splitlines()]
    # The same card every half second is one held card: debounced to one scan.
    assert [s["outcome"] for s in scans] == ["accepted"]
    status = json_lines(ran.stderr)
    assert "looped" in next(s for s in status if s.get("camera") == "live")["detail"]
    assert not any(s.get("camera") == "ended" for s in status)
    summary = next(s for s in status if s.get("summary"))
    assert summary["captureFps"] > 10  # still delivering frames long after the file's end


def test_folder_of_images_scans_in_name_order(tmp_path: Path) -> None:
    data = provisioned(tmp_path)
    folder = tmp_path / "photos"
    folder.mkdir()
    # Written out of order: the source must sort by name, not by creation.
    cv2.imwrite(str(folder / "03-ben.jpg"), held_card(card("ben"), seed=3))
    cv2.imwrite(str(folder / "02-lobby.png"), background(2))
    cv2.imwrite(str(folder / "01-ana.png"), held_card(card("ana"), seed=1))
    (folder / "notes.txt").write_text("not an image")

    ran = kiosk("run", "--headless", "--source", f"folder:{folder}", "--fps", "10", data_dir=data)

    assert ran.returncode == 0, ran.stderr
    scans = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [(s["outcome"], s["studentId"], s["frame"]) for s in scans] == [
        ("accepted", student_id("ana"), 0),
        ("accepted", student_id("ben"), 2),
    ]
    for scan in scans:
        check_scan_line(scan)
    live = next(s for s in json_lines(ran.stderr) if s.get("camera") == "live")
    assert live["detail"] == "folder photos (3 images, 10 fps)" and live["fps"] == 10.0


def test_demo_feed_end_to_end_at_the_configured_size(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "kiosk.toml").write_text("camera_width = 640\ncamera_height = 360\n")

    ran = kiosk(
        "run",
        "--headless",
        "--demo",
        "--fps",
        "10",
        "--quit-after",
        "4",
        "--data-dir",
        str(tmp_path),
        data_dir=tmp_path,
    )

    assert ran.returncode == 0, ran.stderr
    scans = [json.loads(line) for line in ran.stdout.splitlines()]
    assert scans, ran.stderr
    for scan in scans:
        assert scan["outcome"] and scan["message"]
        check_scan_line(scan)
    live = next(s for s in json_lines(ran.stderr) if s.get("camera") == "live")
    assert (live["width"], live["height"], live["fps"]) == (640, 360, 10.0)


def test_missing_camera_is_a_clear_status_and_a_clean_exit(tmp_path: Path) -> None:
    ran = kiosk(
        "run", "--headless", "--source", "camera:99", "--quit-after", "1.5", data_dir=tmp_path
    )

    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == ""
    assert "Traceback" not in ran.stderr
    status = json_lines(ran.stderr)
    missing = [s for s in status if s.get("camera") == "missing"]
    assert missing and "camera 99 not found; retrying in" in missing[0]["detail"]
    assert status[-1]["summary"] and status[-1]["scans"] == 0


@pytest.mark.parametrize("where", ["flag", "config"])
def test_unavailable_engine_falls_back_to_the_default(tmp_path: Path, where: str) -> None:
    from kiosk.adapters.decoders import available_engines

    assert available_engines()["wechat"] is not None  # not wired: model files are not shipped
    data = provisioned(tmp_path)
    folder = tmp_path / "photos"
    folder.mkdir()
    cv2.imwrite(str(folder / "card.png"), held_card(card("ana")))
    args = ["run", "--headless", "--source", f"folder:{folder}", "--fps", "20"]
    if where == "flag":
        args += ["--engine", "wechat"]
    else:
        (data / "config").mkdir(exist_ok=True)
        (data / "config" / "kiosk.toml").write_text('decoder_engine = "wechat"\n')

    ran = kiosk(*args, data_dir=data)

    assert ran.returncode == 0, ran.stderr
    assert "Traceback" not in ran.stderr
    warning = next(s for s in json_lines(ran.stderr) if "warning" in s)
    assert warning["requested"] == "wechat"
    assert (
        "wechat" in warning["detail"] and f"scanning with {warning['engine']}" in warning["detail"]
    )
    # And the door keeps working on the default engine.
    scans = [json.loads(line) for line in ran.stdout.splitlines()]
    assert [(s["outcome"], s["engine"]) for s in scans] == [("accepted", warning["engine"])]

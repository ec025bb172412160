"""Independent test material for the benchmarks: real tokens and kiosk-like 720p videos.

Nothing here was used to tune the decode pipeline (``kiosk.adapters.synthetic`` was: its lobby,
its card renderer, its seeds). The benchmarks that judge the pipeline use this module instead:

- **Real tokens.** The reference server (``kiosk.server``, seeded as in demo mode) issues them,
  and a kiosk registered against it pulls the roster, so every text is a card the kiosk accepts:
  the 421-character JWS, the same in a URL, and the compact CWT (DESIGN §3).
  :data:`TOKEN_FORMS` names the forms a table reports, each a function of the server and a
  student; a new form is one more entry, and every table grows a row for it.
- **Footage.** :func:`write_footage` renders a fixed camera on a room of its own (a notice board,
  a shelf, a tatami floor, a doorway, people walking past) with a different card model: codes
  made by segno at the error level a phone app or printer would pick, on a phone (bezel, dark
  mode, over-bright screen) or a printed card, turned in 3D (yaw, pitch, roll), brought in and
  taken away with motion blur, held with a tremor, partly covered by a hand, out of focus as
  cheap webcams are, sometimes in low light; sensor noise, vignetting and auto-exposure drift on
  every frame; written as MJPG (what a USB webcam sends). The seed picks everything.
"""

from __future__ import annotations

import math
import random
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import segno

SIZE = (1280, 720)
FPS = 30.0

# Each form: (server, student id) -> the text in the QR. Extend here for a new token form.
TokenForm = Callable[[Any, str], str]


def _card(form: str) -> TokenForm:
    def issue(server: Any, student_id: str) -> str:
        from kiosk.domain.tokens import TokenForm as Form
        from kiosk.server.seed import GOLDEN_TIGER

        return str(server.issue_token(GOLDEN_TIGER, student_id, "card", form=Form(form)))

    return issue


def _url(server: Any, student_id: str) -> str:
    jws = _card("jws")(server, student_id)
    return f"https://golden-tiger.tatamitech.com/checkin?token={jws}"


TOKEN_FORMS: dict[str, TokenForm] = {
    "JWS": _card("jws"),
    "URL ?token=JWS": _url,
    "compact (CWT in base45)": _card("compact"),
}


@dataclass
class RealKiosk:
    """A seeded reference server, a kiosk registered against it, and cards for its students."""

    env: Any  # kiosk.demo.DemoEnvironment
    students: list[str]

    def cards(self, form: str, count: int) -> list[str]:
        """``count`` cards of distinct students in ``form`` (new attendances for the kiosk)."""
        issue = TOKEN_FORMS[form]
        return [issue(self.env.server, sid) for sid in self.students[:count]]

    @property
    def checkin(self) -> Any:
        return self.env.runtime.checkin


@contextmanager
def real_kiosk(students: int = 400) -> Iterator[RealKiosk]:
    """The reference server with ``students`` extra students, and a registered kiosk."""
    from kiosk.demo import DemoEnvironment
    from kiosk.server.seed import GOLDEN_TIGER, create_synthetic_students

    root = Path(tempfile.mkdtemp(prefix="tatami-bench-kiosk-"))
    env = DemoEnvironment.start(root)
    try:
        ids = create_synthetic_students(env.server.database, GOLDEN_TIGER, students)
        engine = env.runtime.sync.connect()
        assert engine is not None
        report = engine.pull_once()
        assert not report.error, report.error
        yield RealKiosk(env, ids)
    finally:
        env.stop()
        shutil.rmtree(root, ignore_errors=True)


def token_sizes(texts: dict[str, str]) -> list[list[object]]:
    """Rows (form, characters, QR version at M, modules) for a table."""
    rows: list[list[object]] = []
    for form, text in texts.items():
        qr = segno.make(text, micro=False, error="m", boost_error=False)
        rows.append([form, len(text), qr.version, qr.symbol_size(border=0)[0]])
    return rows


# --------------------------------------------------------------------------- the room


def _octave_noise(rng: np.random.Generator, size: tuple[int, int], amplitude: float) -> Any:
    width, height = size
    total = np.zeros((height, width), np.float32)
    for octave in range(1, 6):
        cells = (max(2, width >> (8 - octave)), max(2, height >> (8 - octave)))
        layer = rng.standard_normal((cells[1], cells[0])).astype(np.float32)
        total += cv2.resize(layer, size, interpolation=cv2.INTER_CUBIC) / octave
    return total * amplitude


FONTS = (
    cv2.FONT_HERSHEY_PLAIN,
    cv2.FONT_HERSHEY_DUPLEX,
    cv2.FONT_HERSHEY_COMPLEX,
    cv2.FONT_HERSHEY_TRIPLEX,
    cv2.FONT_HERSHEY_SCRIPT_SIMPLEX,
)


def room(seed: int, size: tuple[int, int] = SIZE) -> Any:
    """A dojo's entrance seen by the kiosk's camera (BGR), no code in it."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    width, height = size
    wall = np.array([rng.uniform(150, 225), rng.uniform(150, 220), rng.uniform(140, 215)])
    light = np.linspace(rng.uniform(0.7, 0.9), rng.uniform(1.0, 1.15), width, dtype=np.float32)
    if rng.random() < 0.5:
        light = light[::-1]
    img = np.ones((height, width, 3), np.float32) * wall * light[None, :, None]
    img += _octave_noise(nrng, size, rng.uniform(3, 8))[..., None]
    floor_y = int(height * rng.uniform(0.68, 0.8))
    # Tatami: long mats with dark borders, not a chequerboard.
    tatami = np.array([rng.uniform(90, 120), rng.uniform(150, 180), rng.uniform(150, 180)])
    img[floor_y:] = tatami * np.linspace(0.85, 1.05, height - floor_y)[:, None, None]
    x = rng.randrange(-200, 0)
    while x < width:
        mat = rng.choice((180, 360))
        cv2.rectangle(img, (x, floor_y), (x + mat, height), (30, 40, 45), 3)
        x += mat
    cv2.line(img, (0, floor_y), (width, floor_y), (60, 70, 80), 5)
    # A doorway and a shelf with trophies.
    door_x = rng.randrange(0, width - 200)
    cv2.rectangle(img, (door_x, int(height * 0.12)), (door_x + 170, floor_y), (45, 40, 38), -1)
    shelf_x = rng.randrange(0, width - 300)
    shelf_y = int(height * rng.uniform(0.25, 0.45))
    cv2.rectangle(img, (shelf_x, shelf_y), (shelf_x + 280, shelf_y + 12), (40, 70, 110), -1)
    for n in range(rng.randint(3, 7)):
        tx = shelf_x + 10 + n * 38
        th = rng.randint(30, 80)
        colour = (rng.uniform(20, 90), rng.uniform(140, 210), rng.uniform(180, 240))
        cv2.rectangle(img, (tx, shelf_y - th), (tx + 22, shelf_y), colour, -1)
        cv2.line(img, (tx + 6, shelf_y - th + 4), (tx + 6, shelf_y - 4), (240, 250, 255), 2)
    # A notice board with printed sheets: text, timetables, a logo. The code-like clutter.
    bx, by = rng.randrange(0, width - 420), rng.randrange(20, max(21, floor_y - 330))
    bw, bh = rng.randint(320, 420), rng.randint(220, 300)
    cv2.rectangle(img, (bx, by), (bx + bw, by + bh), (70, 120, 165), -1)
    for _ in range(rng.randint(3, 7)):
        sw, sh = rng.randint(70, 150), rng.randint(90, 180)
        sx, sy = bx + rng.randrange(0, bw - 60), by + rng.randrange(0, bh - 60)
        sheet = np.full((sh, sw, 3), int(rng.uniform(215, 250)), np.uint8)
        font = rng.choice(FONTS)
        if rng.random() < 0.3:  # a timetable
            for gx in range(5, sw, rng.randint(14, 24)):
                cv2.line(sheet, (gx, 20), (gx, sh - 5), (60, 60, 60), 1)
            for gy in range(20, sh, rng.randint(10, 16)):
                cv2.line(sheet, (5, gy), (sw - 5, gy), (60, 60, 60), 1)
        else:
            for line in range(rng.randint(2, 10)):
                words = "".join(rng.choice("abcdefghijklmnoprstu  ") for _ in range(14))
                cv2.putText(
                    sheet,
                    words,
                    (4, 14 + line * rng.randint(11, 16)),
                    font,
                    rng.uniform(0.3, 0.5),
                    (20, 20, 30),
                    1,
                    cv2.LINE_AA,
                )
        if rng.random() < 0.3:
            cv2.circle(sheet, (sw // 2, sh - 30), 18, (30, 30, 160), -1)
        angle = rng.uniform(-6, 6)
        rot = cv2.getRotationMatrix2D((sw / 2, sh / 2), angle, 1.0)
        rot[:, 2] += (sx, sy)
        mask = cv2.warpAffine(np.ones((sh, sw), np.float32), rot, size)
        warped = cv2.warpAffine(sheet, rot, size).astype(np.float32)
        img = img * (1 - mask[..., None]) + warped * mask[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 0.7)  # the lens
    # Vignetting of a cheap wide-angle webcam.
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    r2 = ((xs - width / 2) / (width / 2)) ** 2 + ((ys - height / 2) / (height / 2)) ** 2
    img *= (1 - 0.22 * r2)[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


# --------------------------------------------------------------------------- cards


def _card_face(text: str, rng: random.Random) -> tuple[Any, Any]:
    """The flat card or phone (BGR) and the symbol's corners on it."""
    qr = segno.make(text, micro=False, error=rng.choice(("l", "m", "m")))
    border = rng.choice((2, 3, 4, 4))
    px = 6
    rows = [[0 if v else 255 for v in row] for row in qr.matrix_iter(scale=1, border=border)]
    symbol = np.kron(np.array(rows, np.uint8), np.ones((px, px), np.uint8))
    n = qr.symbol_size(border=0)[0] * px
    phone = rng.random() < 0.6
    dark = phone and rng.random() < 0.15
    if dark:
        symbol = 255 - symbol
    side = symbol.shape[0]
    if phone:
        pad_x, pad_top, pad_bottom = rng.randint(6, 30), rng.randint(60, 120), rng.randint(80, 160)
        screen = 30 if dark else 250
        face = np.full((side + pad_top + pad_bottom, side + 2 * pad_x), screen, np.uint8)
        face[pad_top : pad_top + side, pad_x : pad_x + side] = symbol
        cv2.putText(
            face, "TATAMI", (pad_x, pad_top - 20), cv2.FONT_HERSHEY_DUPLEX, 1.0, 255 - screen, 2
        )
        bezel = rng.randint(10, 22)
        face = cv2.copyMakeBorder(face, bezel, bezel, bezel, bezel, cv2.BORDER_CONSTANT, value=12)
        ox, oy = bezel + pad_x + border * px, bezel + pad_top + border * px
        colour = cv2.cvtColor(face, cv2.COLOR_GRAY2BGR).astype(np.float32)
        colour *= np.array([1.08, 1.02, 0.95])  # bluish screen
    else:
        pad = rng.randint(20, 60)
        head = rng.randint(40, 90)
        face = np.full((side + 2 * pad + head, side + 2 * pad), 238, np.uint8)
        face[pad + head : pad + head + side, pad : pad + side] = symbol
        cv2.rectangle(face, (0, 0), (face.shape[1], head), 90, -1)
        cv2.putText(face, "GOLDEN TIGER", (10, head - 14), cv2.FONT_HERSHEY_COMPLEX, 0.9, 250, 2)
        ox, oy = pad + border * px, pad + head + border * px
        colour = cv2.cvtColor(face, cv2.COLOR_GRAY2BGR).astype(np.float32)
        colour *= np.array([rng.uniform(0.88, 1.0) for _ in range(3)])
    corners = np.array([[ox, oy], [ox + n, oy], [ox + n, oy + n], [ox, oy + n]], np.float32)
    return np.clip(colour, 0, 255), corners


@dataclass
class _Pose:
    cx: float
    cy: float
    side: float
    roll: float
    yaw: float
    pitch: float

    def quad(self, corners: Any, face_shape: tuple[int, ...]) -> tuple[Any, Any]:
        """Homography face → frame putting the symbol of side ``side`` at (cx, cy)."""
        h, w = face_shape[:2]
        centre = corners.mean(axis=0)
        scale = self.side / float(np.linalg.norm(corners[1] - corners[0]))
        outline = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        pts = np.concatenate([outline, corners]) - centre
        pts3 = np.concatenate([pts * scale, np.zeros((len(pts), 1), np.float32)], axis=1)
        cy_, sy_ = math.cos(math.radians(self.yaw)), math.sin(math.radians(self.yaw))
        cp, sp = math.cos(math.radians(self.pitch)), math.sin(math.radians(self.pitch))
        cr, sr = math.cos(math.radians(self.roll)), math.sin(math.radians(self.roll))
        rot = (
            np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
            @ np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
            @ np.array([[cy_, 0, sy_], [0, 1, 0], [-sy_, 0, cy_]])
        )
        focal = 900.0  # ~70° horizontal field of view at 1280 px
        cam = pts3 @ rot.T + np.array([0, 0, focal])
        proj = cam[:, :2] * (focal / cam[:, 2:3]) + np.array([self.cx, self.cy])
        matrix = cv2.getPerspectiveTransform(outline, proj[:4].astype(np.float32))
        return matrix, proj[4:]


@dataclass
class Presentation:
    """One card shown to the camera: its text and the frames where its symbol is in view."""

    text: str
    first: int  # first frame with the symbol fully in view
    last: int  # last such frame
    side: int


def _paste(frame: Any, face: Any, matrix: Any) -> tuple[int, int, int, int]:
    """Warp ``face`` into ``frame`` in place; returns the box it covers (x0, y0, x1, y1)."""
    h, w = face.shape[:2]
    outline = cv2.perspectiveTransform(
        np.array([[[0, 0], [w, 0], [w, h], [0, h]]], np.float32), matrix
    )[0]
    x0, y0 = np.maximum(np.floor(outline.min(axis=0)).astype(int) - 40, 0)
    x1 = min(frame.shape[1], int(outline[:, 0].max()) + 40)
    y1 = min(frame.shape[0], int(outline[:, 1].max()) + 40)
    if x1 <= x0 or y1 <= y0:
        return 0, 0, 0, 0
    shift = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], np.float64) @ matrix
    size = (int(x1 - x0), int(y1 - y0))
    warped = cv2.warpPerspective(face, shift, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.ones(face.shape[:2], np.float32), shift, size)[..., None]
    roi = frame[y0:y1, x0:x1]
    roi[:] = roi * (1 - mask) + warped * mask
    return int(x0), int(y0), int(x1), int(y1)


def _hand(frame: Any, quad: Any, rng: random.Random) -> None:
    edge = rng.randrange(4)
    a, b = quad[edge], quad[(edge + 1) % 4]
    centre = quad.mean(axis=0)
    base = a + (b - a) * rng.uniform(0.2, 0.8)
    inward = (centre - base) / max(float(np.linalg.norm(centre - base)), 1.0)
    side = float(np.linalg.norm(b - a))
    tip = base + inward * side * rng.uniform(0.0, 0.12)
    root = base - inward * side * 0.5
    skin = (rng.uniform(80, 150), rng.uniform(110, 170), rng.uniform(160, 225))
    cv2.line(frame, tuple(int(v) for v in root), tuple(int(v) for v in tip), skin, int(side * 0.14))


def _walker(frame: Any, x: float, rng_colour: tuple[float, float, float]) -> None:
    height = frame.shape[0]
    body = np.array(
        [[x - 70, height], [x - 60, height * 0.35], [x + 60, height * 0.35], [x + 70, height]],
        np.int32,
    )
    cv2.fillPoly(frame, [body], rng_colour)
    cv2.circle(frame, (int(x), int(height * 0.25)), 48, (70, 90, 130), -1)


def write_footage(
    path: Path,
    texts: list[str | None],
    seed: int,
    *,
    gap_frames: tuple[int, int] = (20, 60),
    hold_frames: tuple[int, int] = (25, 45),
    walkers: float = 0.3,
    quality: int = 80,
) -> list[Presentation]:
    """Write a 720p 30 fps MJPG video presenting ``texts`` in turn (None: a person walks by).

    Returns one :class:`Presentation` per text, in order (``first``/``last`` frame indices).
    """
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    background = room(seed).astype(np.float32)
    height, width = background.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), FPS, (width, height))
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, quality)
    frame_no = 0
    shown: list[Presentation] = []

    # Sensor noise from a pool of fields (drawing a new 720p field per frame is the slowest
    # step of the rendering; sixteen shuffled fields look the same to a decoder).
    grains = [nrng.standard_normal((height, width, 1), dtype=np.float32) for _ in range(16)]

    def emit(frame: Any, gain: float, noise: float) -> None:
        nonlocal frame_no
        drift = 1 + 0.03 * math.sin(frame_no / 47.0)
        grain = grains[rng.randrange(len(grains))] * noise
        writer.write(np.clip(frame * (gain * drift) + grain, 0, 255).astype(np.uint8))
        frame_no += 1

    for text in texts:
        for _ in range(rng.randint(*gap_frames)):
            emit(background, 1.0, 2.5)
        if text is None or rng.random() < walkers:
            colour = (rng.uniform(20, 200), rng.uniform(20, 200), rng.uniform(20, 200))
            start, step = (-100.0, 25.0) if rng.random() < 0.5 else (width + 100.0, -25.0)
            for n in range(int((width + 200) / 25)):
                frame = background.copy()
                _walker(frame, start + step * n, colour)
                emit(frame, 1.0, 2.5)
        if text is None:
            continue
        face, corners = _card_face(text, rng)
        side = rng.uniform(100, 420)
        margin = side * 0.75
        pose = _Pose(
            rng.uniform(margin, width - margin),
            rng.uniform(margin, height - margin),
            side,
            rng.uniform(-25, 25),
            rng.uniform(-35, 35),
            rng.uniform(-30, 30),
        )
        focus = rng.choice((0.0, 0.0, rng.uniform(0.6, 1.8)))
        dim = rng.random() < 0.25
        gain, noise = (rng.uniform(0.35, 0.6), rng.uniform(5, 9)) if dim else (1.0, 2.5)
        glow = rng.uniform(1.0, 1.25) if face.mean() > 120 else 1.0
        hand = rng.random() < 0.5
        bright = np.clip(face * glow, 0, 255)
        enter = rng.choice((-1, 1)) * np.array([rng.uniform(150, 400), rng.uniform(-100, 100)])
        in_frames, out_frames = rng.randint(4, 8), rng.randint(3, 6)
        hold = rng.randint(*hold_frames)
        steps = (
            [(1 - k / in_frames, True) for k in range(in_frames)]
            + [(0.0, False)] * hold
            + [(k / out_frames, True) for k in range(1, out_frames + 1)]
        )
        first = frame_no + in_frames
        previous = None
        for away, moving in steps:
            tremor = np.array([rng.gauss(0, 1.5), rng.gauss(0, 1.5)])
            offset = enter * away + tremor
            now = _Pose(
                pose.cx + offset[0],
                pose.cy + offset[1],
                pose.side,
                pose.roll + rng.gauss(0, 0.7),
                pose.yaw + rng.gauss(0, 0.7),
                pose.pitch,
            )
            matrix, quad = now.quad(corners, face.shape)
            frame = background.copy()
            x0, y0, x1, y1 = _paste(frame, bright, matrix)
            if hand:
                _hand(frame, quad, rng)
            roi = frame[y0:y1, x0:x1]
            if moving and previous is not None and roi.size:
                shift = offset - previous
                length = int(np.linalg.norm(shift))
                if length > 2:  # motion blur along the movement, on the card only
                    kernel = np.zeros((length, length), np.float32)
                    direction = shift / np.linalg.norm(shift) * (length - 1) / 2
                    mid = np.array([(length - 1) / 2, (length - 1) / 2])
                    a, b = (mid - direction).round().astype(int), (mid + direction).round()
                    cv2.line(kernel, tuple(a.tolist()), tuple(b.astype(int).tolist()), 1.0, 1)
                    roi[:] = cv2.filter2D(roi, -1, kernel / max(float(kernel.sum()), 1.0))
            if focus and roi.size:
                roi[:] = cv2.GaussianBlur(roi, (0, 0), focus)
            previous = offset
            emit(frame, gain, noise)
        shown.append(Presentation(text, first, first + hold - 1, int(side)))
    for _ in range(rng.randint(*gap_frames)):
        emit(background, 1.0, 2.5)
    writer.release()
    return shown


def read_video(path: Path) -> list[Any]:
    """Every frame of a video file (BGR), as the kiosk's file source reads them."""
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frames.append(image)
    capture.release()
    return frames

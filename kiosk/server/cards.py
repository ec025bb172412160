"""Printable QR cards: one PNG per student, or an A4 PDF sheet of wallet-size cards.

Rendered with ``segno`` only. A PNG is the QR code alone (its file name carries the student's
display name); the PDF, written by hand here (no PDF library needed), draws each QR as vector
modules with the academy's name and the student's display name under it: the printable form.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import segno


@dataclass(frozen=True, slots=True)
class Card:
    student_id: str
    display_name: str
    token: str


def _file_stem(card: Card) -> str:
    ascii_name = unicodedata.normalize("NFKD", card.display_name).encode("ascii", "ignore")
    name = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name.decode("ascii")).strip("-").lower()
    return f"{name or 'student'}-{card.student_id[:8]}"


def card_qr(token: str) -> segno.QRCode:
    """The QR symbol printed for a token: error level M, so a worn or creased card still reads.

    segno picks the mode from the text: a compact token (``TT1:`` + base45) is alphanumeric,
    ~256 characters in version 9 (53 modules); a ~420-character JWS is bytes, version 16 (81).
    """
    return segno.make_qr(token, error="m")


def write_png(cards: Sequence[Card], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for card in cards:
        path = out_dir / f"{_file_stem(card)}.png"
        card_qr(card.token).save(str(path), scale=6, border=4)
        paths.append(path)
    return paths


def _pdf_text(text: str) -> bytes:
    """A PDF string literal in WinAnsi (Latin-1 subset), escaped; other letters lose accents."""
    try:
        raw = text.encode("cp1252")
    except UnicodeEncodeError:
        raw = unicodedata.normalize("NFKD", text).encode("ascii", "ignore")
    escaped = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + escaped + b")"


_MM = 72 / 25.4
_CARD_W, _CARD_H = 85.6 * _MM, 54 * _MM * 1.6  # ID-1 width; taller, so the QR stays readable
_COLS, _ROWS = 2, 3


def _card_ops(card: Card, academy: str, x: float, y: float) -> bytes:
    qr = card_qr(card.token)
    matrix = list(qr.matrix)
    side = len(matrix)
    # Four light modules around the code (the QR quiet zone), 30 pt below it for the text.
    module = min(_CARD_W / (side + 8), (_CARD_H - 30) / (side + 8))
    size = module * side
    left = x + (_CARD_W - size) / 2
    top = y + _CARD_H - 4 * module
    ops = [b"0.6 G 0.5 w", f"{x:.2f} {y:.2f} {_CARD_W:.2f} {_CARD_H:.2f} re S".encode(), b"0 g"]
    for row_index, row in enumerate(matrix):
        run_start = None
        for col in range(side + 1):
            dark = col < side and bool(row[col])
            if dark and run_start is None:
                run_start = col
            elif not dark and run_start is not None:
                ops.append(
                    f"{left + run_start * module:.3f} {top - (row_index + 1) * module:.3f} "
                    f"{(col - run_start) * module:.3f} {module:.3f} re".encode()
                )
                run_start = None
    ops.append(b"f")
    ops.append(
        b"BT /F1 11 Tf "
        + f"{x + 8:.2f} {y + 20:.2f} Td ".encode()
        + _pdf_text(card.display_name)
        + b" Tj ET"
    )
    ops.append(
        b"BT /F1 8 Tf " + f"{x + 8:.2f} {y + 9:.2f} Td ".encode() + _pdf_text(academy) + b" Tj ET"
    )
    return b"\n".join(ops)


def write_pdf(cards: Sequence[Card], academy: str, path: Path) -> Path:
    """An A4 PDF, six cards a page, with cutting frames."""
    page_w, page_h = 595.28, 841.89
    margin_x = (page_w - _COLS * _CARD_W) / (_COLS + 1)
    margin_y = (page_h - _ROWS * _CARD_H) / (_ROWS + 1)
    per_page = _COLS * _ROWS
    pages = [cards[i : i + per_page] for i in range(0, len(cards), per_page)] or [[]]
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree exists
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids: list[int] = []
    for page in pages:
        parts = []
        for index, card in enumerate(page):
            col, row = index % _COLS, index // _COLS
            x = margin_x + col * (_CARD_W + margin_x)
            y = page_h - (row + 1) * (_CARD_H + margin_y)
            parts.append(_card_ops(card, academy, x, y))
        stream = zlib.compress(b"\n".join(parts))
        content = add(
            f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
            + stream
            + b"\nendstream"
        )
        page_ids.append(
            add(
                f"<< /Type /Page /Parent {tree} 0 R /MediaBox [0 0 {page_w} {page_h}] "
                f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {content} 0 R >>".encode()
            )
        )
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {tree} 0 R >>".encode()
    kids = " ".join(f"{pid} 0 R" for pid in page_ids)
    objects[tree - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))
    return path

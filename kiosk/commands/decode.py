"""``tatami-kiosk decode PATH... [--engine NAME] [--json]``: decode QR codes in still images.

Staff use it to test a printed card or a screenshot before a student relies on it; developers use
it to check an engine on a folder of photos. Without ``--engine`` it runs the kiosk's own pipeline
in its thorough mode (every pass and retry), so "it decodes here" means "the kiosk can read it".

Exit status: 0 when every image gave at least one code, 1 when some gave none or could not be
read, 2 for usage errors (unknown or unavailable engine, no image found).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kiosk.adapters.decoders import DecoderEngine, EngineUnavailable, make_engine
from kiosk.adapters.frames import IMAGE_SUFFIXES, load_image
from kiosk.adapters.scan_pipeline import DecodePipeline

PIPELINE = "pipeline"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``decode`` arguments to ``parser``."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="image files or folders")
    parser.add_argument(
        "--engine",
        default=None,
        help="zxing | pyzbar | opencv | opencv-aruco (default: the kiosk pipeline)",
    )
    parser.add_argument("--json", action="store_true", help="one JSON line per image")


def main(args: argparse.Namespace) -> int:
    """Run the command from parsed arguments."""
    return run_decode(list(args.paths), args.engine, bool(args.json))


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given, folders as their image files in name order (not recursive)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.iterdir() if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found


def _printable(text: str) -> str:
    """The text with control characters escaped, so a code cannot drive the terminal."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode() for ch in text)


def run_decode(paths: list[str], engine: str | None, as_json: bool) -> int:
    """Decode every image under ``paths`` and print one result per image.

    Args:
        paths: Image files or folders.
        engine: Engine name, or None (or ``pipeline``) for the kiosk pipeline.
        as_json: One JSON object per line (``path``, ``texts``, ``ms``, ``engine``, and
            ``error`` when the file is not a readable image) instead of text for people.
    """
    decoder: DecoderEngine | None = None
    pipeline: DecodePipeline | None = None
    try:
        if engine is None or engine == PIPELINE:
            pipeline = DecodePipeline.default()
        else:
            decoder = make_engine(engine)
    except EngineUnavailable as exc:
        print(f"decode: {exc}")
        return 2
    files = expand_paths(paths)
    if not files:
        print("decode: no image files found")
        return 2
    engine_name = PIPELINE if pipeline is not None else engine or PIPELINE
    status = 0
    for path in files:
        image = load_image(path)
        record: dict[str, object] = {"path": str(path), "texts": [], "ms": 0.0}
        if image is None:
            record["error"] = "not a readable image"
            status = 1
        else:
            started = time.perf_counter()
            if pipeline is not None:
                texts = pipeline.run(image, thorough=True).texts
            else:
                assert decoder is not None
                texts = decoder.decode(image)
            record["ms"] = round((time.perf_counter() - started) * 1000, 2)
            record["texts"] = texts
            if not texts:
                status = 1
        record["engine"] = engine_name
        if as_json:
            print(json.dumps(record))  # ASCII escapes: safe on any console encoding
        else:
            _print_human(record)
    return status


def _print_human(record: dict[str, object]) -> None:
    texts = record["texts"]
    assert isinstance(texts, list)
    if "error" in record:
        print(f"{record['path']}: {record['error']}")
        return
    if not texts:
        print(f"{record['path']}: no QR code found ({record['ms']} ms, {record['engine']})")
        return
    noun = "code" if len(texts) == 1 else "codes"
    print(f"{record['path']}: {len(texts)} {noun} ({record['ms']} ms, {record['engine']})")
    for text in texts:
        print(f"  {_printable(str(text))}")

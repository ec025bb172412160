"""The headless runner: scans in, one JSON line per scan out.

``tatami-kiosk run --headless --source stdin`` reads QR texts line by line, exactly as a USB
keyboard-wedge scanner types them (text, then Enter), and prints one JSON object per scan. It is
the kiosk without a screen: for smoke tests, for a scanner-only station, and for machines with no
display.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Protocol, TextIO

from kiosk.domain.ports import ScanSource


class ScanHandler(Protocol):
    def handle_scan(self, text: str, source: ScanSource) -> Any: ...


def emit(out: TextIO, payload: dict[str, Any]) -> None:
    """Write one JSON line and flush, so a reader on a pipe sees each scan at once."""
    out.write(json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n")
    out.flush()


def run_lines(
    service: ScanHandler,
    lines: Iterable[str],
    out: TextIO,
    *,
    source: ScanSource = ScanSource.WEDGE,
    should_stop: Callable[[], bool] = lambda: False,
) -> int:
    """Handle each non-blank line as one scan; returns how many scans were handled."""
    handled = 0
    for line in lines:
        if should_stop():
            break
        if not line.strip():
            continue
        result = service.handle_scan(line, source)
        emit(out, result.to_json())
        handled += 1
    return handled

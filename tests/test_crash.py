"""Crash safety under SIGKILL (see tests/crashloop.py; run it directly for more rounds)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.server.embedded import RunningServer
from tests.crashloop import crash_loop, verify
from tests.sync_support import server

__all__ = ["server"]


@pytest.mark.slow
def test_fifty_sigkills_lose_nothing_and_count_nothing_twice(
    server: RunningServer, tmp_path: Path
) -> None:
    report = crash_loop(tmp_path, server, kills=50)
    assert report.rounds == 50
    kept = verify(tmp_path, server, report)
    # The kills must have hit a kiosk at work, not only processes still starting.
    assert report.printed_accepted and kept >= len(report.printed_accepted)
    assert report.killed_before_output < 50

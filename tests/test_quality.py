"""The codebase's own rules, checked by the suite: layering, lint, types."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BIN = Path(sys.executable).parent


def run_tool(*args: str) -> subprocess.CompletedProcess[str]:
    tool = BIN / args[0]
    executable = str(tool) if tool.exists() else shutil.which(args[0])
    assert executable, f"{args[0]} is not installed (pip install -e .[test])"
    return subprocess.run(
        [executable, *args[1:]], cwd=ROOT, capture_output=True, text=True, timeout=900, check=False
    )


def test_layering_contracts_hold() -> None:
    """DESIGN §2: imports point downwards; Qt, cv2, httpx, sqlite only where they belong."""
    result = run_tool("lint-imports", "--no-cache")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower() or " 0 broken" in result.stdout.lower()


def test_ruff_is_clean() -> None:
    result = run_tool("ruff", "check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_applied() -> None:
    result = run_tool("ruff", "format", "--check", "kiosk", "tests", "bench")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_strict_on_kiosk() -> None:
    result = run_tool("mypy", "--no-incremental", "--cache-dir", "/dev/null")
    assert result.returncode == 0, result.stdout + result.stderr

"""The assets of the top-level ``resources/`` folder travel with every install of the kiosk.

``pyproject.toml`` maps ``resources/`` to the package ``kiosk.resources`` and lists the packages
(a search of ``kiosk/`` cannot discover a folder that lives beside it). These tests build the
real wheel, install it into a folder and ask the installed kiosk where its resources are; the
editable install of the test environment is checked as it is. The frozen bundle and the .deb
are checked by ``tests/test_ops_deb.py`` (the package's file list names the assets).
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from kiosk.adapters.paths import resource_dir

ROOT = Path(__file__).parent.parent
RESOURCES = ROOT / "resources"


def _assets() -> list[str]:
    """The asset files, relative to ``resources/`` (the package's own ``__init__`` aside)."""
    return sorted(
        path.relative_to(RESOURCES).as_posix()
        for path in RESOURCES.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc")
    )


def test_the_assets_are_all_there() -> None:
    assets = _assets()
    for wanted in (
        "translations/kiosk_en.qm",
        "translations/kiosk_ja.qm",
        "translations/kiosk_ja.ts",
        "sounds/accepted.wav",
        "icons/tatami-kiosk.svg",
    ):
        assert wanted in assets
    assert not (ROOT / "kiosk" / "resources").exists(), "the assets live in resources/ only"


def test_every_folder_is_a_listed_package() -> None:
    """A new subpackage (or asset folder) missing from the list would be left out of wheels."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = set(config["packages"])
    assert config["package-dir"] == {"kiosk.resources": "resources"}
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in [ROOT / "kiosk", *(ROOT / "kiosk").rglob("*")]
        if path.is_dir() and path.name != "__pycache__" and any(path.iterdir())
    }
    folders |= {
        "kiosk.resources" + "".join(f".{part}" for part in path.relative_to(RESOURCES).parts)
        for path in [RESOURCES, *RESOURCES.rglob("*")]
        if path.is_dir() and path.name != "__pycache__"
    }
    assert not folders - listed, (
        f"add {sorted(folders - listed)} to [tool.setuptools] packages in pyproject.toml"
    )
    assert not listed - folders, f"no such folders: {sorted(listed - folders)}"


def test_the_editable_install_reads_the_clone_s_resources() -> None:
    assert resource_dir() == RESOURCES.resolve()


def test_the_wheel_carries_the_assets_and_the_installed_kiosk_finds_them(
    tmp_path: Path,
) -> None:
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if built.returncode != 0 and "No matching distribution found for setuptools" in built.stderr:
        pytest.skip("no package index to fetch the build backend from")
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = tmp_path.glob("tatami_kiosk-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for asset in _assets():
        assert f"kiosk/resources/{asset}" in names, asset
    sources = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "kiosk").rglob("*.py")
        if "__pycache__" not in path.parts
    }
    assert sources <= names, sorted(sources - names)
    assert {"kiosk/py.typed", "kiosk/server/alembic.ini"} <= names
    assert not any(name.startswith("resources/") for name in names), "installed under kiosk/"

    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "-t", str(target), str(wheel)],
        capture_output=True,
        timeout=600,
        check=True,
    )
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import kiosk; from kiosk.adapters.paths import resource_dir; "
            "print(kiosk.__file__); print(resource_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
        check=True,
    )
    module, resources = found.stdout.split()
    assert Path(module).is_relative_to(target), module  # the installed copy, not the clone
    assert Path(resources) == (target / "kiosk" / "resources").resolve()
    assert (Path(resources) / "translations" / "kiosk_ja.qm").is_file()

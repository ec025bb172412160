"""The Linux package, end to end on this machine: build, install, run, remove.

Builds the PyInstaller bundle and the .deb from the current source (installer/build_deb.sh),
installs it with ``dpkg -i``, runs ``tatami-kiosk --version`` and the headless frozen smoke
(installer/smoke_frozen.sh) from the installed files, then ``dpkg -r`` and ``dpkg --purge``.
About four minutes on two cores (build ~1.5 min, package ~1 min, smoke ~45 s).

Needs root, dpkg-dev and PyInstaller in the running Python; skipped otherwise, and skipped when
a tatami-kiosk package is already installed (an operator's kiosk is never replaced by a test).
``TATAMI_DEB_REUSE=1`` packages the existing dist/tatami-kiosk instead of rebuilding it.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ops_support import ROOT

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

UNITS = ("tatami-kiosk.service", "tatami-kiosk-backup.service", "tatami-kiosk-backup.timer")


def sh(*args: str, env: dict[str, str] | None = None, timeout: float = 900) -> str:
    result = subprocess.run(
        args, capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout, check=False
    )
    assert result.returncode == 0, (
        f"{' '.join(args)}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
    )
    return result.stdout


def installed() -> bool:
    status = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", "tatami-kiosk"], capture_output=True, text=True
    )
    return status.returncode == 0 and "installed" in status.stdout


def test_deb_installs_runs_and_removes(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux") or shutil.which("dpkg-deb") is None:
        pytest.skip("needs Debian's dpkg-deb")
    if os.geteuid() != 0:
        pytest.skip("installing a package needs root")
    if shutil.which("dpkg-shlibdeps") is None:
        pytest.skip("needs dpkg-dev (dpkg-shlibdeps)")
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.skip("needs PyInstaller: pip install 'pyinstaller>=6.10'")
    if installed():
        pytest.skip("a tatami-kiosk package is installed here already; not replacing it")

    env = {**os.environ, "PYTHON": sys.executable}
    reuse = ["--reuse"] if os.environ.get("TATAMI_DEB_REUSE") == "1" else []
    built = sh(str(ROOT / "installer" / "build_deb.sh"), *reuse, env=env, timeout=1500)
    from kiosk import __version__ as version

    deb = ROOT / "dist" / f"tatami-kiosk_{version}_{sh('dpkg', '--print-architecture').strip()}.deb"
    assert deb.exists(), built

    info = sh("dpkg-deb", "--field", str(deb), "Package", "Version", "Depends")
    assert f"Version: {version}" in info and "libc6" in info and "libxcb1" in info
    contents = sh("dpkg-deb", "--contents", str(deb))
    for path in (
        "./usr/bin/tatami-kiosk -> /opt/tatami-kiosk/tatami-kiosk",
        "./opt/tatami-kiosk/tatami-kiosk",
        "./opt/tatami-kiosk/_internal/kiosk/server/alembic.ini",
        # The assets of the top-level resources/ folder, where resource_dir() looks for them.
        "./opt/tatami-kiosk/_internal/kiosk/resources/translations/kiosk_ja.qm",
        "./opt/tatami-kiosk/_internal/kiosk/resources/sounds/accepted.wav",
        "./opt/tatami-kiosk/_internal/kiosk/resources/icons/check.svg",
        "./usr/share/applications/tatami-kiosk.desktop",
        "./usr/share/icons/hicolor/scalable/apps/tatami-kiosk.svg",
        *(f"./usr/lib/systemd/user/{unit}" for unit in UNITS),
    ):
        assert path in contents, path
    # Qt modules the kiosk does not use stay out of the bundle.
    for unwanted in ("Qt6WebEngine", "Qt6Pdf", "/qml/", "libqgtk3", "Qt63D"):
        assert unwanted not in contents, unwanted

    try:
        sh("dpkg", "-i", str(deb))
        assert sh("tatami-kiosk", "--version").strip() == f"tatami-kiosk {version}"
        wants = Path("/etc/systemd/user/graphical-session.target.wants/tatami-kiosk.service")
        assert wants.is_symlink(), "the user unit is enabled for every user at install"
        assert Path("/etc/systemd/user/timers.target.wants/tatami-kiosk-backup.timer").is_symlink()
        unit = Path("/usr/lib/systemd/user/tatami-kiosk.service").read_text()
        assert "Restart=on-failure" in unit and "WantedBy=graphical-session.target" in unit
        if shutil.which("desktop-file-validate"):
            sh("desktop-file-validate", "/usr/share/applications/tatami-kiosk.desktop")
        if shutil.which("systemd-analyze"):
            # System-mode verification checks the syntax and ExecStart; no user manager runs in
            # a container to verify them as user units.
            sh("systemd-analyze", "verify", *(f"/usr/lib/systemd/user/{u}" for u in UNITS))
        smoke = sh(
            str(ROOT / "installer" / "smoke_frozen.sh"),
            "/usr/bin/tatami-kiosk",
            env={**env, "TMPDIR": str(tmp_path)},
        )
        assert "smoke: 0 failed" in smoke, smoke
        assert "FAIL" not in smoke

        sh("dpkg", "-r", "tatami-kiosk")
        assert not Path("/usr/bin/tatami-kiosk").exists()
        assert not Path("/opt/tatami-kiosk").exists()
        assert not Path("/usr/lib/systemd/user/tatami-kiosk.service").exists()
    finally:
        subprocess.run(["dpkg", "--purge", "tatami-kiosk"], capture_output=True, check=False)
    assert not installed()
    assert not Path(
        "/etc/systemd/user/graphical-session.target.wants/tatami-kiosk.service"
    ).exists()

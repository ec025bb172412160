"""Probes of the machine for ``tatami-kiosk doctor`` (cameras, decoders, disk, SQLite, keyring)
and the files of a diagnostics bundle (:class:`DiagnosticsFiles`: log tail in, zip out).

Each probe is quick and read-only: doctor runs on a kiosk that may be checking students in at
the same moment (it never opens a camera the kiosk holds on Linux without asking V4L2 first,
never writes the database, and never creates files but one probe file it removes).
"""

from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path


@dataclass(frozen=True, slots=True)
class CameraProbe:
    index: int
    found: bool
    detail: str


def probe_cameras(indexes: range = range(4), *, open_devices: bool = True) -> list[CameraProbe]:
    """Which camera indexes open and give a frame.

    On Linux the device nodes are checked first: opening an absent index through OpenCV costs
    time and prints warnings, and ``/dev/videoN`` existing is the cheap, exact answer to "is
    there a device". A present node is then opened to confirm that it delivers a frame.

    Args:
        indexes: Camera indexes to try.
        open_devices: False while a kiosk runs: its camera is busy, and opening it would report
            a working camera as broken (Linux then only reports the device nodes).
    """
    results = []
    linux = sys.platform.startswith("linux")
    for index in indexes:
        node = Path(f"/dev/video{index}")
        if linux and not node.exists():
            results.append(CameraProbe(index, False, f"{node} absent"))
            continue
        if not open_devices:
            if linux:
                results.append(CameraProbe(index, True, f"{node} present (not opened: in use)"))
            continue
        results.append(_open_camera(index, linux))
    return results


def _open_camera(index: int, linux: bool) -> CameraProbe:
    import cv2  # only when a device may exist: OpenCV costs start-up time

    if linux:
        backend = cv2.CAP_V4L2
    elif sys.platform == "win32":
        backend = cv2.CAP_DSHOW
    else:
        backend = cv2.CAP_ANY
    capture = cv2.VideoCapture(index, backend)
    try:
        if not capture.isOpened():
            return CameraProbe(index, False, "present but cannot be opened (busy or no access)")
        ok, frame = capture.read()
        if not ok or frame is None:
            return CameraProbe(index, False, "opened but delivered no frame")
        height, width = frame.shape[:2]
        return CameraProbe(index, True, f"{width}x{height}")
    finally:
        capture.release()


def package_version(distribution: str, module: str | None = None) -> str | None:
    """A package's version from its metadata, else from ``module.__version__`` (frozen builds
    may lack metadata)."""
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        pass
    if module:
        try:
            imported = __import__(module, fromlist=["__version__"])
        except ImportError:
            return None
        value = getattr(imported, "__version__", None)
        return str(value) if value else None
    return None


@dataclass(frozen=True, slots=True)
class EngineProbe:
    name: str
    available: bool
    version: str | None
    reason: str | None


_ENGINE_PACKAGES = {
    "zxing": ("zxing-cpp", "zxingcpp"),
    "pyzbar": ("pyzbar", "pyzbar"),
    "opencv": ("opencv-python-headless", "cv2"),
    "opencv-aruco": ("opencv-python-headless", "cv2"),
    "wechat": ("opencv-contrib-python", None),
}


def probe_decoders() -> list[EngineProbe]:
    from kiosk.adapters.decoders import available_engines

    probes = []
    for name, reason in available_engines().items():
        distribution, module = _ENGINE_PACKAGES.get(name, (name, None))
        version = package_version(distribution, module) if reason is None else None
        if name.startswith("opencv") and version is None and reason is None:
            import cv2

            version = str(cv2.__version__)
        probes.append(EngineProbe(name, reason is None, version, reason))
    return probes


@dataclass(frozen=True, slots=True)
class DirectoryProbe:
    path: Path
    writable: bool
    free_bytes: int | None
    detail: str


def probe_directory(path: Path) -> DirectoryProbe:
    """Writable (a probe file is created and removed) and free space of the file system."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".doctor-", delete=True) as probe:
            probe.write(b"ok")
            probe.flush()
            os.fsync(probe.fileno())
        writable, detail = True, "writable"
    except OSError as exc:
        writable, detail = False, f"not writable ({exc.strerror or exc})"
    try:
        free: int | None = shutil.disk_usage(path).free
    except OSError:
        free = None
    return DirectoryProbe(path, writable, free, detail)


def sqlite_library_version() -> str:
    return sqlite3.sqlite_version


def runtime_summary() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "frozen": "yes" if getattr(sys, "frozen", False) else "no",
        "executable": sys.executable,
    }


class DiagnosticsFiles:
    """The file side of a diagnostics bundle: the log's last lines in, a zip out.

    Implements :class:`kiosk.ui.ports.DiagnosticsPort`. The bundle's contents are made and
    redacted by :func:`kiosk.services.reception.diagnostics_files`; this only reads and writes.

    Args:
        log_file: The kiosk's current log file.
    """

    #: A bundle needs the recent past, not the whole log: read at most this much of its end.
    TAIL_BYTES = 256_000

    def __init__(self, log_file: Path) -> None:
        self.log_file = log_file

    def recent_log_lines(self, limit: int = 400) -> list[str]:
        """The last ``limit`` lines of the log (empty when there is none yet)."""
        if not self.log_file.is_file():
            return []
        with self.log_file.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - self.TAIL_BYTES))
            data = handle.read().decode("utf-8", "replace")
        return data.splitlines()[-limit:]

    def write_bundle(self, path: Path, files: Mapping[str, str]) -> Path:
        """Write the (already redacted) files into the zip at ``path``."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
            for name, text in files.items():
                bundle.writestr(name, text)
        return path

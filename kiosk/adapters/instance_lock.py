"""One kiosk per data directory: the lock file ``paths.lock_file``, compatible with QLockFile.

Two kiosks on one data directory would fight for the camera and the database; a restore under
a running kiosk would swap its database away. The GUI takes the lock with Qt's ``QLockFile``
(kiosk/gui.py); the Qt-free commands (``backup restore``) take the same file with this class,
which follows QLockFile's protocol so that each excludes the other:

* the lock file is created exclusively (``O_EXCL``) and holds ``pid``, application name and
  host name, one a line (what ``QLockFile.getLockInfo`` reads);
* on POSIX the holder also keeps an ``flock`` on it, so a file left by a crashed process is
  recognised as stale (its lock can be taken) and removed, never trusted;
* on Windows the holder keeps the file open, which stops anyone from deleting it; a file that
  can be deleted is stale;
* releasing deletes the file.
"""

from __future__ import annotations

import contextlib
import os
import socket
import sys
from pathlib import Path

APP_NAME = "tatami-kiosk"


class AlreadyRunningError(RuntimeError):
    """Another process holds the lock; the message names its pid when known."""


class InstanceLock:
    """A non-blocking exclusive lock on ``path``: :meth:`acquire` / :meth:`release`, or ``with``.

    Args:
        path: The lock file (``paths.lock_file``).
        purpose: Kept in memory for messages ("restore", "kiosk").
    """

    def __init__(self, path: Path, purpose: str = "kiosk") -> None:
        self.path = path
        self.purpose = purpose
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> bool:
        """Take the lock; False (without waiting) when a live process has it."""
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _attempt in range(2):  # once more after removing a stale file
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL | _CLOEXEC, 0o644)
            except FileExistsError:
                if _remove_if_stale(self.path):
                    continue
                return False
            if not _lock_native(fd):  # someone raced us between create and lock
                os.close(fd)
                return False
            info = f"{os.getpid()}\n{APP_NAME}\n{socket.gethostname()}\n"
            os.write(fd, info.encode())
            os.fsync(fd)
            self._fd = fd
            return True
        return False

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # Delete while still holding it (as QLockFile::unlock does), then let go.
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(fd)

    def holder(self) -> str | None:
        """``"<pid> <application> <host>"`` from the lock file, if there is one."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            return None
        text = " ".join(line for line in lines[:3] if line)
        return text or None

    def is_locked_elsewhere(self) -> bool:
        """True when another live process holds the lock right now."""
        if self._fd is not None:
            return False
        if not self.acquire():
            return True
        self.release()
        return False

    def __enter__(self) -> InstanceLock:
        if not self.acquire():
            holder = self.holder()
            who = f" (pid {holder.split()[0]})" if holder else ""
            raise AlreadyRunningError(
                f"another TatamiTech Kiosk process{who} uses this data directory; "
                "stop it first (systemctl --user stop tatami-kiosk)"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


_CLOEXEC = getattr(os, "O_CLOEXEC", 0)

if sys.platform == "win32":

    def _lock_native(fd: int) -> bool:
        # An open handle already keeps others from deleting the file: that is the lock.
        return True

    def _remove_if_stale(path: Path) -> bool:
        try:
            path.unlink()
        except FileNotFoundError:
            return True
        except PermissionError:  # open in a live process
            return False
        return True

else:
    import fcntl

    def _lock_native(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _remove_if_stale(path: Path) -> bool:
        """A lock file whose flock can be taken belongs to no live process: remove it."""
        try:
            fd = os.open(path, os.O_WRONLY | _CLOEXEC)
        except FileNotFoundError:
            return True  # gone meanwhile: try to create it again
        try:
            if not _lock_native(fd):
                return False
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            return True
        finally:
            os.close(fd)

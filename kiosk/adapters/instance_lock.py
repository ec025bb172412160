"""One kiosk per data directory: an advisory lock on ``paths.lock_file``.

Two kiosks on one data directory would fight for the camera and the database; a restore under a
running kiosk would swap its database away. Whoever needs the data directory to itself (the
kiosk's ``run``, ``backup restore``) holds this lock. The operating system drops it when the
process dies, so a crash never leaves a stale lock behind (unlike a pid file).

POSIX uses ``fcntl.flock``, Windows ``msvcrt.locking`` on the first byte.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO


class AlreadyRunningError(RuntimeError):
    """Another process holds the lock; the message names its pid when known."""


class InstanceLock:
    """A non-blocking exclusive lock on a file.

    Use as a context manager, or :meth:`acquire` / :meth:`release`.
    """

    def __init__(self, path: Path, purpose: str = "kiosk") -> None:
        self.path = path
        self.purpose = purpose
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> bool:
        """Take the lock; False (without waiting) when another process has it."""
        if self._file is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # "a+" keeps the holder's pid readable by others until we own the lock.
        handle = self.path.open("a+", encoding="utf-8")
        if not _try_lock(handle):
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()} {self.purpose}\n")
        handle.flush()
        self._file = handle
        return True

    def release(self) -> None:
        if self._file is None:
            return
        handle, self._file = self._file, None
        try:
            handle.seek(0)
            handle.truncate()
            _unlock(handle)
        finally:
            handle.close()

    def holder(self) -> str | None:
        """``"<pid> <purpose>"`` of the current holder, if it wrote one."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError:
            return None
        return text or None

    def is_locked_elsewhere(self) -> bool:
        """True when another process holds the lock right now."""
        if self._file is not None:
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


if sys.platform == "win32":
    import msvcrt

    def _try_lock(handle: IO[str]) -> bool:
        handle.seek(0)
        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        with contextlib.suppress(OSError):
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(handle: IO[str]) -> bool:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

"""The device token in the OS keyring (DESIGN §8), or in memory when there is none.

The device token is the only secret a kiosk keeps. keyring picks the platform's backend (Windows
Credential Locker, macOS Keychain, Secret Service); ``PYTHON_KEYRING_BACKEND`` chooses one
explicitly and is honoured (a headless install or CI decides deliberately). On headless Linux
there is usually no backend: the token then lives in memory only, staff log in again after a
restart, and scanning continues offline meanwhile.
"""

from __future__ import annotations

import logging

import keyring
import keyring.backend
import keyring.errors

log = logging.getLogger(__name__)

SERVICE = "tatami-kiosk"


def _usable(backend: keyring.backend.KeyringBackend) -> bool:
    """keyring's "fail" and "null" backends, or a chainer with nothing behind it, store nothing."""
    module = type(backend).__module__
    if module.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    backends = getattr(backend, "backends", None)
    if backends is not None and not backends:
        return False
    try:
        return float(backend.priority) > 0
    except Exception:  # priority raises when a backend is unavailable
        return False


class KeyringVault:
    """Implements :class:`kiosk.domain.ports.SecretVault`."""

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._persistent = _usable(self._backend)
        self._memory: dict[str, str] = {}
        if not self._persistent and backend is None:
            log.warning(
                "no usable OS keyring (%s): the device token is kept in memory only",
                type(self._backend).__name__,
            )

    @classmethod
    def memory_only(cls) -> KeyringVault:
        """A vault that never touches the OS keyring (demo mode)."""
        import keyring.backends.fail

        return cls(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]

    @property
    def persistent(self) -> bool:
        return self._persistent

    @property
    def backend_name(self) -> str:
        kind = type(self._backend)
        return f"{kind.__module__}.{kind.__name__}" if self._persistent else "memory"

    @staticmethod
    def _user(kiosk_id: str) -> str:
        return f"device-token:{kiosk_id}"

    def get_device_token(self, kiosk_id: str) -> str | None:
        if kiosk_id in self._memory:
            return self._memory[kiosk_id]
        if not self._persistent:
            return None
        try:
            return self._backend.get_password(SERVICE, self._user(kiosk_id))
        except keyring.errors.KeyringError as exc:
            log.warning("keyring read failed (%s)", type(exc).__name__)
            return None

    def set_device_token(self, kiosk_id: str, token: str) -> None:
        if self._persistent:
            try:
                self._backend.set_password(SERVICE, self._user(kiosk_id), token)
                self._memory.pop(kiosk_id, None)
                return
            except keyring.errors.KeyringError as exc:
                # A locked or broken keyring must not stop check-ins: keep it for this run.
                log.warning("keyring write failed (%s): token kept in memory", type(exc).__name__)
        self._memory[kiosk_id] = token

    def delete_device_token(self, kiosk_id: str) -> None:
        self._memory.pop(kiosk_id, None)
        if not self._persistent:
            return
        try:
            self._backend.delete_password(SERVICE, self._user(kiosk_id))
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("keyring delete failed (%s)", type(exc).__name__)

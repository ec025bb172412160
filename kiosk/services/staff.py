"""Staff and instructor PINs: hashed with scrypt, locked out with backoff that survives restarts.

Two PINs: ``staff`` (reception, settings, exit) and ``instructor`` (the eligibility board). The
staff PIN opens instructor screens too. Failures and the lockout end are kept in the store, so
pulling the plug does not reset the count.

What someone who got in may open is a :class:`StaffAccess`: a PIN gives the access of its role,
an academy account login the access of its role (:data:`ACCOUNT_ACCESS`). Assistants work the
front desk: reception only, never settings, wipe, re-registration or exit.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.domain.ports import (
    Clock,
    LedgerReader,
    LedgerWriter,
    Store,
)

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
#: Failures allowed before the first lockout, then each failure doubles the wait.
FREE_ATTEMPTS = 3
FIRST_LOCKOUT = timedelta(seconds=30)
MAX_LOCKOUT = timedelta(hours=1)


class PinRole(StrEnum):
    STAFF = "staff"
    INSTRUCTOR = "instructor"


class StaffAccess(StrEnum):
    """What a person who got past the PIN pad may open (values match :class:`PinRole`)."""

    STAFF = "staff"
    RECEPTION = "reception"
    INSTRUCTOR = "instructor"


#: The staff screens each access opens (the staff menu's choices).
SCREENS: Mapping[StaffAccess, frozenset[str]] = {
    StaffAccess.STAFF: frozenset({"reception", "board", "settings", "exit"}),
    StaffAccess.RECEPTION: frozenset({"reception"}),
    StaffAccess.INSTRUCTOR: frozenset({"board"}),
}

#: Academy account roles that may sign in at the kiosk, and what each may open. Other roles
#: (students) are refused.
ACCOUNT_ACCESS: Mapping[str, StaffAccess] = {
    "admin": StaffAccess.STAFF,
    "assistant": StaffAccess.RECEPTION,
    "instructor": StaffAccess.INSTRUCTOR,
}


class PinError(ValueError):
    """A PIN that cannot be set (too short, not digits)."""


@dataclass(frozen=True, slots=True)
class PinCheck:
    ok: bool
    role: PinRole | None = None
    locked_until: datetime | None = None
    failures: int = 0

    @property
    def locked(self) -> bool:
        return self.locked_until is not None


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


def lockout_for(failures: int) -> timedelta | None:
    if failures < FREE_ATTEMPTS:
        return None
    doublings = min(failures - FREE_ATTEMPTS, 16)
    wait: timedelta = FIRST_LOCKOUT * (2**doublings)
    return min(MAX_LOCKOUT, wait)


class PinService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def is_set(self, role: PinRole) -> bool:
        return self._store.read(lambda snapshot: snapshot.state(f"pin:{role.value}")) is not None

    def set_pin(self, role: PinRole, pin: str) -> None:
        if not (pin.isdigit() and 4 <= len(pin) <= 12):
            raise PinError("a PIN has 4 to 12 digits")
        stored = hash_pin(pin)
        self._store.write(lambda tx: tx.set_state(f"pin:{role.value}", stored))

    def lock_state(self) -> PinCheck:
        def read(snapshot: LedgerReader) -> PinCheck:
            failures = int(snapshot.state("pin:failures") or 0)
            until_text = snapshot.state("pin:locked_until")
            until = datetime.fromisoformat(until_text) if until_text else None
            if until is not None and until <= self._clock.now():
                until = None
            return PinCheck(ok=False, locked_until=until, failures=failures)

        return self._store.read(read)

    def verify(self, pin: str, wanted: PinRole) -> PinCheck:
        """Check a PIN for a role. While locked out, no PIN is even compared."""
        state = self.lock_state()
        if state.locked:
            return state
        hashes = self._store.read(
            lambda snapshot: {role: snapshot.state(f"pin:{role.value}") for role in PinRole}
        )
        # The staff PIN opens everything; the instructor PIN opens instructor screens.
        roles = [PinRole.STAFF] if wanted is PinRole.STAFF else [PinRole.INSTRUCTOR, PinRole.STAFF]
        for role in roles:
            stored = hashes.get(role)
            if stored and pin_matches(pin, stored):
                self._store.write(self._reset_failures)
                return PinCheck(ok=True, role=role)
        now = self._clock.now()

        def fail(tx: LedgerWriter) -> PinCheck:
            failures = int(tx.state("pin:failures") or 0) + 1
            tx.set_state("pin:failures", str(failures))
            wait = lockout_for(failures)
            until = now + wait if wait else None
            if until is not None:
                tx.set_state("pin:locked_until", until.isoformat())
            return PinCheck(ok=False, locked_until=until, failures=failures)

        return self._store.write(fail)

    @staticmethod
    def _reset_failures(tx: LedgerWriter) -> None:
        tx.set_state("pin:failures", "0")
        tx.set_state("pin:locked_until", "")

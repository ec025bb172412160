"""Staff set-up: register this kiosk with the backend and keep its device token safely.

The admin's password is used for one login and forgotten; only the opaque device token is
kept, in the OS keyring (DESIGN §8).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from kiosk.domain.ports import (
    BackendError,
    Clock,
    KioskIdentity,
    RosterReader,
    RosterWriter,
    SecretVault,
    SetupApi,
    StorageError,
    Store,
    StoreTransaction,
)

log = logging.getLogger(__name__)

#: Staff roles allowed to register a kiosk (the backend enforces it too).
REGISTERING_ROLES = ("admin",)


class SetupProblem(StrEnum):
    """Why set-up failed: a code the UI words in the staff's language."""

    LOGIN_FAILED = "login_failed"
    NOT_ADMIN = "not_admin"
    REGISTRATION_FAILED = "registration_failed"
    STORAGE = "storage"
    UNSENT_CHECKINS = "unsent_checkins"


class SetupError(Exception):
    """Set-up failed; the message (English) tells staff what to do on the command line.

    Attributes:
        reason: Why, as a code (this layer has no translator: the UI words it).
        detail: The technical cause (backend or storage error), "" when there is none.
        pending, parked: For ``unsent_checkins``: the check-ins a wipe would lose.
    """

    def __init__(
        self,
        message: str,
        reason: SetupProblem,
        *,
        detail: str = "",
        pending: int = 0,
        parked: int = 0,
    ) -> None:
        super().__init__(message)
        self.reason = reason
        self.detail = detail
        self.pending = pending
        self.parked = parked


@dataclass(frozen=True, slots=True)
class SetupResult:
    kiosk_id: str
    tenant_slug: str
    tenant_name: str
    token_persistent: bool


class SetupService:
    def __init__(self, store: Store, vault: SecretVault, clock: Clock) -> None:
        self._store = store
        self._vault = vault
        self._clock = clock

    def register(
        self, api: SetupApi, api_url: str, email: str, password: str, device_name: str
    ) -> SetupResult:
        """Admin login → register → device token into the keyring → identity pinned."""
        try:
            login = api.login(email, password)
        except BackendError as exc:
            raise SetupError(
                f"login failed: {exc}", SetupProblem.LOGIN_FAILED, detail=str(exc)
            ) from None
        body = login.body if isinstance(login.body, dict) else {}
        role = (body.get("user") or {}).get("role")
        if role not in REGISTERING_ROLES:
            raise SetupError(
                "an academy admin must register the kiosk (this account is not)",
                SetupProblem.NOT_ADMIN,
            )
        try:
            registration = api.register_kiosk(str(body["accessToken"]), device_name)
        except BackendError as exc:
            raise SetupError(
                f"registration failed: {exc}", SetupProblem.REGISTRATION_FAILED, detail=str(exc)
            ) from None
        now = self._clock.now()
        before = self.identity()
        previous_kiosk = before.kiosk_id if before else None

        def pin(tx: RosterWriter) -> None:
            tx.pin_identity(
                registration.tenant_id,
                registration.tenant_slug,
                kiosk_id=registration.kiosk_id,
                api_url=api_url,
                device_name=device_name,
                registered_at=now,
            )

        try:
            self._store.write(pin)
        except StorageError as exc:
            raise SetupError(str(exc), SetupProblem.STORAGE, detail=str(exc)) from None
        self._vault.set_device_token(registration.kiosk_id, registration.device_token)
        if previous_kiosk and previous_kiosk != registration.kiosk_id:
            # Registering again replaces the device token: the old one must not stay behind.
            self._vault.delete_device_token(previous_kiosk)
        log.info("kiosk %s registered", registration.kiosk_id)
        return SetupResult(
            kiosk_id=registration.kiosk_id,
            tenant_slug=registration.tenant_slug,
            tenant_name=registration.tenant_name,
            token_persistent=self._vault.persistent,
        )

    def identity(self) -> KioskIdentity | None:
        """The academy this kiosk serves and, once registered, its kiosk id and backend."""

        def read(snapshot: RosterReader) -> KioskIdentity | None:
            return snapshot.identity()

        return self._store.read(read)

    def sign_out_and_wipe(self, *, force: bool = False) -> None:
        """Forget the tenant and the device token.

        Refuses while check-ins await upload or sit parked for staff, unless ``force``: those
        are facts that exist nowhere else.
        """
        identity = self.identity()

        def wipe(tx: StoreTransaction) -> tuple[int, int]:
            counts = tx.counts()
            if (counts["pending"] or counts["parked"]) and not force:
                return counts["pending"], counts["parked"]
            tx.wipe()
            return 0, 0

        pending, parked = self._store.write(wipe)
        if pending or parked:
            raise SetupError(
                f"{pending} check-ins are not uploaded and {parked} are parked: sync and "
                "resolve them before wiping",
                SetupProblem.UNSENT_CHECKINS,
                pending=pending,
                parked=parked,
            )
        if identity and identity.kiosk_id:
            self._vault.delete_device_token(identity.kiosk_id)

    def registered_at(self) -> datetime | None:
        identity = self.identity()
        return identity.registered_at if identity else None

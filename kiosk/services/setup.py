"""Staff set-up: register this kiosk with the backend and keep its device token safely.

The admin's password is used for one login and forgotten; only the opaque device token is
kept, in the OS keyring (DESIGN §8).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from kiosk.domain.ports import (
    BackendError,
    Clock,
    LedgerReader,
    LedgerWriter,
    SecretVault,
    SetupApi,
    StorageError,
    Store,
)

log = logging.getLogger(__name__)

#: Staff roles allowed to register a kiosk (the backend enforces it too).
REGISTERING_ROLES = ("admin",)


class SetupError(Exception):
    """Set-up failed; the message tells staff what to do."""


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
            raise SetupError(f"login failed: {exc}") from None
        body = login.body if isinstance(login.body, dict) else {}
        role = (body.get("user") or {}).get("role")
        if role not in REGISTERING_ROLES:
            raise SetupError("an academy admin must register the kiosk (this account is not)")
        try:
            registration = api.register_kiosk(str(body["accessToken"]), device_name)
        except BackendError as exc:
            raise SetupError(f"registration failed: {exc}") from None
        now = self._clock.now()

        def pin(ledger: LedgerWriter) -> None:
            ledger.pin_identity(
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
            raise SetupError(str(exc)) from None
        self._vault.set_device_token(registration.kiosk_id, registration.device_token)
        log.info("kiosk %s registered", registration.kiosk_id)
        return SetupResult(
            kiosk_id=registration.kiosk_id,
            tenant_slug=registration.tenant_slug,
            tenant_name=registration.tenant_name,
            token_persistent=self._vault.persistent,
        )

    def identity(self) -> dict[str, object] | None:
        def read(ledger: LedgerReader) -> dict[str, object] | None:
            return ledger.identity()

        return self._store.read(read)

    def sign_out_and_wipe(self, *, force: bool = False) -> None:
        """Forget the tenant and the device token.

        Refuses while check-ins await upload or sit parked for staff, unless ``force``: those
        are facts that exist nowhere else.
        """
        identity = self.identity()

        def wipe(ledger: LedgerWriter) -> tuple[int, int]:
            counts = ledger.counts()
            if (counts["pending"] or counts["parked"]) and not force:
                return counts["pending"], counts["parked"]
            ledger.wipe()
            return 0, 0

        pending, parked = self._store.write(wipe)
        if pending or parked:
            raise SetupError(
                f"{pending} check-ins are not uploaded and {parked} are parked: sync and "
                "resolve them before wiping"
            )
        if identity and identity.get("kiosk_id"):
            self._vault.delete_device_token(str(identity["kiosk_id"]))

    def registered_at(self) -> datetime | None:
        identity = self.identity()
        value = identity.get("registered_at") if identity else None
        return datetime.fromisoformat(str(value)) if value else None

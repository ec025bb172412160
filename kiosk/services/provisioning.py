"""Provisioning: applying roster documents (from a file or the backend) to the local store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.domain.ports import (
    Clock,
    RosterReader,
    Store,
    StoreTransaction,
)
from kiosk.domain.roster import parse_roster


@dataclass(frozen=True, slots=True)
class RosterSummary:
    tenant_slug: str
    tenant_name: str
    seq: int
    full: bool
    students_in_document: int
    students_total: int
    keys: int
    classes: int

    def to_json(self) -> dict[str, Any]:
        return {
            "tenant": self.tenant_slug,
            "seq": self.seq,
            "full": self.full,
            "studentsInDocument": self.students_in_document,
            "studentsTotal": self.students_total,
            "keys": self.keys,
            "classes": self.classes,
        }


class ProvisioningService:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def pinned_tenant_id(self) -> str | None:
        def read(snapshot: RosterReader) -> str | None:
            roster = snapshot.roster
            return roster.tenant_id if roster else None

        return self._store.read(read)

    def apply_document(self, document: Any, now: datetime | None = None) -> RosterSummary:
        """Validate the whole document first, then apply it in one transaction.

        Raises:
            RosterError: the document is unusable or belongs to another tenant; nothing changed.
            NotSavedError: the store could not commit; nothing changed.
        """
        at = now or self._clock.now()
        update = parse_roster(document, expected_tenant_id=self.pinned_tenant_id())

        def apply(tx: StoreTransaction) -> None:
            tx.apply_roster(update, at)
            # Every pull lands here, on the store thread: the regular moment to forget spent
            # pass nonces, so that used_passes stays as small as the passes still valid.
            tx.prune(at)

        self._store.write(apply)

        def total(snapshot: RosterReader) -> int:
            roster = snapshot.roster
            return roster.student_count() if roster else 0

        return RosterSummary(
            tenant_slug=update.tenant.slug,
            tenant_name=update.tenant.name,
            seq=update.seq,
            full=update.full,
            students_in_document=len(update.students),
            students_total=self._store.read(total),
            keys=len(update.keys),
            classes=len(update.classes),
        )

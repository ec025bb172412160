"""Grading at the kiosk: an instructor promotes a student, offline too; grading lists.

:meth:`GradingService.promote` records a promotion (belt or stripe) as its own outbox item in
one store transaction: the store lays it over the roster at once, so every screen shows the new
rank straight away, offline; the sync engine sends it (before check-ins, since it changes what
they count toward) and the backend applies it once, whatever the retries
(``promotionId`` is its idempotency key forever).

:func:`table_csv` writes a grading list (the board's current filter) as CSV text for a
spreadsheet; the interface words the cells in the staff's language.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from kiosk.domain.grading import (
    NOTE_LIMIT,
    PromotionProblem,
    PromotionRefused,
    promotion_target,
)
from kiosk.domain.model import PromotionKind
from kiosk.domain.ports import (
    Clock,
    LedgerWriter,
    PromotionRecord,
    RosterReader,
    Store,
    SyncState,
)

log = logging.getLogger(__name__)

__all__ = ["GradingService", "PromotionProblem", "PromotionRefused", "table_csv"]


class PromotionUnit(RosterReader, LedgerWriter, Protocol):
    """What a promotion touches: the roster (as this kiosk knows it) and the ledger."""


class GradingService:
    """Promotions made at this kiosk."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        new_id: Callable[[], str] = lambda: str(uuid.uuid4()),
        on_recorded: Callable[[], None] | None = None,
    ) -> None:
        """``on_recorded`` is called after a promotion committed (the sync loop's nudge)."""
        self._store = store
        self._clock = clock
        self._new_id = new_id
        self.on_recorded = on_recorded

    def promote(
        self,
        student_id: str,
        kind: PromotionKind,
        note: str,
        created_by: str,
        now: datetime | None = None,
    ) -> PromotionRecord:
        """Promote a student by one belt or one stripe, from where this kiosk knows them to be.

        Raises:
            PromotionRefused: no note, no such student, no higher rank or no stripe left.
            NotSavedError: the store could not commit it (nothing was recorded).
        """
        text = note.strip()
        if not text:
            raise PromotionRefused(PromotionProblem.NO_NOTE, "a promotion needs a note")
        at = now or self._clock.now()
        offset = self._clock.offset_ms
        promotion_id = self._new_id()

        def unit(tx: PromotionUnit) -> PromotionRecord:
            roster = tx.roster
            student = roster.student(student_id) if roster is not None else None
            if roster is None or student is None:
                raise PromotionRefused(PromotionProblem.NOT_ON_LADDER, "no such student")
            record = PromotionRecord(
                promotion_id=promotion_id,
                student_id=student.id,
                target=promotion_target(student, roster.rules, kind),
                promoted_at=at,
                clock_offset_ms=offset,
                note=text[:NOTE_LIMIT],
                created_by=created_by,
                sync_state=SyncState.PENDING,
            )
            tx.record_promotion(record)
            return record

        record = self._store.write(unit)
        log.info("promotion %s recorded (%s)", record.promotion_id, kind.value)
        if self.on_recorded is not None:
            self.on_recorded()
        return record


#: A cell a spreadsheet would run as a formula (CSV injection): a name may start with these.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def table_csv(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A table as CSV text (RFC 4180, CRLF), cells that look like formulas defused."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_safe_cell(cell) for cell in header])
    for row in rows:
        writer.writerow([_safe_cell(cell) for cell in row])
    return out.getvalue()

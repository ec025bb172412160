"""Attendance: kiosk check-in batches and online scans, with the kiosk's own duplicate rule.

Counting rules (DESIGN §4, §5), identical on the kiosk and here:

* attendance counts once per class session, or once per check-in window without a class —
  :func:`kiosk.domain.decision.find_duplicate` decides, on both sides;
* uploads arrive out of order (kiosks sync late), so a check-in is also a duplicate of a
  *later* counted one that would have been its duplicate had they arrived the other way round:
  the first to reach the server counts, the other answers ``duplicate`` with its ``seq``;
* every counted attendance takes the tenant's next ``seq`` and bumps the student's row to it,
  and ``classes_since_promotion`` grows when the check-in happened after ``rank_since`` and
  its class counts toward promotion (``classes_since_stripe`` likewise, after the last stripe);
* each attendance keeps the rank and stripes the student held when it was scanned, from the
  promotion history (a kiosk may not have known of a promotion made elsewhere).

A batch is read and written with a handful of bulk statements in one write transaction, so a
500-item batch costs about as much as a few single ones.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from kiosk.domain.decision import HISTORY_HORIZON, PriorCheckin, find_duplicate
from kiosk.domain.model import ClassSlot, InactivePolicy, Student
from kiosk.domain.schedule import ClassSession
from kiosk.server import schema
from kiosk.server.clock import parse_instant
from kiosk.server.db import SeqAllocator
from kiosk.server.tenancy import TenantInfo

A = schema.attendance
KC = schema.kiosk_checkins
S = schema.students

MAX_BATCH = 500
#: A check-in stamped further ahead of the server clock than this is refused (kiosk clock bug).
FUTURE_TOLERANCE = timedelta(minutes=10)
_LOOKAROUND = HISTORY_HORIZON + timedelta(hours=12)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SESSION = re.compile(r"^(?P<cls>.{1,64})@(?P<day>\d{4}-\d{2}-\d{2})$")
SOURCES = frozenset({"camera", "wedge", "manual"})
KINDS = frozenset({"pass", "card"})


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()


def session_of(session_id: str | None) -> ClassSession | None:
    """A :class:`ClassSession` standing for ``"<classId>@<date>"``, for ``find_duplicate``."""
    if session_id is None:
        return None
    match = _SESSION.match(session_id)
    if match is None:
        return None
    day = date.fromisoformat(match["day"])
    slot = ClassSlot(match["cls"], match["cls"], day.weekday(), time(0), 1)
    starts = datetime.combine(day, time(0), tzinfo=UTC)
    return ClassSession(slot, starts, starts + timedelta(minutes=1))


def counting_duplicate(
    priors: Sequence[PriorCheckin], session_id: str | None, window: timedelta, at: datetime
) -> PriorCheckin | None:
    """The counted attendance that makes a check-in at ``at`` a duplicate, if any."""
    found = find_duplicate(priors, session_of(session_id), window, at)
    if found is not None:
        return found
    probe = [PriorCheckin("", at, session_id)]
    for later in sorted(priors, key=lambda p: p.scanned_at):
        if later.scanned_at <= at:
            continue
        # Swap the roles: would the later one be a duplicate of this one?
        if find_duplicate(probe, session_of(later.session_id), window, later.scanned_at):
            return later
    return None


@dataclass(slots=True)
class Ledger:
    """Counted attendance of some students around some instants, plus their seqs."""

    priors: dict[str, list[PriorCheckin]] = field(default_factory=lambda: defaultdict(list))
    seqs: dict[str, int] = field(default_factory=dict)

    def add(
        self, student_id: str, attendance_id: str, at: datetime, session: str | None, seq: int
    ) -> None:
        self.priors[student_id].append(PriorCheckin(attendance_id, at, session))
        self.seqs[attendance_id] = seq


def load_ledger(
    conn: Connection, tenant_id: str, student_ids: Iterable[str], start: datetime, end: datetime
) -> Ledger:
    ledger = Ledger()
    ids = sorted(set(student_ids))
    if not ids:
        return ledger
    rows = conn.execute(
        sa.select(A.c.id, A.c.student_id, A.c.scanned_at, A.c.session_id, A.c.seq).where(
            A.c.tenant_id == tenant_id,
            A.c.student_id.in_(ids),
            A.c.scanned_at >= start,
            A.c.scanned_at <= end,
        )
    )
    for attendance_id, student_id, at, session, seq in rows:
        ledger.add(student_id, attendance_id, at, session, seq)
    return ledger


@dataclass(frozen=True, slots=True)
class Item:
    scan_id: str
    student_id: str
    scanned_at: datetime
    clock_offset_ms: int
    class_id: str | None
    session_id: str | None
    nonce: str | None
    kind: str | None
    source: str
    created_by: str | None
    #: Class rules as the kiosk applied them (None: an older kiosk; the schedule decides).
    counts: bool | None = None
    tardy: bool = False
    below_min_rank: bool = False


@dataclass(frozen=True, slots=True)
class BadItem:
    scan_id: str | None  # None when the scanId itself is unusable: nothing can be stored
    reason: str
    raw_scan_id: str | None = None


def _opt_str(value: Any, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise ValueError("bad text")
    return value


def _opt_bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError("not a boolean")


def _uuid(value: Any) -> str:
    if not isinstance(value, str) or len(value) != 36:
        raise ValueError("not a uuid")
    return str(uuid.UUID(value))


def parse_item(raw: Any) -> Item | BadItem:
    """Validate one uploaded item; a bad one is rejected alone, never the batch."""
    if not isinstance(raw, Mapping):
        return BadItem(None, "invalid_item")
    raw_scan = raw.get("scanId")
    try:
        scan_id = _uuid(raw_scan)
    except ValueError:
        shown = raw_scan[:64] if isinstance(raw_scan, str) else None
        return BadItem(None, "invalid_scan_id", shown)
    try:
        student_id = _uuid(raw.get("studentId"))
        scanned_at = parse_instant(raw.get("scannedAt"))  # type: ignore[arg-type]
        offset = raw.get("clockOffsetMs", 0)
        offset = 0 if offset is None else offset
        if not isinstance(offset, int) or isinstance(offset, bool) or abs(offset) > 10**11:
            raise ValueError("bad offset")
        class_id = _opt_str(raw.get("classId"), 64)
        session_id = _opt_str(raw.get("sessionId"), 80)
        nonce = _opt_str(raw.get("nonce"), 128)
        kind = _opt_str(raw.get("kind"), 8)
        source = _opt_str(raw.get("source"), 16) or "camera"
        created_by = _opt_str(raw.get("createdBy"), 64)
        counts = _opt_bool(raw.get("countsTowardPromotion"))
        tardy = bool(_opt_bool(raw.get("tardy")))
        below = bool(_opt_bool(raw.get("belowMinRank")))
    except (ValueError, TypeError):
        return BadItem(scan_id, "invalid_item")
    if kind is not None and kind not in KINDS:
        return BadItem(scan_id, "invalid_item")
    if source not in SOURCES:
        return BadItem(scan_id, "invalid_item")
    if class_id is None:
        session_id = None
    else:
        match = _SESSION.match(session_id) if session_id else None
        if session_id is not None and (match is None or match["cls"] != class_id):
            return BadItem(scan_id, "invalid_session")
    return Item(
        scan_id,
        student_id,
        scanned_at,
        offset,
        class_id,
        session_id,
        nonce,
        kind,
        source,
        created_by,
        counts,
        tardy,
        below,
    )


@dataclass(frozen=True, slots=True)
class ItemResult:
    scan_id: str | None
    status: str
    seq: int | None = None
    reason: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"scanId": self.scan_id, "status": self.status}
        if self.seq is not None:
            out["seq"] = self.seq
        if self.reason is not None:
            out["reason"] = self.reason
        return out


@dataclass(slots=True)
class _StudentState:
    rank_id: str
    rank_since: datetime
    count: int
    stripes: int
    stripe_since: datetime | None
    stripe_count: int
    status: str
    seq: int
    dirty: bool = False

    def add(self, at: datetime, counts: bool) -> None:
        """One more counted attendance scanned at ``at``."""
        if not counts:
            return
        if at > self.rank_since:
            self.count += 1
        if at > (self.stripe_since or self.rank_since):
            self.stripe_count += 1


@dataclass(frozen=True, slots=True)
class RankChange:
    """One promotion of the history: from and to (rank, stripes) at an instant."""

    at: datetime
    before: tuple[str, int]
    after: tuple[str, int]


def rank_at(
    current: tuple[str, int], history: Sequence[RankChange], at: datetime
) -> tuple[str, int]:
    """The rank and stripes held at ``at``, given the ones held now and the promotions."""
    held = current
    for change in sorted(history, key=lambda c: c.at, reverse=True):
        if change.at <= at:
            break
        held = change.before
    return held


def load_rank_history(
    conn: Connection, tenant_id: str, student_ids: Iterable[str]
) -> dict[str, list[RankChange]]:
    P = schema.promotions
    ids = sorted(set(student_ids))
    history: dict[str, list[RankChange]] = defaultdict(list)
    if not ids:
        return history
    for row in conn.execute(
        sa.select(
            P.c.student_id,
            P.c.promoted_at,
            P.c.from_rank,
            P.c.from_stripes,
            P.c.to_rank,
            P.c.to_stripes,
        ).where(P.c.tenant_id == tenant_id, P.c.student_id.in_(ids))
    ):
        history[row.student_id].append(
            RankChange(
                row.promoted_at, (row.from_rank, row.from_stripes), (row.to_rank, row.to_stripes)
            )
        )
    return history


def class_counts(conn: Connection, tenant_id: str) -> dict[str, bool]:
    """Whether each class of the schedule counts toward promotion."""
    K = schema.classes
    return {
        class_id: bool(counts)
        for class_id, counts in conn.execute(
            sa.select(K.c.id, K.c.counts).where(K.c.tenant_id == tenant_id)
        )
    }


def _default_session(item: Item, tenant: TenantInfo) -> str | None:
    if item.class_id is None:
        return None
    if item.session_id is not None:
        return item.session_id
    local_day = item.scanned_at.astimezone(tenant.settings.zone).date()
    return f"{item.class_id}@{local_day.isoformat()}"


def ingest_batch(
    conn: Connection,
    tenant: TenantInfo,
    kiosk_id: str,
    raw_items: Sequence[Any],
    now: datetime,
) -> tuple[list[ItemResult], int]:
    """Ingest one kiosk batch inside the caller's write transaction: ``(results, seq)``."""
    parsed = [parse_item(raw) for raw in raw_items]
    results: list[ItemResult] = []
    scan_ids = {p.scan_id for p in parsed if p.scan_id is not None}

    known: dict[str, ItemResult] = {}
    if scan_ids:
        for scan_id, status, seq, reason in conn.execute(
            sa.select(KC.c.scan_id, KC.c.status, KC.c.seq, KC.c.reason).where(
                KC.c.tenant_id == tenant.id,
                KC.c.kiosk_id == kiosk_id,
                KC.c.scan_id.in_(sorted(scan_ids)),
            )
        ):
            known[scan_id] = ItemResult(scan_id, status, seq, reason)

    fresh = [p for p in parsed if isinstance(p, Item) and p.scan_id not in known]
    student_ids = sorted({p.student_id for p in fresh})
    students: dict[str, _StudentState] = {}
    if student_ids:
        for row in conn.execute(
            sa.select(
                S.c.id,
                S.c.rank_id,
                S.c.rank_since,
                S.c.classes_since_promotion,
                S.c.stripes,
                S.c.stripe_since,
                S.c.classes_since_stripe,
                S.c.status,
                S.c.seq,
            ).where(S.c.tenant_id == tenant.id, S.c.id.in_(student_ids), S.c.deleted_at.is_(None))
        ):
            students[row.id] = _StudentState(
                row.rank_id,
                row.rank_since,
                row.classes_since_promotion,
                row.stripes,
                row.stripe_since,
                row.classes_since_stripe,
                row.status,
                row.seq,
            )
    # The promotion history, only for students with a check-in from before their last change.
    earlier = {
        p.student_id
        for p in fresh
        if p.student_id in students
        and p.scanned_at
        < max(students[p.student_id].rank_since, students[p.student_id].stripe_since or _EPOCH)
    }
    history = load_rank_history(conn, tenant.id, earlier)
    counting = class_counts(conn, tenant.id)
    missing = [sid for sid in student_ids if sid not in students]
    elsewhere: set[str] = set()
    if missing:
        elsewhere = set(
            conn.execute(
                sa.select(S.c.id).where(S.c.id.in_(missing), S.c.tenant_id != tenant.id)
            ).scalars()
        )

    ledger = Ledger()
    if fresh:
        start = min(p.scanned_at for p in fresh) - _LOOKAROUND
        end = max(p.scanned_at for p in fresh) + _LOOKAROUND
        ledger = load_ledger(conn, tenant.id, students, start, end)

    pass_hashes = {nonce_hash(p.nonce) for p in fresh if p.kind == "pass" and p.nonce}
    used_passes: set[str] = set()
    if pass_hashes:
        used_passes = set(
            conn.execute(
                sa.select(schema.pass_uses.c.nonce_hash).where(
                    schema.pass_uses.c.tenant_id == tenant.id,
                    schema.pass_uses.c.nonce_hash.in_(sorted(pass_hashes)),
                )
            ).scalars()
        )
    card_nonces = sorted({p.nonce for p in fresh if p.kind == "card" and p.nonce})
    cards: dict[str, tuple[str, datetime | None]] = {}
    if card_nonces:
        C = schema.cards
        for nonce, sid, revoked in conn.execute(
            sa.select(C.c.nonce, C.c.student_id, C.c.revoked_at).where(
                C.c.tenant_id == tenant.id, C.c.nonce.in_(card_nonces)
            )
        ):
            cards[nonce] = (sid, revoked)

    window = timedelta(minutes=tenant.settings.checkin_window_minutes)
    blocks_inactive = tenant.settings.inactive_policy is InactivePolicy.BLOCK
    seqs = SeqAllocator(conn, tenant.id)
    attendance_rows: list[dict[str, Any]] = []
    checkin_rows: list[dict[str, Any]] = []
    pass_rows: list[dict[str, Any]] = []
    decided: dict[str, ItemResult] = {}

    for entry in parsed:
        if isinstance(entry, BadItem):
            if entry.scan_id is None:
                results.append(ItemResult(entry.raw_scan_id, "rejected", None, entry.reason))
                continue
            result = known.get(entry.scan_id) or decided.get(entry.scan_id)
            if result is None:
                result = ItemResult(entry.scan_id, "rejected", None, entry.reason)
                decided[entry.scan_id] = result
                checkin_rows.append(_checkin_row(tenant.id, kiosk_id, entry.scan_id, result, now))
            results.append(result)
            continue
        item = entry
        previous = known.get(item.scan_id) or decided.get(item.scan_id)
        if previous is not None:
            results.append(previous)
            continue
        result = _decide_item(
            item,
            tenant,
            students,
            elsewhere,
            ledger,
            used_passes,
            cards,
            window,
            blocks_inactive,
            now,
            seqs,
            attendance_rows,
            pass_rows,
            kiosk_id,
            history,
            counting,
        )
        decided[item.scan_id] = result
        checkin_rows.append(_checkin_row(tenant.id, kiosk_id, item.scan_id, result, now, item))
        results.append(result)

    if attendance_rows:
        conn.execute(sa.insert(A), attendance_rows)
    if pass_rows:
        conn.execute(sa.insert(schema.pass_uses), pass_rows)
    if checkin_rows:
        conn.execute(sa.insert(KC), checkin_rows)
    _store_students(conn, tenant.id, students)
    return results, seqs.flush()


def _decide_item(
    item: Item,
    tenant: TenantInfo,
    students: dict[str, _StudentState],
    elsewhere: set[str],
    ledger: Ledger,
    used_passes: set[str],
    cards: Mapping[str, tuple[str, datetime | None]],
    window: timedelta,
    blocks_inactive: bool,
    now: datetime,
    seqs: SeqAllocator,
    attendance_rows: list[dict[str, Any]],
    pass_rows: list[dict[str, Any]],
    kiosk_id: str,
    history: Mapping[str, Sequence[RankChange]],
    counting: Mapping[str, bool],
) -> ItemResult:
    state = students.get(item.student_id)
    if state is None:
        reason = "wrong_tenant" if item.student_id in elsewhere else "unknown_student"
        return ItemResult(item.scan_id, "rejected", None, reason)
    if item.scanned_at > now + FUTURE_TOLERANCE:
        return ItemResult(item.scan_id, "rejected", None, "scanned_in_future")
    session_id = _default_session(item, tenant)
    counted = counting_duplicate(
        ledger.priors.get(item.student_id, []), session_id, window, item.scanned_at
    )
    if counted is not None:
        return ItemResult(item.scan_id, "duplicate", ledger.seqs[counted.scan_id])
    flag: str | None = None
    pass_hash = nonce_hash(item.nonce) if item.kind == "pass" and item.nonce else None
    if pass_hash is not None and pass_hash in used_passes:
        flag = "pass_replayed"
    elif item.kind == "card" and item.nonce:
        card = cards.get(item.nonce)
        if card is None:
            flag = "unknown_card"
        elif card[0] != item.student_id:
            flag = "card_mismatch"
        elif card[1] is not None and card[1] <= item.scanned_at:
            flag = "card_revoked"
    if flag is None and state.status != "active" and blocks_inactive:
        flag = f"student_{state.status}"
    seq = seqs.next()
    attendance_id = str(uuid.uuid4())
    counts = item.counts
    if counts is None:  # an older kiosk: the schedule says
        counts = item.class_id is None or counting.get(item.class_id, True)
    held = rank_at(
        (state.rank_id, state.stripes), history.get(item.student_id, ()), item.scanned_at
    )
    attendance_rows.append(
        {
            "id": attendance_id,
            "tenant_id": tenant.id,
            "student_id": item.student_id,
            "class_id": item.class_id,
            "session_id": session_id,
            "scanned_at": item.scanned_at,
            "source": item.source,
            "kind": item.kind,
            "created_by": item.created_by,
            "kiosk_id": kiosk_id,
            "scan_id": item.scan_id,
            "flag": flag,
            "counts": counts,
            "tardy": item.tardy,
            "below_min_rank": item.below_min_rank,
            "rank_id": held[0],
            "stripes": held[1],
            "seq": seq,
            "created_at": now,
        }
    )
    if pass_hash is not None and flag != "pass_replayed":
        used_passes.add(pass_hash)
        pass_rows.append(
            {
                "tenant_id": tenant.id,
                "nonce_hash": pass_hash,
                "student_id": item.student_id,
                "attendance_id": attendance_id,
                "used_at": item.scanned_at,
            }
        )
    ledger.add(item.student_id, attendance_id, item.scanned_at, session_id, seq)
    state.add(item.scanned_at, counts)
    state.seq = seq
    state.dirty = True
    if flag is not None:
        return ItemResult(item.scan_id, "flagged", seq, flag)
    return ItemResult(item.scan_id, "created", seq)


def _checkin_row(
    tenant_id: str,
    kiosk_id: str,
    scan_id: str,
    result: ItemResult,
    now: datetime,
    item: Item | None = None,
) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "tenant_id": tenant_id,
        "kiosk_id": kiosk_id,
        "scan_id": scan_id,
        "student_id": item.student_id if item else None,
        "scanned_at": item.scanned_at if item else None,
        "clock_offset_ms": item.clock_offset_ms if item else None,
        "class_id": item.class_id if item else None,
        "session_id": item.session_id if item else None,
        "kind": item.kind if item else None,
        "source": item.source if item else None,
        "nonce_hash": nonce_hash(item.nonce) if item and item.nonce else None,
        "created_by": item.created_by if item else None,
        "status": result.status,
        "reason": result.reason,
        "seq": result.seq,
        "received_at": now,
    }


def _store_students(conn: Connection, tenant_id: str, states: Mapping[str, _StudentState]) -> None:
    changed = [
        {
            "b_id": sid,
            "b_count": state.count,
            "b_stripe_count": state.stripe_count,
            "b_seq": state.seq,
        }
        for sid, state in states.items()
        if state.dirty
    ]
    if not changed:
        return
    conn.execute(
        sa.update(S)
        .where(S.c.id == sa.bindparam("b_id"), S.c.tenant_id == tenant_id)
        .values(
            classes_since_promotion=sa.bindparam("b_count"),
            classes_since_stripe=sa.bindparam("b_stripe_count"),
            seq=sa.bindparam("b_seq"),
        ),
        changed,
    )


def record_online(
    conn: Connection,
    tenant: TenantInfo,
    student: Student,
    at: datetime,
    session: ClassSession | None,
    *,
    kind: str | None,
    nonce: str | None,
    created_by: str | None,
    tardy: bool = False,
    below_min_rank: bool = False,
) -> tuple[str, int]:
    """Record one counted attendance from an online scan: ``(attendance id, seq)``."""
    student_id = student.id
    counts = session is None or session.slot.counts
    seqs = SeqAllocator(conn, tenant.id)
    seq = seqs.next()
    attendance_id = str(uuid.uuid4())
    conn.execute(
        sa.insert(A).values(
            id=attendance_id,
            tenant_id=tenant.id,
            student_id=student_id,
            class_id=session.slot.id if session else None,
            session_id=session.session_id if session else None,
            scanned_at=at,
            source="online",
            kind=kind,
            created_by=created_by,
            kiosk_id=None,
            scan_id=None,
            flag=None,
            counts=counts,
            tardy=tardy,
            below_min_rank=below_min_rank,
            rank_id=student.rank_id,
            stripes=student.stripes,
            seq=seq,
            created_at=at,
        )
    )
    if kind == "pass" and nonce:
        conn.execute(
            sa.insert(schema.pass_uses).values(
                tenant_id=tenant.id,
                nonce_hash=nonce_hash(nonce),
                student_id=student_id,
                attendance_id=attendance_id,
                used_at=at,
            )
        )
    state = _StudentState(
        student.rank_id,
        student.rank_since,
        student.classes_since_promotion,
        student.stripes,
        student.stripe_since,
        student.stripe_count,
        student.status.value,
        seq,
    )
    state.add(at, counts)
    conn.execute(
        sa.update(S)
        .where(S.c.tenant_id == tenant.id, S.c.id == student_id)
        .values(
            classes_since_promotion=state.count,
            classes_since_stripe=state.stripe_count,
            seq=seq,
        )
    )
    seqs.flush()
    return attendance_id, seq


def count_since(conn: Connection, tenant_id: str, student_id: str, since: datetime) -> int:
    """Attendance that counts toward promotion scanned after ``since``: the truth behind the
    kept counters."""
    return int(
        conn.execute(
            sa.select(sa.func.count())
            .select_from(A)
            .where(
                A.c.tenant_id == tenant_id,
                A.c.student_id == student_id,
                A.c.scanned_at > since,
                A.c.counts.is_(True),
            )
        ).scalar_one()
    )

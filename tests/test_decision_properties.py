"""Properties of the check-in decision (hypothesis)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import (
    CheckinHistory,
    Outcome,
    PassUse,
    PriorCheckin,
    decide,
)
from kiosk.domain.model import ClassSlot, RuleBook, Student, TenantSettings
from kiosk.domain.ports import ScanSource
from kiosk.domain.roster import parse_roster
from kiosk.domain.tokens import read_token, verify_signature
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import (
    CURRENT_KEY,
    CURRENT_KID,
    OTHER_KEY,
    TENANT_ID,
    VECTOR_NOW,
    VECTOR_ROSTER,
    ManualClock,
    make_token,
    vector_key,
)

UPDATE = parse_roster(VECTOR_ROSTER)


@dataclass
class MemoryRoster:
    """An in-memory RosterView over the vector roster, for pure property tests."""

    tenant_id: str = UPDATE.tenant.id
    settings: TenantSettings = UPDATE.settings
    classes: Sequence[ClassSlot] = ()
    rules: RuleBook = UPDATE.rules
    keys: Mapping[str, Ed25519PublicKey] = field(
        default_factory=lambda: {
            "gt-2026-11": CURRENT_KEY.public_key(),
            "gt-2026-05": vector_key("gt-retired").public_key(),
        }
    )

    def is_revoked(self, nonce: str) -> bool:
        return nonce in UPDATE.revoked_nonces

    def student(self, student_id: str) -> Student | None:
        return next((s for s in UPDATE.students if s.id == student_id), None)


class EmptyHistory:
    def accepted_since(self, student_id: str, since: datetime) -> Sequence[PriorCheckin]:
        return ()

    def pass_use(self, nonce: str) -> PassUse | None:
        return None


ROSTER = MemoryRoster()
HISTORY: CheckinHistory = EmptyHistory()
VALID = [make_token(n) for n in ("ana", "ben", "carla")] + [make_token("dai", kind="card")]


@settings(max_examples=400)
@given(st.text(max_size=600))
def test_any_text_gets_exactly_one_outcome(text: str) -> None:
    decision = decide(read_token(text), ROSTER, HISTORY, VECTOR_NOW)
    assert isinstance(decision.outcome, Outcome)
    assert decision.outcome is not Outcome.ACCEPTED


@st.composite
def mutated_tokens(draw: st.DrawFn) -> str:
    token = draw(st.sampled_from(VALID))
    mode = draw(st.sampled_from(["flip", "splice", "resign", "truncate", "swap"]))
    if mode == "flip":
        position = draw(st.integers(0, len(token) - 1))
        replacement = draw(st.sampled_from("ABCabc012-_.=+/ "))
        return token[:position] + replacement + token[position + 1 :]
    if mode == "splice":
        other = draw(st.sampled_from(VALID))
        h, p, s = token.split(".")
        _, op, _ = other.split(".")
        return (
            ".".join(draw(st.permutations([h, op, s]))) if draw(st.booleans()) else f"{h}.{op}.{s}"
        )
    if mode == "resign":
        key = draw(st.sampled_from([OTHER_KEY, vector_key("x"), CURRENT_KEY]))
        tenant = draw(st.sampled_from([TENANT_ID, "0b9d5b7e-0000-4000-8000-000000000001"]))
        kid = draw(st.sampled_from([CURRENT_KID, "gt-2026-05", "nope"]))
        return make_token("ana", key=key, kid=kid, tenant_id=tenant)
    if mode == "truncate":
        return token[: draw(st.integers(0, len(token) - 1))]
    h, p, s = token.split(".")
    return f"{p}.{h}.{s}"


@settings(max_examples=600)
@given(mutated_tokens())
def test_never_accepted_without_a_valid_signature_by_this_tenant(text: str) -> None:
    reading = read_token(text)
    decision = decide(reading, ROSTER, HISTORY, VECTOR_NOW)
    if decision.outcome is Outcome.ACCEPTED:
        assert reading.claims is not None
        assert reading.claims.tenant_id == TENANT_ID
        assert verify_signature(reading, ROSTER.keys)


SCAN_STEPS = st.lists(
    st.tuples(
        st.sampled_from(["ana", "ben", "carla"]), st.sampled_from([0, 1, 30, 90, 119, 121, 300])
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SCAN_STEPS)
def test_duplicates_never_add_attendance(steps: list[tuple[str, int]]) -> None:
    """Over a real store: outbox rows == accepted results; a duplicate leaves counts unchanged."""
    clock = ManualClock(VECTOR_NOW)
    with tempfile.TemporaryDirectory() as tmp, SqliteStore(Path(tmp) / "k.sqlite3") as store:
        ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
        service = CheckInService(store, clock)
        cards = {
            n: make_token(n, kind="card", ttl=timedelta(days=30)) for n in ("ana", "ben", "carla")
        }
        accepted = 0
        for name, minutes in steps:
            clock.advance(minutes=minutes)
            pending_before = store.read(lambda ledger: ledger.counts())["pending"]
            result = service.handle_scan(cards[name], ScanSource.CAMERA)
            pending_after = store.read(lambda ledger: ledger.counts())["pending"]
            if result.outcome is Outcome.DUPLICATE:
                assert pending_after == pending_before
            else:
                assert result.outcome is Outcome.ACCEPTED
                accepted += 1
                assert pending_after == pending_before + 1
        assert store.read(lambda ledger: ledger.counts())["pending"] == accepted

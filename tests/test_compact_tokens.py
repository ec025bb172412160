"""The compact token form (CWT in a COSE_Sign1, base45 behind ``TT1:``): same claims, same rules.

The recorded vectors (``tests/data/tokens/compact_*``) run in ``test_tokens.py`` with the JWS
ones; this file checks the format against the RFCs' own examples, that both forms of the same
claims decide the same outcome, and that no mutation of a compact token is ever accepted.
"""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import base45
import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.adapters.store import SqliteStore
from kiosk.domain import cwt
from kiosk.domain.decision import Outcome, decide
from kiosk.domain.ports import ScanSource
from kiosk.domain.tokens import (
    MAX_TEXT_LENGTH,
    TokenForm,
    TokenProblem,
    b64url_encode,
    extract_token_text,
    issue_compact_token,
    issue_in_form,
    read_token,
    verify_signature,
)
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import (
    CURRENT_KEY,
    CURRENT_KID,
    OTHER_KEY,
    TENANT_ID,
    VECTOR_NOW,
    VECTOR_ROSTER,
    VECTORS,
    ManualClock,
    student_id,
    vector_key,
)
from tests.test_decision_properties import HISTORY, ROSTER

NOW_TS = int(VECTOR_NOW.timestamp())
RETIRED_KEY = vector_key("gt-retired")


def claims_for(
    student: str = "ana",
    *,
    kind: str | None = "pass",
    exp_offset: int = 600,
    tenant: str = TENANT_ID,
    nonce: bytes = b"n" * 18,
) -> dict[str, object]:
    claims: dict[str, object] = {
        "studentId": student_id(student),
        "tenantId": tenant,
        "nonce": b64url_encode(nonce),
        "exp": NOW_TS + exp_offset,
        "iat": NOW_TS - 60,
    }
    if kind is not None:
        claims["kind"] = kind
    return claims


# --- the format against the specifications' own examples ----------------------------------


def test_sig_structure_matches_the_cose_working_group_example() -> None:
    """cose-wg/Examples eddsa-sig-02.json: protected {1: -8}, payload "This is the content."."""
    expected = bytes.fromhex(
        "846A5369676E61747572653143A101274054546869732069732074686520636F6E74656E742E"
    )
    assert cwt.sig_structure(bytes.fromhex("A10127"), b"This is the content.") == expected


def test_key_id_is_the_rfc7638_thumbprint_of_rfc8037s_example_key() -> None:
    """RFC 8037 A.3 gives the thumbprint of its Ed25519 example key."""
    x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    thumbprint = base64.urlsafe_b64decode("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k=")
    assert cwt.key_id(base64.urlsafe_b64decode(x + "=")) == thumbprint[:8]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"AB", "BB8"),
        (b"Hello!!", "%69 VD92EX0"),
        (b"base-45", "UJCLQE7W581"),
        (b"ietf!", "QED8WEX0"),
    ],
)
def test_base45_is_rfc9285(raw: bytes, text: str) -> None:
    assert cwt.wrap(raw) == text
    assert base45.b45decode(text) == raw


def test_compact_text_is_qr_alphanumeric_and_never_ends_in_a_space() -> None:
    alphabet = set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
    for n in range(50):
        text = issue_compact_token(CURRENT_KEY, claims_for(nonce=bytes([n]) * 18, kind="card"))
        assert set(text) <= alphabet
        assert text == text.strip()
        # base45's last character encodes at most 0xFFFF // 45**2 = 32: never ' ' (36).
        assert extract_token_text(f"{text}\r\n") == text


def test_layout_is_the_documented_one() -> None:
    text = issue_compact_token(CURRENT_KEY, claims_for(kind="card"))
    outer = cbor2.loads(base45.b45decode(text.removeprefix("TT1:")))
    assert outer.tag == 18
    protected, unprotected, payload, signature = outer.value
    public = CURRENT_KEY.public_key().public_bytes_raw()
    assert cbor2.loads(protected) == {1: -8, 4: cwt.key_id(public)}
    assert unprotected == {} and len(signature) == 64
    assert cbor2.loads(payload) == {
        -65537: uuid.UUID(TENANT_ID).bytes,
        -65538: uuid.UUID(student_id("ana")).bytes,
        7: b"n" * 18,
        4: NOW_TS + 600,
        6: NOW_TS - 60,
        -65539: 1,
    }


# --- same claims, same outcome -------------------------------------------------------------


def test_both_forms_read_the_same_claims() -> None:
    claims = claims_for(kind="card")
    jws = read_token(issue_in_form(TokenForm.JWS, CURRENT_KEY, CURRENT_KID, claims))
    compact = read_token(issue_in_form(TokenForm.COMPACT, CURRENT_KEY, CURRENT_KID, claims))
    assert compact.form is TokenForm.COMPACT and jws.form is TokenForm.JWS
    assert compact.claims == jws.claims
    keys = {CURRENT_KID: CURRENT_KEY.public_key()}
    assert verify_signature(compact, keys) and verify_signature(jws, keys)


@settings(max_examples=120, deadline=None)
@given(
    student=st.sampled_from(["ana", "ben", "suspended", "ghost"]),
    kind=st.sampled_from(["pass", "card", None]),
    exp_offset=st.sampled_from([-7200, -61, -59, 0, 30, 600]),
    tenant=st.sampled_from([TENANT_ID, "0b9d5b7e-0000-4000-8000-000000000001"]),
    signer=st.sampled_from(["current", "retired", "other"]),
    nonce=st.binary(min_size=16, max_size=24),
)
def test_both_forms_decide_the_same_outcome(
    student: str, kind: str | None, exp_offset: int, tenant: str, signer: str, nonce: bytes
) -> None:
    key, kid = {
        "current": (CURRENT_KEY, CURRENT_KID),
        "retired": (RETIRED_KEY, "gt-2026-05"),
        "other": (OTHER_KEY, CURRENT_KID),
    }[signer]
    claims = claims_for(student, kind=kind, exp_offset=exp_offset, tenant=tenant, nonce=nonce)
    outcomes = {
        form: decide(read_token(issue_in_form(form, key, kid, claims)), ROSTER, HISTORY, VECTOR_NOW)
        for form in TokenForm
    }
    assert outcomes[TokenForm.JWS].outcome is outcomes[TokenForm.COMPACT].outcome
    assert outcomes[TokenForm.JWS].claims == outcomes[TokenForm.COMPACT].claims


def test_a_pass_spent_in_one_form_is_a_replay_in_the_other(tmp_path: Path) -> None:
    """Spent nonces and revocations are the same strings whatever the form."""
    clock = ManualClock(VECTOR_NOW)
    claims = claims_for("ana", nonce=b"spent-pass-nonce-1")
    with SqliteStore(tmp_path / "k.sqlite3") as store:
        ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
        service = CheckInService(store, clock)
        first = service.handle_scan(issue_compact_token(CURRENT_KEY, claims), ScanSource.CAMERA)
        assert first.outcome is Outcome.ACCEPTED
        clock.advance(hours=3)  # past the check-in window: only the nonce can refuse it now
        again = service.handle_scan(
            issue_in_form(
                TokenForm.JWS, CURRENT_KEY, CURRENT_KID, {**claims, "exp": NOW_TS + 4 * 3600}
            ),
            ScanSource.CAMERA,
        )
    # Re-signed with a later exp: a different token, the same nonce.
    assert again.outcome is Outcome.REPLAY


def test_url_form_needs_percent_encoding() -> None:
    text = issue_compact_token(CURRENT_KEY, claims_for())
    encoded = read_token(
        f"https://golden-tiger.tatamitech.com/checkin?token={quote(text, safe='')}"
    )
    assert encoded.claims is not None and encoded.form is TokenForm.COMPACT
    if "+" in text or " " in text:
        # A raw '+' turns into a space in a query: the code is damaged, never misread.
        raw = read_token(f"https://golden-tiger.tatamitech.com/checkin?token={text}")
        assert not verify_signature(raw, {CURRENT_KID: CURRENT_KEY.public_key()})


def test_prefix_wins_over_url_detection() -> None:
    assert extract_token_text("TT1://A?token=x") == "TT1://A?token=x"
    assert read_token("TT1://A?token=x").problem is TokenProblem.BAD_BASE45


def test_nonce_must_round_trip_to_be_issued_compact() -> None:
    with pytest.raises(ValueError, match="canonical"):
        issue_compact_token(CURRENT_KEY, {**claims_for(), "nonce": "abc"})
    with pytest.raises(ValueError, match="kind"):
        issue_compact_token(CURRENT_KEY, claims_for(kind="voucher"))


# --- hostile input -------------------------------------------------------------------------

VALID = [
    issue_compact_token(CURRENT_KEY, claims_for(n, kind=k, nonce=n.encode() * 16))
    for n, k in (("ana", "pass"), ("ben", "card"), ("carla", None))
]


def _cose(text: str) -> bytes:
    return bytes(base45.b45decode(text.removeprefix("TT1:")))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_behind_the_prefix_get_exactly_one_outcome(raw: bytes) -> None:
    reading = read_token("TT1:" + cwt.wrap(raw))
    decision = decide(reading, ROSTER, HISTORY, VECTOR_NOW)
    assert decision.outcome is not Outcome.ACCEPTED


@st.composite
def mutated_compact(draw: st.DrawFn) -> tuple[bytes, bytes]:
    original = _cose(draw(st.sampled_from(VALID)))
    data = bytearray(original)
    mode = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "append"]))
    position = draw(st.integers(0, len(data) - 1))
    if mode == "flip":
        data[position] ^= draw(st.integers(1, 255))
    elif mode == "insert":
        data.insert(position, draw(st.integers(0, 255)))
    elif mode == "delete":
        del data[position]
    elif mode == "truncate":
        del data[position:]
    else:
        data += draw(st.binary(min_size=1, max_size=8))
    return original, bytes(data)


@settings(max_examples=600, deadline=None)
@given(mutated_compact())
def test_no_changed_byte_is_ever_accepted(case: tuple[bytes, bytes]) -> None:
    original, mutated = case
    reading = read_token("TT1:" + cwt.wrap(mutated))
    decision = decide(reading, ROSTER, HISTORY, VECTOR_NOW)
    assert decision.outcome is not Outcome.ACCEPTED or mutated == original


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(VALID), st.integers(0, 300), st.sampled_from("0AZ $%*+-./:"))
def test_no_changed_character_is_ever_accepted(text: str, position: int, char: str) -> None:
    position = 4 + position % (len(text) - 4)
    changed = text[:position] + char + text[position + 1 :]
    decision = decide(read_token(changed), ROSTER, HISTORY, VECTOR_NOW)
    assert decision.outcome is not Outcome.ACCEPTED or changed == text


def test_oversized_text_is_refused_before_decoding() -> None:
    assert read_token("TT1:" + "0" * MAX_TEXT_LENGTH).problem is TokenProblem.TOO_LONG
    assert read_token("TT1:" + "0" * 2000).problem is TokenProblem.TOO_LONG


def test_a_two_year_card_reads() -> None:
    """A printed card lives two years: exp is a 4-byte integer, far from any limit."""
    claims = claims_for(kind="card", exp_offset=int(timedelta(days=2 * 365).total_seconds()))
    reading = read_token(issue_compact_token(CURRENT_KEY, claims))
    assert reading.claims is not None and reading.claims.exp == claims["exp"]


def test_vectors_cover_the_compact_attacks_the_issue_names() -> None:
    """Issue 18: alg confusion, kid swap, truncated CBOR, oversized maps, trailing bytes..."""
    names = {n for n in VECTORS["vectors"] if n.startswith("compact_")}
    for required in (
        "compact_alg_hs256_public_key.txt",
        "compact_alg_es256.txt",
        "compact_empty_signature.txt",
        "compact_kid_swap.txt",
        "compact_unknown_kid.txt",
        "compact_truncated_cbor.txt",
        "compact_oversized_map.txt",
        "compact_oversized_map_header.txt",
        "compact_trailing_bytes.txt",
        "compact_wrong_tag.txt",
        "compact_untagged.txt",
        "compact_bad_base45_char.txt",
        "compact_huge_100kb.txt",
        "compact_duplicate_key.txt",
        "compact_tampered_payload.txt",
        "compact_other_tenant.txt",
        "compact_revoked_card.txt",
    ):
        assert required in names
    # Every JWS vector has its compact twin, or a reason in the generator why not.
    jws = {n for n in VECTORS["vectors"] if not n.startswith("compact_")}
    twinned = {n.removeprefix("compact_") for n in names}
    assert len(jws & twinned) >= 25
    for name in jws & twinned:
        assert VECTORS["vectors"][name] == VECTORS["vectors"][f"compact_{name}"], name

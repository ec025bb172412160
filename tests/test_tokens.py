"""QR token reading, verification and the recorded test vectors (DESIGN §3)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.adapters.store import SqliteStore
from kiosk.domain.decision import Outcome
from kiosk.domain.ports import ScanSource
from kiosk.domain.tokens import (
    MAX_TEXT_LENGTH,
    TokenKind,
    TokenProblem,
    extract_token_text,
    issue_token,
    load_public_key,
    public_jwk,
    public_key_x,
    read_token,
    sanitize_for_log,
    verify_signature,
)
from kiosk.services.checkin import CheckInService
from kiosk.services.provisioning import ProvisioningService
from tests.support import (
    CURRENT_KEY,
    CURRENT_KID,
    DATA,
    OTHER_KEY,
    VECTOR_NOW,
    VECTOR_ROSTER,
    VECTORS,
    ManualClock,
    make_token,
)

VECTOR_DIR = DATA / "tokens"


def vector_text(name: str) -> str:
    raw = (VECTOR_DIR / name).read_bytes()
    # A decoder hands binary QR content over as Latin-1 text; everything else is UTF-8.
    return raw.decode("latin-1") if name.endswith(".bin") else raw.decode("utf-8")


@pytest.mark.parametrize("name", sorted(VECTORS["vectors"]))
def test_vector_outcome(name: str, tmp_path: Path) -> None:
    """Every recorded vector decides its expected outcome on a fresh kiosk."""
    clock = ManualClock(VECTOR_NOW)
    with SqliteStore(tmp_path / "k.sqlite3") as store:
        ProvisioningService(store, clock).apply_document(VECTOR_ROSTER)
        result = CheckInService(store, clock).handle_scan(vector_text(name), ScanSource.CAMERA)
    assert result.outcome.value == VECTORS["vectors"][name]
    assert result.recorded == (result.outcome is Outcome.ACCEPTED)


def test_vectors_cover_the_attacks_the_issue_names() -> None:
    names = set(VECTORS["vectors"])
    for required in (
        "valid_pass.txt",
        "valid_card.txt",
        "expired_pass.txt",
        "other_tenant.txt",
        "forged_signature.txt",
        "alg_none.txt",
        "alg_hs256_public_key.txt",
        "unknown_kid.txt",
        "tampered_payload.txt",
        "bad_base64.txt",
        "not_json.txt",
        "wrong_claim_types.txt",
        "url_form.txt",
        "whitespace_wedge.txt",
        "binary_garbage.bin",
        "huge_100kb.txt",
    ):
        assert required in names
    assert (VECTOR_DIR / "huge_100kb.txt").stat().st_size >= 100_000


def test_read_valid_token_claims() -> None:
    token = make_token("ana", kind="card")
    reading = read_token(token)
    assert reading.problem is None and reading.claims is not None
    assert reading.claims.kind is TokenKind.CARD
    assert reading.kid == CURRENT_KID and reading.alg == "EdDSA"
    keys = {CURRENT_KID: CURRENT_KEY.public_key()}
    assert verify_signature(reading, keys)
    assert not verify_signature(reading, {"other": CURRENT_KEY.public_key()})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", TokenProblem.EMPTY),
        ("   \n", TokenProblem.EMPTY),
        ("x" * (MAX_TEXT_LENGTH + 1), TokenProblem.TOO_LONG),
        ("a.b", TokenProblem.NOT_JWS),
        ("..", TokenProblem.NOT_JWS),
        ("a$.b.c", TokenProblem.BAD_BASE64),
        ("a.b.c", TokenProblem.BAD_BASE64),  # length 1 mod 4 cannot be base64
        ("e30.e30.", TokenProblem.BAD_HEADER),  # {} header: no alg
        ("https://x.test/?t=1", TokenProblem.NOT_JWS),
    ],
)
def test_read_problems(text: str, problem: TokenProblem) -> None:
    reading = read_token(text)
    assert reading.claims is None
    assert reading.problem is problem


def test_url_and_whitespace_forms_extract_the_same_token() -> None:
    token = make_token("ana")
    assert extract_token_text(f"  {token}\r\n") == token
    assert extract_token_text(f"https://a.test/checkin?token={token}") == token
    assert extract_token_text(f"tatamitech://checkin?x=1&token={token}") == token
    assert extract_token_text("https://a.test/?token=a&token=b") is None


def test_public_key_must_have_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        load_public_key("AAAA")


def test_sanitize_for_log_strips_control_characters() -> None:
    assert sanitize_for_log("ab\x1b[31mc\x00d", limit=100) == "ab?[31mc?d"
    assert len(sanitize_for_log("x" * 500)) == 64


def test_roster_keys_verify_through_pyjwt() -> None:
    """The store and the server hand the verifier PyJWT JWKs bound to EdDSA."""
    token = make_token("ana")
    reading = read_token(token)
    x = public_key_x(CURRENT_KEY)
    assert verify_signature(reading, {CURRENT_KID: public_jwk(CURRENT_KID, x)})
    other = public_jwk(CURRENT_KID, public_key_x(OTHER_KEY))
    assert not verify_signature(reading, {CURRENT_KID: other})
    with pytest.raises(ValueError, match="32 bytes"):
        public_jwk("k", "AAAA")


def test_pyjwt_requires_the_claims_the_kiosk_needs() -> None:
    """Defence in depth: a signed JWS without a required claim never verifies, even if a reading
    claims otherwise (the reader rejects such a token first)."""
    signed = issue_token(CURRENT_KEY, CURRENT_KID, {"studentId": "x", "tenantId": "y", "exp": 1})
    reading = replace(read_token(make_token("ana")), token=signed)
    assert not verify_signature(reading, {CURRENT_KID: CURRENT_KEY.public_key()})

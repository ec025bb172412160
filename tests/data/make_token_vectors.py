"""Regenerate the QR token test vectors in tests/data/tokens/ (deterministic: fixed keys, time).

    python tests/data/make_token_vectors.py

Each vector is a file holding exactly the scanned text; ``expected.json`` maps file name to the
outcome the kiosk must decide at ``NOW`` against ``vector_roster.json`` on an empty ledger.

``compact_*`` vectors are the compact form (``TT1:`` + base45 of a COSE_Sign1 CWT): the twin of
every JWS vector where the attack means something for that form (``COMPACT_TWINS``), with the
same expected outcome, plus the attacks only a CBOR token has (wrong tag, trailing bytes,
oversized maps, duplicate keys, semantic tags...).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain import cwt
from kiosk.domain.tokens import (
    b64url_encode,
    extract_token_text,
    issue_compact_token,
    issue_token,
    public_key_x,
)

HERE = Path(__file__).parent
OUT = HERE / "tokens"
NOW = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)
NOW_TS = int(NOW.timestamp())


def key(label: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(label.encode()).digest())


def uid(label: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://tatamitech.test/{label}"))


def nonce(label: str) -> str:
    return b64url_encode(hashlib.sha256(f"nonce:{label}".encode()).digest()[:18])


TENANT = uid("tenant/golden-tiger")
OTHER_TENANT = uid("tenant/iron-crane")
KEY_CURRENT, KID_CURRENT = key("gt-current"), "gt-2026-11"
KEY_RETIRED, KID_RETIRED = key("gt-retired"), "gt-2026-05"
KEY_OTHER, KID_OTHER = key("ic-current"), "ic-2026-11"
STUDENTS = {
    name: uid(f"student/{name}")
    for name in ("ana", "ben", "carla", "dai", "eve", "finn", "gus", "hana", "suspended", "ghost")
}


def claims(
    student: str,
    *,
    tenant: str = TENANT,
    kind: str = "pass",
    exp: int | None = None,
    label: str | None = None,
) -> dict[str, object]:
    return {
        "studentId": STUDENTS[student],
        "tenantId": tenant,
        "nonce": nonce(label or student + kind),
        "exp": exp if exp is not None else NOW_TS + 600,
        "iat": NOW_TS - 60,
        "kind": kind,
    }


def seg(obj: object) -> str:
    return b64url_encode(json.dumps(obj, separators=(",", ":")).encode())


def roster() -> dict[str, object]:
    def student(name: str, status: str = "active") -> dict[str, object]:
        return {
            "id": STUDENTS[name],
            "displayName": name.title(),
            "program": "adults",
            "rank": "white",
            "rankSince": "2026-09-01T18:00:00Z",
            "classesSincePromotion": 10,
            "status": status,
            "flags": {"feesPaid": True},
        }

    return {
        "schema": "tatamitech.kiosk.roster/1",
        "tenant": {"id": TENANT, "slug": "golden-tiger", "name": "Golden Tiger"},
        "seq": 100,
        "full": True,
        "settings": {"timeZone": "Europe/Madrid"},
        "ranks": [
            {"id": "white", "name": "White"},
            {"id": "yellow", "name": "Yellow", "color": "#fdd835"},
        ],
        "programs": [{"id": "adults", "name": "Adults", "ranks": ["white", "yellow"]}],
        "rules": {
            "white_to_yellow": {"attendances": 16, "daysInRank": 60, "requires": ["feesPaid"]}
        },
        "keys": [
            {"kty": "OKP", "crv": "Ed25519", "kid": KID_CURRENT, "x": public_key_x(KEY_CURRENT)},
            {
                "kty": "OKP",
                "crv": "Ed25519",
                "kid": KID_RETIRED,
                "x": public_key_x(KEY_RETIRED),
                "status": "retired",
            },
        ],
        "revokedNonces": [nonce("revoked-card")],
        "classes": [],
        "students": [
            student(n) for n in ("ana", "ben", "carla", "dai", "eve", "finn", "gus", "hana")
        ]
        + [student("suspended", "suspended")],
    }


# --- the compact form -------------------------------------------------------------------

#: JWS vectors without a compact twin, and why.
NO_COMPACT_TWIN = {
    "lowercase_uuid_hana.txt": "UUIDs travel as 16 bytes: there is no letter case",
    "alg_none.txt": "COSE has no 'none'; compact_empty_signature.txt is the unsigned token",
    "bad_base64.txt": "no base64 in the compact form; compact_bad_base45_*.txt",
    "not_json.txt": "no JSON in the compact form; compact_not_cbor.txt",
    "foreign_jwt.txt": "compact_foreign_cwt.txt is a CWT of another issuer",
    "url_without_token.txt": "not a token of either form",
    "plain_text.txt": "not a token of either form",
    "wifi_qr.txt": "not a token of either form",
    "whitespace_only.txt": "not a token of either form",
    "four_segments.txt": "compact_trailing_bytes.txt is the extra-part attack",
    "binary_garbage.bin": "compact_binary_after_prefix.bin",
    "kid_swap.txt": "compact_kid_swap.txt",
    "huge_url_100kb.txt": "over the length limit before any form is looked at",
}


def cwt_claims(claims: dict[str, Any]) -> dict[int, Any]:
    """The JWS claims above as the compact form's CWT map (kiosk/domain/cwt.py)."""
    out: dict[int, Any] = {
        cwt.CLAIM_TENANT: uuid.UUID(str(claims["tenantId"])).bytes,
        cwt.CLAIM_STUDENT: uuid.UUID(str(claims["studentId"])).bytes,
        cwt.CLAIM_CTI: base64.urlsafe_b64decode(str(claims["nonce"]) + "=="),
        cwt.CLAIM_EXP: claims["exp"],
        cwt.CLAIM_IAT: claims["iat"],
    }
    if "kind" in claims:
        out[cwt.CLAIM_KIND] = cwt.KIND_CODES[str(claims["kind"])]
    return out


def compact_kid(private: Ed25519PrivateKey) -> bytes:
    return cwt.key_id(private.public_key().public_bytes_raw())


def cose_parts(
    signer: Ed25519PrivateKey | None,
    claims: object,
    *,
    protected: object = None,
    unprotected: object = None,
    payload: bytes | None = None,
    sign: Callable[[bytes], bytes] | None = None,
) -> list[Any]:
    """The four parts of a COSE_Sign1, each replaceable to build an attack."""
    key = signer or KEY_CURRENT
    header = protected if protected is not None else {1: cwt.COSE_EDDSA, 4: compact_kid(key)}
    header_bytes = header if isinstance(header, bytes) else cbor2.dumps(header)
    body = payload if payload is not None else cbor2.dumps(claims)
    to_sign = cwt.sig_structure(header_bytes, body)
    signature = sign(to_sign) if sign is not None else key.sign(to_sign)
    return [header_bytes, unprotected if unprotected is not None else {}, body, signature]


def compact(parts: object, *, tag: int | None = cwt.COSE_SIGN1_TAG) -> str:
    value = cbor2.CBORTag(tag, parts) if tag is not None else parts
    return cwt.COMPACT_PREFIX + cwt.wrap(cbor2.dumps(value))


def jws_claims_of(text: str) -> dict[str, Any]:
    """The claims inside a JWS vector (bare, in a URL, or with whitespace)."""
    token = extract_token_text(text)
    assert token is not None
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def compact_vectors(vectors: dict[str, tuple[str | bytes, str]]) -> None:
    """Add the compact form's vectors: twins carry exactly the claims of their JWS vector."""

    def twin(name: str, text: str | bytes) -> None:
        vectors[f"compact_{name}"] = (text, vectors[name][1])

    def issued(name: str, key: Ed25519PrivateKey = KEY_CURRENT) -> str:
        text = vectors[name][0]
        assert isinstance(text, str)
        return issue_compact_token(key, jws_claims_of(text))

    for name in (
        "valid_pass.txt",
        "valid_card.txt",
        "valid_default_kind.txt",
        "expired_pass.txt",
        "within_leeway.txt",
        "revoked_card.txt",
        "unknown_student.txt",
        "suspended_student.txt",
    ):
        twin(name, issued(name))
    twin("valid_retired_key.txt", issued("valid_retired_key.txt", KEY_RETIRED))
    twin("other_tenant.txt", issued("other_tenant.txt", KEY_OTHER))
    twin("forged_signature.txt", issued("forged_signature.txt", key("forger")))
    twin(
        "url_form.txt",
        f"https://golden-tiger.tatamitech.com/checkin?token={quote(issued('url_form.txt'), safe='')}",
    )
    extra = issued("url_extra_params.txt")
    twin(
        "url_extra_params.txt",
        f"https://golden-tiger.tatamitech.com/c?utm_source=app&token={quote(extra, safe='')}&v=2",
    )
    twin("whitespace_wedge.txt", f"  \t{issued('whitespace_wedge.txt')}\r\n")
    valid = issued("valid_pass.txt")
    twin(
        "url_two_tokens.txt",
        f"https://x.test/?token={quote(valid, safe='')}&token={quote(extra, safe='')}",
    )

    ana = cwt_claims(claims("ana"))
    # Same protected header and signature, another student's claims: bad_signature.
    good = cose_parts(None, ana)
    tampered = {**ana, cwt.CLAIM_STUDENT: uuid.UUID(STUDENTS["ben"]).bytes}
    twin("tampered_payload.txt", compact([good[0], {}, cbor2.dumps(tampered), good[3]]))
    # Algorithm confusion: HMAC-SHA256 (COSE alg 5) keyed with the public key; ECDSA (-7).
    public_raw = KEY_CURRENT.public_key().public_bytes_raw()
    hmac_parts = cose_parts(
        None,
        cwt_claims(claims("ana", label="hs256")),
        protected={1: 5, 4: compact_kid(KEY_CURRENT)},
        sign=lambda data: hmac.new(public_raw, data, hashlib.sha256).digest(),
    )
    twin("alg_hs256_public_key.txt", compact(hmac_parts))
    vectors["compact_alg_es256.txt"] = (
        compact(
            cose_parts(
                None,
                cwt_claims(claims("ana", label="es256")),
                protected={1: -7, 4: compact_kid(KEY_CURRENT)},
            )
        ),
        "bad_signature",
    )
    vectors["compact_alg_as_text.txt"] = (
        compact(
            cose_parts(
                None,
                cwt_claims(claims("ana", label="algtext")),
                protected={1: "EdDSA", 4: compact_kid(KEY_CURRENT)},
            )
        ),
        "bad_signature",
    )
    vectors["compact_empty_signature.txt"] = (
        compact(cose_parts(None, cwt_claims(claims("ana", label="none")), sign=lambda _: b"")),
        "bad_signature",
    )
    vectors["compact_alg_missing.txt"] = (
        compact(cose_parts(None, ana, protected={4: compact_kid(KEY_CURRENT)})),
        "invalid_code",
    )
    # kid: unknown; another key of the tenant's (signed with the current one); unprotected.
    twin(
        "unknown_kid.txt",
        compact(
            cose_parts(
                None,
                cwt_claims(claims("ana", label="kid")),
                protected={1: cwt.COSE_EDDSA, 4: bytes(8)},
            )
        ),
    )
    vectors["compact_kid_swap.txt"] = (
        compact(
            cose_parts(
                None,
                cwt_claims(claims("ana", label="kidswap")),
                protected={1: cwt.COSE_EDDSA, 4: compact_kid(KEY_RETIRED)},
            )
        ),
        "bad_signature",
    )
    vectors["compact_kid_in_unprotected.txt"] = (
        compact(
            cose_parts(
                None,
                ana,
                protected={1: cwt.COSE_EDDSA},
                unprotected={4: compact_kid(KEY_CURRENT)},
            )
        ),
        "invalid_code",
    )
    vectors["compact_crit_header.txt"] = (
        compact(
            cose_parts(
                None, ana, protected={1: cwt.COSE_EDDSA, 2: [99], 4: compact_kid(KEY_CURRENT)}
            )
        ),
        "invalid_code",
    )
    short_sig = list(good)
    short_sig[3] = good[3][:-10]
    twin("truncated_signature.txt", compact(short_sig))

    # Malformed CBOR and COSE.
    cose_bytes = cbor2.dumps(cbor2.CBORTag(cwt.COSE_SIGN1_TAG, good))
    vectors["compact_truncated_cbor.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(cose_bytes[:-20]),
        "invalid_code",
    )
    vectors["compact_truncated_text.txt"] = (valid[:-30], "invalid_code")
    vectors["compact_trailing_bytes.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(cose_bytes + b"\x00"),
        "invalid_code",
    )
    vectors["compact_wrong_tag.txt"] = (compact(good, tag=61), "invalid_code")
    vectors["compact_cose_sign_tag.txt"] = (compact(good, tag=98), "invalid_code")
    vectors["compact_untagged.txt"] = (compact(good, tag=None), "invalid_code")
    vectors["compact_three_parts.txt"] = (compact(good[:3]), "invalid_code")
    vectors["compact_not_cbor.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(b"\xff\xfe not cbor at all"),
        "invalid_code",
    )
    # A map or an array header announcing 2**32 entries, in a few bytes.
    vectors["compact_oversized_map_header.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(b"\xd2\x84\x40\xba\xff\xff\xff\xff\x01\x02"),
        "invalid_code",
    )
    vectors["compact_oversized_array_header.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(b"\xd2\x9b\x00\x00\x00\x01\x00\x00\x00\x00\x40"),
        "invalid_code",
    )
    # A signed claims map of 40 entries (the token's own six plus junk).
    big = {**ana, **{1000 + i: i for i in range(34)}}
    vectors["compact_oversized_map.txt"] = (compact(cose_parts(None, big)), "invalid_code")
    deep: Any = 0
    for _ in range(64):
        deep = [deep]
    vectors["compact_deep_nesting.txt"] = (
        compact(cose_parts(None, {**ana, 1000: deep})),
        "invalid_code",
    )
    # exp twice in one map (which one would count?), written by hand: encoders refuse.
    six = cbor2.dumps(ana)
    assert six[0] == 0xA6  # a map of six entries: make it seven, the seventh a second exp
    dup_payload = b"\xa7" + six[1:] + cbor2.dumps(cwt.CLAIM_EXP) + cbor2.dumps(NOW_TS + 10**6)
    vectors["compact_duplicate_key.txt"] = (
        compact(cose_parts(None, None, payload=dup_payload)),
        "invalid_code",
    )
    vectors["compact_indefinite_length.txt"] = (
        cwt.COMPACT_PREFIX
        + cwt.wrap(b"\xd2\x9f" + b"".join(cbor2.dumps(part) for part in good) + b"\xff"),
        "invalid_code",
    )
    # The signature's length in a 2-byte head: valid CBOR, not preferred serialization.
    long_head = (
        b"\xd2\x84" + b"".join(cbor2.dumps(part) for part in good[:3]) + b"\x59\x00\x40" + good[3]
    )
    vectors["compact_non_preferred_encoding.txt"] = (
        cwt.COMPACT_PREFIX + cwt.wrap(long_head),
        "invalid_code",
    )
    vectors["compact_trailing_in_payload.txt"] = (
        compact(cose_parts(None, None, payload=cbor2.dumps(ana) + b"\x00")),
        "invalid_code",
    )
    # exp as a tagged date (tag 1) and a bignum (tag 2): cbor2's semantic decoders stay off.
    vectors["compact_exp_as_date_tag.txt"] = (
        compact(cose_parts(None, {**ana, cwt.CLAIM_EXP: cbor2.CBORTag(1, NOW_TS + 600)})),
        "invalid_code",
    )
    vectors["compact_bignum_tag.txt"] = (
        compact(cose_parts(None, {**ana, cwt.CLAIM_EXP: cbor2.CBORTag(2, b"\xff" * 300)})),
        "invalid_code",
    )
    vectors["compact_payload_is_list.txt"] = (
        compact(cose_parts(None, [1, 2, 3])),
        "invalid_code",
    )

    # Claims of the wrong shape, each signed properly.
    def signed(label: str, changes: dict[int, Any], drop: tuple[int, ...] = ()) -> str:
        base = cwt_claims(claims("ana", label=label))
        base.update(changes)
        for k in drop:
            base.pop(k)
        return compact(cose_parts(None, base))

    twin("wrong_claim_types.txt", signed("types", {cwt.CLAIM_STUDENT: STUDENTS["ana"]}))
    twin("exp_is_bool.txt", signed("boolexp", {cwt.CLAIM_EXP: True}))
    twin("short_nonce.txt", signed("short", {cwt.CLAIM_CTI: b"abc"}))
    twin("unknown_kind.txt", signed("kind", {cwt.CLAIM_KIND: 7}))
    vectors["compact_uuid_15_bytes.txt"] = (
        signed("uuid15", {cwt.CLAIM_TENANT: uuid.UUID(TENANT).bytes[:15]}),
        "invalid_code",
    )
    vectors["compact_missing_exp.txt"] = (
        signed("noexp", {}, drop=(cwt.CLAIM_EXP,)),
        "invalid_code",
    )
    vectors["compact_exp_float.txt"] = (
        signed("float", {cwt.CLAIM_EXP: float(NOW_TS + 600)}),
        "invalid_code",
    )
    vectors["compact_foreign_cwt.txt"] = (
        compact(cose_parts(None, {1: "https://issuer.test", 2: "42", 4: NOW_TS + 600})),
        "invalid_code",
    )

    # Text-level: bad base45 (letters outside the alphabet, impossible length, value > 0xFFFF).
    body = valid[len(cwt.COMPACT_PREFIX) :]
    vectors["compact_bad_base45_lowercase.txt"] = (
        cwt.COMPACT_PREFIX + body.lower(),
        "invalid_code",
    )
    vectors["compact_bad_base45_length.txt"] = (valid + "A", "invalid_code")
    vectors["compact_bad_base45_overflow.txt"] = (cwt.COMPACT_PREFIX + "ZZZ" + body, "invalid_code")
    vectors["compact_bad_base45_char.txt"] = (valid[:40] + "#" + valid[41:], "invalid_code")
    vectors["compact_prefix_only.txt"] = (cwt.COMPACT_PREFIX, "invalid_code")
    vectors["compact_lowercase_prefix.txt"] = ("tt1:" + body, "invalid_code")
    rng = random.Random(11)
    vectors["compact_binary_after_prefix.bin"] = (
        cwt.COMPACT_PREFIX.encode() + bytes(rng.randrange(256) for _ in range(300)),
        "invalid_code",
    )
    vectors["compact_huge_100kb.txt"] = (cwt.COMPACT_PREFIX + "A" * 102_400, "invalid_code")
    vectors["compact_too_long.txt"] = (
        cwt.COMPACT_PREFIX + "0" * (cwt.MAX_COMPACT_LENGTH - 3),
        "invalid_code",
    )


def main() -> None:
    OUT.mkdir(exist_ok=True)
    vectors: dict[str, tuple[str | bytes, str]] = {}

    valid_pass = issue_token(KEY_CURRENT, KID_CURRENT, claims("ana"))
    vectors["valid_pass.txt"] = (valid_pass, "accepted")
    vectors["valid_card.txt"] = (
        issue_token(
            KEY_CURRENT, KID_CURRENT, claims("ben", kind="card", exp=NOW_TS + 3 * 365 * 86400)
        ),
        "accepted",
    )
    vectors["valid_retired_key.txt"] = (
        issue_token(KEY_RETIRED, KID_RETIRED, claims("carla", kind="card", exp=NOW_TS + 86400)),
        "accepted",
    )
    vectors["valid_default_kind.txt"] = (
        issue_token(
            KEY_CURRENT, KID_CURRENT, {k: v for k, v in claims("gus").items() if k != "kind"}
        ),
        "accepted",
    )
    url_pass = issue_token(KEY_CURRENT, KID_CURRENT, claims("dai"))
    vectors["url_form.txt"] = (
        f"https://golden-tiger.tatamitech.com/checkin?token={url_pass}",
        "accepted",
    )
    extra = issue_token(KEY_CURRENT, KID_CURRENT, claims("eve"))
    vectors["url_extra_params.txt"] = (
        f"https://golden-tiger.tatamitech.com/c?utm_source=app&token={extra}&v=2",
        "accepted",
    )
    wedge = issue_token(KEY_CURRENT, KID_CURRENT, claims("finn"))
    vectors["whitespace_wedge.txt"] = (f"  \t{wedge}\r\n", "accepted")
    vectors["lowercase_uuid_hana.txt"] = (
        issue_token(
            KEY_CURRENT, KID_CURRENT, {**claims("hana"), "studentId": STUDENTS["hana"].upper()}
        ),
        "accepted",
    )

    vectors["expired_pass.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, claims("ana", exp=NOW_TS - 3600, label="old")),
        "expired",
    )
    vectors["within_leeway.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, claims("ben", exp=NOW_TS - 30, label="leeway")),
        "accepted",
    )
    vectors["other_tenant.txt"] = (
        issue_token(KEY_OTHER, KID_OTHER, claims("ana", tenant=OTHER_TENANT)),
        "wrong_tenant",
    )
    forger = key("forger")
    vectors["forged_signature.txt"] = (
        issue_token(forger, KID_CURRENT, claims("ana", label="forged")),
        "bad_signature",
    )
    h, p, s = valid_pass.split(".")
    tampered = claims("ben", label="ana" + "pass")  # same nonce, another student
    vectors["tampered_payload.txt"] = (f"{h}.{seg(tampered)}.{s}", "bad_signature")
    vectors["alg_none.txt"] = (
        f"{seg({'alg': 'none', 'typ': 'JWT', 'kid': KID_CURRENT})}.{seg(claims('ana', label='none'))}.",
        "bad_signature",
    )
    hs_header = seg({"alg": "HS256", "typ": "JWT", "kid": KID_CURRENT})
    hs_payload = seg(claims("ana", label="hs256"))
    public_raw = base64.urlsafe_b64decode(public_key_x(KEY_CURRENT) + "=")
    mac = hmac.new(public_raw, f"{hs_header}.{hs_payload}".encode(), hashlib.sha256).digest()
    vectors["alg_hs256_public_key.txt"] = (
        f"{hs_header}.{hs_payload}.{b64url_encode(mac)}",
        "bad_signature",
    )
    vectors["unknown_kid.txt"] = (
        issue_token(KEY_CURRENT, "gt-1999-01", claims("ana", label="kid")),
        "bad_signature",
    )
    vectors["kid_swap.txt"] = (
        issue_token(KEY_CURRENT, KID_RETIRED, claims("ana", label="kidswap")),
        "bad_signature",
    )
    vectors["truncated_signature.txt"] = (valid_pass[:-10], "bad_signature")
    vectors["revoked_card.txt"] = (
        issue_token(
            KEY_CURRENT,
            KID_CURRENT,
            claims("ana", kind="card", exp=NOW_TS + 86400, label="revoked-card"),
        ),
        "revoked",
    )
    vectors["unknown_student.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, claims("ghost")),
        "unknown_student",
    )
    vectors["suspended_student.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, claims("suspended")),
        "student_inactive",
    )

    vectors["bad_base64.txt"] = (f"{h}.{p}!!.{s}", "invalid_code")
    vectors["not_json.txt"] = (f"{b64url_encode(b'not json at all')}.{p}.{s}", "invalid_code")
    vectors["payload_is_list.txt"] = (f"{h}.{seg([1, 2, 3])}.{s}", "invalid_code")
    wrong_types = {**claims("ana", label="types"), "studentId": 12345}
    vectors["wrong_claim_types.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, wrong_types),
        "invalid_code",
    )
    bool_exp = {**claims("ana", label="boolexp"), "exp": True}
    vectors["exp_is_bool.txt"] = (issue_token(KEY_CURRENT, KID_CURRENT, bool_exp), "invalid_code")
    short_nonce = {**claims("ana"), "nonce": "abc"}
    vectors["short_nonce.txt"] = (
        issue_token(KEY_CURRENT, KID_CURRENT, short_nonce),
        "invalid_code",
    )
    bad_kind = {**claims("ana", label="kind"), "kind": "voucher"}
    vectors["unknown_kind.txt"] = (issue_token(KEY_CURRENT, KID_CURRENT, bad_kind), "invalid_code")
    foreign_jwt = f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg({'sub': '42', 'name': 'x', 'iat': 1})}.{b64url_encode(b'x' * 32)}"
    vectors["foreign_jwt.txt"] = (foreign_jwt, "invalid_code")
    vectors["url_without_token.txt"] = (
        "https://golden-tiger.tatamitech.com/checkin?student=ana",
        "invalid_code",
    )
    vectors["url_two_tokens.txt"] = (
        f"https://x.test/?token={valid_pass}&token={extra}",
        "invalid_code",
    )
    vectors["plain_text.txt"] = ("Hello, dojo!", "invalid_code")
    vectors["wifi_qr.txt"] = ("WIFI:S:GoldenTiger;T:WPA;P:secret;;", "invalid_code")
    vectors["whitespace_only.txt"] = (" \r\n\t ", "invalid_code")
    vectors["four_segments.txt"] = (valid_pass + ".extra", "invalid_code")
    rng = random.Random(7)
    vectors["binary_garbage.bin"] = (bytes(rng.randrange(256) for _ in range(600)), "invalid_code")
    vectors["huge_100kb.txt"] = (
        "A" * 50_000 + "." + "B" * 50_000 + "." + "C" * 100,
        "invalid_code",
    )
    vectors["huge_url_100kb.txt"] = (
        "https://x.test/?token=" + valid_pass + "&pad=" + "p" * 102_400,
        "invalid_code",
    )

    compact_vectors(vectors)
    missing = {n for n in vectors if not n.startswith("compact_")} - set(NO_COMPACT_TWIN)
    missing -= {n.removeprefix("compact_") for n in vectors if n.startswith("compact_")}
    assert not missing, f"JWS vectors without a compact twin or a reason: {sorted(missing)}"

    for old in OUT.iterdir():
        old.unlink()
    expected = {}
    for name, (content, outcome) in sorted(vectors.items()):
        path = OUT / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))
        expected[name] = outcome
    (OUT / "expected.json").write_text(
        json.dumps({"now": NOW.isoformat(), "vectors": expected}, indent=2) + "\n"
    )
    (HERE / "vector_roster.json").write_text(json.dumps(roster(), indent=2) + "\n")
    print(f"wrote {len(vectors)} vectors to {OUT}")


if __name__ == "__main__":
    main()

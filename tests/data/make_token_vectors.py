"""Regenerate the QR token test vectors in tests/data/tokens/ (deterministic: fixed keys, time).

    python tests/data/make_token_vectors.py

Each vector is a file holding exactly the scanned text; ``expected.json`` maps file name to the
outcome the kiosk must decide at ``NOW`` against ``vector_roster.json`` on an empty ledger.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import uuid
from datetime import UTC, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kiosk.domain.tokens import b64url_encode, issue_token, public_key_x

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

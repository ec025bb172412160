"""QR token reading and verification (DESIGN §3).

A TatamiTech QR holds a token in one of two forms with the same claims and the same rules:

- a compact JWS (EdDSA / Ed25519, header ``kid``), or any URL whose query has ``token=<JWS>``;
- the compact form: ``TT1:`` + base45 of a CWT in a COSE_Sign1 (:mod:`kiosk.domain.cwt`),
  about half the characters in QR alphanumeric mode, so a smaller, farther-readable code.

Reading happens in two steps so that every input maps to exactly one outcome:

1. :func:`read_token` parses the text *without* trusting it. Anything that is not shaped like a
   TatamiTech token (bad base64 or base45, non-JSON or malformed CBOR, wrong claim types,
   oversized input) gives a :class:`TokenReading` with ``problem`` set: the decision turns it
   into ``invalid_code``.
2. :func:`verify_signature` checks the signature with the tenant key the token's ``kid``
   names, the algorithm pinned to EdDSA. A JWS is verified by PyJWT (a :class:`jwt.PyJWK`
   bound to EdDSA, the claims the kiosk needs required); a COSE_Sign1 by the same key's EdDSA
   over its Sig_structure. Any other ``alg`` (``none``, ``HS256`` "signed" with a public key,
   COSE's HMAC or ECDSA...), an unknown ``kid`` or a tampered payload are all
   ``bad_signature``.

Expiry is not PyJWT's to check: it reads this machine's clock, while the decision uses the
server-corrected clock it is given (``now``) and the tenant's ``expiryLeewaySeconds``
(:func:`kiosk.domain.decision.decide`).

Unverified claims may choose a message (``wrong_tenant``), never an acceptance.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from jwt import PyJWK
from jwt.exceptions import PyJWTError

from kiosk.domain import cwt

#: Longest text we even look at. A platform token is ~380 characters; a QR holds at most ~3 KB.
MAX_TEXT_LENGTH = 4096
#: Nonces carry at least 128 random bits (DESIGN §3).
MIN_NONCE_BYTES = 16
MAX_NONCE_LENGTH = 128
#: The only signature algorithm a token may use: a token never chooses how it is verified.
ALGORITHM = "EdDSA"
#: Claims PyJWT requires before a signature counts (``iat`` and ``kind`` are optional).
REQUIRED_CLAIMS = ("studentId", "tenantId", "nonce", "exp")
#: What PyJWT checks besides the signature. Expiry, ``iat`` and ``nbf`` stay with the decision
#: (injected, server-corrected clock); audience, issuer, ``sub`` and ``jti`` are not part of
#: the token's contract (DESIGN §3), so a token carrying them is neither helped nor hurt.
_PYJWT_OPTIONS: jwt.types.Options = {
    "verify_signature": True,
    "require": list(REQUIRED_CLAIMS),
    "verify_exp": False,
    "verify_iat": False,
    "verify_nbf": False,
    "verify_aud": False,
    "verify_iss": False,
    "verify_sub": False,
    "verify_jti": False,
}

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class TokenKind(StrEnum):
    """``pass``: short-lived, single use, shown on a phone. ``card``: printed, reusable."""

    PASS = "pass"  # noqa: S105 (a token kind, not a password)
    CARD = "card"


class TokenForm(StrEnum):
    """How a token is written: ``jws`` (text, QR byte mode) or ``compact`` (CWT, base45)."""

    JWS = "jws"
    COMPACT = "compact"


class TokenProblem(StrEnum):
    """Why a text is not a TatamiTech token (all map to ``invalid_code``)."""

    EMPTY = "empty"
    TOO_LONG = "too_long"
    NOT_JWS = "not_jws"
    BAD_BASE64 = "bad_base64"
    BAD_JSON = "bad_json"
    BAD_HEADER = "bad_header"
    BAD_CLAIMS = "bad_claims"
    # The compact form's layers (kiosk.domain.cwt).
    BAD_BASE45 = "bad_base45"
    BAD_CBOR = "bad_cbor"
    NOT_COSE = "not_cose"


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Typed claims of a well-formed (not yet verified) token."""

    student_id: str
    tenant_id: str
    nonce: str
    exp: int
    iat: int | None
    kind: TokenKind


@dataclass(frozen=True, slots=True)
class TokenReading:
    """The result of reading a scanned text. Exactly one of ``claims`` / ``problem`` is set."""

    claims: TokenClaims | None
    problem: TokenProblem | None
    form: TokenForm = TokenForm.JWS
    #: ``EdDSA`` when the token says so; otherwise what it says (``cose:<n>`` for COSE).
    alg: str = ""
    #: The JWS header's ``kid``; for the compact form, the COSE kid's bytes in hex.
    kid: str = ""
    #: The JWS itself (without URL or whitespace), for the verifier.
    token: str = ""
    #: Compact form: the COSE Sig_structure and the signature over it.
    signing_input: bytes = b""
    signature: bytes = b""

    @property
    def well_formed(self) -> bool:
        return self.claims is not None


def sanitize_for_log(text: str, limit: int = 64) -> str:
    """Strip control characters and cut: for the rare log line that must show scanned text."""
    return _CONTROL.sub("?", text)[:limit]


def nonce_digest(nonce: str) -> str:
    """Stable short hash of a nonce: what logs and events carry instead of the nonce."""
    return hashlib.sha256(nonce.encode("utf-8")).hexdigest()[:16]


def text_digest(text: str) -> str:
    """Hash of a scanned text, to correlate scan-error events without keeping the payload."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def extract_token_text(text: str) -> str | None:
    """The token inside a scanned text: the text itself, or the ``token`` query of a URL.

    Whitespace around it is ignored (keyboard-wedge scanners type a trailing Enter; base45
    never ends in a space). A compact token is never taken for a URL, though its base45 may
    hold ``://``; in a URL it must be percent-encoded (``+`` and space are base45 letters).
    """
    stripped = text.strip()
    if not stripped:
        return None
    if stripped.startswith(cwt.COMPACT_PREFIX):
        return stripped
    if "://" in stripped or stripped.startswith(("?", "/")) or "?token=" in stripped:
        try:
            query = urlsplit(stripped).query
        except ValueError:
            return None
        values = parse_qs(query, keep_blank_values=True, max_num_fields=32).get("token", [])
        return values[0].strip() if len(values) == 1 else None
    return stripped


def _b64url_decode(segment: str) -> bytes:
    if not _B64URL.match(segment):
        raise ValueError("not base64url")
    # JWS uses unpadded base64url; a length of 1 mod 4 can never be valid.
    if len(segment) % 4 == 1:
        raise ValueError("impossible base64 length")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("bad base64") from exc


def b64url_encode(data: bytes) -> str:
    """Unpadded base64url, as JWS uses it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_object(raw: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _is_uuid(value: object) -> bool:
    if not isinstance(value, str) or len(value) != 36:
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_int(value: object) -> bool:
    # JSON numbers decode to int; bool is an int subclass and must not pass.
    return isinstance(value, int) and not isinstance(value, bool)


def _valid_nonce(value: object) -> bool:
    if not isinstance(value, str) or not (0 < len(value) <= MAX_NONCE_LENGTH):
        return False
    try:
        return len(_b64url_decode(value)) >= MIN_NONCE_BYTES
    except ValueError:
        return False


def _parse_claims(payload: dict[str, Any]) -> TokenClaims | None:
    student_id = payload.get("studentId")
    tenant_id = payload.get("tenantId")
    nonce = payload.get("nonce")
    exp = payload.get("exp")
    iat = payload.get("iat")
    kind = payload.get("kind", TokenKind.PASS.value)
    if not (_is_uuid(student_id) and _is_uuid(tenant_id) and _valid_nonce(nonce)):
        return None
    if not _is_int(exp) or (iat is not None and not _is_int(iat)):
        return None
    if kind not in (TokenKind.PASS.value, TokenKind.CARD.value):
        return None
    assert isinstance(student_id, str) and isinstance(tenant_id, str) and isinstance(nonce, str)
    assert isinstance(exp, int)
    return TokenClaims(
        student_id=student_id.lower(),
        tenant_id=tenant_id.lower(),
        nonce=nonce,
        exp=exp,
        iat=iat if isinstance(iat, int) else None,
        kind=TokenKind(kind),
    )


def _problem(problem: TokenProblem) -> TokenReading:
    return TokenReading(claims=None, problem=problem)


def read_token(text: str) -> TokenReading:
    """Parse a scanned text into typed, *unverified* claims, or say why it is not a token."""
    if len(text) > MAX_TEXT_LENGTH:
        return _problem(TokenProblem.TOO_LONG)
    token = extract_token_text(text)
    if token is None:
        return _problem(TokenProblem.EMPTY if not text.strip() else TokenProblem.NOT_JWS)
    if token.startswith(cwt.COMPACT_PREFIX):
        return _read_compact(token)
    parts = token.split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return _problem(TokenProblem.NOT_JWS)
    try:
        header_raw = _b64url_decode(parts[0])
        payload_raw = _b64url_decode(parts[1])
        _b64url_decode(parts[2])  # the signature: PyJWT reads it again when it verifies
    except ValueError:
        return _problem(TokenProblem.BAD_BASE64)
    header = _json_object(header_raw)
    payload = _json_object(payload_raw)
    if header is None or payload is None:
        return _problem(TokenProblem.BAD_JSON)
    alg = header.get("alg")
    kid = header.get("kid", "")
    if not isinstance(alg, str) or not isinstance(kid, str) or "crit" in header:
        return _problem(TokenProblem.BAD_HEADER)
    claims = _parse_claims(payload)
    if claims is None:
        return _problem(TokenProblem.BAD_CLAIMS)
    return TokenReading(
        claims=claims,
        problem=None,
        alg=alg,
        kid=kid,
        token=token,
    )


def _uuid_bytes(value: object) -> str | None:
    if not isinstance(value, bytes) or len(value) != 16:
        return None
    return str(uuid.UUID(bytes=value))


def _parse_compact_claims(claims: Mapping[Any, Any]) -> TokenClaims | None:
    student_id = _uuid_bytes(claims.get(cwt.CLAIM_STUDENT))
    tenant_id = _uuid_bytes(claims.get(cwt.CLAIM_TENANT))
    cti = claims.get(cwt.CLAIM_CTI)
    exp = claims.get(cwt.CLAIM_EXP)
    iat = claims.get(cwt.CLAIM_IAT)
    kind_code = claims.get(cwt.CLAIM_KIND, cwt.KIND_CODES[TokenKind.PASS.value])
    kinds = {code: TokenKind(name) for name, code in cwt.KIND_CODES.items()}
    if student_id is None or tenant_id is None or not isinstance(cti, bytes):
        return None
    # The nonce as the JWS writes it, so that revocation and spent passes match across forms.
    nonce = b64url_encode(cti)
    if not _valid_nonce(nonce) or not _is_int(exp) or (iat is not None and not _is_int(iat)):
        return None
    if not _is_int(kind_code) or kind_code not in kinds:
        return None
    assert isinstance(exp, int)
    return TokenClaims(
        student_id=student_id,
        tenant_id=tenant_id,
        nonce=nonce,
        exp=exp,
        iat=iat if isinstance(iat, int) else None,
        kind=kinds[kind_code],
    )


def _read_compact(token: str) -> TokenReading:
    if len(token) > cwt.MAX_COMPACT_LENGTH:
        return _problem(TokenProblem.TOO_LONG)
    try:
        cose = cwt.decode(token)
    except cwt.CompactError as error:
        return _problem(TokenProblem(error.problem))
    claims = _parse_compact_claims(cose.claims)
    if claims is None:
        return _problem(TokenProblem.BAD_CLAIMS)
    return TokenReading(
        claims=claims,
        problem=None,
        form=TokenForm.COMPACT,
        alg=ALGORITHM if cose.alg == cwt.COSE_EDDSA else f"cose:{cose.alg}"[:32],
        kid=cose.kid.hex(),
        token=token,
        signing_input=cose.to_be_signed,
        signature=cose.signature,
    )


def load_public_key(raw_b64url: str) -> Ed25519PublicKey:
    """An Ed25519 public key from its JWK ``x`` value (32 bytes, base64url)."""
    raw = _b64url_decode(raw_b64url)
    if len(raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


#: A tenant's public key as the verifier takes it: PyJWT's JWK (what the roster holds), or a
#: bare Ed25519 key (tests, tools), which is wrapped in one.
VerificationKey = PyJWK | Ed25519PublicKey


def public_jwk(kid: str, x: str) -> PyJWK:
    """A roster key (OKP JWK ``kid`` and ``x``) as a :class:`jwt.PyJWK` bound to EdDSA.

    Raises:
        ValueError: ``x`` is not a 32-byte Ed25519 public key.
    """
    load_public_key(x)  # PyJWT's own errors do not say what is wrong with the key
    return PyJWK({"kty": "OKP", "crv": "Ed25519", "kid": kid, "x": x}, algorithm=ALGORITHM)


def _as_jwk(key: VerificationKey) -> PyJWK:
    if isinstance(key, PyJWK):
        return key
    raw = key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return PyJWK({"kty": "OKP", "crv": "Ed25519", "x": b64url_encode(raw)}, algorithm=ALGORITHM)


def verify_signature(reading: TokenReading, keys: Mapping[str, VerificationKey]) -> bool:
    """True only for an EdDSA signature by the tenant key named in the header.

    The algorithm is pinned: a token cannot choose how it is verified, so ``none`` and
    ``HS256`` (with the public key as an HMAC secret) fail here. The key is the roster's key of
    that ``kid``, never one the token brings.
    """
    if reading.claims is None or reading.alg != ALGORITHM:
        return False
    if reading.form is TokenForm.COMPACT:
        return _verify_compact(reading, keys)
    key = keys.get(reading.kid)
    if key is None:
        return False
    jwk = _as_jwk(key)
    if jwk.algorithm_name != ALGORITHM:
        return False
    try:
        jwt.decode(reading.token, key=jwk, algorithms=[ALGORITHM], options=_PYJWT_OPTIONS)
    except PyJWTError:
        return False
    return True


def _verify_compact(reading: TokenReading, keys: Mapping[str, VerificationKey]) -> bool:
    """The roster key whose compact kid the COSE header names, EdDSA over the Sig_structure."""
    for key in keys.values():
        jwk = _as_jwk(key)
        public = jwk.key
        if jwk.algorithm_name != ALGORITHM or not isinstance(public, Ed25519PublicKey):
            continue
        if cwt.key_id(public.public_bytes_raw()).hex() != reading.kid:
            continue
        try:
            public.verify(reading.signature, reading.signing_input)
        except InvalidSignature:
            return False
        return True
    return False


def issue_token(private_key: Ed25519PrivateKey, kid: str, claims: Mapping[str, Any]) -> str:
    """Sign claims as a compact EdDSA JWS. Only the backend (and tests) hold private keys."""
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid}
    signing_input = ".".join(
        b64url_encode(json.dumps(part, separators=(",", ":")).encode("utf-8"))
        for part in (header, dict(claims))
    )
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def issue_compact_token(private_key: Ed25519PrivateKey, claims: Mapping[str, Any]) -> str:
    """Sign claims (the JWS's names and values) as a compact token: ``TT1:`` + base45.

    The kid is derived from the key (:func:`kiosk.domain.cwt.key_id`). UUIDs travel as their 16
    bytes and the nonce as the bytes its base64url names, so the kiosk reads back exactly the
    claims a JWS of the same card carries.

    Raises:
        ValueError: a claim the compact form cannot carry unchanged (a nonce that is not
            canonical base64url of at least 16 bytes, a UUID that is not one, an unknown kind).
    """
    nonce = str(claims["nonce"])
    cti = _b64url_decode(nonce)
    if b64url_encode(cti) != nonce or len(cti) < MIN_NONCE_BYTES:
        raise ValueError("the nonce must be canonical base64url of at least 16 bytes")
    cwt_claims: dict[int, Any] = {
        cwt.CLAIM_TENANT: uuid.UUID(str(claims["tenantId"])).bytes,
        cwt.CLAIM_STUDENT: uuid.UUID(str(claims["studentId"])).bytes,
        cwt.CLAIM_CTI: cti,
        cwt.CLAIM_EXP: int(claims["exp"]),
    }
    if "iat" in claims:
        cwt_claims[cwt.CLAIM_IAT] = int(claims["iat"])
    if "kind" in claims:
        kind = str(claims["kind"])
        if kind not in cwt.KIND_CODES:
            raise ValueError(f"unknown token kind {kind!r}")
        cwt_claims[cwt.CLAIM_KIND] = cwt.KIND_CODES[kind]
    return cwt.encode(private_key, cwt_claims)


def issue_in_form(
    form: TokenForm, private_key: Ed25519PrivateKey, kid: str, claims: Mapping[str, Any]
) -> str:
    """Sign claims in the given form (``kid`` names the key in a JWS; compact derives its own)."""
    if form is TokenForm.COMPACT:
        return issue_compact_token(private_key, claims)
    return issue_token(private_key, kid, claims)


def public_key_x(private_key: Ed25519PrivateKey) -> str:
    """The JWK ``x`` (base64url raw public key) of a private key."""
    raw = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return b64url_encode(raw)

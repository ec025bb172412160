"""Wire format of the compact QR token (DESIGN §3, compact form): a CWT in a COSE_Sign1.

The text is ``TT1:`` followed by the base45 (RFC 9285) encoding of a tagged COSE_Sign1
(RFC 9052, CBOR tag 18), so that the QR uses alphanumeric mode: 5.5 bits per character where
a JWS needs 8. The COSE_Sign1 is::

    18([ protected: bstr .cbor {1: -8, 4: kid},   # alg EdDSA, kid (8 bytes, see key_id)
         unprotected: {},                         # empty: everything that matters is signed
         payload: bstr .cbor claims,              # a CWT claims set (RFC 8392)
         signature: bstr ])                       # Ed25519 over the Sig_structure

and the claims map uses RFC 8392's registered keys where one exists and private-use keys
(below -65536) for the platform's own claims: UUIDs as their 16 bytes, times as integers.

Decoding is strict, because every byte comes from a stranger's phone: base45 by the package
of the RFC's author; CBOR by cbor2 with definite lengths only, no duplicate map keys, a small
nesting limit, none of cbor2's semantic tag decoders (dates, regexes, MIME… would run on
hostile input), and *preferred serialization* (RFC 8949 §4.1) checked by re-encoding, which
also rejects trailing bytes. Maps hold at most :data:`MAX_MAP_ENTRIES` entries.

This module knows the bytes, not what the claims mean: :mod:`kiosk.domain.tokens` turns a
:class:`CoseSign1` into typed claims and verifies it.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import base45
import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

#: What starts every compact token. Upper case, digits and ':' only: QR alphanumeric mode.
COMPACT_PREFIX: Final = "TT1:"
#: Longest compact text looked at (a real one is ~250 characters).
MAX_COMPACT_LENGTH: Final = 1024
#: Most entries any map of the token may hold (a real claims map has 6).
MAX_MAP_ENTRIES: Final = 16

COSE_SIGN1_TAG: Final = 18
HEADER_ALG: Final = 1
HEADER_CRIT: Final = 2
HEADER_KID: Final = 4
#: COSE's number for EdDSA (RFC 9053 §2.2).
COSE_EDDSA: Final = -8

# CWT claim keys (RFC 8392 §4): exp, iat and cti (the nonce: "a unique identifier").
CLAIM_EXP: Final = 4
CLAIM_IAT: Final = 6
CLAIM_CTI: Final = 7
# The platform's claims, in the private-use range (RFC 8392 §9.1: below -65536).
CLAIM_TENANT: Final = -65537
CLAIM_STUDENT: Final = -65538
CLAIM_KIND: Final = -65539
#: Values of :data:`CLAIM_KIND` (absent: a pass).
KIND_CODES: Final[Mapping[str, int]] = {"pass": 0, "card": 1}

#: Bytes of the compact key id: a prefix of the key's RFC 7638 thumbprint. It only tells one
#: tenant's few keys apart; the signature, not the kid, is what proves anything.
KEY_ID_BYTES: Final = 8

# Tags cbor2 would decode into Python objects (dates, bignums, decimals, regexes, MIME, UUIDs,
# IP addresses, shared and string references, sets...). None belongs in a token; refusing them
# keeps their decoders (and the modules they import) away from hostile input.
_SEMANTIC_TAGS = (
    *(0, 1, 2, 3, 4, 5, 25, 28, 29, 30, 35, 36, 37, 52, 54, 100),
    *(256, 258, 260, 261, 1004, 55799),
)


class CompactError(ValueError):
    """The text is not a well-formed compact token; ``problem`` says which layer failed.

    Problems: ``bad_base45``, ``bad_cbor`` (not CBOR, not in preferred serialization, trailing
    bytes, too deep, oversized map), ``not_cose`` (CBOR, but not a tagged COSE_Sign1 of this
    profile), ``bad_header`` (protected header without alg or kid, critical parameters, a
    non-empty unprotected header), ``bad_claims`` (the payload is not a CWT claims map).
    """

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True, slots=True)
class CoseSign1:
    """A parsed, *unverified* compact token."""

    alg: int | str
    kid: bytes
    claims: Mapping[Any, Any]
    #: The COSE Sig_structure: exactly the bytes the signature covers.
    to_be_signed: bytes
    signature: bytes


def _refuse_tag(value: object, immutable: bool) -> object:
    raise CompactError("bad_cbor")


_NO_SEMANTICS = dict.fromkeys(_SEMANTIC_TAGS, _refuse_tag)


def _cbor(data: bytes, *, problem: str = "bad_cbor") -> Any:
    """One CBOR item that is all of ``data``, in preferred serialization."""
    try:
        value = cbor2.loads(
            data,
            semantic_decoders=_NO_SEMANTICS,
            max_depth=4,
            allow_indefinite=False,
            allow_duplicate_keys=False,
        )
        # Re-encoding gives back the input only if it used the shortest heads and nothing
        # follows the item: no trailing bytes, no second encoding of the same token.
        canonical = cbor2.dumps(value) == data
    except CompactError:
        raise
    except Exception as exc:  # cbor2 on hostile bytes: any failure means "not a token"
        raise CompactError(problem) from exc
    if not canonical or _too_big(value):
        raise CompactError(problem)
    return value


def _too_big(value: object) -> bool:
    if isinstance(value, Mapping):
        return len(value) > MAX_MAP_ENTRIES or any(_too_big(v) for v in value.values())
    if isinstance(value, cbor2.CBORTag):
        return _too_big(value.value)
    if isinstance(value, list | tuple):
        return len(value) > MAX_MAP_ENTRIES or any(_too_big(v) for v in value)
    return False


def sig_structure(protected: bytes, payload: bytes) -> bytes:
    """The COSE Sig_structure of a COSE_Sign1 without external data (RFC 9052 §4.4)."""
    return cbor2.dumps(["Signature1", protected, b"", payload])


def key_id(public_raw: bytes) -> bytes:
    """The compact kid of an Ed25519 public key: its RFC 7638 thumbprint's first 8 bytes.

    Derived from the key itself, so the roster needs no new field; 8 bytes instead of the
    JWK ``kid`` text (~28) keep the QR one version smaller.
    """
    if len(public_raw) != 32:
        raise ValueError("an Ed25519 public key has 32 bytes")
    x = _b64url(public_raw)
    members = f'{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}'  # RFC 7638 §3.2: sorted, no spaces
    return hashlib.sha256(members.encode("ascii")).digest()[:KEY_ID_BYTES]


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b45decode(text: str) -> bytes:
    try:
        raw = base45.b45decode(text)
    except ValueError as exc:
        raise CompactError("bad_base45") from exc
    assert isinstance(raw, bytes)
    return raw


def decode(text: str) -> CoseSign1:
    """Parse a compact token text (prefix included) without trusting it.

    Raises:
        CompactError: the text is not a well-formed compact token.
    """
    if not text.startswith(COMPACT_PREFIX):
        raise CompactError("not_cose")
    # base45 ends in neither ' ' nor '\n', but its own decoder strips a trailing newline.
    body = text[len(COMPACT_PREFIX) :]
    if not body or body[-1] == "\n":
        raise CompactError("bad_base45")
    outer = _cbor(_b45decode(body))
    if not (isinstance(outer, cbor2.CBORTag) and outer.tag == COSE_SIGN1_TAG):
        raise CompactError("not_cose")
    parts = outer.value
    if not (isinstance(parts, Sequence) and len(parts) == 4):
        raise CompactError("not_cose")
    protected, unprotected, payload, signature = parts
    if not (
        isinstance(protected, bytes)
        and isinstance(unprotected, Mapping)
        and isinstance(payload, bytes)
        and isinstance(signature, bytes)
    ):
        raise CompactError("not_cose")
    header = _cbor(protected, problem="bad_header")
    if not isinstance(header, Mapping) or unprotected or HEADER_CRIT in header:
        raise CompactError("bad_header")
    alg = header.get(HEADER_ALG)
    kid = header.get(HEADER_KID)
    if not isinstance(alg, int | str) or isinstance(alg, bool) or not isinstance(kid, bytes):
        raise CompactError("bad_header")
    claims = _cbor(payload)
    if not isinstance(claims, Mapping):
        raise CompactError("bad_claims")
    return CoseSign1(
        alg=alg,
        kid=kid,
        claims=claims,
        to_be_signed=sig_structure(protected, payload),
        signature=signature,
    )


def encode(private_key: Ed25519PrivateKey, claims: Mapping[int, Any]) -> str:
    """Sign a CWT claims map as a compact token (``TT1:`` + base45). Backend and tests only."""
    public_raw = private_key.public_key().public_bytes_raw()
    protected = cbor2.dumps({HEADER_ALG: COSE_EDDSA, HEADER_KID: key_id(public_raw)})
    payload = cbor2.dumps(dict(claims))
    signature = private_key.sign(sig_structure(protected, payload))
    cose = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1_TAG, [protected, {}, payload, signature]))
    return COMPACT_PREFIX + wrap(cose)


def wrap(cose: bytes) -> str:
    """base45 text of COSE bytes (without the prefix)."""
    text = base45.b45encode(cose)
    assert isinstance(text, bytes)
    return text.decode("ascii")

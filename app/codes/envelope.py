"""The layers shared by GX1 and HC1: Base45 → bounded zlib → COSE_Sign1 (RFC 9052).

Each layer raises :class:`DecodeFailure` naming the layer, so the verifier can answer
``MALFORMED`` (or ``UNSUPPORTED`` for an algorithm) and record where decoding stopped.
Inflation is bounded: a stream that would grow past the limit is cut off early, so a
zlib bomb costs little time and memory.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

import cbor2

from app.codes.b45 import Base45Error, b45decode

COSE_SIGN1_TAG = 18
CWT_TAG = 61
HEADER_ALG = 1
HEADER_KID = 4


def is_map(value: object) -> TypeGuard[Mapping[Any, Any]]:
    """A decoded CBOR map (a dict, or the immutable mapping decoded inside a tag)."""
    return type(value) is dict or isinstance(value, Mapping)


class DecodeFailure(Exception):
    """A layer could not be decoded; ``stage`` names it (prefix, base45, zlib, cose, cbor...)."""

    def __init__(self, stage: str, detail: str = "") -> None:
        super().__init__(f"{stage}: {detail}" if detail else stage)
        self.stage = stage
        self.detail = detail


def inflate_bounded(data: bytes, limit: int) -> bytes:
    """Inflate a complete RFC 1950 stream of at most ``limit`` bytes; else DecodeFailure."""
    if len(data) < 2 or (data[0] & 0x0F) != 8 or (data[0] * 256 + data[1]) % 31:
        raise DecodeFailure("zlib", "not a zlib stream")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise DecodeFailure("zlib", str(exc)) from exc
    if len(out) > limit:
        raise DecodeFailure("zlib", f"inflates past {limit} bytes")
    if not inflater.eof:
        raise DecodeFailure("zlib", "truncated stream")
    if inflater.unused_data:
        raise DecodeFailure("zlib", "data after the stream")
    return out


def decode_cbor(data: bytes) -> Any:
    """CBOR decode with every decoder complaint turned into DecodeFailure('cbor')."""
    try:
        return cbor2.loads(data, max_depth=32)
    except Exception as exc:  # noqa: BLE001 - any defect of untrusted input
        raise DecodeFailure("cbor", type(exc).__name__) from exc


@dataclass(frozen=True)
class CoseSign1:
    """A decoded COSE_Sign1 message; ``kid`` is the effective key id (protected first)."""

    protected_raw: bytes
    protected: Mapping[Any, Any]
    unprotected: Mapping[Any, Any]
    payload: bytes
    signature: bytes
    alg: Any
    kid: bytes | None

    def to_be_signed(self) -> bytes:
        """The Sig_structure of RFC 9052 §4.4 with empty external AAD."""
        return cbor2.dumps(["Signature1", self.protected_raw, b"", self.payload])


def parse_cose_sign1(data: bytes, *, allow_cwt_tag: bool = False,
                     lenient_alg: bool = False) -> CoseSign1:
    """Decode a COSE_Sign1 (tag 18 optional; with ``allow_cwt_tag`` also inside tag 61).

    ``lenient_alg`` takes the algorithm from the unprotected header when the protected one
    has none (seen in HC1 issued in the wild; GX1 requires it protected).
    """
    obj = decode_cbor(data)
    if allow_cwt_tag and isinstance(obj, cbor2.CBORTag) and obj.tag == CWT_TAG:
        obj = obj.value
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != COSE_SIGN1_TAG:
            raise DecodeFailure("cose", f"unexpected tag {obj.tag}")
        obj = obj.value
    if not isinstance(obj, list | tuple) or len(obj) != 4:
        raise DecodeFailure("cose", "not an array of four")
    protected_raw, unprotected, payload, signature = obj
    if not (isinstance(protected_raw, bytes) and is_map(unprotected)
            and isinstance(payload, bytes) and isinstance(signature, bytes)):
        raise DecodeFailure("cose", "wrong member types")
    protected = decode_cbor(protected_raw) if protected_raw else {}
    if not is_map(protected):
        raise DecodeFailure("cose", "protected header is not a map")
    alg = protected.get(HEADER_ALG)
    if alg is None and lenient_alg:
        alg = unprotected.get(HEADER_ALG)
    if alg is None:
        raise DecodeFailure("cose", "no algorithm in the protected header")
    kid = protected[HEADER_KID] if HEADER_KID in protected else unprotected.get(HEADER_KID)
    if kid is not None and not isinstance(kid, bytes):
        raise DecodeFailure("cose", "kid is not a byte string")
    return CoseSign1(protected_raw, protected, unprotected, payload, signature, alg, kid)


def unwrap(body: str, *, max_text: int, max_inflated: int,
           allow_cwt_tag: bool = False, lenient_alg: bool = False) -> CoseSign1:
    """Base45 text after the prefix → COSE_Sign1; DecodeFailure on any defect."""
    if len(body) > max_text:
        raise DecodeFailure("base45", "text too long")
    try:
        compressed = b45decode(body)
    except Base45Error as exc:
        raise DecodeFailure("base45", str(exc)) from exc
    return parse_cose_sign1(inflate_bounded(compressed, max_inflated),
                            allow_cwt_tag=allow_cwt_tag, lenient_alg=lenient_alg)

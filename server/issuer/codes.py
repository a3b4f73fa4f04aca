"""Issuing GX1 codes (spec §1–2), including deliberately bad samples for training."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import cbor2

from app.codes.b45 import b45encode
from app.codes.gx1 import HCODE_CLAIM
from app.codes.gx1 import PREFIX as GX1_PREFIX
from app.codes.keys import JOSE_TO_COSE
from server.issuer.keys import KeyPair

DYN_LIFETIME = 24 * 3600
CARD_LIFETIME = 30 * 24 * 3600


@dataclass(frozen=True)
class CodeContent:
    """What one GX1 code says."""

    iss: str
    code_id: str
    kind: str
    colour: str
    name: str
    doc_type: str
    doc_masked: str
    person: str
    iat: int
    exp: int | None = None
    assessed_at: int | None = None
    nat: dict[str, Any] | None = None
    vac: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def claims(self) -> dict[int, Any]:
        """The CWT claims map."""
        lifetime = DYN_LIFETIME if self.kind == "dyn" else CARD_LIFETIME
        hcode: dict[str, Any] = {
            "v": 1, "id": self.code_id, "k": self.kind, "c": self.colour, "n": self.name,
            "dt": self.doc_type, "dm": self.doc_masked, "p": self.person,
            "a": self.iat if self.assessed_at is None else self.assessed_at,
        }
        if self.nat is not None:
            hcode["nat"] = self.nat
        if self.vac is not None:
            hcode["vac"] = self.vac
        hcode.update(self.extra)
        return {1: self.iss, 6: self.iat, 4: self.iat + lifetime if self.exp is None else self.exp,
                HCODE_CLAIM: hcode}


def sign_cose(key: KeyPair, payload: bytes, *, tagged: bool = True) -> bytes:
    """COSE_Sign1 over ``payload`` with alg and kid in the protected header."""
    protected = cbor2.dumps({1: JOSE_TO_COSE[key.alg], 4: key.kid})
    signature = key.sign(cbor2.dumps(["Signature1", protected, b"", payload]))
    message = [protected, {}, payload, signature]
    return cbor2.dumps(cbor2.CBORTag(18, message) if tagged else message)


def wrap(cose: bytes, prefix: str = GX1_PREFIX) -> str:
    """Prefix + Base45(zlib(COSE))."""
    return prefix + b45encode(zlib.compress(cose, 9))


def issue(key: KeyPair, content: CodeContent) -> str:
    """The QR text of a GX1 code."""
    return wrap(sign_cose(key, cbor2.dumps(content.claims())))


def forge(key: KeyPair, content: CodeContent, forged_colour: str = "green") -> str:
    """A training sample: signed for one colour, then altered to another (BAD_SIGNATURE)."""
    good = cbor2.loads(sign_cose(key, cbor2.dumps(content.claims()))).value
    claims = content.claims()
    claims[HCODE_CLAIM]["c"] = forged_colour
    altered = cbor2.CBORTag(18, [good[0], {}, cbor2.dumps(claims), good[3]])
    return wrap(cbor2.dumps(altered))

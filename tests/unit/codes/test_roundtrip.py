"""Codes from the issuer kit verify; any single-byte change to the signed payload does not."""

from __future__ import annotations

import zlib

import cbor2
import pytest

from app.codes.b45 import b45decode
from app.codes.results import Result
from app.codes.verifier import CodeVerifier
from server.issuer.codes import CodeContent, forge, issue, sign_cose, wrap
from tests.unit.codes.conftest import Issuer


def _content(now: float, **kw: object) -> CodeContent:
    base = dict(iss="CN-GX", code_id="c-1", kind="dyn", colour="green", name="𠀀小明",
                doc_type="CN-ID", doc_masked="450***********123X", person="p-1", iat=int(now))
    base.update(kw)
    return CodeContent(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("alg", ["es256", "eddsa"])
@pytest.mark.parametrize("kind", ["dyn", "card"])
def test_issued_codes_verify(issuer: Issuer, alg: str, kind: str) -> None:
    key = getattr(issuer, alg)
    text = issue(key, _content(issuer.now, kind=kind, colour="yellow"))
    result = CodeVerifier(issuer.state).verify(text, issuer.now + 60)
    assert result.result is Result.VALID and result.colour == "yellow"
    assert result.holder.masked_name == "𠀀**"


def test_training_variants(issuer: Issuer) -> None:
    v = CodeVerifier(issuer.state)
    expired = issue(issuer.es256, _content(issuer.now, iat=int(issuer.now) - 90000))
    assert v.verify(expired, issuer.now).result is Result.EXPIRED
    forged = forge(issuer.es256, _content(issuer.now, colour="red"), "green")
    assert v.verify(forged, issuer.now).result is Result.BAD_SIGNATURE
    revoked = issue(issuer.eddsa, _content(issuer.now, code_id="revoked-1"))
    assert v.verify(revoked, issuer.now).result is Result.REVOKED


def test_every_single_byte_change_of_the_payload_fails(issuer: Issuer) -> None:
    text = issue(issuer.eddsa, _content(issuer.now))
    protected, unprotected, payload, signature = cbor2.loads(
        zlib.decompress(b45decode(text[4:]))).value
    v = CodeVerifier(issuer.state)
    for i in range(len(payload)):
        for delta in (1, 0x80):
            changed = bytearray(payload)
            changed[i] ^= delta
            message = cbor2.dumps(cbor2.CBORTag(18, [protected, dict(unprotected),
                                                     bytes(changed), signature]))
            result = v.verify(wrap(message), issuer.now)
            assert result.result is Result.BAD_SIGNATURE, (i, delta)


def test_every_single_byte_change_of_the_message_is_not_valid(issuer: Issuer) -> None:
    cose = sign_cose(issuer.es256, cbor2.dumps(_content(issuer.now).claims()))
    v = CodeVerifier(issuer.state)
    assert v.verify(wrap(cose), issuer.now).result is Result.VALID
    for i in range(len(cose)):
        changed = bytearray(cose)
        changed[i] ^= 0x01
        assert v.verify(wrap(bytes(changed)), issuer.now).result is not Result.VALID, i

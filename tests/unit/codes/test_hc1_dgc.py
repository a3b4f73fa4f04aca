"""Conformance: the EU DCC common suite (dgc-testdata), each verifier flag and verdict."""

from __future__ import annotations

import base64
import io
import json
import re
import zlib
from pathlib import Path
from typing import Any

import cbor2
import pytest
from PIL import Image, UnidentifiedImageError

from app.codes.b45 import Base45Error, b45decode
from app.codes.envelope import DecodeFailure, inflate_bounded, parse_cose_sign1
from app.codes.hc1 import MAX_INFLATED
from app.codes.lists import Hc1Signer, Hc1TrustList, ListInfo
from app.codes.results import Result
from app.codes.trust import TrustState
from app.codes.verifier import CodeVerifier
from app.timeutil import parse_iso
from tests.unit.codes.conftest import DGC_COMMON

FILES = sorted(DGC_COMMON.glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _verify(case: dict[str, Any], text: str | None = None) -> Any:
    ctx = case["TESTCTX"]
    signer = Hc1Signer.from_certificate(base64.b64decode(ctx["CERTIFICATE"]))
    now = parse_iso(ctx["VALIDATIONCLOCK"])
    info = ListInfo("hc1-trust-list", 1, now - 60, now + 86400, "", "")
    state = TrustState(hc1=Hc1TrustList(info, {signer.kid: (signer,)}))
    return CodeVerifier(state).verify(case.get("PREFIX", "") if text is None else text, now)


def _verdicts() -> dict[str, str]:
    table = (DGC_COMMON / "BasicDgcTestsList.md").read_text(encoding="utf-8")
    out = {}
    for line in table.splitlines():
        m = re.match(r"\|\s*([A-Z]+[0-9]+)\s*\|[^|]*\|[^|]*\|\s*(VALID|INVALID)\s*\|", line)
        if m:
            out[m.group(1)] = m.group(2)
    return out


VERDICTS = _verdicts()
# Flags about the picture or JSON/schema comparison are not the text verifier's job here;
# the verdict test covers schema rejection (DGC1, DGC2).
CHECKED = {"EXPECTEDUNPREFIX", "EXPECTEDB45DECODE", "EXPECTEDCOMPRESSION", "EXPECTEDDECODE",
           "EXPECTEDVERIFY", "EXPECTEDEXPIRATIONCHECK", "EXPECTEDKEYUSAGE"}


def test_suite_is_present() -> None:
    assert len(FILES) >= 38 and len(VERDICTS) >= 40


def _check_layer(case: dict[str, Any], flag: str, expected: bool, result: Any) -> None:
    """The decoding layers: prefix, Base45, zlib, CBOR."""
    stage = result.evidence.get("stage")
    if flag == "EXPECTEDUNPREFIX":
        assert (result.format.value == "HC1") is expected
        if expected:
            assert case["PREFIX"][4:] == case["BASE45"]
    elif flag == "EXPECTEDB45DECODE":
        if expected:
            assert b45decode(case["BASE45"]) == bytes.fromhex(case["COMPRESSED"])
        else:
            with pytest.raises(Base45Error):
                b45decode(case["BASE45"])
            assert stage == "base45"
    elif flag == "EXPECTEDCOMPRESSION":
        if expected:
            assert inflate_bounded(bytes.fromhex(case["COMPRESSED"]), MAX_INFLATED) == \
                bytes.fromhex(case["COSE"])
        else:
            assert result.result is Result.MALFORMED and stage == "zlib"
    elif expected:  # EXPECTEDDECODE
        cose = parse_cose_sign1(bytes.fromhex(case["COSE"]), allow_cwt_tag=True,
                                lenient_alg=True)
        dgc = cbor2.loads(cose.payload)[-260][1]
        assert cbor2.dumps(dgc, canonical=True) == \
            cbor2.dumps(cbor2.loads(bytes.fromhex(case["CBOR"])), canonical=True)
    else:
        assert result.result is Result.MALFORMED


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_expected_flags(path: Path) -> None:
    case = _load(path)
    flags = {k: v for k, v in case["EXPECTEDRESULTS"].items() if k in CHECKED}
    result = _verify(case)
    for flag, expected in flags.items():
        if flag == "EXPECTEDVERIFY":
            bad = {Result.BAD_SIGNATURE, Result.UNKNOWN_KEY, Result.MALFORMED}
            assert (result.result not in bad) is expected, (result.result, result.reason)
        elif flag == "EXPECTEDEXPIRATIONCHECK":
            late = {Result.EXPIRED, Result.NOT_YET_VALID}
            assert (result.result not in late) is expected
        elif flag == "EXPECTEDKEYUSAGE":
            assert (result.result is not Result.UNKNOWN_KEY) is expected
        else:
            _check_layer(case, flag, expected, result)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_verdict(path: Path) -> None:
    verdict = VERDICTS.get(path.stem)
    if verdict is None:
        pytest.skip("no verdict in BasicDgcTestsList.md")
    case = _load(path)
    if path.stem == "Q1":
        # A broken picture yields no text to verify (or text that does not verify).
        zxingcpp = pytest.importorskip("zxingcpp")
        try:
            image = Image.open(io.BytesIO(base64.b64decode(case["2DCODE"])))
            texts = [r.text for r in zxingcpp.read_barcodes(image)]
        except (UnidentifiedImageError, ValueError):
            texts = []
        results = [_verify(case, text).result for text in texts]
        assert all(r is not Result.VALID for r in results)
        return
    result = _verify(case)
    assert (result.result is Result.VALID) is (verdict == "VALID"), (result.result, result.reason)


def test_hc1_has_no_colour_and_is_manual() -> None:
    result = _verify(_load(DGC_COMMON / "CO3.json"))
    assert result.result is Result.VALID and result.colour is None
    assert result.needs_manual_check and result.holder.masked_name.startswith("M")


def test_hc1_without_signer_list_is_stale_trust() -> None:
    case = _load(DGC_COMMON / "CO3.json")
    now = parse_iso(case["TESTCTX"]["VALIDATIONCLOCK"])
    assert CodeVerifier().verify(case["PREFIX"], now).result is Result.STALE_TRUST


def test_compressed_but_not_cose_is_malformed() -> None:
    with pytest.raises(DecodeFailure):
        parse_cose_sign1(zlib.decompress(zlib.compress(b"\x01\x02")))

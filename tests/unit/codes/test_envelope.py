"""Base45, bounded inflation and COSE parsing."""

from __future__ import annotations

import os
import time
import tracemalloc
import zlib

import pytest

from app.codes.b45 import Base45Error, b45decode, b45encode
from app.codes.envelope import DecodeFailure, inflate_bounded, parse_cose_sign1
from app.codes.results import Result
from app.codes.verifier import CodeVerifier


@pytest.mark.parametrize("data", [b"", b"\x00", b"AB", b"hello!!", bytes(range(256))])
def test_base45_round_trip(data: bytes) -> None:
    assert b45decode(b45encode(data)) == data


def test_base45_rfc_examples() -> None:
    assert b45encode(b"AB") == "BB8"
    assert b45encode(b"Hello!!") == "%69 VD92EX0"
    assert b45decode("QED8WEX0") == b"ietf!"


@pytest.mark.parametrize("text", ["A", "GGW", ":::", "ab", "BB8~", "ZZZ"])
def test_base45_rejects(text: str) -> None:
    with pytest.raises(Base45Error):
        b45decode(text)


def test_zlib_bomb_is_cut_off_quickly_with_little_memory() -> None:
    bomb = zlib.compress(b"\x00" * (5 * 1024 * 1024), 9)
    text = "GX1:" + b45encode(bomb)
    tracemalloc.start()
    started = time.perf_counter()
    result = CodeVerifier().verify(text, 0.0)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.result is Result.MALFORMED and result.evidence["stage"] == "zlib"
    assert elapsed < 0.5 and peak < 2 * 1024 * 1024


def test_inflate_requires_complete_stream() -> None:
    data = zlib.compress(b"x" * 100)
    assert inflate_bounded(data, 4096) == b"x" * 100
    for bad in (data[:-3], data + b"junk", b"\x00\x01" + data[2:], os.urandom(1)):
        with pytest.raises(DecodeFailure):
            inflate_bounded(bad, 4096)


def test_cose_structure_errors() -> None:
    import cbor2

    for bad in (cbor2.dumps([1, 2, 3]), cbor2.dumps(cbor2.CBORTag(17, [b"", {}, b"", b""])),
                cbor2.dumps([b"", {}, b"", b""]), b"\xff", cbor2.dumps([b"\x01", {}, b"", b""])):
        with pytest.raises(DecodeFailure):
            parse_cose_sign1(bad)

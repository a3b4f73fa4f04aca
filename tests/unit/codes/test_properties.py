"""Property tests: any text, any bytes, any mutation of a valid code → a spec result."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.codes.b45 import ALPHABET, b45decode, b45encode
from app.codes.results import CodeResult, Result
from app.codes.verifier import CodeVerifier
from server.issuer.codes import CodeContent, issue
from tests.unit.codes.conftest import Issuer

RESULTS = set(Result)


def _check(result: CodeResult) -> None:
    assert isinstance(result, CodeResult) and result.result in RESULTS
    result.to_dict()


def _valid_code(issuer: Issuer) -> str:
    return issue(issuer.es256, CodeContent("CN-GX", "c-prop", "dyn", "green", "张三", "CN-ID",
                                           "450***********123X", "p-prop", int(issuer.now)))


mutation = st.tuples(st.integers(0, 10_000), st.sampled_from(["flip", "drop", "insert", "swap"]),
                     st.sampled_from(ALPHABET + "~é\x00\n"))


def _mutate(text: str, ops: list[tuple[int, str, str]]) -> str:
    for pos, op, ch in ops:
        if not text:
            break
        i = pos % len(text)
        if op == "flip":
            text = text[:i] + ch + text[i + 1:]
        elif op == "drop":
            text = text[:i] + text[i + 1:]
        elif op == "insert":
            text = text[:i] + ch + text[i:]
        else:
            j = (pos // 7) % len(text)
            chars = list(text)
            chars[i], chars[j] = chars[j], chars[i]
            text = "".join(chars)
    return text


def _mutate_payload(text: str, ops: list[tuple[int, str, str]]) -> str:
    """Mutate the compressed bytes (re-encoded), so the mutation reaches deeper layers."""
    raw = bytearray(zlib.decompress(b45decode(text[4:])))
    for pos, op, ch in ops:
        if not raw:
            break
        i = pos % len(raw)
        if op == "drop":
            del raw[max(i, 1)]  # dropping the optional tag 18 leaves a valid message
        else:
            raw[i] ^= (ord(ch) or 1) & 0xFF
    return "GX1:" + b45encode(zlib.compress(bytes(raw)))


PROPS = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SLOW = settings(max_examples=100_000, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _text_property(issuer: Issuer, text: str) -> None:
    _check(CodeVerifier(issuer.state).verify(text, issuer.now))
    _check(CodeVerifier(issuer.state).verify("GX1:" + text, issuer.now))
    _check(CodeVerifier(issuer.state).verify("HC1:" + text, issuer.now))


def _bytes_property(issuer: Issuer, data: bytes) -> None:
    v = CodeVerifier(issuer.state)
    _check(v.verify(data, issuer.now))
    _check(v.verify("GX1:" + b45encode(data), issuer.now))
    _check(v.verify("GX1:" + b45encode(zlib.compress(data)), issuer.now))
    _check(v.verify("HC1:" + b45encode(zlib.compress(data)), issuer.now))


@PROPS
@given(text=st.text(max_size=400))
def test_any_text(issuer: Issuer, text: str) -> None:
    _text_property(issuer, text)


@PROPS
@given(data=st.binary(max_size=600))
def test_any_bytes(issuer: Issuer, data: bytes) -> None:
    _bytes_property(issuer, data)


@PROPS
@given(ops=st.lists(mutation, min_size=1, max_size=4))
def test_mutations_of_a_valid_code(issuer: Issuer, ops: list[tuple[int, str, str]]) -> None:
    v = CodeVerifier(issuer.state)
    code = _valid_code(issuer)
    _check(v.verify(_mutate(code, ops), issuer.now))
    changed = _mutate_payload(code, ops)
    mutated = v.verify(changed, issuer.now)
    _check(mutated)
    same = zlib.decompress(b45decode(changed[4:])) == zlib.decompress(b45decode(code[4:]))
    assert mutated.result is not Result.VALID or same


@pytest.mark.slow
@SLOW
@given(choice=st.integers(0, 2), text=st.text(max_size=300), data=st.binary(max_size=400),
       ops=st.lists(mutation, min_size=1, max_size=4))
def test_slow_100k_examples(issuer: Issuer, choice: int, text: str, data: bytes,
                            ops: list[tuple[int, str, str]]) -> None:
    if choice == 0:
        _text_property(issuer, text)
    elif choice == 1:
        _bytes_property(issuer, data)
    else:
        v = CodeVerifier(issuer.state)
        code = _valid_code(issuer)
        _check(v.verify(_mutate(code, ops), issuer.now))
        _check(v.verify(_mutate_payload(code, ops), issuer.now))

"""Keyboard-wedge bursts and the layout / input-method diagnosis."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.scanner.layouts import LAYOUTS, _translation, check_wedge_text, is_known_format
from app.scanner.wedge import WedgeAssembler, WedgeLayoutProblem, WedgeScan, WedgeTyping
from tests.helpers import frames as F

GX1 = F.payloads()["gx1-dyn"][0]
HC1 = F.payloads()["hc1"][0]


def burst(asm: WedgeAssembler, text: str, start: float, gap: float) -> list[object]:
    out: list[object] = []
    for i, ch in enumerate(text):
        out.extend(asm.feed(ch, start + i * gap))
    return out


def typed_with(scanner: str, host: str, text: str) -> str:
    """What the PC receives when a scanner set to ``scanner`` types ``text`` on ``host``."""
    forward = {v: k for k, v in _translation(scanner, host).items()}
    return "".join(forward[c] for c in text)


def test_fast_burst_with_enter_is_one_scan() -> None:
    asm = WedgeAssembler()
    out = burst(asm, GX1 + "\r", 10.0, 0.004)
    assert out == [WedgeScan(GX1, 10.0, pytest.approx(10.0 + len(GX1) * 0.004))]
    assert not asm.pending


def test_burst_ended_by_a_pause() -> None:
    asm = WedgeAssembler()
    assert burst(asm, HC1, 0.0, 0.002) == []
    assert asm.poll(len(HC1) * 0.002 + 0.01) == []
    out = asm.poll(len(HC1) * 0.002 + 0.2)
    assert len(out) == 1 and isinstance(out[0], WedgeScan) and out[0].text == HC1


def test_a_person_typing_is_passed_through() -> None:
    asm = WedgeAssembler()
    out = burst(asm, "36.5", 0.0, 0.15) + asm.feed("\r", 0.75)
    text = "".join(o.text for o in out if isinstance(o, WedgeTyping))
    assert text == "36.5\r"
    assert not any(isinstance(o, WedgeScan) for o in out)
    # fast but short: still typing
    out = burst(asm, "37\r", 5.0, 0.01)
    assert [o for o in out if isinstance(o, WedgeTyping)] == [WedgeTyping("37\r")]
    assert asm.feed("\r", 9.0) == [WedgeTyping("\r")]


def test_typing_then_a_scan() -> None:
    asm = WedgeAssembler()
    out = burst(asm, "ab", 0.0, 0.3) + burst(asm, GX1 + "\n", 1.0, 0.003)
    assert isinstance(out[-1], WedgeScan) and out[-1].text == GX1
    assert "".join(o.text for o in out if isinstance(o, WedgeTyping)) == "ab"


def test_uk_layout_is_harmless_for_base45_codes() -> None:
    assert typed_with("uk", "us", GX1) == GX1


@pytest.mark.parametrize("layout", ["de", "fr"])
def test_scanner_set_to_another_layout_is_diagnosed(layout: str) -> None:
    observed = typed_with(layout, "us", GX1)
    assert observed != GX1
    asm = WedgeAssembler()
    out = burst(asm, observed + "\r", 0.0, 0.003)
    assert len(out) == 1 and isinstance(out[0], WedgeLayoutProblem)
    d = out[0].diagnosis
    assert (d.cause, d.layout, d.repaired) == ("scanner-layout", layout, GX1)
    assert "美式" in d.message


def test_known_substitutions() -> None:
    assert typed_with("de", "us", "GX1:")[:4] == "GX1>"
    assert typed_with("fr", "us", "GX1:") == "GX!."
    d = check_wedge_text(typed_with("us", "fr", GX1))
    assert d is not None and (d.cause, d.layout) == ("host-layout", "fr")
    d = check_wedge_text(typed_with("de", "us", "https://jkm.example.gov.cn/code/8f3a"))
    assert d is not None and d.layout == "de"


def test_caps_lock_and_input_method() -> None:
    d = check_wedge_text(GX1.swapcase())
    assert d is not None and d.cause == "caps-lock" and d.repaired == GX1
    d = check_wedge_text(GX1.replace(":", "：").replace("$", "￥"))
    assert d is not None and d.cause == "input-method" and d.repaired == GX1
    d = check_wedge_text("ＧＸ１：" + GX1[4:])
    assert d is not None and d.cause == "input-method"
    d = check_wedge_text("广西健康码扫描")
    assert d is not None and d.cause == "input-method"
    d = check_wedge_text("GX1" + "é" * 20)
    assert d is not None and d.cause == "unknown-characters"


def test_valid_and_plain_unknown_text_pass() -> None:
    for text in (GX1, HC1, "https://hc.example.cn/v?t=abc", "GX2:ABC", "SOMETOKEN-1234"):
        assert check_wedge_text(text) is None
    assert is_known_format(GX1) and not is_known_format("gx1:abc")
    assert set(LAYOUTS) >= {"us", "de", "fr", "uk"}


@given(st.lists(st.tuples(st.text(max_size=2), st.floats(0, 0.3)), max_size=60))
def test_any_key_sequence_is_handled(keys: list[tuple[str, float]]) -> None:
    asm = WedgeAssembler()
    t = 0.0
    for ch, gap in keys:
        t += gap
        for c in ch or "\r":
            asm.feed(c, t)
    asm.poll(t + 1.0)
    assert not asm.pending


@given(st.text(max_size=200))
def test_any_text_gets_a_diagnosis_or_none(text: str) -> None:
    check_wedge_text(text)

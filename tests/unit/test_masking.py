"""Masking of names, ID numbers and phone numbers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.masking import mask_id_number, mask_name, mask_phone


def test_examples() -> None:
    assert mask_name("张三丰") == "张**"
    assert mask_name("𠮷野家") == "𠮷**"
    assert mask_name("韦") == "韦"
    assert mask_name("Maria Garcia Lopez") == "Maria ****** *****"
    assert mask_id_number("45010319580214231X") == "450***********231X"
    assert mask_id_number("450***********123X") == "450***********123X"
    assert mask_phone("13807711234") == "138****1234"
    assert mask_name(None) == mask_id_number("") == mask_phone(None) == ""


@given(st.text(alphabet="0123456789X", min_size=9, max_size=32))
def test_an_id_number_never_shows_its_middle(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number)
    assert masked[:3] == number[:3] and masked[-4:] == number[-4:]
    assert set(masked[3:-4]) <= {"*"}


@given(st.text(min_size=2, max_size=20).filter(lambda s: s.strip() and " " not in s.strip()))
def test_a_name_keeps_only_its_first_character(name: str) -> None:
    masked = mask_name(name)
    assert masked[0] == name.strip()[0]
    assert set(masked[1:]) <= {"*"}

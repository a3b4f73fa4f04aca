"""GB 11643-1999 ID numbers."""

from __future__ import annotations

from datetime import date

import pytest

from app.codes.idnumber import IdProblem, check_character, check_id_number, normalise


def test_valid_and_normalised() -> None:
    checked = check_id_number(" ４５０１０３１９５８０２１４２３１ｘ ")
    assert checked.ok and checked.normalised == "45010319580214231X"
    assert checked.birth_date == date(1958, 2, 14)
    assert normalise("450103-19580214-231x") == "45010319580214231X"


def test_check_character_standard_example() -> None:
    assert check_character("11010519491231002") == "X"


@pytest.mark.parametrize(("text", "problem"), [
    ("", IdProblem.EMPTY),
    ("450103580214231", IdProblem.OLD_15_DIGIT),
    ("12345", IdProblem.WRONG_LENGTH),
    ("45010319580214231Y", IdProblem.BAD_CHARACTER),
    ("4501031958O214231X", IdProblem.BAD_CHARACTER),
    ("99010319580214231X", IdProblem.BAD_REGION),
    ("450103195802310000", IdProblem.BAD_BIRTH_DATE),
    ("450103180002140000", IdProblem.BAD_BIRTH_DATE),
    ("450103195802142310", IdProblem.BAD_CHECK_CHARACTER),
])
def test_problems(text: str, problem: IdProblem) -> None:
    checked = check_id_number(text)
    assert checked.problem is problem and checked.message


def test_future_birth_date() -> None:
    number = "45010320991231" + "001"
    number += check_character(number)
    assert check_id_number(number, date(2026, 12, 1)).problem is IdProblem.FUTURE_BIRTH_DATE
    assert check_id_number(number).ok

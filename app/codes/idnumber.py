"""Citizen ID numbers (GB 11643-1999): normalise, check, explain what is wrong.

Full-width digits and letters, a lower-case ``x`` and spaces or hyphens typed between the
groups are normalised; then the length, the characters, the region prefix (a real
province-level code), the birth date (a real date, not in the future) and the check
character (ISO 7064 MOD 11-2) are checked, each with its own message.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from app.text import t

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# GB/T 2260 province-level codes; 71 Taiwan, 81/82/83 residence permits (HK, Macao, Taiwan).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82", "83",
})
_SEPARATORS = " -\t"


class IdProblem(StrEnum):
    """The ways an ID number can be wrong."""

    EMPTY = "empty"
    OLD_15_DIGIT = "old_15_digit"
    WRONG_LENGTH = "wrong_length"
    BAD_CHARACTER = "bad_character"
    BAD_REGION = "bad_region"
    BAD_BIRTH_DATE = "bad_birth_date"
    FUTURE_BIRTH_DATE = "future_birth_date"
    BAD_CHECK_CHARACTER = "bad_check_character"


@dataclass(frozen=True)
class IdCheck:
    """The outcome of checking one typed ID number."""

    normalised: str
    problem: IdProblem | None = None
    message: str = ""
    birth_date: date | None = None

    @property
    def ok(self) -> bool:
        """Whether the number passed every check."""
        return self.problem is None


def normalise(text: str) -> str:
    """Full-width → ASCII, upper-case, separators removed."""
    value = unicodedata.normalize("NFKC", text).upper()
    return "".join(ch for ch in value if ch not in _SEPARATORS)


def check_character(first17: str) -> str:
    """The check character for 17 digits."""
    return CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def _problem(value: str, problem: IdProblem, zh: str, en: str) -> IdCheck:
    return IdCheck(value, problem, t(zh, en))


def check_id_number(text: str, today: date | None = None) -> IdCheck:
    """Check an ID number as typed; ``today`` bounds the birth date (default: no bound)."""
    value = normalise(text)
    if not value:
        return _problem(value, IdProblem.EMPTY, "请输入身份证号", "enter the ID number")
    if len(value) == 15 and value.isdigit():
        return _problem(value, IdProblem.OLD_15_DIGIT, "这是 15 位旧身份证号，请输入 18 位号码",
                        "this is an old 15-digit number; enter the 18-digit number")
    if len(value) != 18:
        return _problem(value, IdProblem.WRONG_LENGTH,
                        f"身份证号应为 18 位，现在是 {len(value)} 位",
                        f"an ID number has 18 characters, this has {len(value)}")
    if not (value[:17].isdigit() and value[:17].isascii()) or value[17] not in "0123456789X":
        return _problem(value, IdProblem.BAD_CHARACTER,
                        "身份证号只能是数字，最后一位可以是 X",
                        "only digits are allowed, and X as the last character")
    if value[:2] not in PROVINCES:
        return _problem(value, IdProblem.BAD_REGION, f"前两位「{value[:2]}」不是有效的省级地区代码",
                        f"'{value[:2]}' is not a province code")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        born = None
    if born is None or born.year < 1900:
        return _problem(value, IdProblem.BAD_BIRTH_DATE,
                        f"第 7–14 位「{value[6:14]}」不是有效的出生日期",
                        f"characters 7–14 '{value[6:14]}' are not a real birth date")
    if today is not None and born > today:
        return _problem(value, IdProblem.FUTURE_BIRTH_DATE, "出生日期在未来，请核对",
                        "the birth date is in the future")
    expected = check_character(value[:17])
    if value[17] != expected:
        return _problem(value, IdProblem.BAD_CHECK_CHARACTER,
                        "校验位不对，请逐位核对号码（常见于输错或漏输一位）",
                        "the check character does not match: compare each digit again")
    return IdCheck(value, None, "", born)


def today_utc8(now: float) -> date:
    """The calendar date in China (UTC+8) at epoch ``now``."""
    return datetime.fromtimestamp(now + 8 * 3600, UTC).date()

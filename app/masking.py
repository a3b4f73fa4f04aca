"""Masking of personal data for screens, logs and exports (GB/T 35273 style).

Names keep the first character (the family name); ID numbers keep the first three and the
last four characters (enough to compare with the document in hand); phone numbers keep the
first three and last four digits. Characters are counted as code points, so a rare name
character outside the BMP counts as one.
"""

from __future__ import annotations

MASK = "*"


def mask_name(name: str | None) -> str:
    """``张三丰`` → ``张**``; a one-character name is kept; a Latin name keeps its first word."""
    if not name:
        return ""
    value = name.strip()
    if len(value) <= 1:
        return value
    if value.isascii() and " " in value:
        first, _, rest = value.partition(" ")
        return first + " " + "".join(MASK if ch != " " else " " for ch in rest)
    return value[0] + MASK * (len(value) - 1)


def mask_id_number(number: str | None) -> str:
    """``450103195802142316`` → ``450***********2316``; short values keep less."""
    if not number:
        return ""
    value = number.strip()
    if MASK in value:  # already masked (GX1 carries a masked number)
        return value
    if len(value) <= 4:
        return MASK * len(value)
    if len(value) <= 8:
        return value[:1] + MASK * (len(value) - 3) + value[-2:]
    return value[:3] + MASK * (len(value) - 7) + value[-4:]


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not phone:
        return ""
    value = phone.strip()
    if len(value) < 7:
        return MASK * len(value)
    return value[:3] + MASK * (len(value) - 7) + value[-4:]

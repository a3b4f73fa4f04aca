"""What goes into a spreadsheet cell: formula injection neutralised, personal data masked.

A text cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return, which
some spreadsheets skip before reading a formula) gets a leading apostrophe, so Excel and
WPS show it as text and never evaluate it. Numbers are written as numbers and need no
guard.
"""

from __future__ import annotations

from typing import Any

from app.masking import MASK, mask_id_number, mask_name, mask_phone

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """``=1+1`` → ``'=1+1``; other text unchanged."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralise_row(row: tuple[Any, ...] | list[Any]) -> list[Any]:
    """A row with every text cell neutralised."""
    return ["'" + v if v.__class__ is str and v.startswith(FORMULA_STARTS) else v
            for v in row]


def mask_address(address: str | None) -> str:
    """Keep the street (up to the first digit); the house number and flat are hidden."""
    if not address:
        return ""
    value = address.strip()
    for i, ch in enumerate(value):
        if ch.isdigit():
            return value[:i] + MASK * 6
    return value[: max(1, len(value) // 2)] + MASK * 6


class PersonalData:
    """Masks or reveals names, ID numbers, phones and addresses for one export."""

    def __init__(self, reveal: bool = False) -> None:
        self.reveal = reveal

    def name(self, value: str | None) -> str:
        """A person's name."""
        return (value or "") if self.reveal else mask_name(value)

    def id_number(self, value: str | None) -> str:
        """An ID or document number."""
        return (value or "") if self.reveal else mask_id_number(value)

    def phone(self, value: str | None) -> str:
        """A phone number."""
        return (value or "") if self.reveal else mask_phone(value)

    def address(self, value: str | None) -> str:
        """A street address."""
        return (value or "") if self.reveal else mask_address(value)

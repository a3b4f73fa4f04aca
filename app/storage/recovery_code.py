"""Recovery codes: 120 random bits a person can read aloud and type back.

Five groups of six characters from the Crockford Base32 alphabet without ``Z`` (easily read
as ``2``), so 31 symbols; each group holds five data characters and one check character, a
weighted sum mod 31 (a prime) that also depends on the group's position. 25 data characters
carry 25 × log2(31) ≈ 124 bits. Any single wrong character and any swap of two neighbours
within a group, or of two whole groups, is caught and the hint names the group.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from app.errors import KnownError
from app.text import t

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
MODULUS = len(ALPHABET)  # 31, prime
GROUPS = 5
DATA_PER_GROUP = 5
GROUP_SIZE = DATA_PER_GROUP + 1
_ALIASES = {"O": "0", "I": "1", "L": "1", "U": "V"}


@dataclass(frozen=True)
class RecoveryCode:
    """A parsed, checked recovery code; ``text`` is its canonical typed form."""

    text: str

    @property
    def secret(self) -> bytes:
        """The canonical bytes that key derivation uses."""
        return self.text.replace("-", "").encode("ascii")


def _check_symbol(group_index: int, values: list[int]) -> str:
    total = sum((i + 1) * v for i, v in enumerate(values)) + GROUP_SIZE * (group_index + 1)
    return ALPHABET[total % MODULUS]


def generate() -> RecoveryCode:
    """A new random code (≈124 bits)."""
    groups = []
    for g in range(GROUPS):
        values = [secrets.randbelow(MODULUS) for _ in range(DATA_PER_GROUP)]
        data = "".join(ALPHABET[v] for v in values)
        groups.append(data + _check_symbol(g, values))
    return RecoveryCode("-".join(groups))


def parse(text: str) -> RecoveryCode:
    """Normalise what a person typed and check it; raises KnownError naming the bad group."""
    cleaned = "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")
    cleaned = "".join(_ALIASES.get(ch, ch) for ch in cleaned)
    size = GROUPS * GROUP_SIZE
    if len(cleaned) != size:
        raise KnownError(
            t(f"恢复码应为 {size} 个字符（{GROUPS} 组，每组 {GROUP_SIZE} 个），"
              f"实际 {len(cleaned)} 个",
              f"a recovery code has {size} characters ({GROUPS} groups of {GROUP_SIZE}); "
              f"got {len(cleaned)}"),
        )
    groups = [cleaned[i:i + GROUP_SIZE] for i in range(0, size, GROUP_SIZE)]
    for g, group in enumerate(groups):
        data, check = group[:DATA_PER_GROUP], group[DATA_PER_GROUP]
        bad = [ch for ch in data if ch not in ALPHABET]
        if bad or check not in ALPHABET:
            raise KnownError(
                t(f"恢复码第 {g + 1} 组含有无效字符", f"group {g + 1} has a character "
                  "that is not in a recovery code"),
                hint=t("请对照纸条逐字核对", "compare it with the printed code"),
            )
        if _check_symbol(g, [ALPHABET.index(ch) for ch in data]) != check:
            raise KnownError(
                t(f"恢复码第 {g + 1} 组有误（校验不符）", f"group {g + 1} looks mistyped"),
                hint=t("请对照纸条核对这一组", "check that group against the printed code"),
            )
    return RecoveryCode("-".join(groups))

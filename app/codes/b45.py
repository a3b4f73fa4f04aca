"""Base45 (RFC 9285), strict: a character outside the alphabet or a bad group is an error."""

from __future__ import annotations

import numpy as np

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
# Two characters at once: the low part of a group's value.
_PAIR = {a + b: _VALUE[a] + 45 * _VALUE[b] for a in ALPHABET for b in ALPHABET}


class Base45Error(ValueError):
    """The text is not valid Base45."""


_ALPHABET_BYTES = ALPHABET.encode("ascii")
_TO_VALUES = bytes.maketrans(_ALPHABET_BYTES, bytes(range(45)))
_WEIGHTS = np.array([1, 45, 2025], dtype=np.uint32)


def b45decode(text: str) -> bytes:
    """Decode Base45 text; raises :class:`Base45Error` on any defect."""
    if len(text) >= 48:
        return _decode_vectorised(text)
    return _decode_small(text)


def _decode_vectorised(text: str) -> bytes:
    try:
        raw = text.encode("ascii")
    except UnicodeEncodeError as exc:
        raise Base45Error("character outside the Base45 alphabet") from exc
    full, rest = divmod(len(raw), 3)
    if rest == 1:
        raise Base45Error("dangling character")
    if raw.translate(None, _ALPHABET_BYTES):
        raise Base45Error("character outside the Base45 alphabet")
    values = np.frombuffer(raw.translate(_TO_VALUES), dtype=np.uint8)
    groups = (values[: full * 3].reshape(full, 3).astype(np.uint32) @ _WEIGHTS).astype(">u4")
    wide = groups.tobytes()
    if wide[0::4].strip(b"\0") or wide[1::4].strip(b"\0"):
        raise Base45Error("group out of range")
    out = groups.astype(">u2").tobytes()
    if rest == 2:
        n = int(values[-2]) + 45 * int(values[-1])
        if n > 0xFF:
            raise Base45Error("final pair out of range")
        out += bytes((n,))
    return out


def _decode_small(text: str) -> bytes:
    full, rest = divmod(len(text), 3)
    if rest == 1:
        raise Base45Error("dangling character")
    out = bytearray()
    pair = _PAIR
    value = _VALUE
    try:
        for i in range(0, full * 3, 3):
            n = pair[text[i : i + 2]] + 2025 * value[text[i + 2]]
            if n > 0xFFFF:
                raise Base45Error("group out of range")
            out += n.to_bytes(2, "big")
        if rest == 2:
            n = pair[text[-2:]]
            if n > 0xFF:
                raise Base45Error("final pair out of range")
            out.append(n)
    except KeyError as exc:
        raise Base45Error("character outside the Base45 alphabet") from exc
    return bytes(out)


def b45encode(data: bytes) -> str:
    """Encode bytes as Base45."""
    chars: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        e, n = divmod(n, 2025)
        d, c = divmod(n, 45)
        chars += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        chars += (ALPHABET[c], ALPHABET[d])
    return "".join(chars)

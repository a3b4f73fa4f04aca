"""Keyboard-wedge text that a keyboard layout or an input method has altered, and the fix.

A handheld scanner "types" the code as key presses. When the scanner is configured for a
different keyboard layout than the PC (or the PC has Caps Lock on, or a Chinese input
method in Chinese mode), the text arrives altered: ``GX1:`` becomes ``GX1>`` (scanner set
to German), ``GX!.`` (French), ``gx1:`` (Caps Lock) or ``GX1：`` (Chinese punctuation).
:func:`check_wedge_text` recognises these and says how to fix the setting, instead of
letting a verifier report a forged or malformed code.

Each layout is the characters its keys give, by physical key, unshifted and shifted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.text import t

# Key rows: number row (13 keys from the one left of 1), top row (12), home row (11),
# the key right of the home row (ANSI backslash / ISO #), bottom row (10), ISO key left of Z.
_Layout = tuple[tuple[str, str], ...]


def _rows(*pairs: tuple[str, str]) -> _Layout:
    for plain, shifted in pairs:
        assert len(plain) == len(shifted), (plain, shifted)
    return pairs


LAYOUTS: dict[str, _Layout] = {
    "us": _rows(("`1234567890-=", "~!@#$%^&*()_+"), ("qwertyuiop[]", "QWERTYUIOP{}"),
                ("asdfghjkl;'", 'ASDFGHJKL:"'), ("\\", "|"), ("zxcvbnm,./", "ZXCVBNM<>?"),
                ("\\", "|")),
    "uk": _rows(("`1234567890-=", "¬!\"£$%^&*()_+"), ("qwertyuiop[]", "QWERTYUIOP{}"),
                ("asdfghjkl;'", "ASDFGHJKL:@"), ("#", "~"), ("zxcvbnm,./", "ZXCVBNM<>?"),
                ("\\", "|")),
    "de": _rows(("^1234567890ß´", "°!\"§$%&/()=?`"), ("qwertzuiopü+", "QWERTZUIOPÜ*"),
                ("asdfghjklöä", "ASDFGHJKLÖÄ"), ("#", "'"), ("yxcvbnm,.-", "YXCVBNM;:_"),
                ("<", ">")),
    "fr": _rows(("²&é\"'(-è_çà)=", "²1234567890°+"), ("azertyuiop^$", "AZERTYUIOP¨£"),
                ("qsdfghjklmù", "QSDFGHJKLM%"), ("*", "µ"), ("wxcvbn,;:!", "WXCVBN?./§"),
                ("<", ">")),
}

LAYOUT_NAMES = {
    "us": ("美式英语（US）", "US English"),
    "uk": ("英式英语（UK）", "UK English"),
    "de": ("德语（QWERTZ）", "German (QWERTZ)"),
    "fr": ("法语（AZERTY）", "French (AZERTY)"),
}


def _key_map(layout: _Layout) -> dict[str, tuple[int, int, int]]:
    """Character → (row, column, shift) for the first key that gives it."""
    out: dict[str, tuple[int, int, int]] = {}
    for r, (plain, shifted) in enumerate(layout):
        for level, chars in enumerate((plain, shifted)):
            for col, ch in enumerate(chars):
                out.setdefault(ch, (r, col, level))
    return out


def _translation(scanner: str, host: str) -> dict[str, str]:
    """Observed character → intended one, when the scanner uses ``scanner`` and the PC ``host``."""
    s_layout, h_layout = LAYOUTS[scanner], LAYOUTS[host]
    out: dict[str, str] = {}
    for ch, (r, col, level) in _key_map(s_layout).items():
        observed = h_layout[r][level][col]
        out.setdefault(observed, ch)
    out[" "] = " "
    return out


# --------------------------------------------------------------------------- known formats

_B45 = r"[0-9A-Z $%*+\-./:]"
KNOWN_FORMATS = (
    re.compile(rf"GX\d+:{_B45}+"),
    re.compile(rf"HC1:{_B45}+"),
    re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+"),
)


def is_known_format(text: str) -> bool:
    """Whether ``text`` is shaped like a code the checkpoint knows (GX*, HC1, a URL)."""
    return any(p.fullmatch(text) for p in KNOWN_FORMATS)


# --------------------------------------------------------------------------- diagnosis


@dataclass(frozen=True)
class LayoutDiagnosis:
    """Why wedge text looks altered and what the worker should change.

    ``cause`` is ``scanner-layout``, ``host-layout``, ``caps-lock``, ``input-method`` or
    ``unknown-characters``; ``repaired`` is the text as the scanner meant it, when the
    alteration could be undone (the caller may offer to verify it, it never does so itself).
    """

    cause: str
    layout: str | None
    message: str
    observed: str
    repaired: str | None = None


_CJK_PUNCT = {"￥": "$", "。": ".", "、": "/", "，": ",", "；": ";", "：": ":", "？": "?",
              "！": "!", "（": "(", "）": ")", "【": "[", "】": "]", "《": "<", "》": ">",
              "“": '"', "”": '"', "‘": "'", "’": "'", "——": "_", "……": "^", "·": "`",
              "\u3000": " "}


def _from_input_method(text: str) -> str:
    for src, dst in _CJK_PUNCT.items():
        text = text.replace(src, dst)
    return "".join(chr(ord(c) - 0xFEE0) if 0xFF01 <= ord(c) <= 0xFF5E else c for c in text)


def _has_cjk(text: str) -> bool:
    return any(0x3000 <= ord(c) <= 0x9FFF or 0xFF00 <= ord(c) <= 0xFFEF for c in text)


def _layout_repairs(text: str) -> list[tuple[str, str, str]]:
    """(cause, layout, repaired) for each layout pairing that turns ``text`` into a known code."""
    found = []
    for other in ("de", "fr", "uk"):
        for cause, scanner, host in (("scanner-layout", other, "us"),
                                     ("host-layout", "us", other)):
            table = _translation(scanner, host)
            if all(c in table for c in text):
                repaired = "".join(table[c] for c in text)
                if repaired != text and is_known_format(repaired):
                    found.append((cause, other, repaired))
    return found


def _message(cause: str, layout: str | None) -> str:
    name_zh, name_en = LAYOUT_NAMES.get(layout or "us", ("", ""))
    if cause == "scanner-layout":
        return t(f"扫码枪的键盘布局设成了{name_zh}，扫出的码被改写。请扫描扫码枪说明书中的"
                 "“美式英语（US）键盘”设置码，再扫一次。",
                 f"The handheld scanner is set to the {name_en} keyboard layout, so the code "
                 "arrived altered. Scan the 'US English keyboard' setting code in the "
                 "scanner's manual, then scan again.")
    if cause == "host-layout":
        return t(f"这台电脑的键盘布局是{name_zh}，与扫码枪（美式键盘）不一致。请在系统设置中"
                 "把键盘切换为“美式键盘”，再扫一次。",
                 f"This PC's keyboard layout is {name_en}, but the scanner types as a US "
                 "keyboard. Switch the PC to the US keyboard layout, then scan again.")
    if cause == "caps-lock":
        return t("大写锁定（Caps Lock）已打开，扫码枪输入的字母大小写颠倒。请关闭大写锁定后再扫。",
                 "Caps Lock is on, so the scanner's letters arrived in the wrong case. "
                 "Turn Caps Lock off and scan again.")
    if cause == "input-method":
        return t("中文输入法处于中文状态，扫码枪的输入被输入法改写。请按 Shift 切换到英文"
                 "（或切换到英文键盘）后再扫。",
                 "A Chinese input method is in Chinese mode and altered the scanner's input. "
                 "Press Shift to switch it to English (or switch to an English keyboard), "
                 "then scan again.")
    return t("扫码枪输入了任何码制都不允许的字符，可能是键盘布局或输入法设置不对。请把扫码枪"
             "设为美式英语键盘、把输入法切换到英文后再扫。",
             "The scanner typed characters that no known code contains: its keyboard "
             "layout or the PC's input method is probably wrong. Set the scanner to the US "
             "English keyboard, switch the input method to English, and scan again.")


def check_wedge_text(text: str) -> LayoutDiagnosis | None:
    """``None`` when ``text`` can go to verification as it is, else what went wrong.

    Text in a known format passes. Otherwise the usual alterations are tried in turn
    (input method, Caps Lock, a layout mismatch either way); the first that yields a known
    format names the cause. Text with characters outside printable ASCII that no repair
    explains is reported as ``unknown-characters``. Plain ASCII text in no known format
    passes too: the verifier reports it as not recognised, which is the truth.
    """
    text = text.strip("\r\n\t")
    if not text or is_known_format(text):
        return None
    ime = _from_input_method(text)
    if ime != text:
        repaired = ime if is_known_format(ime) else None
        if repaired is None and is_known_format(ime.swapcase()):
            repaired = ime.swapcase()
        return LayoutDiagnosis("input-method", None, _message("input-method", None), text,
                               repaired)
    if _has_cjk(text):
        return LayoutDiagnosis("input-method", None, _message("input-method", None), text)
    if is_known_format(text.swapcase()):
        return LayoutDiagnosis("caps-lock", None, _message("caps-lock", None), text,
                               text.swapcase())
    for variant, caps in ((text, False), (text.swapcase(), True)):
        repairs = _layout_repairs(variant)
        if repairs:
            cause, layout, repaired = repairs[0]
            message = _message(cause, layout)
            if caps:
                message += " " + _message("caps-lock", None)
            return LayoutDiagnosis(cause, layout, message, text, repaired)
    if any(not (0x20 <= ord(c) < 0x7F) for c in text):
        return LayoutDiagnosis("unknown-characters", None, _message("unknown-characters", None),
                               text)
    return None

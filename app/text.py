"""Language for messages produced below the UI (CLI, errors, reports).

The Qt layer translates its own strings with ``tr``; code that must not import Qt picks
between a Simplified Chinese and an English text with :func:`t`. Chinese is the default.
"""

from __future__ import annotations

import os

_language = "en" if os.environ.get("GRIDDESK_LANG", "").lower().startswith("en") else "zh"


def set_language(code: str) -> None:
    """Switch core messages to ``"zh"`` or ``"en"``."""
    global _language
    _language = "en" if code.lower().startswith("en") else "zh"


def language() -> str:
    """The current core-message language, ``"zh"`` or ``"en"``."""
    return _language


def t(zh: str, en: str) -> str:
    """Return the text in the current language."""
    return en if _language == "en" else zh

"""Chinese fonts for the PDF: found on the system, embedded, with fallbacks for rare names.

reportlab embeds TrueType outlines only (a ``.ttf``, or one face of a ``.ttc``); CFF-based
OpenType fonts such as Noto Sans CJK cannot be used. The first font found is the body font;
further fonts cover characters it lacks (CJK extensions A and B: 䶮, 𠮷 …). A character no
font covers is printed as ``□`` and reported, never silently dropped.

Search order: ``GRIDDESK_REPORT_FONT`` (a path, ``path#index`` for a collection face), the
app's ``resources/fonts``, then the usual Windows, Linux (UOS, Kylin, Debian) and macOS
places.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import KnownError
from app.text import t

log = logging.getLogger(__name__)
RESOURCES = Path(__file__).resolve().parent.parent.parent / "resources" / "fonts"
BODY_CANDIDATES = (
    "C:/Windows/Fonts/msyh.ttc#0", "C:/Windows/Fonts/simhei.ttf", "C:/Windows/Fonts/simsun.ttc#0",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc#0",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc#0",
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc#0",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
    "/usr/share/fonts/truetype/arphic/uming.ttc#0",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)
FALLBACK_CANDIDATES = (
    "C:/Windows/Fonts/simsunb.ttf", "C:/Windows/Fonts/mingliub.ttc#0",
    "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf",
    "/usr/share/fonts/truetype/hanazono/HanaMinB.ttf",
    "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf",
    "/usr/share/fonts/truetype/unifont/unifont.ttf",
)
MISSING = "□"


def _split(spec: str) -> tuple[Path, int]:
    path, _, index = spec.partition("#")
    return Path(path), int(index or 0)


def _candidates(names: tuple[str, ...], extra: list[str]) -> list[tuple[Path, int]]:
    found = [_split(s) for s in extra]
    if RESOURCES.is_dir():
        found += [(p, 0) for p in sorted(RESOURCES.iterdir())
                  if p.suffix.lower() in (".ttf", ".ttc")]
    found += [_split(s) for s in names]
    return [(p, i) for p, i in found if p.is_file()]


@dataclass
class FontChain:
    """Registered reportlab fonts, body first, and the characters none of them has.

    Fallback fonts are registered when a character first needs one (a rare-character font
    holds tens of megabytes once parsed; a masked report seldom needs it)."""

    names: list[str]
    cmaps: list[frozenset[int]]
    missing: set[str] = field(default_factory=set)
    fallbacks: list[tuple[Path, int]] = field(default_factory=list)

    @property
    def body(self) -> str:
        """The body font's reportlab name."""
        return self.names[0]

    def _font_for(self, code: int) -> str | None:
        font = next((n for n, cmap in zip(self.names, self.cmaps, strict=True)
                     if code in cmap), None)
        while font is None and self.fallbacks:
            path, index = self.fallbacks.pop(0)
            loaded = _register(f"GD{len(self.names)}-{path.stem}", path, index)
            if loaded is not None:
                self.names.append(loaded[0])
                self.cmaps.append(loaded[1])
                if code in loaded[1]:
                    font = loaded[0]
        return font

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font name, piece) runs; uncovered characters become ``□``."""
        out: list[tuple[str, str]] = []
        body, body_cmap = self.names[0], self.cmaps[0]
        for ch in text:
            code = ord(ch)
            font = body if code in body_cmap else self._font_for(code)
            if font is None:
                if ch.isspace() or code < 0x20:
                    font, ch = body, " "
                else:
                    self.missing.add(ch)
                    font, ch = body, MISSING
            if out and out[-1][0] == font:
                out[-1] = (font, out[-1][1] + ch)
            else:
                out.append((font, ch))
        return out

    def markup(self, text: str) -> str:
        """Paragraph markup with ``<font>`` tags where a fallback font is needed."""
        parts = []
        for font, piece in self.runs(text):
            piece = piece.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            parts.append(piece if font == self.body else f'<font face="{font}">{piece}</font>')
        return "".join(parts)


_cache: dict[tuple[str, ...], FontChain] = {}


def _register(name: str, path: Path, index: int) -> tuple[str, frozenset[int]] | None:
    """Register one font face with reportlab; its name and the characters it has."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        font: Any = TTFont(name, str(path), subfontIndex=index)
    except Exception as exc:  # noqa: BLE001 - an unusable font file is skipped
        log.info("font %s#%d not usable: %s", path, index, exc)
        return None
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def load_fonts(extra: list[str] | None = None) -> FontChain:
    """Register the body font with reportlab (once per process); fallbacks follow when a
    character needs them."""
    env = os.environ.get("GRIDDESK_REPORT_FONT", "")
    wanted = ([env] if env else []) + list(extra or [])
    key = tuple(wanted)
    if key in _cache:
        chain = _cache[key]
        chain.missing = set()
        return chain
    seen: set[tuple[Path, int]] = set()
    candidates: list[tuple[Path, int]] = []
    for face in _candidates(BODY_CANDIDATES, wanted) + _candidates(FALLBACK_CANDIDATES, []):
        if face not in seen:
            seen.add(face)
            candidates.append(face)
    body: tuple[str, frozenset[int]] | None = None
    while body is None and candidates:
        path, index = candidates.pop(0)
        body = _register(f"GD0-{path.stem}", path, index)
    if body is None or 0x4E2D not in body[1]:
        raise KnownError(
            t("找不到可嵌入 PDF 的中文字体", "no Chinese font that a PDF can embed was found"),
            hint=t("请安装文泉驿微米黑（fonts-wqy-microhei）或微软雅黑，或设置环境变量 "
                   "GRIDDESK_REPORT_FONT 指向一个 TTF/TTC 字体文件",
                   "install WenQuanYi Micro Hei (fonts-wqy-microhei) or Microsoft YaHei, or "
                   "point GRIDDESK_REPORT_FONT at a TTF/TTC font file"))
    chain = FontChain([body[0]], [body[1]], fallbacks=candidates)
    _cache[key] = chain
    return chain

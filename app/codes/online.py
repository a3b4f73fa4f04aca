"""Online-only issuer codes: recognised by prefix or pattern, recorded as ``DEFERRED``.

The patterns arrive with the reference data (kind ``online-issuers``)::

    {"type": "online-issuers", "version": "3",
     "issuers": [{"id": "GD-YKM", "name": "粤康码",
                  "prefixes": ["https://ykm.example.cn/c/"], "patterns": ["YKM[0-9A-Z]{16}"]}]}

A pattern must match the whole text. The raw text is kept for verification when online.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from app.codes.results import CodeResult, Format, Result
from app.text import t

MAX_RAW = 4096


class OnlineIssuersRefused(ValueError):
    """The reference data is not a valid online-issuer list."""


@dataclass(frozen=True)
class OnlineIssuer:
    """One issuer whose codes can only be verified online."""

    id: str
    name: str
    prefixes: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]

    def matches(self, text: str) -> bool:
        """Whether ``text`` is one of this issuer's codes."""
        return any(text.startswith(p) for p in self.prefixes) or any(
            p.fullmatch(text) for p in self.patterns)


@dataclass(frozen=True)
class OnlineIssuers:
    """The known online-only issuers, in order."""

    version: str = ""
    issuers: tuple[OnlineIssuer, ...] = ()

    @classmethod
    def from_json(cls, body: str | dict[str, Any]) -> OnlineIssuers:
        """Parse the reference data; OnlineIssuersRefused on defects."""
        try:
            data = json.loads(body) if isinstance(body, str) else body
        except ValueError as exc:
            raise OnlineIssuersRefused("bad JSON") from exc
        if not isinstance(data, dict) or not isinstance(data.get("issuers"), list):
            raise OnlineIssuersRefused("no issuers list")
        issuers = []
        for entry in data["issuers"]:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                raise OnlineIssuersRefused("issuer without id")
            prefixes = entry.get("prefixes", [])
            patterns = entry.get("patterns", [])
            if not (isinstance(prefixes, list) and isinstance(patterns, list)
                    and all(isinstance(p, str) and p for p in prefixes + patterns)):
                raise OnlineIssuersRefused("prefixes and patterns must be lists of text")
            try:
                compiled = tuple(re.compile(p) for p in patterns)
            except re.error as exc:
                raise OnlineIssuersRefused(f"bad pattern: {exc}") from exc
            issuers.append(OnlineIssuer(entry["id"], str(entry.get("name") or entry["id"]),
                                        tuple(prefixes), compiled))
        return cls(str(data.get("version", "")), tuple(issuers))

    def match(self, text: str) -> OnlineIssuer | None:
        """The issuer of ``text``, if any."""
        if len(text) > MAX_RAW:
            return None
        for issuer in self.issuers:
            if issuer.matches(text):
                return issuer
        return None


def deferred(text: str, issuer: OnlineIssuer) -> CodeResult:
    """The DEFERRED result for an online-only code, keeping the raw text."""
    digest = hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:32]
    return CodeResult(
        Format.ONLINE, Result.DEFERRED,
        reason=t(f"「{issuer.name}」的码只能联网核验，已记录待核验",
                 f"{issuer.name} codes can only be verified online; recorded for later"),
        issuer=issuer.id, issuer_name=issuer.name, code_id=f"ONLINE/{issuer.id}/{digest}",
        raw_text=text, evidence={"online_issuer": issuer.id},
    )

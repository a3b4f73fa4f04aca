"""The one result value every verification returns, and the words shown for it.

A :class:`CodeResult` is immutable and JSON-able (:meth:`CodeResult.to_dict`); it carries
what the checkpoint panel shows (result, colour, issuer, validity, masked holder, warnings)
and the evidence stored with the screening record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.masking import mask_name
from app.text import t
from app.timeutil import iso_utc


class Result(StrEnum):
    """The verdicts of spec §7; every input maps to exactly one."""

    VALID = "VALID"
    EXPIRED = "EXPIRED"
    NOT_YET_VALID = "NOT_YET_VALID"
    BAD_SIGNATURE = "BAD_SIGNATURE"
    UNKNOWN_KEY = "UNKNOWN_KEY"
    REVOKED = "REVOKED"
    MALFORMED = "MALFORMED"
    UNSUPPORTED = "UNSUPPORTED"
    STALE_TRUST = "STALE_TRUST"
    DEFERRED = "DEFERRED"


RESULT_LABELS: dict[Result, tuple[str, str]] = {
    Result.VALID: ("有效", "valid"),
    Result.EXPIRED: ("已过期", "expired"),
    Result.NOT_YET_VALID: ("未生效", "not yet valid"),
    Result.BAD_SIGNATURE: ("签名无效（疑似伪造）", "invalid signature (possibly forged)"),
    Result.UNKNOWN_KEY: ("未知签发机构", "unknown issuer"),
    Result.REVOKED: ("已撤销", "revoked"),
    Result.MALFORMED: ("无法识别", "unreadable"),
    Result.UNSUPPORTED: ("不支持的码制", "unsupported code format"),
    Result.STALE_TRUST: ("信任列表过期，请人工核验", "trust list out of date: check by hand"),
    Result.DEFERRED: ("待联网核验", "to be verified online"),
}

COLOUR_LABELS: dict[str, tuple[str, str]] = {
    "green": ("绿码", "green"),
    "yellow": ("黄码", "yellow"),
    "red": ("红码", "red"),
}
KNOWN_COLOURS = frozenset(COLOUR_LABELS)


def result_label(result: Result) -> str:
    """How the result is shown, in the current language."""
    zh, en = RESULT_LABELS[result]
    return t(zh, en)


def colour_label(colour: str | None) -> str:
    """``green`` → 绿码; an unknown colour is shown as carried, marked for a manual check."""
    if colour is None:
        return ""
    if colour in COLOUR_LABELS:
        zh, en = COLOUR_LABELS[colour]
        return t(zh, en)
    return t(f"未知颜色「{colour}」，请人工核验", f"unknown colour '{colour}': check by hand")


class Format(StrEnum):
    """Code formats; values match ``screenings.format``."""

    GX1 = "GX1"
    HC1 = "HC1"
    ONLINE = "ONLINE"
    OTHER = "OTHER"


class WarningCode(StrEnum):
    """Conditions shown next to the verdict without changing it."""

    TRUST_LIST_STALE = "trust_list_stale"
    REVOCATIONS_STALE = "revocations_stale"
    NO_REVOCATION_LIST = "no_revocation_list"
    NO_TRUST_LIST = "no_trust_list"
    DUPLICATE_SCAN = "duplicate_scan"
    CLOCK_BELOW_FLOOR = "clock_below_floor"
    UNKNOWN_COLOUR = "unknown_colour"
    STATUS_LIST_STALE = "status_list_stale"
    OUT_OF_SCOPE = "out_of_scope"


@dataclass(frozen=True)
class Notice:
    """One warning: a stable code, the message for the worker, and details for the record."""

    code: WarningCode
    message: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"code": self.code.value, "message": self.message, **self.detail}


@dataclass(frozen=True)
class Holder:
    """The holder as carried by the code. ``name`` is full; show :attr:`masked_name`."""

    name: str = ""
    doc_type: str = ""
    doc_masked: str = ""
    birth_date: str = ""

    @property
    def masked_name(self) -> str:
        """First character kept, the rest ``*``."""
        return mask_name(self.name)


@dataclass(frozen=True)
class CodeResult:
    """Everything one verification says about one scanned or typed text."""

    format: Format
    result: Result
    reason: str = ""
    colour: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    kind: str | None = None
    issued_at: float | None = None
    expires_at: float | None = None
    assessed_at: float | None = None
    holder: Holder = field(default_factory=Holder)
    code_id: str | None = None
    person_ref: str | None = None
    warnings: tuple[Notice, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    raw_text: str | None = None
    duplicate_of: str | None = None

    @property
    def label(self) -> str:
        """The verdict as shown (spec §7 wording)."""
        return result_label(self.result)

    @property
    def needs_manual_check(self) -> bool:
        """The checkpoint falls back to its manual procedure."""
        return self.result in (Result.DEFERRED, Result.STALE_TRUST) or (
            self.result is Result.VALID and self.colour not in KNOWN_COLOURS
        )

    def with_warnings(self, *notices: Notice, duplicate_of: str | None = None) -> CodeResult:
        """A copy with more warnings (and the earlier screening, when a duplicate)."""
        from dataclasses import replace

        return replace(
            self,
            warnings=self.warnings + notices,
            duplicate_of=duplicate_of if duplicate_of is not None else self.duplicate_of,
        )

    def to_dict(self, *, reveal: bool = False) -> dict[str, Any]:
        """JSON-able form; the holder's full name only with ``reveal``."""
        out: dict[str, Any] = {
            "format": self.format.value,
            "result": self.result.value,
            "label": self.label,
            "reason": self.reason,
            "colour": self.colour,
            "colour_label": colour_label(self.colour),
            "issuer": self.issuer,
            "issuer_name": self.issuer_name,
            "kind": self.kind,
            "issued_at": _iso(self.issued_at),
            "expires_at": _iso(self.expires_at),
            "assessed_at": _iso(self.assessed_at),
            "holder": {
                "name_masked": self.holder.masked_name,
                "doc_type": self.holder.doc_type,
                "doc_masked": self.holder.doc_masked,
            },
            "code_id": self.code_id,
            "person_ref": self.person_ref,
            "warnings": [w.to_dict() for w in self.warnings],
            "duplicate_of": self.duplicate_of,
            "evidence": self.evidence,
            "manual_check": self.needs_manual_check,
        }
        if self.holder.birth_date:
            out["holder"]["birth_date"] = self.holder.birth_date
        if reveal:
            out["holder"]["name"] = self.holder.name
        if self.raw_text is not None:
            out["raw_text"] = self.raw_text
        return out


def _iso(ts: float | None) -> str | None:
    if ts is None:
        return None
    try:
        return iso_utc(ts)
    except (OverflowError, OSError, ValueError):
        return None

"""Manual ID entry (spec §6): check the number, then look it up in the status list.

Three outcomes, worded for the worker as the spec says: the number is not a valid ID
number; it is listed with a colour; or it is not listed, which means "no adverse record as
of" the list's ``issued_at`` — never "green".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.codes.idnumber import IdCheck, check_id_number, today_utc8
from app.codes.policy import VerifyPolicy, stale_notice, staleness
from app.codes.results import COLOUR_LABELS, Notice, WarningCode
from app.codes.trust import TrustState
from app.masking import mask_id_number
from app.text import t
from app.timeutil import iso_utc


class LookupOutcome(StrEnum):
    """What a lookup found."""

    LISTED = "listed"
    NOT_LISTED = "not_listed"
    INVALID_ID = "invalid_id"
    NO_LIST = "no_list"


@dataclass(frozen=True)
class IdLookup:
    """One manual-ID lookup."""

    outcome: LookupOutcome
    message: str
    id_check: IdCheck
    colour: str | None = None
    as_of: str | None = None
    list_version: int | None = None
    warnings: tuple[Notice, ...] = field(default=())

    @property
    def masked_id(self) -> str:
        """The number as it may be shown."""
        return mask_id_number(self.id_check.normalised)

    @property
    def person_ref(self) -> str | None:
        """A pseudonymous reference for duplicate detection (never the number itself)."""
        if not self.id_check.ok:
            return None
        return "ID/" + hashlib.sha256(self.id_check.normalised.encode()).hexdigest()[:32]

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (the number masked)."""
        return {
            "outcome": self.outcome.value, "message": self.message, "colour": self.colour,
            "as_of": self.as_of, "list_version": self.list_version,
            "id_masked": self.masked_id,
            "id_problem": self.id_check.problem.value if self.id_check.problem else None,
            "warnings": [w.to_dict() for w in self.warnings],
        }


def _as_of_text(issued_at: float) -> str:
    """The list time as a worker reads it: Beijing time, to the minute."""
    return iso_utc(issued_at + 8 * 3600)[:16].replace("T", " ") + t("（北京时间）", " (UTC+8)")


def lookup_id(text: str, trust: TrustState, now: float,
              policy: VerifyPolicy | None = None) -> IdLookup:
    """Check ``text`` as an ID number and look it up in the installed status list."""
    policy = policy or VerifyPolicy()
    checked = check_id_number(text, today_utc8(now))
    if not checked.ok:
        return IdLookup(LookupOutcome.INVALID_ID,
                        t(f"身份证号无效：{checked.message}",
                          f"invalid ID number: {checked.message}"),
                        checked)
    status = trust.status
    if status is None:
        return IdLookup(LookupOutcome.NO_LIST,
                        t("未安装状态名单，无法查询，请按人工程序核验",
                          "no status list installed: use the manual procedure"), checked)
    notices: list[Notice] = []
    if staleness(status.info, now, policy).warn:
        notices.append(stale_notice(WarningCode.STATUS_LIST_STALE, "状态名单", "status list",
                                    status.info))
    scope = status.scope.rstrip("0")
    if scope and not checked.normalised.startswith(scope):
        notices.append(Notice(WarningCode.OUT_OF_SCOPE,
                              t(f"身份证号的地区不在名单范围 {status.scope} 内",
                                f"the number's region is outside the list's scope {status.scope}")))
    as_of = _as_of_text(status.info.issued_at)
    colour = status.colour_of(checked.normalised)
    common: dict[str, Any] = {"as_of": status.info.issued_at_text,
                              "list_version": status.info.version, "warnings": tuple(notices)}
    if colour is None:
        return IdLookup(LookupOutcome.NOT_LISTED,
                        t(f"截至 {as_of} 无不良记录", f"no adverse record as of {as_of}"),
                        checked, **common)
    zh, en = COLOUR_LABELS.get(colour, (colour, colour))
    return IdLookup(LookupOutcome.LISTED,
                    t(f"状态名单记录：{zh}（截至 {as_of}）", f"listed: {en} (as of {as_of})"),
                    checked, colour=colour, **common)

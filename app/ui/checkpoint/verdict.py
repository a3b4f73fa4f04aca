"""What the checkpoint knows about the person in front of it, and the record it saves.

:class:`Verdict` is built on the DB thread from a verified code (``CodeResult``), a manual
ID lookup (``IdLookup``) or "no code at all"; it is immutable and carries everything the
panel shows (masked) and everything the record stores. :class:`ScreeningDraft` is the
worker's input on top of it (temperature, ticks, decision, reason) with the ``record_id``
fixed when the draft starts, so a retried save is idempotent. No Qt here.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from app.codes.results import KNOWN_COLOURS, CodeResult, Result, colour_label, result_label
from app.codes.rules import Decision, DecisionRules, Screening
from app.codes.status import IdLookup, LookupOutcome
from app.masking import mask_id_number, mask_name
from app.storage.clock import ClockReading
from app.storage.records.screenings import NewScreening
from app.text import t

# How the panel tones a verdict: the colour block, its symbol and its words.
TONE_GREEN, TONE_YELLOW, TONE_RED = "green", "yellow", "red"
TONE_INVALID, TONE_MANUAL = "invalid", "manual"
INVALID_RESULTS = frozenset({"EXPIRED", "NOT_YET_VALID", "BAD_SIGNATURE", "REVOKED",
                             "UNKNOWN_KEY", "MALFORMED"})
OVERRIDE_DECISIONS = ("pass", "refuse", "refer", "notify")
DECISION_LABELS = {
    "pass": ("放行", "let through"),
    "refuse": ("劝返", "refuse"),
    "refer": ("转诊复测", "refer"),
    "notify": ("劝返并上报", "refuse and notify"),
    "manual": ("人工核验", "manual check"),
}


LOOKUP_LABELS = {
    "ID_LISTED": ("名单有记录", "on the status list"),
    "ID_NOT_LISTED": ("无不良记录", "no adverse record"),
    "MANUAL": ("人工核验", "manual check"),
}


def decision_label(decision: str) -> str:
    """A decision in the current language."""
    zh, en = DECISION_LABELS.get(decision, (decision, decision))
    return t(zh, en)


def stored_result_label(result: str | None, colour: str | None = None) -> str:
    """A stored screening's outcome in words: the code colour, else the result
    (``EXPIRED`` → 已过期, ``ID_NOT_LISTED`` → 无不良记录); unknown values as stored."""
    if colour:
        return colour_label(colour)
    if result in LOOKUP_LABELS:
        zh, en = LOOKUP_LABELS[result]
        return t(zh, en)
    try:
        return result_label(Result(result))
    except ValueError:
        return result or "—"


@dataclass(frozen=True)
class Verdict:
    """One verification, ready for the panel and the record."""

    source: str                     # camera | wedge | manual_id | typed | none
    format: str                     # GX1 | HC1 | ONLINE | OTHER | ID | NONE
    result: str                     # stored result: spec §7, ID_LISTED, ID_NOT_LISTED, MANUAL
    rules_result: str               # the result the decision rules see (NONE for no code)
    headline: str                   # the big words
    detail: str = ""
    colour: str | None = None
    issuer: str | None = None
    holder_name: str = ""           # full; stored, never shown unmasked
    holder_doc: str = ""            # as carried (masked by the issuer) or the typed ID
    valid_until: float | None = None
    issued_at: float | None = None
    assessed_at: float | None = None
    code_id: str | None = None
    person_ref: str | None = None
    duplicate_of: str | None = None
    raw_text: str | None = None
    warnings: tuple[str, ...] = ()
    warning_codes: tuple[str, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    clock_now: float = 0.0
    below_floor: bool = False

    @property
    def tone(self) -> str:
        """green | yellow | red | invalid | manual."""
        if self.result in INVALID_RESULTS:
            return TONE_INVALID
        if self.colour in KNOWN_COLOURS and self.result in ("VALID", "ID_LISTED"):
            return str(self.colour)
        return TONE_MANUAL

    @property
    def masked_name(self) -> str:
        """The holder's name as shown."""
        return mask_name(self.holder_name)

    @property
    def masked_doc(self) -> str:
        """The document number as shown."""
        return mask_id_number(self.holder_doc)

    def rules_input(self, temperature: float | None, symptoms: bool, risk_travel: bool
                    ) -> Screening:
        """What the decision rules need."""
        age = (self.clock_now - self.assessed_at) if self.assessed_at is not None else None
        return Screening(self.rules_result, self.colour, temperature, symptoms, risk_travel,
                         age)

    def to_dict(self) -> dict[str, Any]:
        """Plain form (kept in a draft across a lock)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Verdict:
        """Inverse of :meth:`to_dict`."""
        values = dict(data)
        values["warnings"] = tuple(values.get("warnings", ()))
        values["warning_codes"] = tuple(values.get("warning_codes", ()))
        return cls(**values)


def _headline(code: CodeResult) -> str:
    if code.result is Result.VALID:
        if code.colour in KNOWN_COLOURS:
            return colour_label(code.colour)
        return colour_label(code.colour) or result_label(code.result)
    return result_label(code.result)


def from_code(code: CodeResult, source: str, reading: ClockReading) -> Verdict:
    """The verdict for a scanned or typed code."""
    warnings = tuple(w.message for w in code.warnings)
    codes = tuple(w.code.value for w in code.warnings)
    evidence = {**code.evidence, "warnings": [w.to_dict() for w in code.warnings],
                "reason": code.reason}
    if code.kind:
        evidence["kind"] = code.kind
    issuer = code.issuer_name or code.issuer
    return Verdict(
        source=source, format=code.format.value, result=code.result.value,
        rules_result=code.result.value, headline=_headline(code),
        detail=code.reason if code.result is not Result.VALID else "",
        colour=code.colour if code.result is Result.VALID else None, issuer=issuer,
        holder_name=code.holder.name, holder_doc=code.holder.doc_masked,
        valid_until=code.expires_at, issued_at=code.issued_at, assessed_at=code.assessed_at,
        code_id=code.code_id, person_ref=code.person_ref, duplicate_of=code.duplicate_of,
        raw_text=code.raw_text if code.result is Result.DEFERRED else None,
        warnings=warnings, warning_codes=codes, evidence=evidence, clock_now=reading.now,
        below_floor=reading.below_floor,
    )


def from_lookup(lookup: IdLookup, reading: ClockReading, extra_warnings: tuple[str, ...] = (),
                extra_codes: tuple[str, ...] = (), duplicate_of: str | None = None) -> Verdict:
    """The verdict for a manual ID lookup (the number has passed its check)."""
    if lookup.outcome is LookupOutcome.LISTED:
        result, rules_result = "ID_LISTED", "ID_LISTED"
        headline = t("状态名单有记录", "on the status list")
    elif lookup.outcome is LookupOutcome.NOT_LISTED:
        result, rules_result = "ID_NOT_LISTED", "ID_NOT_LISTED"
        headline = t("无不良记录", "no adverse record")
    else:
        result, rules_result = "MANUAL", "NONE"
        headline = t("无法查询名单", "status list unavailable")
    warnings = tuple(w.message for w in lookup.warnings) + extra_warnings
    codes = tuple(w.code.value for w in lookup.warnings) + extra_codes
    return Verdict(
        source="manual_id", format="ID", result=result, rules_result=rules_result,
        headline=headline, detail=lookup.message, colour=lookup.colour,
        issuer=t("状态名单", "status list") if lookup.list_version else None,
        holder_doc=lookup.id_check.normalised, person_ref=lookup.person_ref,
        duplicate_of=duplicate_of, warnings=warnings, warning_codes=codes,
        evidence={"id_lookup": lookup.to_dict()}, clock_now=reading.now,
        below_floor=reading.below_floor,
    )


def no_code(reading: ClockReading, warnings: tuple[str, ...] = (),
            codes: tuple[str, ...] = ()) -> Verdict:
    """A person with neither a code nor a usable ID number: the manual procedure."""
    return Verdict(source="none", format="NONE", result="MANUAL", rules_result="NONE",
                   headline=t("无码人员", "no code"),
                   detail=t("请按人工程序核验并记录理由",
                            "use the manual procedure and record the reason"),
                   warnings=warnings, warning_codes=codes, clock_now=reading.now,
                   below_floor=reading.below_floor)


@dataclass
class ScreeningDraft:
    """The worker's input on one verdict; ``record_id`` is fixed when the draft starts."""

    verdict: Verdict
    temperature_text: str = ""
    symptoms: bool = False
    risk_travel: bool = False
    decision: str | None = None     # None: follow the proposal
    reason: str = ""
    record_id: str = field(default_factory=lambda: str(uuid.uuid4()))

    def temperature(self) -> float | None:
        """The typed temperature; ValueError when it is not a number.

        Numeric-keypad habits are accepted: ``36,8`` and ``368`` both mean 36.8 °C.
        """
        text = self.temperature_text.strip().replace(",", ".").replace("，", ".")
        if not text:
            return None
        value = float(text)
        if "." not in text and 300 <= value <= 450:
            value /= 10
        return round(value, 1)

    def decide(self, rules: DecisionRules, threshold: float | None) -> Decision:
        """The proposal of the rules for what is entered now (ValueError: bad temperature)."""
        screening = self.verdict.rules_input(self.temperature(), self.symptoms,
                                             self.risk_travel)
        return rules.decide(screening, fever_threshold_c=threshold)

    def chosen(self, proposal: str) -> str | None:
        """The decision that will be stored (None: a manual proposal still needs one)."""
        if self.decision:
            return self.decision
        return None if proposal == "manual" else proposal

    def to_record(self, decision: Decision, grid: str) -> NewScreening:
        """The record to save (raises ValueError for a bad temperature)."""
        v = self.verdict
        chosen = self.chosen(decision.proposal) or "manual"
        overridden = chosen != decision.proposal
        evidence = {**v.evidence, "rule_id": decision.rule_id, "actions": list(decision.actions),
                    "warning_codes": list(v.warning_codes)}
        return NewScreening(
            source=v.source, format=v.format, result=v.result, proposal=decision.proposal,
            decision=chosen, rules_version=decision.rules_version, colour=v.colour,
            issuer=v.issuer, code_id=v.code_id, person_ref=v.person_ref,
            holder_name=v.holder_name or None, holder_doc=v.holder_doc or None,
            temperature=self.temperature(), fever=bool(decision.fever),
            symptoms=self.symptoms, risk_travel=self.risk_travel,
            override_reason=self.reason.strip() if overridden else None,
            duplicate_of=v.duplicate_of, raw_text=v.raw_text, grid=grid, evidence=evidence,
            record_id=self.record_id,
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain form for a lock."""
        return {"verdict": self.verdict.to_dict(), "temperature_text": self.temperature_text,
                "symptoms": self.symptoms, "risk_travel": self.risk_travel,
                "decision": self.decision, "reason": self.reason, "record_id": self.record_id}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScreeningDraft:
        """Inverse of :meth:`to_dict`."""
        return cls(Verdict.from_dict(data["verdict"]), str(data.get("temperature_text", "")),
                   bool(data.get("symptoms")), bool(data.get("risk_travel")),
                   data.get("decision"), str(data.get("reason", "")), str(data["record_id"]))


def with_warning(verdict: Verdict, message: str, code: str) -> Verdict:
    """A copy with one more warning."""
    return replace(verdict, warnings=verdict.warnings + (message,),
                   warning_codes=verdict.warning_codes + (code,))

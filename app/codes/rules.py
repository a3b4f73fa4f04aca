"""Decision rules: a versioned JSON table proposing what the worker does with a screening.

Rules are tried in order; the first whose ``when`` matches proposes ``pass``, ``refuse``,
``refer``, ``notify`` or ``manual``. A condition absent from ``when`` matches anything:

- ``result``: list of verdicts (spec §7, plus ``NONE`` for no code and ``ID_LISTED`` /
  ``ID_NOT_LISTED`` for manual ID lookups);
- ``colour``: list of colours;
- ``fever``, ``symptoms``, ``risk_travel``: ``true`` / ``false``; for ``fever``, ``null``
  means "temperature not measured";
- ``any_of``: list of answer names of which at least one is true;
- ``max_colour_age_s``: the colour was assessed at most this long ago.

The default table ships as ``default_rules.json``; the central platform replaces it
(reference data kind ``decision-rules``). Every screening stores the version it used.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from app.codes.results import CodeResult
from app.errors import KnownError
from app.text import t

PROPOSALS = frozenset({"pass", "refuse", "refer", "notify", "manual"})
ANSWERS = ("symptoms", "risk_travel")
_CONDITIONS = frozenset({"result", "colour", "fever", "symptoms", "risk_travel", "any_of",
                         "max_colour_age_s"})


@dataclass(frozen=True)
class Screening:
    """What a decision depends on."""

    result: str
    colour: str | None = None
    temperature: float | None = None
    symptoms: bool = False
    risk_travel: bool = False
    colour_age_s: float | None = None


@dataclass(frozen=True)
class Decision:
    """The proposal of the rules, with the rule and version it came from."""

    proposal: str
    actions: tuple[str, ...]
    advice: str
    rule_id: str
    rules_version: str
    fever: bool | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form."""
        return {"proposal": self.proposal, "actions": list(self.actions), "advice": self.advice,
                "rule_id": self.rule_id, "rules_version": self.rules_version, "fever": self.fever}


@dataclass(frozen=True)
class Rule:
    """One row of the table."""

    id: str
    when: dict[str, Any]
    proposal: str
    actions: tuple[str, ...]
    advice: dict[str, str]

    def matches(self, s: Screening, fever: bool | None) -> bool:
        """Whether every condition holds for ``s``."""
        w = self.when
        if "result" in w and s.result not in w["result"]:
            return False
        if "colour" in w and s.colour not in w["colour"]:
            return False
        if "fever" in w and w["fever"] is not fever:
            return False
        if any(name in w and w[name] is not getattr(s, name) for name in ANSWERS):
            return False
        if "any_of" in w and not any(getattr(s, name) for name in w["any_of"]):
            return False
        if "max_colour_age_s" in w:
            return s.colour_age_s is not None and s.colour_age_s <= w["max_colour_age_s"]
        return True


class RulesRefused(KnownError):
    """A decision table that does not follow the format."""


def _rule(entry: Any, where: str) -> Rule:
    if not isinstance(entry, dict):
        raise RulesRefused(t(f"{where} 不是对象", f"{where} is not an object"))
    when = entry.get("when", {})
    proposal = entry.get("proposal")
    actions = entry.get("actions", [])
    advice = entry.get("advice", {})
    ok = (isinstance(when, dict) and set(when) <= _CONDITIONS and proposal in PROPOSALS
          and isinstance(actions, list) and all(isinstance(a, str) for a in actions)
          and isinstance(advice, dict))
    for key in ("result", "colour", "any_of"):
        ok = ok and (key not in when or (isinstance(when[key], list)
                                         and all(isinstance(v, str) for v in when[key])))
    ok = ok and all(n in ANSWERS for n in when.get("any_of", []))
    for key in ("fever", *ANSWERS):
        ok = ok and (key not in when or when[key] is None or isinstance(when[key], bool))
    age = when.get("max_colour_age_s", 0)
    ok = ok and isinstance(age, int | float) and not isinstance(age, bool)
    if not ok:
        raise RulesRefused(t(f"{where} 格式不正确", f"{where} is malformed"))
    return Rule(str(entry.get("id", where)), when, str(proposal), tuple(actions),
                {k: str(v) for k, v in advice.items()})


@dataclass(frozen=True)
class DecisionRules:
    """A parsed, versioned decision table."""

    version: str
    fever_threshold_c: float
    rules: tuple[Rule, ...]
    default: Rule

    @classmethod
    def from_json(cls, body: str | dict[str, Any]) -> DecisionRules:
        """Parse a table; RulesRefused (a KnownError) when malformed."""
        try:
            data = json.loads(body) if isinstance(body, str) else body
        except ValueError as exc:
            raise RulesRefused(t("决策规则不是有效的 JSON", "decision rules are not JSON")) from exc
        if not isinstance(data, dict) or data.get("type") != "gx-decision-rules":
            raise RulesRefused(t("不是决策规则表", "not a decision table"))
        version, threshold = data.get("version"), data.get("fever_threshold_c", 37.3)
        rules = data.get("rules")
        if not isinstance(version, str) or not version or not isinstance(rules, list) \
                or not isinstance(threshold, int | float) or isinstance(threshold, bool):
            raise RulesRefused(t("决策规则缺少版本、阈值或规则",
                                 "version, threshold or rules missing"))
        parsed = tuple(_rule(r, f"rule {i + 1}") for i, r in enumerate(rules))
        default = _rule(data.get("default", {"proposal": "manual"}), "default")
        return cls(version, float(threshold), parsed, default)

    @classmethod
    def default_table(cls) -> DecisionRules:
        """The table that ships with the app."""
        text = resources.files("app.codes").joinpath("default_rules.json").read_text("utf-8")
        return cls.from_json(text)

    def is_fever(self, temperature: float | None, threshold: float | None = None) -> bool | None:
        """Fever at or above the threshold; None when not measured."""
        if temperature is None:
            return None
        return temperature >= (self.fever_threshold_c if threshold is None else threshold)

    def decide(self, screening: Screening, *, fever_threshold_c: float | None = None) -> Decision:
        """The first matching rule's proposal (the default when none matches)."""
        fever = self.is_fever(screening.temperature, fever_threshold_c)
        rule = next((r for r in self.rules if r.matches(screening, fever)), self.default)
        advice = t(rule.advice.get("zh", ""), rule.advice.get("en", rule.advice.get("zh", "")))
        return Decision(rule.proposal, rule.actions, advice, rule.id, self.version, fever)


def screening_for(code: CodeResult | None, now: float, *, temperature: float | None,
                  symptoms: bool = False, risk_travel: bool = False) -> Screening:
    """The decision inputs for a verified code (or ``None``: no code at all)."""
    if code is None:
        return Screening("NONE", None, temperature, symptoms, risk_travel)
    age = now - code.assessed_at if code.assessed_at is not None else None
    return Screening(code.result.value, code.colour, temperature, symptoms, risk_travel, age)

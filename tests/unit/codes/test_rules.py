"""Decision rules: the default table of the product brief."""

from __future__ import annotations

import pytest

from app.codes.results import CodeResult, Format, Result
from app.codes.rules import DecisionRules, RulesRefused, Screening, screening_for

RULES = DecisionRules.default_table()


@pytest.mark.parametrize(("screening", "proposal"), [
    (Screening("VALID", "green", 36.5, colour_age_s=3600), "pass"),
    (Screening("VALID", "green", 37.3, colour_age_s=3600), "refer"),
    (Screening("VALID", "green", 36.5, symptoms=True, colour_age_s=3600), "refer"),
    (Screening("VALID", "green", 36.5, risk_travel=True, colour_age_s=3600), "refer"),
    (Screening("VALID", "green", None, colour_age_s=3600), "manual"),
    (Screening("VALID", "green", 36.5, colour_age_s=30 * 86400), "manual"),
    (Screening("VALID", "yellow", 36.5), "refuse"),
    (Screening("VALID", "red", 38.0), "notify"),
    (Screening("VALID", "purple", 36.5), "manual"),
    (Screening("DEFERRED"), "manual"),
    (Screening("STALE_TRUST"), "manual"),
    (Screening("NONE", temperature=36.5), "manual"),
    *[(Screening(r), "refuse") for r in ("EXPIRED", "BAD_SIGNATURE", "REVOKED", "UNKNOWN_KEY",
                                          "MALFORMED", "NOT_YET_VALID")],
])
def test_default_table(screening: Screening, proposal: str) -> None:
    decision = RULES.decide(screening)
    assert decision.proposal == proposal
    assert decision.rules_version == "2026.12-default"


def test_invalid_flags_supervisor_and_red_notifies() -> None:
    assert "flag_supervisor" in RULES.decide(Screening("BAD_SIGNATURE")).actions
    assert "notify_prevention_office" in RULES.decide(Screening("VALID", "red", 36.5)).actions


def test_fever_threshold_setting_overrides_table() -> None:
    s = Screening("VALID", "green", 37.1, colour_age_s=0)
    assert RULES.decide(s).proposal == "pass"
    assert RULES.decide(s, fever_threshold_c=37.0).proposal == "refer"


def test_screening_for_result() -> None:
    code = CodeResult(Format.GX1, Result.VALID, colour="green", assessed_at=1000.0)
    s = screening_for(code, 4600.0, temperature=36.4)
    assert s.colour_age_s == 3600.0 and RULES.decide(s).proposal == "pass"
    assert screening_for(None, 0.0, temperature=36.4).result == "NONE"


@pytest.mark.parametrize("body", [
    "{", "[]", '{"type": "gx-decision-rules"}',
    '{"type": "gx-decision-rules", "version": "1", "rules": [{"proposal": "shoot"}]}',
    '{"type": "gx-decision-rules", "version": "1",'
    ' "rules": [{"when": {"x": 1}, "proposal": "pass"}]}',
])
def test_bad_tables_refused(body: str) -> None:
    with pytest.raises(RulesRefused):
        DecisionRules.from_json(body)

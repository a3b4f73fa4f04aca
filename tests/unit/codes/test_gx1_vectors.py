"""Conformance: every case in specs/vectors/gx1/cases.json."""

from __future__ import annotations

import pytest

from app.codes.repository import MemoryTrustRepository
from app.codes.status import LookupOutcome, lookup_id
from app.codes.trust import TrustState, install_text
from app.codes.verifier import CodeVerifier
from app.timeutil import parse_iso
from tests.unit.codes.conftest import GX1_VECTORS, VECTOR_NOW, gx1_cases

CASES = gx1_cases()


@pytest.mark.parametrize("case", CASES["code_cases"], ids=lambda c: c["name"])
def test_code_case(case: dict[str, str], installed: TrustState) -> None:
    result = CodeVerifier(installed).verify(case["qr_text"], parse_iso(case["now"]))
    assert result.result.value == case["expected_result"], result.reason
    if case.get("expected_colour"):
        assert result.colour == case["expected_colour"]
    elif result.result.value != "VALID":
        assert result.colour is None


def test_stale_within_grace_warns(installed: TrustState) -> None:
    case = next(c for c in CASES["code_cases"] if c["name"] == "stale-trust-within-grace")
    result = CodeVerifier(installed).verify(case["qr_text"], parse_iso(case["now"]))
    assert "trust_list_stale" in {w.code.value for w in result.warnings}


def test_valid_result_carries_holder_and_evidence(installed: TrustState) -> None:
    case = CASES["code_cases"][0]
    result = CodeVerifier(installed).verify(case["qr_text"], parse_iso(case["now"]))
    assert result.holder.masked_name == "张*"
    assert result.holder.doc_masked == "450***********123X"
    assert result.issuer == "CN-GX" and result.issuer_name == "广西健康码"
    assert result.code_id == "CN-GX/c-0001" and result.person_ref == "CN-GX/p-0001"
    assert result.evidence["alg"] == "ES256" and result.evidence["trust_list_version"] == 2
    assert result.to_dict()["holder"] == {"name_masked": "张*", "doc_type": "CN-ID",
                                          "doc_masked": "450***********123X"}
    assert "name" in result.to_dict(reveal=True)["holder"]


@pytest.mark.parametrize("case", CASES["id_lookup_cases"], ids=lambda c: c["id_number"])
def test_id_lookup_case(case: dict[str, str], installed: TrustState) -> None:
    found = lookup_id(case["id_number"], installed, VECTOR_NOW)
    if case["expected"] in ("red", "yellow"):
        assert found.outcome is LookupOutcome.LISTED and found.colour == case["expected"]
    else:
        assert found.outcome.value == case["expected"]


def test_not_listed_wording(installed: TrustState) -> None:
    found = lookup_id("450305199001010159", installed, VECTOR_NOW)
    assert found.message.startswith("截至 2026-11-30 16:00") and "无不良记录" in found.message
    assert "绿" not in found.message


@pytest.mark.parametrize("case", CASES["trust_list_cases"], ids=lambda c: "+".join(c["sequence"]))
def test_trust_list_sequence(case: dict[str, list[str]]) -> None:
    repo = MemoryTrustRepository()
    _, state = install_text((GX1_VECTORS / "anchors.json").read_text(), repo, VECTOR_NOW)
    got = []
    for name, expected in zip(case["sequence"], case["expected"], strict=True):
        before = repo.material("gx-trust-list")
        outcomes, state = install_text((GX1_VECTORS / name).read_text(), repo, VECTOR_NOW, state)
        got.append("accepted" if outcomes[0].accepted else "refused")
        if expected == "refused":
            assert repo.material("gx-trust-list") == before  # the installed list stays
    assert got == case["expected"]
    # what is stored re-verifies into the same state
    assert TrustState.load(repo).versions() == state.versions()


def test_list_without_anchor_is_refused() -> None:
    repo = MemoryTrustRepository()
    outcomes, state = install_text((GX1_VECTORS / "trust-list-v1.jws").read_text(), repo,
                                   VECTOR_NOW)
    assert not outcomes[0].accepted and outcomes[0].reason == "unpinned_anchor"
    assert state.gx is None and repo.all_material() == []


def test_anchor_with_wrong_kid_is_refused() -> None:
    repo = MemoryTrustRepository()
    doc = ('{"anchors": [{"kid": "AAAAAAAAAAA", "alg": "EdDSA", '
           '"spki": "MCowBQYDK2VwAyEAfa0AmDnv7RM2VDHqYWOJP6X1Q6MbjS+2NgkWdPQXOmU="}]}')
    outcomes, _ = install_text(doc, repo, VECTOR_NOW)
    assert not outcomes[0].accepted and repo.anchors() == []


def test_no_trust_list_is_stale_trust() -> None:
    case = CASES["code_cases"][0]
    assert CodeVerifier().verify(case["qr_text"], VECTOR_NOW).result.value == "STALE_TRUST"

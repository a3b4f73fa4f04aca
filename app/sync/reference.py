"""Installing what the server publishes: trust material and reference data.

Signed trust, revocation and status lists go through the signature and version checks of
``app.codes.trust`` (``install_signed``, against the locally pinned anchors) and are stored
through the codes package's repository (``app.codes.store_repo.SqlTrustRepository``); a
list that fails them is not installed and the refusal is counted. Decision rules, risk
areas and online-issuer patterns go to ``reference_data``; verdicts for deferred codes
accumulate in the ``deferred-verdicts`` entry keyed by record or code id.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

from app.codes.store_repo import SqlTrustRepository, load_reference, save_reference
from app.codes.trust import TrustState, install_signed
from app.timeutil import iso_utc

log = logging.getLogger(__name__)

TRUST_KINDS = frozenset({"gx-trust-list", "gx-revocations", "gx-status-list", "hc1-trust-list"})
REFERENCE_KINDS = frozenset({"decision-rules", "risk-areas", "online-issuers"})
VERDICT_KIND = "deferred-verdict"
VERDICTS_ENTRY = "deferred-verdicts"


@dataclass
class ApplyReport:
    """What a page of changes did to the station."""

    installed: int = 0
    refused: int = 0
    ignored: int = 0
    messages: list[str] = field(default_factory=list)


def _install_trust(conn: Any, change: dict[str, Any], report: ApplyReport) -> None:
    # Only signed lists come from the server: ``install_signed`` checks them against the
    # anchors pinned on this station and never pins new anchors (``install_text`` would).
    repo = SqlTrustRepository(conn)
    try:
        outcome, _ = install_signed(str(change["body"]), repo, TrustState.load(repo), time.time())
    except Exception as exc:  # a hostile list must never break the sync run
        log.warning("trust list %s refused: %s", change.get("kind"), exc)
        report.refused += 1
        report.messages.append(str(exc)[:200])
        return
    if outcome.accepted:
        report.installed += 1
    elif outcome.reason == "rollback":
        report.ignored += 1  # already have this version or a newer one
    else:
        report.refused += 1
        report.messages.append(outcome.message)


def _store_reference(conn: Any, change: dict[str, Any], report: ApplyReport) -> None:
    body = str(change["body"])
    try:
        json.loads(body)
    except ValueError:
        report.refused += 1
        report.messages.append(f"{change['kind']}: not JSON")
        return
    save_reference(conn, str(change["kind"]), str(change["version"]), body,
                   iso_utc(time.time()))
    report.installed += 1


def _store_verdict(conn: Any, change: dict[str, Any], report: ApplyReport) -> None:
    try:
        verdict = json.loads(str(change["body"]))
    except ValueError:
        verdict = None
    key = verdict.get("record_id") or verdict.get("code_id") if isinstance(verdict, dict) else None
    if not isinstance(key, str):
        report.refused += 1
        return
    stored = load_reference(conn, VERDICTS_ENTRY)
    verdicts = json.loads(stored[1]) if stored else {}
    verdicts[key] = verdict
    save_reference(conn, VERDICTS_ENTRY, str(change["seq"]),
                   json.dumps(verdicts, ensure_ascii=False), iso_utc(time.time()))
    report.installed += 1


def apply_changes(conn: Any, changes: list[dict[str, Any]]) -> ApplyReport:
    """Apply one downloaded page (call in the transaction that also moves the cursor)."""
    report = ApplyReport()
    for change in changes:
        if not isinstance(change, dict) or "body" not in change or "kind" not in change:
            report.ignored += 1
            continue
        kind = change["kind"]
        if kind in TRUST_KINDS:
            _install_trust(conn, change, report)
        elif kind in REFERENCE_KINDS:
            _store_reference(conn, change, report)
        elif kind == VERDICT_KIND:
            _store_verdict(conn, change, report)
        else:
            report.ignored += 1
    return report

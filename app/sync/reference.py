"""Installing what the server publishes: trust material and reference data.

Signed trust, revocation and status lists go through the signature and version checks of
``app.codes.trust`` (against the locally pinned anchors); a list that fails them is not
installed and the refusal is counted. Decision rules, risk areas and online-issuer
patterns go to ``reference_data``; verdicts for deferred codes accumulate in the
``deferred-verdicts`` entry keyed by record or code id.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from typing import Any

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


class ConnTrustRepository:
    """``app.codes.repository.TrustRepository`` over the station tables, for one connection."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn

    def anchors(self) -> list[Any]:
        from app.codes.repository import AnchorRecord

        rows = self.conn.execute(
            "SELECT kid, alg, spki, label, installed_at FROM trust_anchors ORDER BY kid"
        ).fetchall()
        return [AnchorRecord(*[str(v) for v in r]) for r in rows]

    def put_anchor(self, record: Any) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO trust_anchors (kid, alg, spki, label, installed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (record.kid, record.alg, record.spki, record.label, record.installed_at),
        )

    def material(self, kind: str) -> Any:
        from app.codes.repository import MaterialRecord

        row = self.conn.execute(
            "SELECT kind, version, issued_at, next_update, raw, installed_at "
            "FROM trust_material WHERE kind = ?",
            (kind,),
        ).fetchone()
        if row is None:
            return None
        return MaterialRecord(str(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]),
                              str(row[5]))

    def all_material(self) -> list[Any]:
        kinds = [r[0] for r in self.conn.execute("SELECT kind FROM trust_material ORDER BY kind")]
        return [self.material(k) for k in kinds]

    def put_material(self, record: Any) -> bool:
        current = self.material(record.kind)
        if current is not None and current.version >= record.version:
            return False
        self.conn.execute(
            "INSERT OR REPLACE INTO trust_material (kind, version, issued_at, next_update, raw, "
            "installed_at) VALUES (?, ?, ?, ?, ?, ?)",
            (record.kind, record.version, record.issued_at, record.next_update, record.raw,
             record.installed_at),
        )
        return True


def _install_trust(conn: Any, change: dict[str, Any], report: ApplyReport) -> None:
    try:
        from app.codes.trust import TrustState, install_signed
    except ImportError:  # pragma: no cover - the codes package is part of the product
        report.refused += 1
        report.messages.append("trust installer unavailable")
        return
    repo = ConnTrustRepository(conn)
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
    conn.execute(
        "INSERT OR REPLACE INTO reference_data (kind, version, body, received_at) "
        "VALUES (?, ?, ?, ?)",
        (change["kind"], str(change["version"]), body, iso_utc(time.time())),
    )
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
    row = conn.execute(
        "SELECT body FROM reference_data WHERE kind = ?", (VERDICTS_ENTRY,)
    ).fetchone()
    verdicts = json.loads(row[0]) if row else {}
    verdicts[key] = verdict
    conn.execute(
        "INSERT OR REPLACE INTO reference_data (kind, version, body, received_at) "
        "VALUES (?, ?, ?, ?)",
        (VERDICTS_ENTRY, str(change["seq"]), json.dumps(verdicts, ensure_ascii=False),
         iso_utc(time.time())),
    )
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

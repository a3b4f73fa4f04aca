"""An independent count of a day's numbers, straight from the raw rows, in plain Python.

It shares no code with ``app.reports``: local dates come from ``zoneinfo`` per record, the
voided records and aid statuses are folded here, so a report that agrees with it is right
for a reason other than running the same SQL twice.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
INVALID = {"EXPIRED", "NOT_YET_VALID", "BAD_SIGNATURE", "REVOKED", "UNKNOWN_KEY", "MALFORMED"}


def local(iso: str) -> datetime:
    """A stored UTC string as a China-time datetime."""
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(SHANGHAI)


def in_scope(grid: str | None, scope: str) -> bool:
    """Whether a grid belongs to ``station``, ``grid:X`` or ``township:X``."""
    if scope == "station":
        return True
    kind, _, value = scope.partition(":")
    grid = grid or ""
    return grid == value if kind == "grid" else grid == value or grid.startswith(value + "/")


def count_day(conn: Any, day: date, scope: str = "station") -> dict[str, Any]:
    """Every number of the report under its summary key (plus ``hours``)."""
    out: Counter[str] = Counter()
    rows = [dict(r) for r in conn.execute("SELECT * FROM screenings")]
    voided = {r["voids"] for r in rows if r["voids"]}
    verdicts_row = conn.execute(
        "SELECT body FROM reference_data WHERE kind = 'deferred-verdicts'").fetchone()
    verdicts = json.loads(verdicts_row[0]) if verdicts_row else {}
    outbox = {r[0]: r[1] for r in conn.execute("SELECT record_id, state FROM outbox")}
    hours = [0] * 24
    for r in rows:
        when = local(r["created_at"])
        if when.date() != day or not in_scope(r["grid"], scope):
            continue
        if r["voids"]:
            out["screenings.corrections"] += 1
        if r["decision"] == "void" or r["id"] in voided:
            continue
        out["screenings.total"] += 1
        hours[datetime.fromtimestamp(r["clock_ts"], SHANGHAI).hour] += 1
        colour = r["colour"] if r["colour"] in ("green", "yellow", "red") else "none"
        out[f"screenings.colour.{colour}"] += 1
        out[f"screenings.decision.{r['decision']}"] += 1
        out["screenings.fevers"] += bool(r["fever"])
        out["screenings.symptoms"] += bool(r["symptoms"])
        out["screenings.risk_travel"] += bool(r["risk_travel"])
        out["screenings.refusals"] += r["decision"] == "refuse"
        out["screenings.referrals"] += r["decision"] == "refer"
        out["screenings.notifications"] += r["decision"] == "notify"
        out["screenings.overrides"] += (r["decision"] != r["proposal"]
                                        and r["proposal"] != "manual")
        out["screenings.flagged"] += r["result"] in INVALID
        out["screenings.manual_id"] += r["source"] == "manual_id"
        out["screenings.manual_id_listed"] += (r["source"] == "manual_id"
                                               and r["result"] == "ID_LISTED")
        out["screenings.duplicates"] += r["duplicate_of"] is not None
        out["screenings.below_floor"] += bool(r["below_floor"])
        if r["result"] in ("DEFERRED", "STALE_TRUST"):
            out["unverified.total"] += 1
            out["unverified.passed_at_gate"] += r["decision"] == "pass"
            out["unverified.refused_at_gate"] += r["decision"] in ("refuse", "notify")
            verdict = verdicts.get(r["id"]) or verdicts.get(r["code_id"] or "")
            if verdict:
                out["unverified.verdict_received"] += 1
                out["unverified.verdict_adverse"] += (verdict.get("result") != "VALID"
                                                      or verdict.get("colour") != "green")
            else:
                out["unverified.awaiting_verdict"] += 1
            out["unverified.not_yet_uploaded"] += outbox.get(r["id"]) == "pending"
    _cases(conn, day, scope, out)
    _aid(conn, day, scope, out)
    result: dict[str, Any] = dict(out)
    result["hours"] = hours
    return result


def _cases(conn: Any, day: date, scope: str, out: Counter[str]) -> None:
    cases = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM isolation_cases")}
    start = datetime.combine(day, datetime.min.time(), SHANGHAI)
    end = start + timedelta(days=1)
    noon = start.replace(hour=12)
    as_of = end
    for case in cases.values():
        if not in_scope(case["grid"], scope):
            continue
        created = local(case["created_at"])
        ended = local(case["ended_at"]) if case["ended_at"] else None
        out["isolation.opened"] += created.date() == day
        if created < as_of and (ended is None or ended >= as_of):
            out["isolation.active"] += 1
            out[f"isolation.active_{case['kind']}"] += 1
        if ended is not None and ended.date() == day:
            out["isolation." + case["status"]] += 1
        if case["start_date"] <= day.isoformat() and created < end and (
                ended is None or ended > start):
            due = {"am": created < noon, "pm": ended is None or ended > noon}
            checks = {r["slot"]: r for r in conn.execute(
                "SELECT * FROM health_checks WHERE case_id = ? AND check_date = ?",
                (case["id"], day.isoformat()))}
            for slot, is_due in due.items():
                if is_due:
                    out["isolation.checks_due"] += 1
                    if slot in checks:
                        out["isolation.checks_done"] += 1
                        out["isolation.check_fevers"] += (checks[slot]["temperature"] or 0) >= 37.3
                        out["isolation.check_distressed"] += checks[slot]["mood"] == "distressed"
    out["isolation.checks_missed"] = out["isolation.checks_due"] - out["isolation.checks_done"]


def _aid(conn: Any, day: date, scope: str, out: Counter[str]) -> None:
    grids = {r[0]: r[1] for r in conn.execute("SELECT id, grid FROM isolation_cases")}
    start = datetime.combine(day, datetime.min.time(), SHANGHAI)
    end = start + timedelta(days=1)
    for req in conn.execute("SELECT * FROM aid_requests").fetchall():
        if not in_scope(grids.get(req["case_id"]), scope):
            continue
        cat = req["category"]
        events = sorted(tuple(e) for e in conn.execute(
            "SELECT at, to_status FROM aid_events WHERE request_id = ?",
                                     (req["id"],)).fetchall())
        if local(req["created_at"]).date() == day:
            out[f"aid.{cat}.opened"] += 1
            out["aid.total.opened"] += 1
        for at, status in events:
            if local(at).date() == day and status in ("delivered", "cancelled"):
                out[f"aid.{cat}.{status}"] += 1
                out[f"aid.total.{status}"] += 1
        before = [status for at, status in events if local(at) < end]
        if before and before[-1] in ("open", "assigned") and local(req["due_at"]) < end:
            out[f"aid.{cat}.overdue"] += 1
            out["aid.total.overdue"] += 1

"""Compute the daily report from the store (runs on the DB thread; no Qt).

Definitions (local China time; see ``app/reports/localday.py``):

- *Screenings of the day*: saved between local midnight and the next; a record voided by a
  correction is replaced by its correction, a pure void removes it. ``corrections`` counts
  the corrections saved that day. Hours come from the record's clock time.
- *Refusals / referrals / notifications*: the worker's final decision.
- *Unverified offline*: results ``DEFERRED`` and ``STALE_TRUST``; what became of them is the
  decision at the gate, a verdict received from the centre later, the upload state.
- *Isolation*: opened = registered that day; active = not ended at the report's moment
  (the end of the day, or now for today); released / transferred = ended that day. A
  health-check slot (am: before noon, pm: after) is due for every case under isolation
  during it (started on or before the day); done = a check recorded for it.
- *Aid*: opened that day; delivered that day; overdue = open or assigned past its due time
  at the report's moment (status as of then, from the request's events).
- *Sync*: the station's outbox and last sync, whatever the scope.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from datetime import date
from typing import Any

from app.reports.localday import day_bounds, day_bounds_iso, utc_offset_hours
from app.reports.model import (
    COLOURS,
    FLAGGED_RESULTS,
    UNVERIFIED_RESULTS,
    DailyReport,
    IsolationSummary,
    Scope,
    ScreeningSummary,
    SyncSummary,
    UnverifiedCodes,
)
from app.storage import settings
from app.timeutil import iso_utc

VERDICTS_ENTRY = "deferred-verdicts"
_EFFECTIVE = ("s.decision != 'void' AND NOT EXISTS"
              " (SELECT 1 FROM screenings v WHERE v.voids = s.id)")


def effective_screenings_sql(scope: Scope) -> tuple[str, tuple[Any, ...]]:
    """``FROM … WHERE …`` for the day's effective screenings; params start with the bounds."""
    grid_sql, grid_params = scope.grid_filter("s.grid")
    return (f" FROM screenings s WHERE s.created_at >= ? AND s.created_at < ?"
            f" AND {_EFFECTIVE}{grid_sql}", grid_params)


def plain_cursor(conn: Any) -> Any:
    """A cursor that returns plain tuples (faster than the connection's Row factory)."""
    cur = conn.cursor()
    cur.row_factory = None
    return cur


# What one screening counts under, as one JSON array (one value per row to hand to Python,
# and exact: ``json.loads`` gives back the values): its local hour (the first parameter is
# the UTC offset in seconds), colour, result, decision, proposal, source, format, and its
# flags (bits below). The summary groups by this key; an export reads it with each detail
# row and counts it itself; both fold the counts with ``fold_screenings``.
FEVER, SYMPTOMS, TRAVEL, DUPLICATE, CORRECTION, BELOW_FLOOR, GONE = (1 << i for i in range(7))
GONE_SQL = "(s.decision = 'void' OR EXISTS (SELECT 1 FROM screenings v WHERE v.voids = s.id))"
SCREENING_KEY_SQL = (
    "json_array((CAST(s.clock_ts AS INTEGER) + ?) % 86400 / 3600, coalesce(s.colour, ''),"
    " s.result, s.decision, s.proposal, s.source, s.format,"
    f" (s.fever != 0) * {FEVER} + (s.symptoms != 0) * {SYMPTOMS}"
    f" + (s.risk_travel != 0) * {TRAVEL} + (s.duplicate_of IS NOT NULL) * {DUPLICATE}"
    f" + (s.voids IS NOT NULL) * {CORRECTION} + (s.below_floor != 0) * {BELOW_FLOOR}"
    f" + {GONE_SQL} * {GONE})")


def screening_key(text: str) -> tuple[Any, ...]:
    """A ``SCREENING_KEY_SQL`` value as (hour, colour, result, decision, proposal, source,
    format, flags)."""
    return tuple(json.loads(text))
UnverifiedRow = tuple[Any, Any, Any, Any]  # id, code_id, outbox state, decision


def _screenings(conn: Any, day: date, scope: Scope) -> ScreeningSummary:
    """The day's screenings folded by SQLite (a busy day is 100,000 rows), then the
    unverified ones looked up one by one."""
    start, end = day_bounds_iso(day)
    offset = utc_offset_hours(day) * 3600
    grid_sql, grid_params = scope.grid_filter("s.grid")
    where = " FROM screenings s WHERE s.created_at >= ? AND s.created_at < ?" + grid_sql
    groups = plain_cursor(conn).execute(f"SELECT {SCREENING_KEY_SQL}, count(*){where} GROUP BY 1",
                                        (offset, start, end, *grid_params)).fetchall()
    marks = ",".join("?" * len(UNVERIFIED_RESULTS))
    unverified = plain_cursor(conn).execute(
        f"SELECT s.id, s.code_id, s.decision{where} AND s.result IN ({marks})"
        f" AND NOT {GONE_SQL}", (start, end, *grid_params, *UNVERIFIED_RESULTS)).fetchall()
    return fold_screenings(conn, groups, unverified)


def pending_upload(conn: Any, record_ids: list[str]) -> set[str]:
    """Which of ``record_ids`` have their outbox row still pending (read from the outbox
    indexes only: the outbox rows themselves, with their bodies, stay unread)."""
    pending: set[str] = set()
    for i in range(0, len(record_ids), 500):
        part = record_ids[i:i + 500]
        pending.update(r[0] for r in plain_cursor(conn).execute(
            f"SELECT o.record_id FROM outbox o WHERE o.record_id IN ({','.join('?' * len(part))})"
            " AND EXISTS (SELECT 1 FROM outbox p WHERE p.state = 'pending'"
            " AND p.seq IN (SELECT o.seq))", part))
    return pending


def fold_screenings(conn: Any, groups: Iterable[tuple[str, int]],
                    unverified: list[tuple[Any, Any, Any]]) -> ScreeningSummary:
    """The screening summary from ``(key, count)`` pairs (``SCREENING_KEY_SQL``) and the
    unverified screenings that are not gone, as (id, code_id, decision); their verdicts
    and upload state are read from ``conn``."""
    summary = ScreeningSummary()
    for key, n in groups:
        _fold(summary, screening_key(key), n)
    summary.refusals = summary.by_decision.get("refuse", 0)
    summary.referrals = summary.by_decision.get("refer", 0)
    summary.notifications = summary.by_decision.get("notify", 0)
    pending = pending_upload(conn, [r[0] for r in unverified])
    summary.unverified = _unverified(conn, [
        (record_id, code_id, "pending" if record_id in pending else None, decision)
        for record_id, code_id, decision in unverified])
    return summary


def _fold(summary: ScreeningSummary, key: tuple[Any, ...], n: int) -> None:
    hour, colour, result, decision, proposal, source, fmt, flags = key
    summary.corrections += n * bool(flags & CORRECTION)
    if flags & GONE:
        return
    colour = colour if colour in COLOURS else "none"
    summary.total += n
    summary.by_colour[colour] += n
    summary.by_hour[hour] += n
    summary.by_hour_colour[colour][hour] += n
    summary.by_result[result] = summary.by_result.get(result, 0) + n
    summary.by_decision[decision] = summary.by_decision.get(decision, 0) + n
    summary.by_format[fmt] = summary.by_format.get(fmt, 0) + n
    summary.fevers += n * bool(flags & FEVER)
    summary.symptoms += n * bool(flags & SYMPTOMS)
    summary.risk_travel += n * bool(flags & TRAVEL)
    summary.overrides += n * (decision != proposal and proposal != "manual")
    summary.flagged += n * (result in FLAGGED_RESULTS)
    summary.manual_id += n * (source == "manual_id")
    summary.manual_id_listed += n * (source == "manual_id" and result == "ID_LISTED")
    summary.duplicates += n * bool(flags & DUPLICATE)
    summary.below_floor += n * bool(flags & BELOW_FLOOR)


def deferred_verdicts(conn: Any) -> dict[str, Any]:
    """Verdicts from the centre for deferred codes, keyed by record id or code id."""
    row = conn.execute("SELECT body FROM reference_data WHERE kind = ?",
                       (VERDICTS_ENTRY,)).fetchone()
    if row is None:
        return {}
    try:
        value = json.loads(row[0])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def verdict_for(verdicts: dict[str, Any], record_id: str, code_id: str | None) -> Any:
    """The verdict for a record (by its id, else by its code id), or None."""
    return verdicts.get(record_id) or (verdicts.get(code_id) if code_id else None)


def is_adverse(verdict: Any) -> bool:
    """Whether a verdict says the person should not have passed (not a valid green code)."""
    if not isinstance(verdict, dict):
        return False
    return verdict.get("result", "VALID") != "VALID" or verdict.get("colour") not in (
        None, "green")


def _unverified(conn: Any, rows: list[UnverifiedRow]) -> UnverifiedCodes:
    """``rows``: (id, code_id, outbox state, decision) of the unverified screenings."""
    verdicts = deferred_verdicts(conn)
    out = UnverifiedCodes(total=len(rows))
    for record_id, code_id, state, decision in rows:
        out.passed_at_gate += decision == "pass"
        out.refused_at_gate += decision in ("refuse", "notify")
        verdict = verdict_for(verdicts, record_id, code_id)
        if verdict is None:
            out.awaiting_verdict += 1
        else:
            out.verdict_received += 1
            out.verdict_adverse += is_adverse(verdict)
        out.not_yet_uploaded += state == "pending"
    return out


def _isolation(conn: Any, day: date, scope: Scope, as_of: str) -> IsolationSummary:
    start, end = day_bounds_iso(day)
    noon = iso_utc(day_bounds(day)[0] + 12 * 3600)
    grid_sql, grid_params = scope.grid_filter("k.grid")
    out = IsolationSummary()
    out.opened = int(conn.execute(
        "SELECT count(*) FROM isolation_cases k WHERE k.created_at >= ? AND k.created_at < ?"
        + grid_sql, (start, end, *grid_params)).fetchone()[0])
    for kind, n in conn.execute(
            "SELECT k.kind, count(*) FROM isolation_cases k WHERE k.created_at < ?"
            " AND (k.ended_at IS NULL OR k.ended_at >= ?)" + grid_sql + " GROUP BY k.kind",
            (as_of, as_of, *grid_params)).fetchall():
        out.active += n
        if kind == "home":
            out.active_home += n
        else:
            out.active_facility += n
    for op, n in conn.execute(
            "SELECT e.op, count(*) FROM case_events e JOIN isolation_cases k ON k.id = e.case_id"
            " WHERE e.at >= ? AND e.at < ? AND e.op IN ('release', 'transfer')" + grid_sql
            + " GROUP BY e.op", (start, end, *grid_params)).fetchall():
        if op == "release":
            out.released = n
        else:
            out.transferred = n
    due: set[tuple[str, str]] = set()
    for case_id, created, ended in conn.execute(
            "SELECT k.id, k.created_at, k.ended_at FROM isolation_cases k WHERE k.start_date <= ?"
            " AND k.created_at < ? AND (k.ended_at IS NULL OR k.ended_at > ?)" + grid_sql,
            (day.isoformat(), end, start, *grid_params)).fetchall():
        if created < noon and (ended is None or ended > start):
            due.add((case_id, "am"))
        if ended is None or ended > noon:
            due.add((case_id, "pm"))
    out.checks_due = len(due)
    threshold = settings.get(conn, settings.FEVER_THRESHOLD)
    for case_id, slot, temperature, mood in conn.execute(
            "SELECT h.case_id, h.slot, h.temperature, h.mood FROM health_checks h"
            " JOIN isolation_cases k ON k.id = h.case_id WHERE h.check_date = ?"
            " AND NOT EXISTS (SELECT 1 FROM health_checks v WHERE v.voids = h.id)" + grid_sql,
            (day.isoformat(), *grid_params)).fetchall():
        if (case_id, slot) in due:
            due.discard((case_id, slot))
            out.checks_done += 1
            out.check_fevers += temperature is not None and temperature >= threshold
            out.check_distressed += mood == "distressed"
    out.checks_missed = out.checks_due - out.checks_done
    return out


def _aid(conn: Any, day: date, scope: Scope, as_of: str, report: DailyReport) -> None:
    start, end = day_bounds_iso(day)
    grid_sql, grid_params = scope.grid_filter("k.grid")
    join = " FROM aid_requests a LEFT JOIN isolation_cases k ON k.id = a.case_id"
    if scope.kind != "station":
        join = " FROM aid_requests a JOIN isolation_cases k ON k.id = a.case_id"
    for category, n in conn.execute(
            "SELECT a.category, count(*)" + join + " WHERE a.created_at >= ? AND a.created_at < ?"
            + grid_sql + " GROUP BY 1", (start, end, *grid_params)).fetchall():
        report.aid[category].opened = n
    for category, status, n in conn.execute(
            "SELECT a.category, e.to_status, count(*)" + join
            + " JOIN aid_events e ON e.request_id = a.id WHERE e.at >= ? AND e.at < ?"
            " AND e.to_status IN ('delivered', 'cancelled')" + grid_sql + " GROUP BY 1, 2",
            (start, end, *grid_params)).fetchall():
        if status == "delivered":
            report.aid[category].delivered = n
        else:
            report.aid[category].cancelled = n
    for category, n in conn.execute(
            "SELECT a.category, count(*)" + join + " WHERE a.created_at < ? AND a.due_at < ?"
            " AND (SELECT e.to_status FROM aid_events e WHERE e.request_id = a.id AND e.at < ?"
            " ORDER BY e.at DESC LIMIT 1) IN ('open', 'assigned')" + grid_sql + " GROUP BY 1",
            (as_of, as_of, as_of, *grid_params)).fetchall():
        report.aid[category].overdue = n


def _state(conn: Any, key: str) -> Any:
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    if row is None:
        return None
    try:
        return json.loads(row[0])
    except ValueError:
        return row[0]


def sync_summary(conn: Any) -> SyncSummary:
    """Outbox counts and the last sync (``sync_state`` keys of the sync engine)."""
    out = SyncSummary()
    for state, n in conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
        setattr(out, state, int(n))
    last = _state(conn, "last_success")
    if isinstance(last, int | float):
        out.last_success = iso_utc(float(last))
    elif isinstance(last, str):
        out.last_success = last
    error = _state(conn, "last_error")
    out.last_error = str(error) if error else None
    return out


def report_as_of(day: date, moment: float) -> str:
    """The report's moment: the end of ``day``, or ``moment`` if earlier (today)."""
    return iso_utc(min(day_bounds(day)[1], moment))


def compute_daily_report(conn: Any, day: date, scope: Scope | None = None,
                         now: float | None = None,
                         screenings: ScreeningSummary | None = None) -> DailyReport:
    """The report for local ``day`` and ``scope`` (call on the DB thread).

    ``screenings``: the day's screening summary when the caller has already folded it (an
    export counts the rows it writes, see ``app.reports.details.ScreeningScan``)."""
    scope = scope or Scope()
    moment = time.time() if now is None else now
    station = conn.execute("SELECT station_id, name, division FROM station WHERE id = 1"
                           ).fetchone()
    report = DailyReport(
        date=day.isoformat(), scope=scope.text, scope_label=scope.label(str(station[1])),
        station_id=str(station[0]), station_name=str(station[1]), division=str(station[2]),
        generated_at=iso_utc(moment), as_of=report_as_of(day, moment))
    report.screenings = screenings if screenings is not None else _screenings(conn, day, scope)
    report.isolation = _isolation(conn, day, scope, report.as_of)
    _aid(conn, day, scope, report.as_of, report)
    report.sync = sync_summary(conn)
    return report


def grids_present(conn: Any) -> list[str]:
    """Grid names found on screenings and cases (for a scope picker)."""
    rows = conn.execute("SELECT DISTINCT grid FROM isolation_cases WHERE grid != '' UNION"
                        " SELECT DISTINCT grid FROM screenings WHERE grid != '' ORDER BY 1")
    return [str(r[0]) for r in rows]

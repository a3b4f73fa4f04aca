"""Reads for the isolation-and-aid screen: case lists by filter, rows by id, a case's checks
and aid requests with their history. Every function takes the connection (DB thread).

Lists return ids only; rows are fetched by id in small batches as the table shows them.
"""

from __future__ import annotations

import json
from typing import Any

FILTER_ACTIVE = "active"
FILTER_DUE = "due_today"
FILTER_AID_OVERDUE = "aid_overdue"
FILTER_ENDED = "ended"
FILTER_ALL = "all"
FILTERS = (FILTER_ACTIVE, FILTER_DUE, FILTER_AID_OVERDUE, FILTER_ENDED, FILTER_ALL)

_CHECK_DONE = ("EXISTS (SELECT 1 FROM health_checks h WHERE h.case_id = k.id"
               " AND h.check_date = ? AND h.slot = ? AND h.voids IS NULL"
               " AND h.id NOT IN (SELECT voids FROM health_checks WHERE voids IS NOT NULL))")
_AID_OVERDUE = ("EXISTS (SELECT 1 FROM aid_requests a WHERE a.case_id = k.id"
                " AND a.status IN ('open', 'assigned') AND a.due_at < ?)")


def case_ids(conn: Any, kind: str, *, today: str, slots: tuple[str, ...], now_iso: str,
             grid: str = "") -> list[str]:
    """Ids of the cases in a filter, ordered by grid then name.

    ``due_today``: active cases started by ``today`` missing a check in any of ``slots``;
    ``aid_overdue``: cases with an open or assigned aid request past its due time.
    """
    where: list[str] = []
    args: list[Any] = []
    if kind == FILTER_ACTIVE:
        where.append("k.status = 'active'")
    elif kind == FILTER_ENDED:
        where.append("k.status <> 'active'")
    elif kind == FILTER_DUE:
        where.append("k.status = 'active' AND k.start_date <= ?")
        args.append(today)
        missing = [f"NOT {_CHECK_DONE}" for _ in slots] or ["0"]
        where.append("(" + " OR ".join(missing) + ")")
        for slot in slots:
            args += [today, slot]
    elif kind == FILTER_AID_OVERDUE:
        where.append(_AID_OVERDUE)
        args.append(now_iso)
    if grid:
        where.append("k.grid = ?")
        args.append(grid)
    sql = "SELECT k.id FROM isolation_cases k"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY k.grid, k.person_name, k.id"
    return [str(r[0]) for r in conn.execute(sql, args).fetchall()]


def case_rows(conn: Any, ids: list[str], *, today: str, now_iso: str) -> dict[str, dict[str, Any]]:
    """Rows for ``ids`` (full personal data: the caller masks), with today's checks done and
    the count of open and overdue aid requests."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = conn.execute(
        "SELECT k.id, k.person_name, k.id_number, k.phone, k.address, k.grid, k.kind,"
        " k.facility, k.reason, k.start_date, k.planned_end, k.responsible, k.status,"
        " k.ended_at, k.ended_by, k.end_note,"
        " (SELECT group_concat(h.slot) FROM health_checks h WHERE h.case_id = k.id"
        "  AND h.check_date = ? AND h.voids IS NULL),"
        " (SELECT COUNT(*) FROM aid_requests a WHERE a.case_id = k.id"
        "  AND a.status IN ('open', 'assigned')),"
        " (SELECT COUNT(*) FROM aid_requests a WHERE a.case_id = k.id"
        "  AND a.status IN ('open', 'assigned') AND a.due_at < ?)"
        f" FROM isolation_cases k WHERE k.id IN ({marks})",
        (today, now_iso, *ids)).fetchall()
    keys = ("id", "person_name", "id_number", "phone", "address", "grid", "kind", "facility",
            "reason", "start_date", "planned_end", "responsible", "status", "ended_at",
            "ended_by", "end_note", "checks_today", "aid_open", "aid_overdue")
    out = {}
    for r in rows:
        row = dict(zip(keys, tuple(r), strict=True))
        row["checks_today"] = sorted(set((row["checks_today"] or "").split(",")) - {""})
        out[str(row["id"])] = row
    return out


def grids(conn: Any) -> list[str]:
    """The grids that have cases."""
    return [str(r[0]) for r in conn.execute(
        "SELECT DISTINCT grid FROM isolation_cases WHERE grid <> '' ORDER BY grid").fetchall()]


def health_checks(conn: Any, case_id: str) -> list[dict[str, Any]]:
    """A case's health checks, newest first (voided ones left out)."""
    rows = conn.execute(
        "SELECT id, check_date, slot, at, checked_by, temperature, symptoms, mood, note"
        " FROM health_checks h WHERE case_id = ? AND voids IS NULL AND id NOT IN"
        " (SELECT voids FROM health_checks WHERE voids IS NOT NULL)"
        " ORDER BY check_date DESC, slot DESC", (case_id,)).fetchall()
    keys = ("id", "check_date", "slot", "at", "checked_by", "temperature", "symptoms", "mood",
            "note")
    out = []
    for r in rows:
        row = dict(zip(keys, tuple(r), strict=True))
        try:
            row["symptoms"] = json.loads(row["symptoms"] or "[]")
        except ValueError:
            row["symptoms"] = []
        out.append(row)
    return out


def aid_ids(conn: Any, case_id: str | None, *, overdue_before: str | None = None) -> list[str]:
    """Aid requests of a case (or all overdue ones when ``overdue_before`` is given)."""
    if overdue_before is not None:
        rows = conn.execute(
            "SELECT id FROM aid_requests WHERE status IN ('open', 'assigned') AND due_at < ?"
            " ORDER BY due_at", (overdue_before,)).fetchall()
    else:
        rows = conn.execute("SELECT id FROM aid_requests WHERE case_id = ? ORDER BY created_at",
                            (case_id,)).fetchall()
    return [str(r[0]) for r in rows]


def aid_rows(conn: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Aid requests by id, each with its events (who and when at each step)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    keys = ("id", "case_id", "created_at", "created_by", "category", "urgency", "description",
            "due_at", "status", "assignee", "updated_at")
    out: dict[str, dict[str, Any]] = {}
    for r in conn.execute(f"SELECT {', '.join(keys)} FROM aid_requests WHERE id IN ({marks})",
                          ids).fetchall():
        row = dict(zip(keys, tuple(r), strict=True))
        row["events"] = []
        out[str(row["id"])] = row
    for e in conn.execute(
            "SELECT request_id, at, actor, from_status, to_status, note FROM aid_events"
            f" WHERE request_id IN ({marks}) ORDER BY at, rowid", ids).fetchall():
        out[str(e[0])]["events"].append(
            {"at": e[1], "actor": e[2], "from": e[3], "to": e[4], "note": e[5]})
    return out

"""The activity log a person reads ("export written to …", "sync failed: …"), apart from
debug logs and from the audit log."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.timeutil import iso_utc

OUTCOMES = ("ok", "warning", "error")


@dataclass(frozen=True)
class Activity:
    """One line of the activity log."""

    seq: int
    at: str
    actor: str
    kind: str
    outcome: str
    message: str


def record(conn: Any, kind: str, outcome: str, message: str, actor: str = "",
           at: float | None = None) -> None:
    """Append a line (its own statement; no transaction needed)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    conn.execute("INSERT INTO activity_log (at, actor, kind, outcome, message) VALUES (?,?,?,?,?)",
                 (iso_utc(time.time() if at is None else at), actor, kind, outcome, message))


def recent(conn: Any, limit: int = 100, kind: str | None = None) -> list[Activity]:
    """The latest lines, newest first."""
    sql = "SELECT seq, at, actor, kind, outcome, message FROM activity_log"
    params: tuple[Any, ...] = ()
    if kind:
        sql += " WHERE kind = ?"
        params = (kind,)
    rows = conn.execute(sql + " ORDER BY seq DESC LIMIT ?", (*params, limit)).fetchall()
    return [Activity(*tuple(r)) for r in rows]

"""Station daily reports and their sum over a division (the division aggregate).

A station uploads its own daily report (``DailyReport.to_dict()``, scope ``station``) for a
date; the server keeps one per (division, date, station), the one with the newest
``generated_at``. A station of a division reads the sum of its division's reports for a
date (``app.reports.aggregate.sum_reports``, the one definition of that sum). Every read
and write is confined to the caller's division.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from app.errors import KnownError
from app.reports.aggregate import sum_reports
from app.reports.model import DailyReport
from server.db import Database
from server.enrolment import StationIdentity
from server.timefmt import as_text, iso, parse_iso, utcnow

HOURS = 24


class ReportError(Exception):
    """A report upload or request that cannot be served; ``reason`` is a stable word."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


def parse_day(text: object) -> dt.date:
    """A ``YYYY-MM-DD`` date, or ``ReportError(400, bad_date)``."""
    try:
        return dt.date.fromisoformat(str(text))
    except ValueError as exc:
        raise ReportError(400, "bad_date", "date must be YYYY-MM-DD") from exc


def _checked(doc: Any) -> DailyReport:
    """The report of an upload, refused unless it is well formed and every figure a count."""
    if not isinstance(doc, dict):
        raise ReportError(400, "bad_report", "the body must be a daily report object")
    try:
        report = DailyReport.from_dict(doc)
        # Adding the report to itself walks every figure: a count that is not an integer,
        # or a map or series of the wrong shape, is refused here and never reaches the sum.
        sum_reports([report, report], report.division, report.generated_at)
    except (KeyError, TypeError, ValueError, AttributeError, KnownError) as exc:
        raise ReportError(400, "bad_report", f"not a daily report: {exc}"[:300]) from exc
    shot = report.screenings
    if len(shot.by_hour) != HOURS or any(len(v) != HOURS for v in shot.by_hour_colour.values()):
        raise ReportError(400, "bad_report", "hourly series must have 24 entries")
    if report.scope != "station":
        raise ReportError(400, "bad_scope", "only a whole-station report (scope station) "
                                            "is summed")
    return report


def store_report(db: Database, station: StationIdentity, doc: Any) -> dict[str, Any]:
    """Keep ``station``'s report for its date unless a newer one is already stored.

    Returns ``{"date", "station_id", "stored", "generated_at"}`` where ``generated_at`` is
    the kept report's and ``stored`` says whether this upload replaced it.
    """
    report = _checked(doc)
    if report.division != station.division:
        raise ReportError(403, "division_mismatch", "the report names another division")
    if report.station_id != station.station_id:
        raise ReportError(403, "station_mismatch", "the report names another station")
    day = parse_day(report.date)
    try:
        generated = iso(parse_iso(report.generated_at))
    except ValueError as exc:
        raise ReportError(400, "bad_report", "generated_at is not an ISO time") from exc
    report.generated_at = generated
    body = orjson.dumps(report.to_dict()).decode("utf-8")
    with db.transaction() as tx:
        changed = tx.execute(
            "INSERT INTO daily_reports (division, day, station_id, generated_at, body) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (division, day, station_id) DO UPDATE SET "
            "generated_at = excluded.generated_at, body = excluded.body, "
            "received_at = excluded.received_at "
            "WHERE excluded.generated_at > daily_reports.generated_at",
            (station.division, day.isoformat(), station.station_id, generated, body),
        )
        kept = tx.one(
            "SELECT generated_at FROM daily_reports WHERE division = ? AND day = ? "
            "AND station_id = ?", (station.division, day.isoformat(), station.station_id))
    return {"date": day.isoformat(), "station_id": station.station_id, "stored": changed > 0,
            "generated_at": as_text(kept[0]) if kept else generated}


def division_report(db: Database, division: str, day: dt.date) -> dict[str, Any]:
    """The sum of ``division``'s station reports for ``day`` and which stations it holds.

    ``ReportError(404, not_found)`` when no station of the division has uploaded that day.
    """
    with db.transaction() as tx:
        rows = tx.query(
            "SELECT station_id, generated_at, body FROM daily_reports "
            "WHERE division = ? AND day = ? ORDER BY station_id",
            (division, day.isoformat()))
    if not rows:
        raise ReportError(404, "not_found", "no station report for this division and date")
    bodies = [b if isinstance(b, dict) else orjson.loads(b) for _, _, b in rows]
    total = sum_reports(bodies, division, iso(utcnow()))
    return {"division": division, "date": day.isoformat(),
            "stations": [{"station_id": str(sid), "generated_at": as_text(gen)}
                         for sid, gen, _ in rows],
            "report": total.to_dict()}

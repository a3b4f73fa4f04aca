"""Uploading the station's daily reports of today and yesterday (China time) for the
division aggregate (``POST /v1/reports/daily``).

Computing a report reads the day on the DB thread (~0.1–0.15 s for a day of 20,000
screenings, measured on a seeded station), which would hold up scans at every sync run.
So a day's report is computed and sent only when the outbox gained records created that
day since its last upload, or when its last upload is an hour old (the "as of" figures —
active cases, overdue aid, sync state — move without new records). What was sent is kept
in ``sync_state`` (``report_uploads``: per date, the outbox position and the time).

The caller (the sync engine) runs this after the records; a failure here never touches the
records' upload and is written to the activity log.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app.sync import outbox_queue as oq

log = logging.getLogger(__name__)

STATE_KEY = "report_uploads"
REFRESH_SECONDS = 3600.0


def days_to_upload(today: date) -> list[date]:
    """Yesterday and today (local dates)."""
    return [today - timedelta(days=1), today]


def _newest_entry(conn: Any, day: date, after_seq: int) -> int | None:
    """The highest outbox position after ``after_seq`` holding a record created on ``day``
    (reads only the entries added since, by primary key)."""
    from app.reports.localday import day_bounds_iso

    start, end = day_bounds_iso(day)
    row = conn.execute("SELECT max(seq) FROM outbox WHERE seq > ? AND created_at >= ? "
                       "AND created_at < ?", (after_seq, start, end)).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def due_reports(conn: Any, now: float) -> list[tuple[date, int]]:
    """(date, outbox position to remember) of each report to send now (DB thread)."""
    from app.reports.localday import today_local

    sent = oq.get_state(conn, STATE_KEY) or {}
    due: list[tuple[date, int]] = []
    for day in days_to_upload(today_local(now)):
        last = sent.get(day.isoformat()) if isinstance(sent, dict) else None
        seq = int(last.get("seq", 0)) if isinstance(last, dict) else 0
        at = float(last.get("at", 0.0)) if isinstance(last, dict) else 0.0
        newest = _newest_entry(conn, day, seq)
        if last is None or newest is not None or now - at >= REFRESH_SECONDS:
            due.append((day, max(seq, newest or 0)))
    return due


def remember(conn: Any, uploaded: dict[str, dict[str, float]], keep: list[date]) -> None:
    """Record what was sent; dates older than ``keep`` are forgotten."""
    sent = oq.get_state(conn, STATE_KEY) or {}
    if not isinstance(sent, dict):
        sent = {}
    sent.update(uploaded)
    wanted = {d.isoformat() for d in keep}
    oq.set_state(conn, STATE_KEY, {k: v for k, v in sent.items() if k in wanted})


def upload_daily_reports(db: Any, post: Callable[[str, Any], dict[str, Any]],
                         now: float | None = None) -> list[str]:
    """Compute and send the due reports; returns the dates sent. Raises what ``post``
    raises (the first failure stops; what was sent before it is remembered)."""
    from app.reports.daily import compute_daily_report
    from app.reports.localday import today_local

    moment = time.time() if now is None else now
    due = db.run(lambda c: due_reports(c, moment))
    sent: dict[str, dict[str, float]] = {}
    try:
        for day, seq in due:
            report = db.run(lambda c, d=day: compute_daily_report(c, d, None, moment))
            post("/v1/reports/daily", report.to_dict())
            sent[day.isoformat()] = {"seq": seq, "at": moment}
    finally:
        if sent:
            keep = days_to_upload(today_local(moment))
            db.transaction(lambda c: remember(c, sent, keep))
    return list(sent)


def log_failure(conn: Any, message: str) -> None:
    """A line in the activity log (absent on a bare station schema: the debug log only)."""
    try:
        from app.storage import activity

        activity.record(conn, "sync", "warning", message)
    except Exception:  # noqa: BLE001 - the activity log is best effort here
        log.warning("%s", message)


def download_division_report(db: Any, day: date) -> tuple[Any, list[dict[str, Any]]]:
    """The division aggregate for ``day`` from the enrolled server (the station's
    credential in ``sync_state``): ``(DailyReport, stations summed)``."""
    from app.errors import KnownError
    from app.reports.aggregate import fetch_division_report
    from app.sync.engine import default_transport
    from app.sync.transport import ProtocolError
    from app.text import t

    credential = db.run(lambda c: oq.get_state(c, "credential"))
    if not isinstance(credential, dict) or not credential.get("credential"):
        raise KnownError(t("本站尚未注册到中心服务器（griddesk enrol）",
                           "this station is not enrolled (griddesk enrol)"))
    transport = default_transport(credential)
    try:
        return fetch_division_report(lambda path, params: transport.get(path, params),
                                     str(credential.get("division", "")), day)
    except ProtocolError as exc:
        if exc.status == 404:
            raise KnownError(t(f"中心还没有本辖区 {day} 的站点日报",
                               f"the centre has no station report of this division for "
                               f"{day}")) from exc
        raise
    finally:
        transport.close()

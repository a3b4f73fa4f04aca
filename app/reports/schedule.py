"""The scheduled daily export: at the time set in the station settings, write the report to
the chosen folder and put the outcome in the activity log.

Settings: ``report_export_time`` (``HH:MM`` China time; empty = off) and
``report_export_dir``. A run before noon exports the previous day (complete); a run from
noon on exports the current day up to that moment. Files are named
``网格工作台日报-YYYY-MM-DD.xlsx`` (and ``.pdf``); a rerun replaces them atomically.

An export needs a signed-in supervisor or administrator: the app passes a function that
returns the current session (or None while the station is locked); a run with nobody
entitled signed in is logged as a warning and skipped. A run missed while the app was
closed is made up once within an hour (coalesced).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from app.errors import KnownError
from app.reports.export import ExportResult, export_report
from app.reports.localday import ZONE
from app.storage import activity, settings
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.text import t

JOB_ID = "griddesk-daily-report"
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
DEFAULT_FORMATS = ("xlsx", "pdf")
log = logging.getLogger(__name__)


def parse_time(text: str) -> tuple[int, int] | None:
    """``"07:30"`` → (7, 30); empty → None (off); KnownError when malformed."""
    value = (text or "").strip()
    if not value:
        return None
    match = TIME.match(value)
    if not match:
        raise KnownError(t(f"导出时间「{value}」应为 HH:MM",
                           f"export time '{value}' must be HH:MM"))
    return int(match.group(1)), int(match.group(2))


def report_day(now: float) -> date:
    """The day a run at ``now`` exports: yesterday before noon, today from noon."""
    local = datetime.fromtimestamp(now, ZONE)
    return local.date() - timedelta(days=1) if local.hour < 12 else local.date()


def file_name(day: date, fmt: str) -> str:
    """``网格工作台日报-2026-12-04.xlsx``."""
    return f"网格工作台日报-{day.isoformat()}.{fmt}"


class DailyExportSchedule:
    """Runs the daily export on an APScheduler scheduler (injected in tests)."""

    def __init__(self, station: Station, session: Callable[[], Session | None],
                 scheduler: Any = None, clock: Callable[[], float] = time.time,
                 formats: tuple[str, ...] = DEFAULT_FORMATS) -> None:
        if scheduler is None:
            from apscheduler.schedulers.background import BackgroundScheduler
            scheduler = BackgroundScheduler(timezone=ZONE)
        self.station, self.session, self.scheduler = station, session, scheduler
        self.clock, self.formats = clock, formats

    def configure(self) -> tuple[int, int] | None:
        """(Re)read the settings and set the job; returns the (hour, minute) or None (off)."""
        from apscheduler.triggers.cron import CronTrigger

        when_text, folder = self.station.db.run(lambda c: (
            settings.get(c, settings.REPORT_EXPORT_TIME),
            settings.get(c, settings.REPORT_EXPORT_DIR)))
        when = parse_time(when_text)
        if self.scheduler.get_job(JOB_ID):
            self.scheduler.remove_job(JOB_ID)
        if when is None or not folder:
            return None
        self.scheduler.add_job(self.run, CronTrigger(hour=when[0], minute=when[1], timezone=ZONE),
                               id=JOB_ID, coalesce=True, misfire_grace_time=3600,
                               max_instances=1, replace_existing=True)
        if not self.scheduler.running:
            self.scheduler.start()
        return when

    def shutdown(self) -> None:
        """Stop the scheduler (the app's quit path)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def _log(self, outcome: str, message: str, actor: str = "") -> None:
        self.station.db.transaction(lambda c: activity.record(c, "export", outcome, message,
                                                              actor))

    def run(self) -> list[ExportResult]:
        """One scheduled run; never raises (the outcome goes to the activity log)."""
        now = self.clock()
        day = report_day(now)
        try:
            folder = Path(self.station.db.run(
                lambda c: settings.get(c, settings.REPORT_EXPORT_DIR)))
            session = self.session()
            if session is None or not session.may(Permission.EXPORT):
                self._log("warning", t(f"定时导出 {day} 日报未执行：没有已登录的主管或管理员",
                                       f"scheduled export of {day} skipped: no supervisor or "
                                       "administrator is signed in"))
                return []
            if not folder.is_dir():
                raise KnownError(t(f"自动导出文件夹不存在：{folder}",
                                   f"the export folder does not exist: {folder}"))
            return [export_report(self.station, session, day, fmt, folder / file_name(day, fmt),
                                  now=lambda: now) for fmt in self.formats]
        except KnownError as exc:
            self._log("error", t(f"定时导出 {day} 日报失败：{exc}",
                                 f"scheduled export of {day} failed: {exc}"))
        except Exception as exc:  # noqa: BLE001 - a scheduler thread must not die silently
            log.exception("scheduled export failed")
            self._log("error", t(f"定时导出 {day} 日报失败（程序错误）：{exc!r}",
                                 f"scheduled export of {day} failed (bug): {exc!r}"))
        return []

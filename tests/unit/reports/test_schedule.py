"""The scheduled daily export."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from app.errors import KnownError
from app.reports.schedule import JOB_ID, DailyExportSchedule, file_name, parse_time, report_day
from app.storage import activity, settings
from tests.unit.reports.conftest import Seeded

MORNING_AFTER = 1_796_342_400.0  # 2026-12-04 08:00 China time


class FakeScheduler:
    """Holds jobs instead of running a thread."""

    def __init__(self) -> None:
        self.jobs: dict[str, dict[str, Any]] = {}
        self.running = False

    def get_job(self, job_id: str) -> Any:
        return self.jobs.get(job_id)

    def remove_job(self, job_id: str) -> None:
        del self.jobs[job_id]

    def add_job(self, func: Any, trigger: Any, **kw: Any) -> None:
        self.jobs[kw["id"]] = {"func": func, "trigger": trigger, **kw}

    def start(self) -> None:
        self.running = True

    def shutdown(self, wait: bool = True) -> None:
        self.running = False


def test_parse_time_and_day() -> None:
    assert parse_time("07:30") == (7, 30) and parse_time("") is None
    with pytest.raises(KnownError):
        parse_time("25:00")
    assert report_day(MORNING_AFTER) == date(2026, 12, 3)
    assert report_day(MORNING_AFTER + 6 * 3600) == date(2026, 12, 4)
    assert file_name(date(2026, 12, 3), "pdf") == "网格工作台日报-2026-12-03.pdf"


def test_scheduled_run_writes_and_logs(seeded: Seeded, tmp_path: Path) -> None:
    station = seeded.station

    def configure(conn: Any) -> None:
        settings.put(conn, settings.REPORT_EXPORT_TIME, "08:00")
        settings.put(conn, settings.REPORT_EXPORT_DIR, str(tmp_path))

    station.db.transaction(configure)
    fake = FakeScheduler()
    schedule = DailyExportSchedule(station, lambda: seeded.sessions["super1"], fake,
                                   clock=lambda: MORNING_AFTER, formats=("csv", "xlsx"))
    assert schedule.configure() == (8, 0)
    job = fake.jobs[JOB_ID]
    assert job["coalesce"] and "hour='8'" in str(job["trigger"])
    results = job["func"]()
    assert [Path(r.path).name for r in results] == ["网格工作台日报-2026-12-03.csv",
                                                    "网格工作台日报-2026-12-03.xlsx"]
    assert all(Path(r.path).exists() for r in results)
    line = station.db.run(lambda c: activity.recent(c, 1, "export"))[0]
    assert line.outcome == "ok" and "2026-12-03" in line.message
    schedule.shutdown()


def test_scheduled_run_without_supervisor_or_folder(seeded: Seeded, tmp_path: Path) -> None:
    station = seeded.station
    station.db.transaction(lambda c: settings.put(c, settings.REPORT_EXPORT_DIR,
                                                   str(tmp_path / "gone")))
    nobody = DailyExportSchedule(station, lambda: None, FakeScheduler(),
                                 clock=lambda: MORNING_AFTER)
    assert nobody.run() == []
    assert station.db.run(lambda c: activity.recent(c, 1, "export"))[0].outcome == "warning"
    worker = DailyExportSchedule(station, lambda: seeded.sessions["worker1"], FakeScheduler(),
                                 clock=lambda: MORNING_AFTER)
    assert worker.run() == []
    boss = DailyExportSchedule(station, lambda: seeded.sessions["super1"], FakeScheduler(),
                               clock=lambda: MORNING_AFTER)
    assert boss.run() == []
    line = station.db.run(lambda c: activity.recent(c, 1, "export"))[0]
    assert line.outcome == "error" and "gone" in line.message
    station.db.transaction(lambda c: settings.put(c, settings.REPORT_EXPORT_TIME, ""))
    assert boss.configure() is None

"""The division aggregate sums station reports."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import KnownError
from app.reports.aggregate import fetch_division_report, sum_reports
from app.reports.daily import compute_daily_report
from app.reports.model import DailyReport
from tests.unit.reports.conftest import DAY, LATER, Seeded


def _report(seeded: Seeded) -> DailyReport:
    return seeded.station.db.run(lambda c: compute_daily_report(c, DAY, None, LATER))


def test_two_stations_sum(seeded: Seeded) -> None:
    one = _report(seeded)
    other = DailyReport.from_dict({**one.to_dict(), "station_id": "b",
                                   "sync": {**one.to_dict()["sync"], "pending": 5,
                                            "last_success": "2026-12-03T01:00:00.000Z",
                                            "last_error": "网络不可用"}})
    total = sum_reports([one, other.to_dict()], "450103", "2026-12-04T00:00:00.000Z")
    assert total.stations == 2
    assert total.screenings.total == 2 * one.screenings.total
    assert total.screenings.by_hour == [2 * h for h in one.screenings.by_hour]
    assert total.screenings.unverified.total == 2 * one.screenings.unverified.total
    assert total.aid["food"].opened == 2 * one.aid["food"].opened
    assert total.isolation.checks_due == 2 * one.isolation.checks_due
    assert total.sync.pending == one.sync.pending + 5
    assert total.sync.last_success is None  # one station never synced
    assert total.sync.last_error and "1" in total.sync.last_error
    assert total.division == "450103" and total.date == DAY.isoformat()


def test_only_one_date_is_summed(seeded: Seeded) -> None:
    one = _report(seeded).to_dict()
    with pytest.raises(KnownError):
        sum_reports([one, {**one, "date": "2026-12-01"}], "450103", "x")
    with pytest.raises(KnownError):
        sum_reports([], "450103", "x")


def test_fetch_from_the_centre(seeded: Seeded) -> None:
    report = _report(seeded)
    asked: list[tuple[str, dict[str, str]]] = []
    stations = [{"station_id": "a", "generated_at": report.generated_at}]

    def get_json(path: str, params: dict[str, str]) -> Any:
        asked.append((path, params))
        return {"division": report.division, "date": DAY.isoformat(), "stations": stations,
                "report": report.to_dict()}

    assert fetch_division_report(get_json, report.division, DAY) == (report, stations)
    assert asked == [("/v1/reports/daily", {"date": "2026-12-03"})]
    with pytest.raises(KnownError):
        fetch_division_report(lambda p, q: {"report": {"date": 1}}, "450103", DAY)
    with pytest.raises(KnownError):  # an answer for another division is not taken
        fetch_division_report(get_json, "450200", DAY)

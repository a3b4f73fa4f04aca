"""Every number of the daily report, read back from XLSX and CSV, against an independent
count of the raw rows."""

from __future__ import annotations

import csv
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.reports.daily import compute_daily_report
from app.reports.export import export_report
from app.reports.model import DailyReport, Scope
from app.storage.records.screenings import NewScreening, build_row, insert_row
from tests.unit.reports.conftest import DAY, LATER, PLAN, Seeded
from tests.unit.reports.independent import count_day


def _numbers_from_csv(path: Path) -> tuple[dict[str, Any], list[list[str]], dict[str, int]]:
    """Summary key → value, the hour table rows, and the row count of each detail block."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    numbers = {r[3]: r[2] for r in rows if len(r) == 4 and "." in r[3]}
    start = next(i for i, r in enumerate(rows) if r[:1] == ["分时段筛查"]) + 2
    hours = rows[start:start + 24]
    blocks: dict[str, int] = {}
    current = ""
    for row in rows:
        if row and row[0].startswith("【"):
            current = row[0].strip("【】")
            blocks[current] = -1  # the header row follows
        elif current and row:
            blocks[current] += 1
        elif not row:
            current = ""
    return numbers, hours, blocks


def _numbers_from_xlsx(path: Path) -> tuple[dict[str, Any], list[tuple[Any, ...]],
                                            dict[str, int]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    summary = list(wb.worksheets[0].iter_rows(values_only=True))
    numbers = {r[3]: r[2] for r in summary if r[3] and "." in str(r[3])}
    hours = [r[5:11] for r in summary[8:32]]
    sheets = {ws.title: ws.max_row - 1 for ws in wb.worksheets[1:]}
    wb.close()
    return numbers, hours, sheets


def _outbox_count(conn: Any, state: str) -> int:
    return int(conn.execute("SELECT count(*) FROM outbox WHERE state = ?", (state,)).fetchone()[0])


def _expected(seeded: Seeded, day: date, scope: str = "station") -> dict[str, Any]:
    expected = seeded.station.db.run(lambda c: count_day(c, day, scope))
    for state in ("pending", "sent", "quarantined"):
        expected[f"sync.{state}"] = seeded.station.db.run(partial(_outbox_count, state=state))
    return expected


PENDING_AT_EXPORT: dict[str, int] = {}


def _pending(seeded: Seeded) -> int:
    return int(seeded.station.db.run(lambda c: c.execute(
        "SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0]))


@pytest.fixture(scope="module")
def exported(seeded: Seeded) -> dict[str, Path]:
    """The report of DAY as CSV and XLSX (masked)."""
    paths = {}
    for fmt in ("csv", "xlsx"):
        path = seeded.folder / f"report.{fmt}"
        PENDING_AT_EXPORT[fmt] = _pending(seeded)
        export_report(seeded.station, seeded.sessions["super1"], DAY, fmt, path,
                      now=lambda: LATER)
        paths[fmt] = path
    return paths


def _check_numbers(numbers: dict[str, Any], expected: dict[str, Any]) -> None:
    checked = 0
    for key, value in numbers.items():
        if key in ("sync.last_success", "sync.last_error"):
            continue
        assert int(value) == expected.get(key, 0), key
        checked += 1
    assert checked >= 70  # every count of the summary


def test_seed_has_the_known_distribution(seeded: Seeded) -> None:
    expected = _expected(seeded, DAY)
    total = expected["screenings.total"]
    assert 400 < total < 600  # 1500 over three days
    assert expected["screenings.colour.green"] > 0.7 * total
    assert expected["screenings.colour.yellow"] > 0 and expected["screenings.colour.red"] > 0
    assert expected["screenings.fevers"] > 0 and expected["screenings.duplicates"] > 0
    assert expected["unverified.total"] > 0 and expected["screenings.manual_id"] > 0
    assert expected["isolation.active"] > 0 and expected["isolation.checks_done"] > 0


def test_computed_report_matches_independent_count(seeded: Seeded) -> None:
    report = seeded.station.db.run(lambda c: compute_daily_report(c, DAY, None, LATER))
    expected = _expected(seeded, DAY)
    assert report.screenings.total == expected["screenings.total"]
    assert report.screenings.by_hour == expected["hours"]
    assert report.isolation.checks_due == expected["isolation.checks_due"]
    assert DailyReport.from_dict(report.to_dict()) == report


def test_csv_numbers_match_independent_count(seeded: Seeded, exported: dict[str, Path]) -> None:
    numbers, hours, blocks = _numbers_from_csv(exported["csv"])
    expected = _expected(seeded, DAY)
    expected["sync.pending"] = PENDING_AT_EXPORT["csv"]  # exports add audit entries after
    _check_numbers(numbers, expected)
    assert [int(h[1]) for h in hours] == expected["hours"]
    assert sum(int(h[2]) for h in hours) == expected.get("screenings.colour.green", 0)
    raw = seeded.station.db.run(lambda c: c.execute(
        "SELECT count(*) FROM screenings WHERE created_at >= '2026-12-02T16:00:00.000Z'"
        " AND created_at < '2026-12-03T16:00:00.000Z'").fetchone()[0])
    assert blocks["筛查明细"] == raw


def test_xlsx_numbers_match_independent_count(seeded: Seeded, exported: dict[str, Path]) -> None:
    numbers, hours, sheets = _numbers_from_xlsx(exported["xlsx"])
    expected = _expected(seeded, DAY)
    expected["sync.pending"] = PENDING_AT_EXPORT["xlsx"]
    _check_numbers(numbers, expected)
    assert [h[1] for h in hours] == expected["hours"]
    assert [h[0] for h in hours][:2] == ["00:00", "01:00"]
    csv_blocks = _numbers_from_csv(exported["csv"])[2]
    assert sheets == csv_blocks


def test_xlsx_has_native_charts_and_chinese_headers(exported: dict[str, Path]) -> None:
    wb = openpyxl.load_workbook(exported["xlsx"])
    assert [ws.title for ws in wb.worksheets] == ["汇总", "筛查明细", "隔离对象", "健康监测",
                                                 "救助请求"]
    assert len(wb.worksheets[0]._charts) == 4
    detail = wb["筛查明细"]
    assert detail["A1"].value == "时间" and detail["I1"].value == "证件号码"
    assert detail.freeze_panes == "A2"
    assert detail.column_dimensions["A"].width > 15


@pytest.mark.parametrize("scope", ["township:新竹街道", "grid:南湖街道/第1网格"])
def test_scoped_report_matches_independent_count(seeded: Seeded, scope: str) -> None:
    report = seeded.station.db.run(
        lambda c: compute_daily_report(c, DAY, Scope.parse(scope), LATER))
    expected = _expected(seeded, DAY, scope)
    whole = _expected(seeded, DAY)
    assert 0 < report.screenings.total == expected["screenings.total"] < whole["screenings.total"]
    assert report.isolation.active == expected.get("isolation.active", 0)
    assert report.aid_total().opened == expected.get("aid.total.opened", 0)


def test_every_seeded_day_adds_up(seeded: Seeded) -> None:
    totals = 0
    for offset in range(PLAN.days):
        day = date(2026, 12, 2 + offset)
        report = seeded.station.db.run(partial(compute_daily_report, day=day, now=LATER))
        assert report.screenings.total == _expected(seeded, day)["screenings.total"]
        totals += report.screenings.total + report.screenings.corrections
    voids = seeded.station.db.run(lambda c: c.execute(
        "SELECT count(*) FROM screenings WHERE voids IS NOT NULL").fetchone()[0])
    # Each correction replaces its record: effective totals + corrections = rows saved.
    assert totals == PLAN.screenings + voids


def test_local_midnight_splits_the_days(open_station: Any) -> None:
    station, admin = open_station.station, open_station.session("admin")
    rec = NewScreening(source="camera", format="GX1", result="VALID", proposal="pass",
                       decision="pass", rules_version="t", colour="green")
    before = 1_796_227_199.0  # 2026-12-02T15:59:59Z = 23:59:59 on 12-02 in China
    rows = [build_row(NewScreening(**{**rec.__dict__, "record_id": f"r{i}"}), "w", ts, 0.0)
            for i, ts in enumerate((before, before + 1))]
    def insert(conn: Any) -> None:
        for row in rows:
            insert_row(conn, row)

    station.db.transaction(insert)
    day2 = station.db.run(lambda c: compute_daily_report(c, date(2026, 12, 2), None, LATER))
    day3 = station.db.run(lambda c: compute_daily_report(c, date(2026, 12, 3), None, LATER))
    assert day2.screenings.total == 1 and day2.screenings.by_hour[23] == 1
    assert day3.screenings.total == 1 and day3.screenings.by_hour[0] == 1
    assert admin.may  # the session stays usable

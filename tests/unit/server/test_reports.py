"""Station daily reports and the division aggregate, over HTTP on both back ends."""

from __future__ import annotations

from typing import Any

import requests

from app.reports.model import DailyReport
from server.enrolment import StationIdentity
from tests.helpers.server_fixtures import ServerThread
from tests.unit.server.conftest import enrolled

DAY = "2026-12-04"


def station_report(who: StationIdentity, screenings: int, fevers: int = 0,
                   generated_at: str = "2026-12-04T10:00:00.000Z",
                   day: str = DAY) -> dict[str, Any]:
    report = DailyReport(date=day, scope="station", scope_label=f"本站：{who.name}",
                         station_id=who.station_id, station_name=who.name,
                         division=who.division, generated_at=generated_at,
                         as_of=generated_at)
    report.screenings.total = screenings
    report.screenings.by_colour["green"] = screenings
    report.screenings.by_hour[9] = screenings
    report.screenings.by_result["VALID"] = screenings
    report.screenings.fevers = fevers
    report.aid["food"].opened = 1
    report.sync.pending = 2
    return report.to_dict()


def call(srv: ServerThread, method: str, credential: str | None, body: Any = None,
         **params: str) -> requests.Response:
    headers = {"Authorization": f"Bearer {credential}"} if credential else {}
    return requests.request(method, srv.url + "/v1/reports/daily", json=body, params=params,
                            headers=headers, timeout=10)


def test_division_aggregate_sums_its_stations_only(server: ServerThread) -> None:
    a, cred_a = enrolled(server.db, "st-a", "450103")
    b, cred_b = enrolled(server.db, "st-b", "450103")
    c, cred_c = enrolled(server.db, "st-c", "450200")
    for who, cred, n in ((a, cred_a, 100), (b, cred_b, 40), (c, cred_c, 7)):
        got = call(server, "POST", cred, station_report(who, n, fevers=n // 20))
        assert got.status_code == 200 and got.json()["stored"] is True
        assert "server_time" in got.json()

    got = call(server, "GET", cred_b, date=DAY)
    assert got.status_code == 200
    doc = got.json()
    assert doc["division"] == "450103" and doc["date"] == DAY
    assert [s["station_id"] for s in doc["stations"]] == ["st-a", "st-b"]
    total = DailyReport.from_dict(doc["report"])
    assert total.stations == 2 and total.division == "450103" and total.station_id == ""
    assert total.screenings.total == 140 and total.screenings.by_hour[9] == 140
    assert total.screenings.by_colour["green"] == 140 and total.screenings.fevers == 7
    assert total.aid["food"].opened == 2 and total.sync.pending == 4

    # the other division sees only its own station
    other = call(server, "GET", cred_c, date=DAY).json()
    assert [s["station_id"] for s in other["stations"]] == ["st-c"]
    assert other["report"]["screenings"]["total"] == 7

    # a newer report replaces the station's row; an older one is ignored
    newer = call(server, "POST", cred_a, station_report(a, 130, generated_at="2026-12-04T11:00"
                                                        ":00.000Z"))
    assert newer.json()["stored"] is True
    older = call(server, "POST", cred_a, station_report(a, 1, generated_at="2026-12-04T09:00"
                                                        ":00.000Z"))
    assert older.json()["stored"] is False
    assert older.json()["generated_at"] == "2026-12-04T11:00:00.000Z"
    again = call(server, "GET", cred_a, date=DAY).json()
    assert again["report"]["screenings"]["total"] == 170
    with server.db.transaction() as tx:
        assert tx.one("SELECT count(*) FROM daily_reports")[0] == 3  # type: ignore[index]

    # no report of that date in the division
    empty = call(server, "GET", cred_a, date="2026-12-01")
    assert (empty.status_code, empty.json()["error"]) == (404, "not_found")


def test_uploads_are_checked_and_confined(server: ServerThread) -> None:
    a, cred_a = enrolled(server.db, "st-a", "450103")
    b, _ = enrolled(server.db, "st-b", "450103")
    assert call(server, "GET", None, date=DAY).status_code == 401
    assert call(server, "POST", None, station_report(a, 1)).status_code == 401
    foreign = station_report(StationIdentity("st-a", "450200", "x"), 1)
    got = call(server, "POST", cred_a, foreign)
    assert (got.status_code, got.json()["error"]) == (403, "division_mismatch")
    got = call(server, "POST", cred_a, station_report(b, 1))
    assert (got.status_code, got.json()["error"]) == (403, "station_mismatch")
    bad = station_report(a, 1)
    bad["screenings"]["fevers"] = "many"
    assert call(server, "POST", cred_a, bad).json()["error"] == "bad_report"
    short = station_report(a, 1)
    short["screenings"]["by_hour"] = [1, 2]
    assert call(server, "POST", cred_a, short).json()["error"] == "bad_report"
    grid = {**station_report(a, 1), "scope": "grid:青秀区-03"}
    assert call(server, "POST", cred_a, grid).json()["error"] == "bad_scope"
    assert call(server, "POST", cred_a, [1]).json()["error"] == "bad_report"
    assert call(server, "GET", cred_a, date="yesterday").status_code == 422

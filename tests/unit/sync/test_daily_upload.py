"""A sync run sends the station's daily reports of today and yesterday, when they changed."""

from __future__ import annotations

import time
from typing import Any

import pytest

from app.reports import daily
from app.reports.localday import today_local
from app.sync import daily_upload
from app.sync import outbox_queue as oq
from app.timeutil import iso_utc
from tests.helpers.server_fixtures import PlainStationDb, ServerThread, add_screenings
from tests.unit.sync.conftest import engine


def stored(server: ServerThread) -> dict[str, str]:
    with server.db.transaction() as tx:
        rows = tx.query("SELECT day, generated_at FROM daily_reports ORDER BY day")
    return {str(d): str(g) for d, g in rows}


def test_reports_follow_the_records(enrolled: PlainStationDb, server: ServerThread,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    now = time.time()
    today = today_local(now)
    add_screenings(enrolled, 20, created_at=iso_utc(now))
    first = engine(enrolled).run()
    assert first.outcome == "ok" and first.sent == 20
    assert first.reports_sent == 2 and first.report_error is None
    days = stored(server)
    assert sorted(days) == sorted({today.isoformat(), (today.fromordinal(
        today.toordinal() - 1)).isoformat()})

    computed: list[Any] = []
    real = daily.compute_daily_report
    monkeypatch.setattr(daily, "compute_daily_report",
                        lambda *a, **k: computed.append(a[1]) or real(*a, **k))
    # nothing new: no report is computed again within the hour
    assert engine(enrolled).run().reports_sent == 0 and computed == []
    # a new record of today: only today's report is sent again
    add_screenings(enrolled, 3, seed=5, created_at=iso_utc(time.time()))
    again = engine(enrolled).run()
    assert again.reports_sent == 1 and computed == [today]
    # an hour later both are refreshed
    later = engine(enrolled, clock=lambda: time.time() + 3601).run()
    assert later.reports_sent == 2


def test_a_failing_report_never_blocks_the_records(enrolled: PlainStationDb,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(daily, "compute_daily_report", broken)
    add_screenings(enrolled, 5)
    report = engine(enrolled).run()
    assert report.outcome == "ok" and report.sent == 5
    assert report.reports_sent == 0 and "disk on fire" in (report.report_error or "")
    assert enrolled.run(lambda c: oq.get_state(c, daily_upload.STATE_KEY)) is None
    assert enrolled.run(lambda c: oq.get_state(c, "last_error")) is None

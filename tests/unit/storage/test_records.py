"""Screenings, isolation cases, health checks and aid requests through their services."""

from __future__ import annotations

from typing import Any

import pytest

from app.errors import KnownError
from app.storage import clock
from app.storage.records.aid import AidDesk, NewAidRequest
from app.storage.records.isolation import IsolationRegistry, NewCase, NewHealthCheck
from app.storage.records.screenings import NewScreening, ScreeningLog
from app.storage.station import Station
from tests.helpers.station_fixtures import FAST, PASSWORDS, OpenStation


def _screening(**kw: Any) -> NewScreening:
    base: dict[str, Any] = dict(source="camera", format="GX1", result="VALID", proposal="pass",
                                decision="pass", rules_version="default-1", colour="green",
                                code_id="CN-GX/abc", person_ref="CN-GX/p1")
    base.update(kw)
    return NewScreening(**base)


def _count(o: OpenStation, sql: str, *params: Any) -> int:
    return int(o.station.db.run(lambda c: c.execute(sql, params).fetchone()[0]))


def test_save_writes_the_record_and_its_outbox_row_together(open_station: OpenStation) -> None:
    log = ScreeningLog(open_station.station)
    rec_id = log.save(open_station.session("worker1"), _screening(temperature=36.6))
    row = open_station.station.db.run(lambda c: c.execute(
        "SELECT worker, decision, rules_version FROM screenings WHERE id = ?",
        (rec_id,)).fetchone())
    assert tuple(row) == ("worker1", "pass", "default-1")
    assert _count(open_station, "SELECT count(*) FROM outbox WHERE record_id = ?", rec_id) == 1


def test_the_same_draft_saved_twice_is_one_record(open_station: OpenStation) -> None:
    log = ScreeningLog(open_station.station)
    session = open_station.session("worker1")
    first = log.save(session, _screening(record_id="draft-1"))
    second = log.save(session, _screening(record_id="draft-1"))
    assert first == second == "draft-1"
    assert _count(open_station, "SELECT count(*) FROM screenings WHERE id = 'draft-1'") == 1


def test_override_needs_a_reason_and_bad_temperature_is_refused(
        open_station: OpenStation) -> None:
    log = ScreeningLog(open_station.station)
    session = open_station.session("worker1")
    with pytest.raises(KnownError, match="原因"):
        log.save(session, _screening(decision="refuse"))
    with pytest.raises(KnownError, match="体温"):
        log.save(session, _screening(temperature=3.66))
    log.save(session, _screening(decision="refuse", override_reason="持码人与证件不符"))


def test_correction_voids_and_never_updates(open_station: OpenStation) -> None:
    log = ScreeningLog(open_station.station)
    session = open_station.session("worker1")
    old = log.save(session, _screening(temperature=38.5, fever=True, proposal="refer",
                                       decision="refer"))
    new = log.correct(session, old, _screening(temperature=36.8), "体温枪读数错误，复测正常")
    rows = open_station.station.db.run(lambda c: c.execute(
        "SELECT id, temperature, voids, void_reason FROM screenings ORDER BY clock_ts"
    ).fetchall())
    assert [tuple(r) for r in rows] == [(old, 38.5, None, None),
                                        (new, 36.8, old, "体温枪读数错误，复测正常")]
    with pytest.raises(KnownError, match="已被更正"):
        log.void(session, old, "again")
    assert _count(open_station, "SELECT count(*) FROM audit_log WHERE action ="
                  " 'screening_corrected' AND target = ?", old) == 1


def test_records_carry_clock_and_floor_and_a_wound_back_clock_is_flagged(
        station_dir: Any) -> None:
    now = [2_000_000_000.0]
    station = Station.open(station_dir, kdf=FAST, time_source=lambda: now[0])
    session = station.unlock("worker1", PASSWORDS["worker1"])
    log = ScreeningLog(station)
    first = log.save(session, _screening())
    now[0] = 1_900_000_000.0  # someone winds the clock back
    assert station.db.run(station.clock.read).below_floor
    second = log.save(session, _screening())
    rows = station.db.run(lambda c: {r[0]: (r[1], r[2], r[3]) for r in c.execute(
        "SELECT id, clock_ts, floor_ts, below_floor FROM screenings")})
    floor_after = station.db.run(clock.floor)
    station.close()
    assert rows[first][2] == 0
    clock_ts, floor_ts, below = rows[second]
    assert clock_ts == 1_900_000_000.0 and floor_ts == 2_000_000_000.0 and below == 1
    assert floor_after == 2_000_000_000.0  # a wound-back clock never lowers the floor


def test_isolation_case_from_registration_to_release(open_station: OpenStation) -> None:
    reg = IsolationRegistry(open_station.station)
    clinic = open_station.session("clinic1")
    case_id = reg.register(clinic, NewCase(
        person_name="黄𠮷", address="兴宁区朝阳路 8 号 3 栋", kind="home",
        reason="risk_area_arrival", start_date="2026-12-01", planned_end="2026-12-08",
        responsible="clinic1", id_number="450102199003071234", phone="13807711234",
        grid="朝阳社区第3网格"))
    due = reg.due_checks(clinic, "2026-12-02", "am")
    assert [d["id"] for d in due] == [case_id]
    assert due[0]["id_number_masked"] == "450***********1234"
    reg.record_check(clinic, NewHealthCheck(case_id, "2026-12-02", "am", 36.4, [], "good"))
    with pytest.raises(KnownError):
        reg.record_check(clinic, NewHealthCheck(case_id, "2026-12-02", "am", 36.5))
    assert reg.due_checks(clinic, "2026-12-02", "am") == []
    assert [d["id"] for d in reg.due_checks(clinic, "2026-12-02", "pm")] == [case_id]
    reg.end(clinic, case_id, "release", "期满解除")
    with pytest.raises(KnownError):
        reg.end(clinic, case_id, "transfer")
    with pytest.raises(KnownError):
        reg.record_check(clinic, NewHealthCheck(case_id, "2026-12-03", "am", 36.4))
    events = open_station.station.db.run(lambda c: [tuple(r) for r in c.execute(
        "SELECT op, from_status, to_status FROM case_events WHERE case_id = ? ORDER BY at, op",
        (case_id,))])
    assert sorted(events) == [("register", None, "active"), ("release", "active", "released")]
    assert _count(open_station, "SELECT count(*) FROM outbox WHERE kind = 'case_event'") == 2


def test_aid_request_life_cycle(open_station: OpenStation) -> None:
    desk = AidDesk(open_station.station)
    clinic = open_station.session("clinic1")
    rid = desk.open(clinic, NewAidRequest("medicine", "urgent", "降压药 氨氯地平 一盒",
                                          "2026-12-02T02:00:00.000Z"))
    assert [r["id"] for r in desk.overdue(clinic, "2026-12-02T03:00:00.000Z")] == [rid]
    with pytest.raises(KnownError, match="不能从"):
        desk.move(clinic, rid, "delivered")
    with pytest.raises(KnownError, match="负责人"):
        desk.move(clinic, rid, "assigned")
    desk.move(clinic, rid, "assigned", assignee="网格员韦小宝")
    desk.move(clinic, rid, "delivered", "已送到门口")
    desk.move(clinic, rid, "closed")
    with pytest.raises(KnownError):
        desk.move(clinic, rid, "cancelled")
    assert desk.overdue(clinic, "2026-12-02T03:00:00.000Z") == []
    steps = open_station.station.db.run(lambda c: [tuple(r) for r in c.execute(
        "SELECT from_status, to_status, actor FROM aid_events WHERE request_id = ?"
        " ORDER BY rowid", (rid,))])
    assert steps == [(None, "open", "clinic1"), ("open", "assigned", "clinic1"),
                     ("assigned", "delivered", "clinic1"), ("delivered", "closed", "clinic1")]


def test_bad_case_input_gets_a_clear_message(open_station: OpenStation) -> None:
    reg = IsolationRegistry(open_station.station)
    bad = NewCase(person_name="李", address="x", kind="home", reason="close_contact",
                  start_date="2026-12-08", planned_end="2026-12-01", responsible="c")
    with pytest.raises(KnownError, match="早于"):
        reg.register(open_station.session("clinic1"), bad)
    assert _count(open_station, "SELECT count(*) FROM isolation_cases") == 0

"""`demo seed`: deterministic, realistic, written the way the services write."""

from __future__ import annotations

import hashlib
import random
from datetime import date
from typing import Any

import pytest

from app.codes.idnumber import check_id_number
from app.demo.people import RARE_GIVEN, RARE_SURNAMES, make_people
from app.demo.seed import SeedPlan, seed_station, split_days
from app.errors import AccessDenied, KnownError
from app.storage import audit

PLAN = SeedPlan(screenings=800, days=2, cases=12, seed=11, end_date=date(2026, 12, 4))


def _fingerprint(station: Any) -> str:
    rows = station.db.run(lambda c: c.execute(
        "SELECT id, created_at, holder_name, holder_doc, colour, decision FROM screenings"
        " ORDER BY id").fetchall())
    cases = station.db.run(lambda c: c.execute(
        "SELECT id, person_name, id_number, status FROM isolation_cases ORDER BY id").fetchall())
    return hashlib.sha256(repr([tuple(r) for r in rows + cases]).encode()).hexdigest()


def test_same_seed_same_records(open_station: Any, station_template: Any,
                                tmp_path: Any) -> None:
    from app.storage.station import Station
    from tests.helpers.station_fixtures import FAST, PASSWORDS, copy_station

    first = open_station.station
    summary = seed_station(first, open_station.session("admin"), PLAN)
    assert summary.screenings == PLAN.screenings and summary.cases == PLAN.cases
    assert sum(summary.per_day.values()) == PLAN.screenings
    other = Station.open(copy_station(station_template, tmp_path / "other"), kdf=FAST)
    try:
        session = other.unlock("super1", PASSWORDS["super1"])
        seed_station(other, session, PLAN)
        assert _fingerprint(other) == _fingerprint(first)
    finally:
        other.close()


def test_records_look_real(open_station: Any) -> None:
    station = open_station.station
    seed_station(station, open_station.session("admin"), PLAN)
    rows = station.db.run(lambda c: [dict(r) for r in c.execute("SELECT * FROM screenings")])
    typed_ids = [r["holder_doc"] for r in rows if r["source"] == "manual_id"]
    case_ids = station.db.run(lambda c: [r[0] for r in c.execute(
        "SELECT id_number FROM isolation_cases")])
    for number in typed_ids + case_ids:
        assert number.startswith("45") and check_id_number(number).ok, number
    colours = [r["colour"] for r in rows]
    assert colours.count("green") > 0.7 * len(rows)
    assert colours.count("yellow") > 0 and colours.count("red") > 0
    results = {r["result"] for r in rows}
    assert {"VALID", "EXPIRED", "DEFERRED", "ID_NOT_LISTED"} <= results
    assert any(r["fever"] for r in rows) and any(r["duplicate_of"] for r in rows)
    assert any(r["decision"] == "refuse" for r in rows)
    hours = [int(r["created_at"][11:13]) for r in rows]  # UTC: +8 for local
    morning = sum(1 for h in hours if (h + 8) % 24 in (7, 8))
    night = sum(1 for h in hours if (h + 8) % 24 in (2, 3))
    assert morning > 5 * max(night, 1)
    assert all(r["below_floor"] == 0 for r in rows)


def test_every_record_has_its_outbox_row(open_station: Any) -> None:
    station = open_station.station
    seed_station(station, open_station.session("admin"), PLAN)

    def missing(conn: Any) -> dict[str, int]:
        out = {}
        for table, kind in (("screenings", "screening"), ("case_events", "case_event"),
                            ("health_checks", "health_check"), ("aid_events", "aid_event")):
            out[table] = conn.execute(
                f"SELECT count(*) FROM {table} t WHERE NOT EXISTS (SELECT 1 FROM outbox o"
                f" WHERE o.record_id = t.id AND o.kind = ?)", (kind,)).fetchone()[0]
        return out

    assert station.db.run(missing) == dict.fromkeys(
        ("screenings", "case_events", "health_checks", "aid_events"), 0)
    assert station.db.run(audit.verify).ok
    actions = station.db.run(lambda c: [r[0] for r in c.execute("SELECT action FROM audit_log")])
    assert "demo_seeded" in actions


def test_names_include_rare_characters() -> None:
    people = make_people(random.Random(3), 3000, date(2026, 12, 4))
    rare = set(RARE_SURNAMES) | set(RARE_GIVEN)
    names = "".join(p.name for p in people)
    assert any(ch in names for ch in rare)
    assert any(ord(ch) > 0xFFFF for ch in names)  # outside the BMP (𠮷, 𠀋, 𡒄)
    assert any(p.name[0] in "韦覃蒙莫农" for p in people)


@pytest.mark.parametrize("user", ["worker1", "clinic1"])
def test_only_supervisor_or_admin_may_seed(open_station: Any, user: str) -> None:
    with pytest.raises(AccessDenied):
        seed_station(open_station.station, open_station.session(user), PLAN)
    count = open_station.station.db.run(
        lambda c: c.execute("SELECT count(*) FROM screenings").fetchone()[0])
    assert count == 0


def test_plan_limits_and_day_split() -> None:
    with pytest.raises(KnownError):
        SeedPlan(days=0).check()
    counts = split_days(random.Random(1), 1001, 7)
    assert sum(counts) == 1001 and min(counts) > 100

"""Idempotent batches: per-item answers, uniqueness in the database, operations checked."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import psycopg
import pytest

from server.db import POSTGRES, Database
from server.enrolment import StationIdentity
from server.stats import collect
from server.upload import apply_batch
from tests.unit.server.conftest import enrolled


def item(station: StationIdentity, rid: str, kind: str = "screening", day: str = "2026-12-04",
         **fields: Any) -> dict[str, Any]:
    body = json.dumps({"id": rid, "station_id": station.station_id,
                       "division": station.division, **fields},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return {"id": rid, "kind": kind, "day": day, "body": body,
            "hash": hashlib.sha256(body.encode()).hexdigest()}


def statuses(results: list[Any]) -> list[str]:
    return [r.status for r in results]


def test_accepted_then_duplicate_then_conflict(db: Database) -> None:
    station, _ = enrolled(db)
    batch = [item(station, f"r{i}", temperature=36.5) for i in range(5)]
    assert statuses(apply_batch(db, station, batch)) == ["accepted"] * 5
    assert statuses(apply_batch(db, station, batch)) == ["duplicate"] * 5
    changed = item(station, "r0", temperature=39.0)
    result = apply_batch(db, station, [changed, item(station, "r9")])
    assert statuses(result) == ["conflict", "accepted"]
    assert result[0].reason == "id_reused"
    assert collect(db)["tables"]["records"] == 6
    assert collect(db)["duplicate_record_ids"] == 0


def test_bad_items_are_rejected_without_blocking_the_rest(db: Database) -> None:
    station, _ = enrolled(db)
    good = item(station, "ok-1", name="陈𠀾")
    bad_hash = {**item(station, "bad-hash"), "hash": "0" * 64}
    other_division = item(StationIdentity(station.station_id, "450200", ""), "div")
    other_station = item(StationIdentity("st-x", station.division, ""), "stx")
    nul = item(station, "nul", note="a\u0000b")
    not_json = {**item(station, "nj"), "body": "{not json"}
    not_json["hash"] = hashlib.sha256(b"{not json").hexdigest()
    junk: list[Any] = [42, {"id": "x"}, {**item(station, "bd"), "day": "2026-13-45"},
                       {**item(station, "bk"), "kind": "nonsense"}]
    results = apply_batch(db, station, [good, bad_hash, other_division, other_station, nul,
                                        not_json, *junk])
    assert results[0].status == "accepted"
    reasons = [r.reason for r in results[1:]]
    assert statuses(results[1:]) == ["rejected"] * 9
    assert reasons[:5] == ["hash_mismatch", "division_mismatch", "station_mismatch", "bad_body",
                           "bad_body"]
    assert reasons[7:] == ["bad_day", "unknown_kind"]
    assert collect(db)["tables"]["records"] == 1


def test_same_id_twice_in_one_batch(db: Database) -> None:
    station, _ = enrolled(db)
    a = item(station, "twice")
    b = item(station, "twice", changed=True)
    assert statuses(apply_batch(db, station, [a, a, b])) == ["accepted", "duplicate", "conflict"]


def test_operations_follow_the_servers_state(db: Database) -> None:
    station, _ = enrolled(db)
    ops = [
        item(station, "e1", "case_event", case_id="c1", from_status=None, to_status="active"),
        item(station, "e2", "case_event", case_id="c1", from_status="active",
             to_status="released"),
        # a stale transition written on another PC before the release arrived
        item(station, "e3", "case_event", case_id="c1", from_status="active",
             to_status="transferred"),
        item(station, "a1", "aid_event", request_id="q1", from_status=None, to_status="open"),
        item(station, "a2", "aid_event", request_id="q1", from_status="open",
             to_status="closed"),
    ]
    results = apply_batch(db, station, ops)
    assert statuses(results) == ["accepted"] * 5
    assert [r.note is not None for r in results] == [False, False, True, False, True]
    with db.transaction() as tx:
        assert tx.one("SELECT status FROM case_state WHERE case_id = 'c1'") == ("released",)
        assert tx.one("SELECT status FROM aid_state WHERE request_id = 'q1'") == ("open",)
        held = tx.query("SELECT record_id FROM review_queue ORDER BY record_id")
    assert held == [("a2",), ("e3",)]
    # retried: duplicates, and nothing is applied or queued twice
    assert statuses(apply_batch(db, station, ops)) == ["duplicate"] * 5
    assert collect(db)["tables"]["review_queue"] == 2


def test_audit_head_is_kept(db: Database) -> None:
    station, _ = enrolled(db)
    apply_batch(db, station, [item(station, "r1")], {"seq": 7, "hash": "ab" * 32})
    apply_batch(db, station, [], {"seq": 5, "hash": "cd" * 32})  # older head: ignored
    st = collect(db)["stations"][0]
    assert (st["audit_head_seq"], st["audit_head_hash"]) == (7, "ab" * 32)


def test_a_stored_record_inside_a_new_batch_is_still_answered_per_item(db: Database) -> None:
    # the batch's ends are new (so PostgreSQL tries one COPY straight into `records`), but a
    # record in the middle is stored already: the COPY is refused and rolled back, and the
    # batch is answered row by row
    station, _ = enrolled(db)
    stored = [item(station, "mid-1", n=1), item(station, "mid-2", n=2)]
    assert statuses(apply_batch(db, station, stored)) == ["accepted"] * 2
    batch = [item(station, "new-1"), stored[0], item(station, "mid-2", n=99),
             item(station, "new-2")]
    result = apply_batch(db, station, batch)
    assert statuses(result) == ["accepted", "duplicate", "conflict", "accepted"]
    assert collect(db)["tables"]["records"] == 4 and collect(db)["duplicate_record_ids"] == 0


def test_the_body_must_name_the_division_as_a_string(db: Database) -> None:
    station, _ = enrolled(db)
    body = json.dumps({"id": "num", "station_id": station.station_id,
                       "division": int(station.division)}, sort_keys=True,
                      separators=(",", ":"))
    numeric = {"id": "num", "kind": "screening", "day": "2026-12-04", "body": body,
               "hash": hashlib.sha256(body.encode()).hexdigest()}
    result = apply_batch(db, station, [item(station, "a"), numeric, item(station, "b")])
    assert statuses(result) == ["accepted", "rejected", "accepted"]
    assert result[1].reason == "division_mismatch"


def test_postgresql_itself_refuses_a_body_of_another_division(db: Database) -> None:
    if db.dialect != POSTGRES:
        pytest.skip("the CHECK constraint is PostgreSQL's (migration 0002)")
    with pytest.raises(psycopg.errors.CheckViolation), db.transaction() as tx:
        tx.execute(
            "INSERT INTO records (division, day, record_id, station_id, kind, body_hash, body) "
            "VALUES ('450103', '2026-12-04', 'x', 'st-1', 'screening', 'h', "
            "'{\"division\": \"450200\", \"station_id\": \"st-1\"}')")

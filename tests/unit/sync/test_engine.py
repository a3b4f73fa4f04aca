"""The sync engine against a real server: answers, quarantine, auth, cancel, progress."""

from __future__ import annotations

import json
from typing import Any

from app.storage.clock import floor
from app.storage.outbox import enqueue
from app.sync import outbox_queue as oq
from app.sync.engine import CancelToken, SyncProgress
from app.sync.transport import Transport
from server.enrolment import revoke
from server.stats import collect
from tests.helpers.faultproxy import FaultPlan, FaultProxy
from tests.helpers.server_fixtures import PlainStationDb, ServerThread, add_screenings
from tests.unit.sync.conftest import engine


def states(db: PlainStationDb) -> dict[str, int]:
    c = db.run(oq.counts)
    return {"pending": c.pending, "sent": c.sent, "quarantined": c.quarantined}


def test_upload_marks_sent_and_feeds_the_clock_floor(enrolled: PlainStationDb,
                                                     server: ServerThread) -> None:
    ids = add_screenings(enrolled, 120)
    seen: list[SyncProgress] = []
    report = engine(enrolled, batch_count=50).run(progress=seen.append)
    assert report.outcome == "ok" and report.sent == 120 and report.batches == 3
    assert states(enrolled) == {"pending": 0, "sent": 120, "quarantined": 0}
    uploads = [p for p in seen if p.phase == "upload"]
    assert [p.done for p in uploads] == [0, 50, 100, 120] and uploads[-1].total == 120
    assert uploads[-1].rate > 0
    assert enrolled.run(floor) >= report.server_time - 1  # type: ignore[operator]
    stats = collect(server.db)
    assert stats["tables"]["records"] == 120 and stats["stations"][0]["records"] == 120
    assert report.reconciled_days == 1
    again = engine(enrolled).run()
    assert again.outcome == "ok" and again.sent == 0
    assert enrolled.run(lambda c: oq.get_state(c, "last_error")) is None
    assert len(ids) == 120


def test_refused_records_are_quarantined_and_do_not_block(enrolled: PlainStationDb,
                                                          server: ServerThread) -> None:
    add_screenings(enrolled, 10, seed=1)

    def foreign(conn: Any) -> None:
        enqueue(conn, "screening", "foreign-1", {"id": "foreign-1"})
        # a record someone edited after it was queued: the division no longer matches
        body = json.dumps({"division": "450200", "id": "foreign-1",
                           "station_id": enrolled.station_id}, sort_keys=True,
                          separators=(",", ":"))
        import hashlib
        conn.execute("UPDATE outbox SET body = ?, body_hash = ? WHERE record_id = 'foreign-1'",
                     (body, hashlib.sha256(body.encode()).hexdigest()))

    enrolled.transaction(foreign)
    add_screenings(enrolled, 10, seed=2)
    report = engine(enrolled, batch_count=7).run()
    assert report.outcome == "ok"
    assert states(enrolled) == {"pending": 0, "sent": 20, "quarantined": 1}
    [entry] = enrolled.run(oq.quarantined)
    assert entry["record_id"] == "foreign-1"
    assert "记录不属于本站辖区" in entry["reason"]


def test_conflict_is_quarantined_with_the_reason(enrolled: PlainStationDb,
                                                 server: ServerThread) -> None:
    [rid] = add_screenings(enrolled, 1, seed=3)
    engine(enrolled).run()
    # a restored old backup re-queues the id with other content
    enrolled.run(lambda c: c.execute("DELETE FROM outbox"))
    enrolled.transaction(lambda c: enqueue(c, "screening", rid, {"id": rid, "x": 1}))
    report = engine(enrolled).run()
    assert report.quarantined == 1
    assert "同步冲突" in enrolled.run(oq.quarantined)[0]["reason"]


def test_revoked_station_stops_and_says_so(enrolled: PlainStationDb,
                                           server: ServerThread) -> None:
    add_screenings(enrolled, 5)
    revoke(server.db, enrolled.station_id)
    report = engine(enrolled).run()
    assert report.outcome == "auth_failed" and report.retries == 0
    assert "吊销" in (report.error or "")
    assert states(enrolled)["pending"] == 5
    assert "吊销" in enrolled.run(lambda c: oq.get_state(c, "last_error"))


def test_not_enrolled_and_offline(station: PlainStationDb, server: ServerThread) -> None:
    assert engine(station).run().outcome == "not_enrolled"
    from tests.helpers.server_fixtures import free_port, store_credential
    store_credential(station, f"http://127.0.0.1:{free_port()}", "x.y")
    add_screenings(station, 3)
    report = engine(station).run()
    assert report.outcome == "failed" and "无法连接服务器" in (report.error or "")
    assert report.faults == {"offline": 5}
    assert station.run(lambda c: oq.get_state(c, "online")) is False
    assert states(station)["pending"] == 3


def test_cancel_stops_between_batches_and_the_next_run_resumes(
        enrolled: PlainStationDb, server: ServerThread) -> None:
    add_screenings(enrolled, 100)
    token = CancelToken()

    def cancel_after_first(p: SyncProgress) -> None:
        if p.phase == "upload" and p.done >= 20:
            token.cancel()

    report = engine(enrolled, batch_count=20).run(token, cancel_after_first)
    # the batches already in flight (at most `pipeline` = 2 besides the one just answered)
    # are still answered and kept; nothing new is sent
    assert report.outcome == "cancelled" and report.sent in (20, 40, 60)
    assert states(enrolled)["pending"] == 100 - report.sent
    assert engine(enrolled, batch_count=20).run().sent == 100 - report.sent
    assert collect(server.db)["tables"]["records"] == 100


def test_timeout_retries_the_same_ids(enrolled: PlainStationDb, server: ServerThread) -> None:
    add_screenings(enrolled, 30)
    credential = enrolled.run(lambda c: oq.get_state(c, "credential"))
    with FaultProxy(server.port, FaultPlan(script=["delay", "drop_after", "truncate"]),
                    delay=0.8) as proxy:
        report = engine(enrolled, transport_factory=lambda c: Transport(
            proxy.url, credential["credential"], timeout=(1.0, 0.4))).run()
    assert report.outcome == "ok" and report.sent == 30 and report.duplicates == 30
    assert report.faults == {"unknown": 3}
    assert collect(server.db)["tables"]["records"] == 30


def test_downloads_reference_data_and_verdicts(enrolled: PlainStationDb,
                                               server: ServerThread) -> None:
    from server.changes import publish

    publish(server.db, "decision-rules", "2026.2", '{"rules": ["r"]}')
    publish(server.db, "risk-areas", "7", '{"areas": ["450103001"]}')
    publish(server.db, "deferred-verdict", "1", '{"record_id": "s1", "colour": "green"}',
            division=enrolled.division)
    publish(server.db, "deferred-verdict", "1", '{"record_id": "s2", "colour": "red"}',
            division="450200")
    publish(server.db, "gx-trust-list", "3", "not.a.jws")
    report = engine(enrolled).run()
    assert report.outcome == "ok" and report.downloaded == 4
    assert report.installed == 3 and report.refused_changes == 1
    ref = dict(enrolled.run(lambda c: c.execute(
        "SELECT kind, version FROM reference_data").fetchall()))
    assert ref == {"decision-rules": "2026.2", "risk-areas": "7", "deferred-verdicts": "3"}
    verdicts = json.loads(enrolled.run(lambda c: c.execute(
        "SELECT body FROM reference_data WHERE kind = 'deferred-verdicts'").fetchone()[0]))
    assert list(verdicts) == ["s1"]
    assert enrolled.run(lambda c: c.execute("SELECT count(*) FROM trust_material")
                        .fetchone()[0]) == 0
    assert enrolled.run(lambda c: oq.get_state(c, "cursor")) == 5


def test_reconciled_days_may_be_purged_after_retention(enrolled: PlainStationDb,
                                                       server: ServerThread) -> None:
    add_screenings(enrolled, 6, created_at="2026-10-01T08:00:00.000Z", seed=5)
    add_screenings(enrolled, 4, seed=6)
    report = engine(enrolled, retention_days=30).run()
    assert report.reconciled_days == 2 and report.purged == 6
    bodies = enrolled.run(lambda c: c.execute(
        "SELECT substr(created_at, 1, 10), body = '' FROM outbox").fetchall())
    assert {(d, bool(e)) for d, e in bodies if d == "2026-10-01"} == {("2026-10-01", True)}
    assert sum(1 for _, e in bodies if not e) == 4
    assert engine(enrolled, retention_days=30).run().reconciled_days == 0


def test_held_operations_are_sent_with_the_servers_note(enrolled: PlainStationDb,
                                                        server: ServerThread) -> None:
    add_screenings(enrolled, 5, seed=9)

    def ops(conn: Any) -> None:
        enqueue(conn, "case_event", "ev-1", {"case_id": "c1", "from_status": None,
                                             "to_status": "active"})
        enqueue(conn, "case_event", "ev-2", {"case_id": "c1", "from_status": "released",
                                             "to_status": "transferred"})

    enrolled.transaction(ops)
    add_screenings(enrolled, 5, seed=10)
    report = engine(enrolled).run()
    assert report.outcome == "ok" and report.sent == 12 and report.held == 1
    assert states(enrolled) == {"pending": 0, "sent": 12, "quarantined": 0}
    notes = dict(enrolled.run(lambda c: c.execute(
        "SELECT record_id, last_error FROM outbox WHERE kind = 'case_event'").fetchall()))
    assert notes["ev-1"] is None and "待主管复核" in notes["ev-2"]
    assert collect(server.db)["tables"]["review_queue"] == 1

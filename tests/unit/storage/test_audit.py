"""The hash-chained audit log detects alteration and removal and names the entry."""

from __future__ import annotations

from typing import Any

from app.storage import audit
from tests.helpers.station_fixtures import OpenStation


def _tamper(o: OpenStation, sql: str, *params: Any) -> audit.ChainReport:
    def run(conn: Any) -> None:
        conn.execute("DROP TRIGGER audit_no_update")
        conn.execute("DROP TRIGGER audit_no_delete")
        conn.execute(sql, params)

    o.station.db.run(run)
    return o.station.db.run(audit.verify)


def _add_entries(o: OpenStation, n: int) -> None:
    for i in range(n):
        o.station.db.transaction(lambda c, i=i: audit.append(
            c, "super1", "reveal", f"screening-{i}", {"reason": "核查"}))


def test_an_untouched_chain_verifies(open_station: OpenStation) -> None:
    _add_entries(open_station, 5)
    report = open_station.station.db.run(audit.verify)
    assert report.ok and report.checked >= 5


def test_the_log_refuses_update_and_delete(open_station: OpenStation) -> None:
    import pytest
    with pytest.raises(Exception, match="append-only"):
        open_station.station.db.run(lambda c: c.execute("DELETE FROM audit_log WHERE seq = 1"))
    with pytest.raises(Exception, match="append-only"):
        open_station.station.db.run(lambda c: c.execute(
            "UPDATE audit_log SET actor = 'x' WHERE seq = 1"))


def test_an_altered_entry_is_named(open_station: OpenStation) -> None:
    _add_entries(open_station, 5)
    seq = open_station.station.db.run(lambda c: c.execute(
        "SELECT max(seq) - 2 FROM audit_log").fetchone()[0])
    report = _tamper(open_station, "UPDATE audit_log SET detail = '{\"reason\":\"无\"}'"
                     " WHERE seq = ?", seq)
    assert not report.ok and report.first_bad_seq == seq
    assert f"#{seq}" in report.problem


def test_an_altered_entry_with_a_recomputed_hash_breaks_the_next_link(
        open_station: OpenStation) -> None:
    _add_entries(open_station, 5)
    seq = open_station.station.db.run(lambda c: c.execute(
        "SELECT max(seq) - 2 FROM audit_log").fetchone()[0])

    def rehash(conn: Any) -> None:
        conn.execute("DROP TRIGGER audit_no_update")
        row = conn.execute("SELECT seq, id, at, actor, action, target, detail, prev_hash"
                           " FROM audit_log WHERE seq = ?", (seq,)).fetchone()
        forged = audit.entry_hash(row[0], row[1], row[2], "someone", row[4], row[5], row[6],
                                  row[7])
        conn.execute("UPDATE audit_log SET actor = 'someone', hash = ? WHERE seq = ?",
                     (forged, seq))

    open_station.station.db.run(rehash)
    report = open_station.station.db.run(audit.verify)
    assert not report.ok and report.first_bad_seq == seq + 1


def test_a_removed_entry_is_named(open_station: OpenStation) -> None:
    _add_entries(open_station, 5)
    report = _tamper(open_station, "DELETE FROM audit_log WHERE seq = 3")
    assert not report.ok and report.first_bad_seq == 3


def test_a_cut_off_tail_is_detected(open_station: OpenStation) -> None:
    _add_entries(open_station, 5)
    last = open_station.station.db.run(lambda c: c.execute(
        "SELECT max(seq) FROM audit_log").fetchone()[0])
    report = _tamper(open_station, "DELETE FROM audit_log WHERE seq = ?", last)
    assert not report.ok and report.first_bad_seq == last


def test_every_entry_travels_in_the_outbox(open_station: OpenStation) -> None:
    _add_entries(open_station, 3)
    counts = open_station.station.db.run(lambda c: c.execute(
        "SELECT (SELECT count(*) FROM audit_log),"
        " (SELECT count(*) FROM outbox WHERE kind = 'audit')").fetchone())
    assert counts[0] == counts[1]

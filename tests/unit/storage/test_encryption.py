"""Encrypted at rest: a marker written through every table appears in no file on disk."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from app.storage import activity, audit, clock, migrations
from app.storage.connection import cipher_version
from app.storage.outbox import enqueue
from app.storage.records.aid import AidDesk, NewAidRequest
from app.storage.records.isolation import IsolationRegistry, NewCase, NewHealthCheck
from app.storage.records.screenings import NewScreening, ScreeningLog
from app.storage.users import add_user
from tests.helpers.station_fixtures import OpenStation

MARKER = "ZQXJ-标记-PLAINTEXT-7319"


def _write_everywhere(conn: Any) -> None:
    """Write the marker through every table the schema has, by SQL where no service is."""
    conn.execute("INSERT INTO settings (key, value) VALUES (?, ?)",
                 ("m", json.dumps(MARKER, ensure_ascii=False)))
    conn.execute("UPDATE station SET name = ?", (MARKER,))
    conn.execute("INSERT INTO trust_anchors VALUES (?, 'EdDSA', ?, ?, 'x')",
                 (MARKER, MARKER, MARKER))
    conn.execute("INSERT INTO trust_material VALUES (?, 1, 'x', 'x', ?, 'x')", (MARKER, MARKER))
    conn.execute("INSERT INTO reference_data VALUES (?, '1', ?, 'x')", (MARKER, MARKER))
    conn.execute("INSERT INTO sync_state (key, value) VALUES (?, ?)", (MARKER, MARKER))
    activity.record(conn, "station", "ok", MARKER, actor=MARKER)
    audit.append(conn, MARKER, "marker", MARKER, {"m": MARKER})
    enqueue(conn, "screening", MARKER, {"m": MARKER})
    clock.raise_floor(conn, 4_000_000_000, MARKER)


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _fill(o: OpenStation) -> None:
    st = o.station
    ScreeningLog(st).save(o.session("worker1"), NewScreening(
        source="typed", format="GX1", result="VALID", proposal="pass", decision="pass",
        rules_version=MARKER, holder_name=MARKER, holder_doc=MARKER, raw_text=MARKER,
        evidence={"m": MARKER}))
    reg = IsolationRegistry(st)
    case_id = reg.register(o.session("clinic1"), NewCase(
        person_name=MARKER, address=MARKER, kind="home", reason="close_contact",
        start_date="2026-12-01", planned_end="2026-12-08", responsible=MARKER,
        id_number=MARKER, phone=MARKER, grid=MARKER))
    reg.record_check(o.session("clinic1"), NewHealthCheck(case_id, "2026-12-02", "am", 36.5,
                                                          [MARKER], "ok", MARKER))
    desk = AidDesk(st)
    rid = desk.open(o.session("clinic1"), NewAidRequest("food", "urgent", MARKER,
                                                        "2026-12-02T10:00:00Z", case_id))
    desk.move(o.session("clinic1"), rid, "assigned", MARKER, assignee=MARKER)
    reg.end(o.session("clinic1"), case_id, "release", MARKER)
    add_user(st, o.session("admin"), "marker_user", "worker", "marker-pass-1",
             display_name=MARKER)
    add_user(st, o.session("admin"), MARKER[:4] + "用户", "worker", "marker-pass-1")
    st.db.transaction(_write_everywhere)


def test_marker_is_in_no_file(open_station: OpenStation) -> None:
    _fill(open_station)
    st = open_station.station
    # Every table holds the marker somewhere: proof that the test reaches them all.
    tables = [r[0] for r in st.db.run(lambda c: c.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        " AND name != 'purge_guard'").fetchall())]

    def has_marker(conn: Any, table: str) -> bool:
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608 - table names
        return any(MARKER in str(v) for r in rows for v in tuple(r)) or (
            table in ("clock_floor",) and bool(rows))

    missing = [t for t in tables if not st.db.run(lambda c, t=t: has_marker(c, t))]
    assert missing == [], f"tables without the marker: {missing}"
    assert st.db.run(cipher_version)
    # The WAL still holds the frames: check before and after a checkpoint.
    for _ in range(2):
        files = _files(open_station.path)
        assert any(p.name.endswith("-wal") for p in files)
        for path in files:
            data = path.read_bytes()
            for needle in (MARKER.encode("utf-8"), MARKER.encode("utf-16-le"),
                           b"ZQXJ", "ZQXJ".encode("utf-16-le")):
                assert needle not in data, f"plaintext marker found in {path.name}"
        st.db.run(lambda c: c.execute("PRAGMA wal_checkpoint(PASSIVE)"))


def test_plain_sqlite_control_shows_the_marker(tmp_path: Path) -> None:
    """The same writes through plain SQLite do leave the marker on disk: the check above can
    fail."""
    conn = sqlite3.connect(tmp_path / "plain.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    migrations.upgrade(conn)
    conn.execute("INSERT INTO station VALUES (1, 's', 'n', '450103', 'x')")
    conn.execute("BEGIN")
    _write_everywhere(conn)
    conn.execute("COMMIT")
    found = [p.name for p in _files(tmp_path) if MARKER.encode() in p.read_bytes()]
    assert found
    conn.close()

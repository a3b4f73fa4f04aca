"""The SQL implementations on a plain sqlite3 database with the station schema."""

from __future__ import annotations

import json
import sqlite3

from app.codes.checkpoint import install_files, load_rules, load_verifier
from app.codes.results import Result, WarningCode
from app.codes.store_repo import SqlScanHistory, SqlTrustRepository, save_reference
from app.codes.trust import TrustState
from app.codes.verifier import CodeVerifier
from tests.unit.codes.conftest import GX1_VECTORS, VECTOR_NOW, gx1_cases

CASES = gx1_cases()


def _texts(*names: str) -> list[str]:
    return [(GX1_VECTORS / n).read_text() for n in names]


def _screening(conn: sqlite3.Connection, sid: str, ts: float, code_id: str | None,
               person_ref: str | None, voids: str | None = None) -> None:
    conn.execute(
        "INSERT INTO screenings (id, created_at, clock_ts, floor_ts, worker, source, format,"
        " result, code_id, person_ref, proposal, decision, rules_version, voids, void_reason)"
        " VALUES (?, '', ?, 0, 'w', 'camera', 'GX1', 'VALID', ?, ?, 'pass', 'pass', 'v', ?, ?)",
        (sid, ts, code_id, person_ref, voids, "typo" if voids else None))


def test_install_and_reload(station_db: sqlite3.Connection) -> None:
    outcomes = install_files(station_db, _texts("anchors.json", *CASES["install"]), VECTOR_NOW)
    assert [o.accepted for o in outcomes] == [True, True, True, True]
    state = TrustState.load(SqlTrustRepository(station_db))
    assert state.versions() == {"gx-trust-list": 2, "gx-revocations": 1, "gx-status-list": 1,
                                "hc1-trust-list": None}
    assert not state.problems


def test_rollback_refused_in_sql(station_db: sqlite3.Connection) -> None:
    install_files(station_db, _texts("anchors.json", "trust-list-v2.jws"), VECTOR_NOW)
    outcomes = install_files(station_db, _texts("trust-list-v1-again.jws", "trust-list-forged.jws",
                                                "trust-list-rogue-anchor.jws"), VECTOR_NOW)
    assert [o.reason for o in outcomes] == ["rollback", "bad_signature", "unpinned_anchor"]
    row = station_db.execute("SELECT version FROM trust_material WHERE kind = 'gx-trust-list'")
    assert row.fetchone()[0] == 2


def test_tampered_stored_list_is_not_loaded(station_db: sqlite3.Connection) -> None:
    install_files(station_db, _texts("anchors.json", "trust-list-v2.jws"), VECTOR_NOW)
    raw = station_db.execute("SELECT raw FROM trust_material").fetchone()[0]
    head, body, sig = raw.split(".")
    station_db.execute("UPDATE trust_material SET raw = ?", (f"{head}.{body}x.{sig}",))
    state = TrustState.load(SqlTrustRepository(station_db))
    assert state.gx is None and state.problems


def test_duplicate_scan_flagged_with_earlier_time(station_db: sqlite3.Connection) -> None:
    install_files(station_db, _texts("anchors.json", *CASES["install"]), VECTOR_NOW)
    verifier = load_verifier(station_db)
    text = CASES["code_cases"][0]["qr_text"]
    history = SqlScanHistory(station_db)
    assert not verifier.verify(text, VECTOR_NOW, history=history).warnings
    _screening(station_db, "s1", VECTOR_NOW - 120, "CN-GX/c-0001", "CN-GX/p-0001")
    result = verifier.verify(text, VECTOR_NOW, history=history)
    assert result.duplicate_of == "s1"
    notice = next(w for w in result.warnings if w.code is WarningCode.DUPLICATE_SCAN)
    assert notice.detail["earlier_at"].startswith("2026-12-01T07:58:00")
    # outside the window (5 minutes by default) it is not flagged
    later = verifier.verify(text, VECTOR_NOW + 600, history=history)
    assert later.duplicate_of is None


def test_duplicate_by_person_and_voided_ignored(station_db: sqlite3.Connection) -> None:
    history = SqlScanHistory(station_db)
    _screening(station_db, "a", 100.0, "CN-GX/other", "CN-GX/p-0001")
    found = history.earlier_scan("CN-GX/c-0001", "CN-GX/p-0001", 0, 200)
    assert found is not None and found.matched == "person"
    _screening(station_db, "b", 150.0, None, None, voids="a")
    assert history.earlier_scan("CN-GX/c-0001", "CN-GX/p-0001", 0, 200) is None


def test_duplicate_query_uses_index(station_db: sqlite3.Connection) -> None:
    plan = station_db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM screenings"
        " WHERE code_id = ? AND clock_ts BETWEEN ? AND ?",
        ("x", 0, 1)).fetchall()
    assert "screenings_code" in " ".join(str(r) for r in plan)


def test_rules_and_online_issuers_from_reference_data(station_db: sqlite3.Connection) -> None:
    assert load_rules(station_db).version == "2026.12-default"
    table = json.loads(json.dumps({"type": "gx-decision-rules", "version": "central-7",
                                   "rules": [], "default": {"proposal": "manual"}}))
    save_reference(station_db, "decision-rules", "central-7", json.dumps(table), "now")
    assert load_rules(station_db).version == "central-7"
    save_reference(station_db, "decision-rules", "bad", "{", "now")
    assert load_rules(station_db).version == "2026.12-default"
    online = {"version": "1", "issuers": [{"id": "GD-YKM", "name": "粤康码",
                                           "prefixes": ["https://ykm.example.cn/c/"]}]}
    save_reference(station_db, "online-issuers", "1", json.dumps(online), "now")
    result = load_verifier(station_db).verify(" https://ykm.example.cn/c/abc123\r\n", VECTOR_NOW)
    assert result.result is Result.DEFERRED and result.raw_text == "https://ykm.example.cn/c/abc123"
    assert result.code_id and result.issuer == "GD-YKM"


def test_clock_below_floor_is_flagged_and_judged_at_floor(installed: TrustState) -> None:
    case = next(c for c in CASES["code_cases"] if c["name"] == "valid-green-es256")
    verifier = CodeVerifier(installed)
    wound_back = VECTOR_NOW - 3 * 86400
    result = verifier.verify(case["qr_text"], wound_back, floor=VECTOR_NOW)
    assert WarningCode.CLOCK_BELOW_FLOOR in {w.code for w in result.warnings}
    assert result.evidence["judged_at"] == VECTOR_NOW
    expired = next(c for c in CASES["code_cases"] if c["name"] == "expired-long-ago")
    revived = verifier.verify(expired["qr_text"], 1795852800 + 60, floor=VECTOR_NOW)
    assert revived.result is Result.EXPIRED

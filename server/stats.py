"""Counts per table and per station, for operators and tests (`griddesk-server stats`)."""

from __future__ import annotations

from typing import Any

from server.db import Database
from server.timefmt import as_text

TABLES = (
    "enrolment_codes",
    "stations",
    "records",
    "case_state",
    "aid_state",
    "review_queue",
    "changes",
    "reconciliations",
)


def collect(db: Database) -> dict[str, Any]:
    """A JSON-ready summary of the central database."""
    with db.transaction() as tx:
        tables = {name: int(tx.one(f"SELECT count(*) FROM {name}")[0]) for name in TABLES}  # type: ignore[index]
        kinds = {str(k): int(n) for k, n in tx.query(
            "SELECT kind, count(*) FROM records GROUP BY kind ORDER BY kind")}
        per_station = {
            str(sid): int(n)
            for sid, n in tx.query(
                "SELECT station_id, count(*) FROM records GROUP BY station_id"
            )
        }
        stations = [
            {
                "station_id": r[0],
                "division": r[1],
                "name": r[2],
                "enrolled_at": as_text(r[3]),
                "revoked_at": as_text(r[4]),
                "last_seen_at": as_text(r[5]),
                "audit_head_seq": r[6],
                "audit_head_hash": r[7],
                "records": per_station.get(str(r[0]), 0),
            }
            for r in tx.query(
                "SELECT station_id, division, name, enrolled_at, revoked_at, last_seen_at, "
                "audit_head_seq, audit_head_hash FROM stations ORDER BY station_id"
            )
        ]
        duplicates = tx.one(
            "SELECT count(*) FROM (SELECT record_id FROM records GROUP BY record_id "
            "HAVING count(*) > 1) d"
        )
    return {
        "dialect": db.dialect,
        "tables": tables,
        "records_by_kind": kinds,
        "duplicate_record_ids": int(duplicates[0]) if duplicates else 0,
        "stations": stations,
    }

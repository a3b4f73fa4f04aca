"""The sync outbox: written in the same transaction as the record it carries."""

from __future__ import annotations

import time
from typing import Any

from app.storage.canonical import canonical_json, sha256_hex
from app.timeutil import iso_utc

KINDS = frozenset({"screening", "health_check", "case_event", "aid_event", "audit"})


def station_identity(conn: Any) -> tuple[str, str]:
    """(station_id, division) of the open station."""
    row = conn.execute("SELECT station_id, division FROM station WHERE id = 1").fetchone()
    return (str(row[0]), str(row[1])) if row else ("", "")


def enqueue(conn: Any, kind: str, record_id: str, body: dict[str, Any]) -> str:
    """Add one record to the outbox (call inside the record's transaction); returns the hash.

    The body is completed with the station's id and division.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    station_id, division = station_identity(conn)
    full = {**body, "station_id": station_id, "division": division}
    text = canonical_json(full)
    digest = sha256_hex(text)
    conn.execute(
        "INSERT INTO outbox (record_id, kind, body, body_hash, created_at) VALUES (?,?,?,?,?)",
        (record_id, kind, text, digest, iso_utc(time.time())),
    )
    return digest


def pending_count(conn: Any) -> int:
    """Records waiting to be sent."""
    return int(conn.execute("SELECT count(*) FROM outbox WHERE state = 'pending'").fetchone()[0])

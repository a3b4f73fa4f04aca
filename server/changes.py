"""Reference data flowing to stations, and the reconciliation of per-day counts.

Published kinds: trust material (``gx-trust-list``, ``gx-revocations``, ``gx-status-list``,
``hc1-trust-list``), ``decision-rules``, ``risk-areas``, ``online-issuers`` and
``deferred-verdict`` (a verdict for a code a station could not verify offline). A change
with no division goes to the whole province; one with a division only to its stations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from typing import Any

from server.db import POSTGRES, Database
from server.enrolment import StationIdentity
from server.timefmt import as_text, iso, utcnow

PUBLISH_LOCK = 0x70756273
PUBLISHED_KINDS = frozenset(
    {
        "gx-trust-list",
        "gx-revocations",
        "gx-status-list",
        "hc1-trust-list",
        "decision-rules",
        "risk-areas",
        "online-issuers",
        "deferred-verdict",
    }
)
MAX_RECONCILE_DAYS = 62


def publish(db: Database, kind: str, version: str, body: str, division: str | None = None) -> int:
    """Publish one change; returns its sequence number.

    On PostgreSQL the sequence number is drawn under a transaction-scoped advisory lock, so
    numbers are handed out in commit order: a reader that has seen change N has seen every
    change below N (no late commit can appear behind a cursor). SQLite has one writer.
    """
    if kind not in PUBLISHED_KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(sorted(PUBLISHED_KINDS))}")
    with db.transaction() as tx:
        if tx.dialect == POSTGRES:
            tx.execute("SELECT pg_advisory_xact_lock(?)", (PUBLISH_LOCK,))
            row = tx.one("SELECT nextval('changes_seq')")
        else:
            row = tx.one("SELECT coalesce(max(seq), 0) + 1 FROM changes")
        assert row is not None
        seq = int(row[0])
        tx.execute(
            "INSERT INTO changes (seq, division, kind, version, body, published_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (seq, division, kind, version, body, iso(utcnow())),
        )
    return seq


def changes_since(
    db: Database, station: StationIdentity, cursor: int, limit: int = 200
) -> tuple[list[dict[str, Any]], int, bool]:
    """Changes after ``cursor`` visible to the station; returns (changes, new cursor, more)."""
    limit = max(1, min(limit, 1000))
    with db.transaction() as tx:
        rows = tx.query(
            "SELECT seq, division, kind, version, body, published_at FROM changes "
            "WHERE seq > ? AND (division IS NULL OR division = ?) ORDER BY seq LIMIT ?",
            (cursor, station.division, limit + 1),
        )
    more = len(rows) > limit
    rows = rows[:limit]
    changes = [
        {
            "seq": int(r[0]),
            "division": r[1],
            "kind": r[2],
            "version": r[3],
            "body": r[4],
            "published_at": as_text(r[5]),
        }
        for r in rows
    ]
    new_cursor = changes[-1]["seq"] if changes else cursor
    return changes, new_cursor, more


def day_digest(pairs: Sequence[tuple[str, str]]) -> str:
    """The reconciliation hash of one day: SHA-256 over sorted ``id:hash`` lines."""
    h = hashlib.sha256()
    for record_id, body_hash in sorted(pairs):
        h.update(f"{record_id}:{body_hash}\n".encode())
    return h.hexdigest()


def reconcile(
    db: Database, station: StationIdentity, days: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Compare the station's per-day counts and hashes with the server's."""
    answers = []
    with db.transaction() as tx:
        for entry in list(days)[:MAX_RECONCILE_DAYS]:
            day = str(entry.get("day", ""))
            try:
                dt.date.fromisoformat(day)
            except ValueError:
                answers.append({"day": day, "matched": False, "reason": "bad_day"})
                continue
            pairs = tx.query(
                "SELECT record_id, body_hash FROM records "
                "WHERE division = ? AND station_id = ? AND day = ?",
                (station.division, station.station_id, day),
            )
            server_hash = day_digest([(str(a), str(b)) for a, b in pairs])
            station_count = int(entry.get("count", -1))
            matched = station_count == len(pairs) and entry.get("hash") == server_hash
            tx.execute(
                "INSERT INTO reconciliations (division, station_id, day, station_count, "
                "server_count, matched, checked_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (division, station_id, day) DO UPDATE SET "
                "station_count = excluded.station_count, server_count = excluded.server_count, "
                "matched = excluded.matched, checked_at = excluded.checked_at",
                (station.division, station.station_id, day, station_count, len(pairs),
                 matched, iso(utcnow())),
            )
            answers.append(
                {"day": day, "matched": matched, "server_count": len(pairs),
                 "server_hash": server_hash}
            )
    return answers

"""Reads for the checkpoint screen: today's counters, the last scans, reference versions.

Every function takes the store's connection and runs on its DB thread. Voided screenings
and the void records themselves are left out of counts and lists.
"""

from __future__ import annotations

from typing import Any

from app.timeutil import iso_utc

_LIVE = (" voids IS NULL AND id NOT IN"
         " (SELECT voids FROM screenings WHERE voids IS NOT NULL)")


def reference_fingerprint(conn: Any) -> str:
    """Changes whenever trust material, reference data or station settings change."""
    parts = []
    for sql in ("SELECT kind || ':' || version || ':' || installed_at FROM trust_material",
                "SELECT kid FROM trust_anchors",
                "SELECT kind || ':' || version || ':' || received_at FROM reference_data",
                "SELECT key || '=' || value FROM settings"):
        parts.extend(sorted(str(r[0]) for r in conn.execute(sql).fetchall()))
    return "|".join(parts)


def day_counters(conn: Any, since_ts: float, until_ts: float) -> dict[str, int]:
    """Screenings in [since_ts, until_ts) by decision, plus fevers and duplicates."""
    counts = {"total": 0, "pass": 0, "refuse": 0, "refer": 0, "notify": 0, "manual": 0,
              "fever": 0, "duplicate": 0, "flagged": 0}
    # created_at is the same instant as clock_ts, as an ISO string that sorts in time order,
    # and it is indexed: the counters refresh after every save.
    where = " WHERE created_at >= ? AND created_at < ? AND" + _LIVE
    for decision, n in conn.execute(
            "SELECT decision, COUNT(*) FROM screenings" + where + " GROUP BY decision",
            (iso_utc(since_ts), iso_utc(until_ts))).fetchall():
        counts[str(decision)] = counts.get(str(decision), 0) + int(n)
        counts["total"] += int(n)
    row = conn.execute(
        "SELECT COALESCE(SUM(fever), 0), COALESCE(SUM(duplicate_of IS NOT NULL), 0),"
        " COALESCE(SUM(result IN ('EXPIRED', 'NOT_YET_VALID', 'BAD_SIGNATURE', 'REVOKED',"
        " 'UNKNOWN_KEY', 'MALFORMED')), 0) FROM screenings" + where,
        (iso_utc(since_ts), iso_utc(until_ts))).fetchone()
    counts["fever"], counts["duplicate"], counts["flagged"] = (int(v) for v in row)
    return counts


def recent_screenings(conn: Any, limit: int = 12) -> list[dict[str, Any]]:
    """The latest screenings, newest first (full name: the caller masks it)."""
    rows = conn.execute(
        "SELECT id, clock_ts, source, format, result, colour, holder_name, temperature,"
        " proposal, decision, duplicate_of FROM screenings WHERE" + _LIVE +
        " ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()
    keys = ("id", "clock_ts", "source", "format", "result", "colour", "holder_name",
            "temperature", "proposal", "decision", "duplicate_of")
    return [dict(zip(keys, tuple(r), strict=True)) for r in rows]


def screening_exists(conn: Any, record_id: str) -> bool:
    """Whether a screening with this id is stored."""
    return conn.execute("SELECT 1 FROM screenings WHERE id = ?",
                        (record_id,)).fetchone() is not None

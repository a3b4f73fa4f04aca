"""Per-day reconciliation with the server, and the purge it allows.

For each day whose outbox entries have all been answered, the station sends the count of
its sent entries and a hash over their sorted ``id:hash`` lines; the server computes the
same over what it stored. A day that matches is recorded in ``sync_state``; only such days,
older than the retention setting, may have their synced local records purged.
"""

from __future__ import annotations

import hashlib
import time
from collections import defaultdict
from typing import Any

from app.sync import outbox_queue as oq

MAX_DAYS_PER_RUN = 31
MATCHED_KEY = "reconciled_days"
# Local tables whose rows may be purged once their day matched (append-only records that
# nothing else refers to); cases, aid and the audit chain stay.
PURGEABLE = {"screening": "screenings", "health_check": "health_checks"}


def day_digest(pairs: list[tuple[str, str]]) -> str:
    """SHA-256 over sorted ``id:hash`` lines (the server computes the same)."""
    h = hashlib.sha256()
    for record_id, body_hash in sorted(pairs):
        h.update(f"{record_id}:{body_hash}\n".encode())
    return h.hexdigest()


def reconcile_days(conn: Any) -> list[dict[str, Any]]:
    """The days to check now: fully answered, with sent entries, not yet matched as they are."""
    pending_days = {
        str(r[0]) for r in conn.execute(
            "SELECT DISTINCT substr(created_at, 1, 10) FROM outbox WHERE state = 'pending'")
    }
    pairs: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for created, rid, digest in conn.execute(
        "SELECT created_at, record_id, body_hash FROM outbox WHERE state = 'sent'"
    ):
        pairs[str(created)[:10]].append((str(rid), str(digest)))
    matched = oq.get_state(conn, MATCHED_KEY, {}) or {}
    days = []
    for day in sorted(pairs, reverse=True):
        if day in pending_days:
            continue
        entry = {"day": day, "count": len(pairs[day]), "hash": day_digest(pairs[day])}
        seen = matched.get(day)
        if isinstance(seen, dict) and seen.get("hash") == entry["hash"]:
            continue
        days.append(entry)
        if len(days) >= MAX_DAYS_PER_RUN:
            break
    return days


def record_matches(conn: Any, sent: list[dict[str, Any]], answers: list[Any]) -> int:
    """Keep the days the server confirmed; returns how many matched."""
    ours = {d["day"]: d for d in sent}
    matched = oq.get_state(conn, MATCHED_KEY, {}) or {}
    n = 0
    for answer in answers:
        if not isinstance(answer, dict):
            continue
        day = answer.get("day")
        mine = ours.get(day) if isinstance(day, str) else None
        if mine is None:
            continue
        if answer.get("matched") is True and answer.get("server_hash") == mine["hash"]:
            matched[day] = {"count": mine["count"], "hash": mine["hash"], "at": time.time()}
            n += 1
        else:
            matched.pop(day, None)
    oq.set_state(conn, MATCHED_KEY, matched)
    return n


def purge_reconciled(conn: Any, retention_days: int, now: float | None = None) -> int:
    """Delete synced records of matched days older than the retention; returns how many."""
    cutoff = time.strftime("%Y-%m-%d", time.gmtime((now or time.time()) - retention_days * 86400))
    matched = oq.get_state(conn, MATCHED_KEY, {}) or {}
    days = sorted(d for d, v in matched.items() if d < cutoff and not v.get("purged"))
    purged = 0
    for day in days:
        rows = conn.execute(
            "SELECT record_id, kind FROM outbox WHERE state = 'sent' "
            "AND substr(created_at, 1, 10) = ?",
            (day,),
        ).fetchall()
        if len(rows) != matched[day].get("count"):
            continue  # the day changed since it matched: check again first
        victims = [(str(r[0]), str(r[1])) for r in rows if str(r[1]) in PURGEABLE]
        conn.execute("SAVEPOINT purge_day")
        conn.execute("INSERT OR IGNORE INTO purge_guard (id) VALUES (1)")
        try:
            for kind, table in PURGEABLE.items():
                conn.executemany(f"DELETE FROM {table} WHERE id = ?",
                                 [(rid,) for rid, k in victims if k == kind])
            # The outbox keeps id and hash (for later reconciliation), not the content.
            conn.executemany("UPDATE outbox SET body = '' WHERE record_id = ?",
                             [(rid,) for rid, _ in victims])
        except Exception:  # e.g. a later correction still refers to a record: keep the day
            conn.execute("ROLLBACK TO purge_day")
            conn.execute("RELEASE purge_day")
            continue
        conn.execute("DELETE FROM purge_guard")
        conn.execute("RELEASE purge_day")
        purged += len(victims)
        matched[day]["purged"] = True
    oq.set_state(conn, MATCHED_KEY, matched)
    return purged

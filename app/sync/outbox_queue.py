"""The station's side of the outbox, as functions on a DB connection (run on the DB thread).

Reads bounded batches of pending entries, applies the server's per-item answers, and keeps
the sync engine's key-value state in ``sync_state``. Only answers move an entry out of
``pending``: accepted or duplicate → ``sent``; conflict or rejected → ``quarantined`` with
the reason. A crash at any point leaves every unanswered entry pending, so the next run
resumes where this one stopped.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from app.text import t
from app.timeutil import iso_utc

SENT_STATUSES = frozenset({"accepted", "duplicate"})
QUARANTINE_STATUSES = frozenset({"conflict", "rejected"})

# Server reason codes in plain language (shown on the record).
REASONS = {
    "id_reused": ("服务器上已有同编号但内容不同的记录",
                  "the server holds a different record with this id"),
    "hash_mismatch": ("记录内容与校验值不符", "the record does not match its hash"),
    "division_mismatch": ("记录不属于本站辖区", "the record is outside this station's division"),
    "station_mismatch": ("记录不属于本站", "the record belongs to another station"),
    "bad_body": ("记录内容无法读取", "the record content is unreadable"),
    "bad_day": ("记录日期无效", "the record date is invalid"),
    "bad_id": ("记录编号无效", "the record id is invalid"),
    "unknown_kind": ("服务器不认识此类记录", "unknown record kind"),
    "malformed_item": ("记录格式不正确", "malformed record"),
}


def reason_text(status: str, reason: str | None) -> str:
    """The quarantine reason shown on a record, e.g. ``同步被拒：记录不属于本站辖区``."""
    zh, en = REASONS.get(reason or "", (reason or status, reason or status))
    if status == "conflict":
        return t(f"同步冲突：{zh}（{reason}）", f"sync conflict: {en} ({reason})")
    return t(f"同步被拒：{zh}（{reason}）", f"sync refused: {en} ({reason})")


@dataclass(frozen=True, slots=True)
class OutboxEntry:
    """One pending outbox row as sent to the server.

    ``item`` is the upload item, already JSON (UTF-8): SQLite writes it while reading the
    row (``json_object``), so the body is copied once, escaped in C, and never becomes a
    Python string on the way out.
    """

    seq: int
    record_id: str
    kind: str
    body_hash: str
    created_at: str
    item: bytes

    @property
    def day(self) -> str:
        """The day the entry belongs to (its creation date, fixed when it was written)."""
        return self.created_at[:10]

    def wire(self) -> dict[str, str]:
        """The upload item as a dict (``id``, ``kind``, ``day``, ``hash``, ``body``)."""
        doc: dict[str, str] = orjson.loads(self.item)
        return doc


def next_batch(conn: Any, after_seq: int, max_count: int, max_bytes: int) -> list[OutboxEntry]:
    """Pending entries after ``after_seq`` in order, bounded by count and by the bytes of
    the upload items (at least one entry, however large)."""
    rows = conn.execute(
        "SELECT seq, record_id, kind, body_hash, created_at, "
        "CAST(json_object('id', record_id, 'kind', kind, 'day', substr(created_at, 1, 10), "
        "'hash', body_hash, 'body', body) AS BLOB) "
        "FROM outbox WHERE state = 'pending' AND seq > ? ORDER BY seq LIMIT ?",
        (after_seq, max_count),
    ).fetchall()
    batch: list[OutboxEntry] = []
    size = 0
    for seq, record_id, kind, body_hash, created_at, item in rows:
        size += len(item) + 1  # the item as sent, and its comma
        if batch and size > max_bytes:
            break
        batch.append(OutboxEntry(seq, record_id, kind, body_hash, created_at, bytes(item)))
    return batch


def upload_document(batch: list[OutboxEntry], batch_id: str, head: dict[str, Any] | None
                    ) -> bytes:
    """The ``/v1/upload`` request body (JSON, UTF-8) for ``batch``."""
    return b"".join((b'{"batch_id":', orjson.dumps(batch_id), b',"audit_head":',
                     orjson.dumps(head), b',"items":[', b",".join(e.item for e in batch),
                     b"]}"))


@dataclass
class AppliedAnswers:
    """How one batch's answers changed the outbox."""

    sent: int = 0
    duplicates: int = 0
    quarantined: int = 0
    held: int = 0
    unanswered: int = 0


def apply_answers(conn: Any, batch: list[OutboxEntry], results: Iterable[Mapping[str, Any]],
                  now: float | None = None) -> AppliedAnswers:
    """Move answered entries out of ``pending`` (call inside one transaction)."""
    stamp = iso_utc(time.time() if now is None else now)
    seq_of = {e.record_id: e.seq for e in batch}
    out = AppliedAnswers()
    plain: list[int] = []  # sent, no note: one statement for all of them
    noted: list[tuple[str, str, int]] = []
    quarantined: list[tuple[str, int]] = []
    answered: set[str] = set()
    for result in results:
        rid = result.get("id")
        status = result.get("status")
        if not isinstance(rid, str) or rid not in seq_of or rid in answered:
            continue
        answered.add(rid)
        if status in SENT_STATUSES:
            note = result.get("note")
            if isinstance(note, str) and note:
                noted.append((t(f"已提交，待主管复核：{note}", f"sent; held for review: {note}"),
                              stamp, seq_of[rid]))
                out.held += 1
            else:
                plain.append(seq_of[rid])
            out.sent += 1
            out.duplicates += status == "duplicate"
        elif status in QUARANTINE_STATUSES:
            reason = result.get("reason")
            quarantined.append((reason_text(str(status), reason if isinstance(reason, str)
                                            else None), seq_of[rid]))
            out.quarantined += 1
    if plain:
        # The answered sequence numbers travel as one JSON array (exact: only entries of
        # this batch that are still pending move).
        conn.execute(
            "UPDATE outbox SET state = 'sent', last_error = NULL, sent_at = ?, "
            "attempts = attempts + 1 WHERE state = 'pending' "
            "AND seq IN (SELECT value FROM json_each(?))",
            (stamp, json.dumps(plain)),
        )
    conn.executemany(
        "UPDATE outbox SET state = 'sent', last_error = ?, sent_at = ?, attempts = attempts + 1 "
        "WHERE seq = ? AND state = 'pending'",
        noted,
    )
    conn.executemany(
        "UPDATE outbox SET state = 'quarantined', last_error = ?, attempts = attempts + 1 "
        "WHERE seq = ? AND state = 'pending'",
        quarantined,
    )
    out.unanswered = len(seq_of) - len(answered)
    return out


def note_failed_attempt(conn: Any, batch: list[OutboxEntry], error: str) -> None:
    """Count a failed try on the batch's entries (they stay pending)."""
    conn.execute(
        "UPDATE outbox SET attempts = attempts + 1, last_error = ? "
        "WHERE state = 'pending' AND seq IN (SELECT value FROM json_each(?))",
        (error, json.dumps([e.seq for e in batch])),
    )


@dataclass(frozen=True)
class OutboxCounts:
    """Outbox entries by state."""

    pending: int
    sent: int
    quarantined: int


def counts(conn: Any) -> OutboxCounts:
    """How many entries are pending, sent and quarantined."""
    found = dict.fromkeys(("pending", "sent", "quarantined"), 0)
    for state, n in conn.execute("SELECT state, count(*) FROM outbox GROUP BY state"):
        found[str(state)] = int(n)
    return OutboxCounts(found["pending"], found["sent"], found["quarantined"])


def quarantined(conn: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Quarantined entries with the server's reason, newest first."""
    rows = conn.execute(
        "SELECT record_id, kind, created_at, last_error FROM outbox "
        "WHERE state = 'quarantined' ORDER BY seq DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [{"record_id": r[0], "kind": r[1], "created_at": r[2], "reason": r[3]} for r in rows]


# --- sync_state ---------------------------------------------------------------------------


def get_state(conn: Any, key: str, default: Any = None) -> Any:
    """A JSON value from ``sync_state``."""
    row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (key,)).fetchone()
    if row is None:
        return default
    try:
        return json.loads(row[0])
    except ValueError:
        return default


def set_state(conn: Any, key: str, value: Any) -> None:
    """Store a JSON value in ``sync_state``."""
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (key, json.dumps(value, ensure_ascii=False)),
    )


def audit_head(conn: Any) -> dict[str, Any] | None:
    """The head of the station's audit chain (uploaded at each sync)."""
    row = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    return {"seq": int(row[0]), "hash": str(row[1])} if row else None

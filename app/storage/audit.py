"""The hash-chained audit log.

Each entry's hash is SHA-256 over its canonical JSON (sequence, id, time, actor, action,
target, detail and the previous entry's hash). Entries travel to the server through the
outbox; the head (sequence and hash) is also kept in ``sync_state`` so that cutting entries
off the end is caught locally, and the server holds the head it last received.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

from app.storage.canonical import canonical_json, sha256_hex
from app.storage.outbox import enqueue
from app.text import t
from app.timeutil import iso_utc

GENESIS = "0" * 64
HEAD_KEY = "audit_head"


def entry_hash(seq: int, entry_id: str, at: str, actor: str, action: str, target: str,
               detail: str, prev_hash: str) -> str:
    """The hash an entry must carry."""
    return sha256_hex(canonical_json([seq, entry_id, at, actor, action, target,
                                      json.loads(detail), prev_hash]))


def append(conn: Any, actor: str, action: str, target: str = "",
           detail: dict[str, Any] | None = None, at: float | None = None) -> str:
    """Add an entry (call inside a transaction); returns its hash."""
    last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    seq = (int(last[0]) + 1) if last else 1
    prev_hash = str(last[1]) if last else GENESIS
    entry_id = str(uuid.uuid4())
    stamp = iso_utc(time.time() if at is None else at)
    detail_text = canonical_json(detail or {})
    digest = entry_hash(seq, entry_id, stamp, actor, action, target, detail_text, prev_hash)
    conn.execute(
        "INSERT INTO audit_log (seq, id, at, actor, action, target, detail, prev_hash, hash)"
        " VALUES (?,?,?,?,?,?,?,?,?)",
        (seq, entry_id, stamp, actor, action, target, detail_text, prev_hash, digest),
    )
    conn.execute(
        "INSERT INTO sync_state (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (HEAD_KEY, canonical_json({"seq": seq, "hash": digest})),
    )
    enqueue(conn, "audit", entry_id, {
        "id": entry_id, "seq": seq, "at": stamp, "actor": actor, "action": action,
        "target": target, "detail": json.loads(detail_text), "prev_hash": prev_hash,
        "hash": digest,
    })
    return digest


@dataclass(frozen=True)
class ChainReport:
    """Outcome of a chain check: ``ok``, entries checked, and the first problem if any."""

    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""


def verify(conn: Any) -> ChainReport:
    """Walk the chain from the start; name the first entry that does not hold."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for row in conn.execute(
        "SELECT seq, id, at, actor, action, target, detail, prev_hash, hash"
        " FROM audit_log ORDER BY seq"
    ):
        seq = int(row[0])
        label = f"#{seq} ({row[4]}, {row[2]}, {row[3]})"
        if seq != expected_seq:
            return ChainReport(False, checked, expected_seq, t(
                f"第 {expected_seq} 条审计记录缺失（其后为 {label}）",
                f"audit entry #{expected_seq} is missing (next present: {label})"))
        if row[7] != expected_prev:
            return ChainReport(False, checked, seq, t(
                f"审计记录 {label} 与前一条不相连（前一条被改动或删除）",
                f"audit entry {label} does not chain to the one before (altered or removed)"))
        try:
            recomputed = entry_hash(seq, row[1], row[2], row[3], row[4], row[5], row[6], row[7])
        except (ValueError, TypeError):
            recomputed = ""
        if recomputed != row[8]:
            return ChainReport(False, checked, seq, t(
                f"审计记录 {label} 的内容被改动（哈希不符）",
                f"audit entry {label} was altered (hash mismatch)"))
        expected_prev = str(row[8])
        expected_seq += 1
        checked += 1
    head_row = conn.execute("SELECT value FROM sync_state WHERE key = ?", (HEAD_KEY,)).fetchone()
    if head_row is not None:
        head = json.loads(head_row[0])
        if int(head["seq"]) != checked or head["hash"] != expected_prev:
            return ChainReport(False, checked, checked + 1, t(
                f"审计日志末尾被截断：应有 {head['seq']} 条，实有 {checked} 条",
                f"the audit log was cut short: {head['seq']} entries expected, {checked} found"))
    return ChainReport(True, checked)

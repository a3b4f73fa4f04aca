"""Applying an uploaded batch: one transaction, uniqueness enforced by the database.

Each item is a record or an operation with its client-generated id, the station-side day
it belongs to, its canonical JSON body and the body's SHA-256. The answer per item, given
only after the commit, is one of:

- ``accepted``: stored now (an operation that did not fit the server's state is stored
  and queued for a supervisor; its answer carries a ``note``);
- ``duplicate``: the same id with the same hash was already stored (a success);
- ``conflict``: the same id was stored with a different hash;
- ``rejected``: the item is malformed or outside the station's division (``reason``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg

from server.db import POSTGRES, Database, Tx
from server.enrolment import StationIdentity
from server.schema import ensure_day_partitions
from server.timefmt import iso, utcnow

log = logging.getLogger(__name__)

ACCEPTED, DUPLICATE, CONFLICT, REJECTED = "accepted", "duplicate", "conflict", "rejected"
RECORD_KINDS = frozenset({"screening", "health_check", "case_event", "aid_event", "audit"})
OPERATION_KINDS = frozenset({"case_event", "aid_event"})
MAX_ITEMS = 5000

CASE_TRANSITIONS = frozenset(
    {
        (None, "active"),
        ("active", "active"),
        ("active", "released"),
        ("active", "transferred"),
        ("released", "released"),
        ("transferred", "transferred"),
    }
)
AID_TRANSITIONS = frozenset(
    {
        (None, "open"),
        ("open", "open"),
        ("open", "assigned"),
        ("assigned", "assigned"),
        ("open", "delivered"),
        ("assigned", "delivered"),
        ("delivered", "closed"),
        ("open", "cancelled"),
        ("assigned", "cancelled"),
    }
)

_DAY = re.compile(r"^20\d\d-\d\d-\d\d$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


@dataclass
class ItemResult:
    """The server's answer for one item."""

    id: str
    status: str
    reason: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "status": self.status}
        if self.reason:
            out["reason"] = self.reason
        if self.note:
            out["note"] = self.note
        return out


@dataclass
class _Row:
    index: int
    record_id: str
    day: str
    kind: str
    body_hash: str
    body: str
    parsed: dict[str, Any] = field(repr=False)


def _validate(item: Any, station: StationIdentity, *, parse: bool = True
              ) -> tuple[_Row | None, str | None]:
    """Check one item; returns the row to store, or the reason it is rejected.

    With ``parse=False`` (PostgreSQL bulk path) a record's JSON, division and station are
    checked by the database while it converts the body to jsonb; operations always parse.
    """
    shape = _check_shape(item)
    if isinstance(shape, str):
        return None, shape
    rid, kind, day, body, digest = shape
    try:
        raw = body.encode("utf-8")
    except UnicodeEncodeError:
        return None, "bad_body"
    if hashlib.sha256(raw).hexdigest() != digest:
        return None, "hash_mismatch"
    if "\x00" in body or "\\u0000" in body:
        return None, "bad_body"
    if not parse and kind not in OPERATION_KINDS and "\\u" not in body:
        return _Row(0, rid, day, str(kind), digest, body, {}), None
    try:
        parsed = json.loads(body)
        if "\\u" in body:  # lone surrogates escaped inside the text
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        return None, "bad_body"
    if not isinstance(parsed, dict):
        return None, "bad_body"
    if parsed.get("division") != station.division:
        return None, "division_mismatch"
    if parsed.get("station_id") != station.station_id:
        return None, "station_mismatch"
    return _Row(0, rid, day, str(kind), digest, body, parsed), None


def _check_shape(item: Any) -> tuple[str, str, str, str, str] | str:
    """The item's id, kind, day, body and hash, or the reason it is malformed."""
    if not isinstance(item, dict):
        return "malformed_item"
    rid, kind, day = item.get("id"), item.get("kind"), item.get("day")
    body, digest = item.get("body"), item.get("hash")
    if not isinstance(rid, str) or not 0 < len(rid) <= 64:
        return "bad_id"
    if kind not in RECORD_KINDS:
        return "unknown_kind"
    if not isinstance(day, str) or not _DAY.match(day) or not _real_day(day):
        return "bad_day"
    if not isinstance(body, str) or not isinstance(digest, str) or not _HEX64.match(digest):
        return "malformed_item"
    return rid, str(kind), day, body, digest


def _real_day(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def apply_batch(
    db: Database,
    station: StationIdentity,
    items: Sequence[Any],
    audit_head: dict[str, Any] | None = None,
) -> list[ItemResult]:
    """Store a batch in one transaction and answer per item (after the commit)."""
    results: list[ItemResult | None] = [None] * len(items)
    rows: list[_Row] = []
    first_seen: dict[str, _Row] = {}
    parse = db.dialect != POSTGRES
    for index, item in enumerate(items):
        row, reason = _validate(item, station, parse=parse)
        rid = str(item.get("id")) if isinstance(item, dict) else f"#{index}"
        if row is None:
            results[index] = ItemResult(rid, REJECTED, reason=reason)
            continue
        row.index = index
        earlier = first_seen.get(row.record_id)
        if earlier is not None:  # the same id twice in one batch
            same = earlier.body_hash == row.body_hash and earlier.day == row.day
            results[index] = ItemResult(rid, DUPLICATE if same else CONFLICT,
                                        reason=None if same else "id_reused")
            continue
        first_seen[row.record_id] = row
        rows.append(row)

    if db.dialect == POSTGRES:
        ensure_day_partitions(db, _recent_days(rows))
    try:
        _store(db, station, rows, results, audit_head, bulk=True)
    except psycopg.DataError as exc:
        # One item PostgreSQL will not take poisons the bulk path: redo item by item so
        # the rest of the batch still goes in and only that item is rejected.
        log.warning("bulk upload failed (%s); retrying item by item", exc)
        for row in rows:
            results[row.index] = None
        _store(db, station, rows, results, audit_head, bulk=False)
    return [r for r in results if r is not None]


def _recent_days(rows: Sequence[_Row]) -> list[dt.date]:
    today = utcnow().date()
    days = {dt.date.fromisoformat(r.day) for r in rows}
    return [d for d in days if today - dt.timedelta(days=60) <= d <= today + dt.timedelta(days=1)]


def _store(
    db: Database,
    station: StationIdentity,
    rows: list[_Row],
    results: list[ItemResult | None],
    audit_head: dict[str, Any] | None,
    *,
    bulk: bool,
) -> None:
    with db.transaction() as tx:
        if tx.dialect == POSTGRES and bulk:
            outcome = _insert_postgres_bulk(tx, station, rows)
        elif tx.dialect == POSTGRES:
            outcome = _insert_postgres_each(tx, station, rows)
        else:
            outcome = _insert_sqlite(tx, station, rows)
        for row in rows:
            status = outcome[row.record_id]
            if status == ACCEPTED and row.kind in ("case_event", "aid_event"):
                note = _apply_operation(tx, station, row)
                results[row.index] = ItemResult(row.record_id, ACCEPTED, note=note)
            elif status in (ACCEPTED, DUPLICATE):
                results[row.index] = ItemResult(row.record_id, status)
            elif status == CONFLICT:
                results[row.index] = ItemResult(row.record_id, CONFLICT, reason="id_reused")
            else:
                results[row.index] = ItemResult(row.record_id, REJECTED, reason=status)
        _touch_station(tx, station, audit_head)


def _tuples(station: StationIdentity, rows: Sequence[_Row]) -> list[tuple[str, ...]]:
    return [
        (station.division, r.day, r.record_id, station.station_id, r.kind, r.body_hash, r.body)
        for r in rows
    ]


_STAGE = (
    "CREATE TEMP TABLE IF NOT EXISTS upload_stage (division text, day date, record_id text, "
    "station_id text, kind text, body_hash text, body text) ON COMMIT DELETE ROWS"
)


def _insert_postgres_bulk(tx: Tx, station: StationIdentity, rows: list[_Row]) -> dict[str, str]:
    if not rows:
        return {}
    tx.execute(_STAGE)
    with tx.conn.cursor() as cur:
        with cur.copy(
            "COPY upload_stage (division, day, record_id, station_id, kind, body_hash, body) "
            "FROM STDIN"
        ) as copy:
            for values in _tuples(station, rows):
                copy.write_row(values)
        # The body's own division and station must be the caller's: checked here, where the
        # body is parsed into jsonb anyway.
        cur.execute(
            "INSERT INTO records (division, day, record_id, station_id, kind, body_hash, body) "
            "SELECT division, day, record_id, station_id, kind, body_hash, b FROM "
            "(SELECT s.*, s.body::jsonb AS b FROM upload_stage s) x "
            "WHERE b->>'division' = division AND b->>'station_id' = station_id "
            "ON CONFLICT DO NOTHING RETURNING record_id"
        )
        inserted = {r[0] for r in cur.fetchall()}
        if len(inserted) == len(rows):
            return dict.fromkeys(inserted, ACCEPTED)
        cur.execute(
            "SELECT s.record_id, r.body_hash = s.body_hash FROM upload_stage s "
            "JOIN records r ON r.division = s.division AND r.day = s.day "
            "AND r.record_id = s.record_id"
        )
        same = {r[0]: bool(r[1]) for r in cur.fetchall()}
        missing = [r.record_id for r in rows if r.record_id not in same]
        if missing:
            cur.execute(
                "SELECT record_id, CASE WHEN body::jsonb->>'division' IS DISTINCT FROM division "
                "THEN 'division_mismatch' ELSE 'station_mismatch' END FROM upload_stage "
                "WHERE record_id = ANY(%s)",
                (missing,),
            )
            mismatched = dict(cur.fetchall())
        else:
            mismatched = {}
    out = _classify(rows, inserted, same)
    out.update(mismatched)
    return out


def _insert_postgres_each(tx: Tx, station: StationIdentity, rows: list[_Row]) -> dict[str, str]:
    inserted: set[str] = set()
    same: dict[str, bool] = {}
    for values, row in zip(_tuples(station, rows), rows, strict=True):
        try:
            with tx.conn.transaction():  # a savepoint per item
                got = tx.one(
                    "INSERT INTO records (division, day, record_id, station_id, kind, "
                    "body_hash, body) SELECT ?, ?, ?, ?, ?, ?, b FROM (SELECT ?::jsonb AS b) x "
                    "WHERE b->>'division' = ? AND b->>'station_id' = ? "
                    "ON CONFLICT DO NOTHING RETURNING record_id",
                    (*values, station.division, station.station_id),
                )
        except psycopg.DataError:
            continue  # left out of `same`: rejected below
        if got is not None:
            inserted.add(row.record_id)
        existing = tx.one(
            "SELECT body_hash FROM records WHERE division = ? AND day = ? AND record_id = ?",
            (station.division, row.day, row.record_id),
        )
        if existing is not None:
            same[row.record_id] = existing[0] == row.body_hash
    out = _classify(rows, inserted, same)
    for row in rows:
        if out[row.record_id] == "bad_body" and row.body.lstrip().startswith("{"):
            try:
                doc = json.loads(row.body)
            except ValueError:
                continue
            if isinstance(doc, dict) and doc.get("division") != station.division:
                out[row.record_id] = "division_mismatch"
            elif isinstance(doc, dict) and doc.get("station_id") != station.station_id:
                out[row.record_id] = "station_mismatch"
    return out


def _insert_sqlite(tx: Tx, station: StationIdentity, rows: list[_Row]) -> dict[str, str]:
    inserted: set[str] = set()
    same: dict[str, bool] = {}
    for values, row in zip(_tuples(station, rows), rows, strict=True):
        n = tx.execute(
            "INSERT INTO records (division, day, record_id, station_id, kind, body_hash, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            values,
        )
        if n == 1:
            inserted.add(row.record_id)
            same[row.record_id] = True
            continue
        existing = tx.one(
            "SELECT body_hash FROM records WHERE division = ? AND day = ? AND record_id = ?",
            (station.division, row.day, row.record_id),
        )
        same[row.record_id] = existing is not None and existing[0] == row.body_hash
    return _classify(rows, inserted, same)


def _classify(rows: list[_Row], inserted: set[str], same: dict[str, bool]) -> dict[str, str]:
    out: dict[str, str] = {}
    for row in rows:
        if row.record_id not in same:
            out[row.record_id] = "bad_body"
        elif row.record_id in inserted:
            out[row.record_id] = ACCEPTED
        else:
            out[row.record_id] = DUPLICATE if same[row.record_id] else CONFLICT
    return out


def _apply_operation(tx: Tx, station: StationIdentity, row: _Row) -> str | None:
    """Check a status transition against the server's state; returns a note if held."""
    if row.kind == "case_event":
        table, key, allowed = "case_state", "case_id", CASE_TRANSITIONS
    else:
        table, key, allowed = "aid_state", "request_id", AID_TRANSITIONS
    subject = row.parsed.get(key)
    from_status = row.parsed.get("from_status")
    to_status = row.parsed.get("to_status")
    if not isinstance(subject, str) or not isinstance(to_status, str):
        return _hold(tx, station, row, str(subject), None, from_status, str(to_status),
                     "operation without subject or target status")
    lock = " FOR UPDATE" if tx.dialect == POSTGRES else ""
    found = tx.one(
        f"SELECT status FROM {table} WHERE division = ? AND {key} = ?{lock}",
        (station.division, subject),
    )
    current = found[0] if found else None
    if from_status != current or (from_status, to_status) not in allowed:
        reason = (
            f"transition {from_status or '-'} -> {to_status} does not fit the server's "
            f"status {current or '-'}"
        )
        return _hold(tx, station, row, subject, current, from_status, to_status, reason)
    tx.execute(
        f"INSERT INTO {table} (division, {key}, station_id, status, last_event, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (division, {key}) DO UPDATE SET "
        "status = excluded.status, last_event = excluded.last_event, "
        "updated_at = excluded.updated_at, station_id = excluded.station_id",
        (station.division, subject, station.station_id, to_status, row.record_id, iso(utcnow())),
    )
    return None


def _hold(
    tx: Tx,
    station: StationIdentity,
    row: _Row,
    subject: str,
    current: str | None,
    from_status: Any,
    to_status: str,
    reason: str,
) -> str:
    tx.execute(
        "INSERT INTO review_queue (division, record_id, station_id, kind, subject_id, "
        "server_status, from_status, to_status, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        (station.division, row.record_id, station.station_id, row.kind, subject, current,
         from_status if isinstance(from_status, str) else None, to_status, reason,
         iso(utcnow())),
    )
    return f"held for supervisor review: {reason}"


def _touch_station(tx: Tx, station: StationIdentity, audit_head: dict[str, Any] | None) -> None:
    now = iso(utcnow())
    seq = audit_head.get("seq") if isinstance(audit_head, dict) else None
    digest = audit_head.get("hash") if isinstance(audit_head, dict) else None
    if isinstance(seq, int) and isinstance(digest, str) and len(digest) <= 128:
        tx.execute(
            "UPDATE stations SET last_seen_at = ?, audit_head_seq = ?, audit_head_hash = ?, "
            "audit_head_at = ? WHERE station_id = ? "
            "AND (audit_head_seq IS NULL OR audit_head_seq <= ?)",
            (now, seq, digest, now, station.station_id, seq),
        )
    tx.execute(
        "UPDATE stations SET last_seen_at = ? WHERE station_id = ?", (now, station.station_id)
    )

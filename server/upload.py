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


@dataclass(slots=True)
class _Row:
    index: int
    record_id: str
    day: str
    kind: str
    body_hash: str
    body: str
    parsed: dict[str, Any] = field(repr=False)


_NOT_PARSED: dict[str, Any] = {}


def _validate(item: Any, station: StationIdentity, *, parse: bool = True,
              days: dict[str, bool] | None = None) -> tuple[_Row | None, str | None]:
    """Check one item; returns the row to store, or the reason it is rejected.

    The hash is always checked over the exact bytes of the body. With ``parse=False``
    (PostgreSQL bulk path) a record's JSON, division and station are checked by the
    database while it converts the body to jsonb (constraint ``records_body_owner``);
    operations are always parsed here. ``days`` caches which day strings are valid.
    """
    shape = _check_shape(item, days)
    if isinstance(shape, str):
        return None, shape
    rid, kind, day, body, digest = shape
    try:
        raw = body.encode("utf-8")
    except UnicodeEncodeError:
        return None, "bad_body"
    if hashlib.sha256(raw).hexdigest() != digest:
        return None, "hash_mismatch"
    # Searched in the UTF-8 bytes (a plain byte scan) rather than in the text.
    escapes = b"\\u" in raw
    if b"\x00" in raw or (escapes and b"\\u0000" in raw):
        return None, "bad_body"
    if not parse and not escapes and kind not in OPERATION_KINDS:
        return _Row(0, rid, day, kind, digest, body, _NOT_PARSED), None
    try:
        parsed = json.loads(body)
        if escapes:  # lone surrogates escaped inside the text
            json.dumps(parsed, ensure_ascii=False).encode("utf-8")
    except (ValueError, UnicodeEncodeError, RecursionError):
        return None, "bad_body"
    if not isinstance(parsed, dict):
        return None, "bad_body"
    if parsed.get("division") != station.division:
        return None, "division_mismatch"
    if parsed.get("station_id") != station.station_id:
        return None, "station_mismatch"
    return _Row(0, rid, day, kind, digest, body, parsed), None


def _check_shape(item: Any, days: dict[str, bool] | None
                 ) -> tuple[str, str, str, str, str] | str:
    """The item's id, kind, day, body and hash, or the reason it is malformed."""
    if not isinstance(item, dict):
        return "malformed_item"
    get = item.get
    rid, kind, day, body, digest = get("id"), get("kind"), get("day"), get("body"), get("hash")
    if not isinstance(rid, str) or not 0 < len(rid) <= 64:
        return "bad_id"
    if not isinstance(kind, str) or kind not in RECORD_KINDS:
        return "unknown_kind"
    if not isinstance(day, str) or not _day_ok(day, days):
        return "bad_day"
    if not isinstance(body, str) or not isinstance(digest, str) or not _HEX64.match(digest):
        return "malformed_item"
    return rid, kind, day, body, digest


def _day_ok(day: str, days: dict[str, bool] | None) -> bool:
    """A real calendar day written YYYY-MM-DD (answers cached in ``days``)."""
    good = days.get(day) if days is not None else None
    if good is None:
        good = bool(_DAY.match(day)) and _real_day(day)
        if days is not None:
            days[day] = good
    return good


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
    days: dict[str, bool] = {}
    for index, item in enumerate(items):
        row, reason = _validate(item, station, parse=parse, days=days)
        if row is None:
            rid = str(item.get("id")) if isinstance(item, dict) else f"#{index}"
            results[index] = ItemResult(rid, REJECTED, reason=reason)
            continue
        row.index = index
        earlier = first_seen.get(row.record_id)
        if earlier is not None:  # the same id twice in one batch
            same = earlier.body_hash == row.body_hash and earlier.day == row.day
            results[index] = ItemResult(row.record_id, DUPLICATE if same else CONFLICT,
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
    days = {dt.date.fromisoformat(day) for day in {r.day for r in rows}}
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
_COLUMNS = "(division, day, record_id, station_id, kind, body_hash, body)"
# The same test as the table's CHECK constraint `records_body_owner` (migration 0002).
_STORED = (
    "(SELECT true FROM records r WHERE r.division = s.division AND r.day = s.day "
    "AND r.record_id = s.record_id)"
)
_OWNED = (
    "coalesce(b -> 'division' = to_jsonb(division), false) "
    "AND coalesce(b -> 'station_id' = to_jsonb(station_id), false)"
)


def _insert_postgres_bulk(tx: Tx, station: StationIdentity, rows: list[_Row]) -> dict[str, str]:
    """Store ``rows``; returns each id's outcome (accepted, duplicate, conflict or a reason).

    First, unless the batch looks like a retry, one COPY straight into ``records`` inside a
    savepoint: the primary key refuses a stored id and the ``records_body_owner`` check a
    body naming another division or station, either of which fails the whole COPY and rolls
    back to the savepoint. Then (or for a retry) the batch goes through a staging table and
    ``INSERT … ON CONFLICT DO NOTHING``, which answers row by row.
    """
    if not rows:
        return {}
    values = _tuples(station, rows)
    if not _maybe_stored(tx, station, rows):
        try:
            with tx.conn.transaction(), tx.conn.cursor() as cur, \
                    cur.copy(f"COPY records {_COLUMNS} FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
        except (psycopg.IntegrityError, psycopg.DataError) as exc:
            log.debug("direct COPY refused (%s); answering row by row", type(exc).__name__)
        else:
            return dict.fromkeys((r.record_id for r in rows), ACCEPTED)
    tx.execute(_STAGE)
    # The per-row probes below are costed (without statistics for the staging table, and
    # before run-time partition pruning) far above what they do; JIT compilation would cost
    # more than the statements themselves. Transaction-scoped, so it works under PgBouncer.
    tx.execute("SET LOCAL jit = off")
    with tx.conn.cursor() as cur:
        with cur.copy(f"COPY upload_stage {_COLUMNS} FROM STDIN") as copy:
            for row_values in values:
                copy.write_row(row_values)
        # Rows stored already (a retried batch) are left out before their bodies are parsed;
        # ON CONFLICT still settles a row another transaction stores meanwhile. Lookups are
        # scalar subqueries, one primary-key probe per staged row: the staging table has no
        # statistics, and a join plan could otherwise walk a whole day partition.
        cur.execute(
            f"WITH fresh AS MATERIALIZED (SELECT s.* FROM upload_stage s WHERE {_STORED} IS NULL) "
            f"INSERT INTO records {_COLUMNS} "
            "SELECT division, day, record_id, station_id, kind, body_hash, b FROM "
            "(SELECT f.*, f.body::jsonb AS b FROM fresh f) x "
            f"WHERE {_OWNED} ON CONFLICT DO NOTHING RETURNING record_id"
        )
        inserted = {r[0] for r in cur.fetchall()}
        if len(inserted) == len(rows):
            return dict.fromkeys(inserted, ACCEPTED)
        cur.execute(
            "SELECT s.record_id, (SELECT r.body_hash = s.body_hash FROM records r "
            "WHERE r.division = s.division AND r.day = s.day AND r.record_id = s.record_id) "
            "FROM upload_stage s"
        )
        same = {r[0]: bool(r[1]) for r in cur.fetchall() if r[1] is not None}
        missing = [r.record_id for r in rows if r.record_id not in same]
        if missing:
            cur.execute(
                "SELECT record_id, CASE WHEN coalesce(b -> 'division' = to_jsonb(division), "
                "false) THEN 'station_mismatch' ELSE 'division_mismatch' END "
                "FROM (SELECT s.*, s.body::jsonb AS b FROM upload_stage s) x "
                "WHERE record_id = ANY(%s)",
                (missing,),
            )
            mismatched = dict(cur.fetchall())
        else:
            mismatched = {}
    out = _classify(rows, inserted, same)
    out.update(mismatched)
    return out


def _maybe_stored(tx: Tx, station: StationIdentity, rows: list[_Row]) -> bool:
    """Whether the first or the last row is stored already: the batch is then most likely a
    retry (the station resends a batch whose answer it never got), and the direct COPY would
    only fail. A batch is stored whole or not at all, so its ends tell."""
    first, last = rows[0], rows[-1]
    found = tx.one(
        "SELECT EXISTS (SELECT 1 FROM records WHERE division = ? AND day = ? "
        "AND record_id = ?) OR EXISTS (SELECT 1 FROM records WHERE division = ? AND day = ? "
        "AND record_id = ?)",
        (station.division, first.day, first.record_id,
         station.division, last.day, last.record_id),
    )
    return bool(found and found[0])


def _insert_postgres_each(tx: Tx, station: StationIdentity, rows: list[_Row]) -> dict[str, str]:
    inserted: set[str] = set()
    same: dict[str, bool] = {}
    for values, row in zip(_tuples(station, rows), rows, strict=True):
        try:
            with tx.conn.transaction():  # a savepoint per item
                got = tx.one(
                    f"INSERT INTO records {_COLUMNS} SELECT ?, ?, ?, ?, ?, ?, b FROM "
                    "(SELECT ?::jsonb AS b, ?::text AS division, ?::text AS station_id) x "
                    f"WHERE {_OWNED} ON CONFLICT DO NOTHING RETURNING record_id",
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
    set_status(tx, station.division, row.kind, subject, station.station_id, to_status,
               row.record_id)
    return None


def set_status(tx: Tx, division: str, kind: str, subject: str, station_id: str, status: str,
               event_id: str) -> None:
    """Record ``status`` as the server's state of a case (``case_event``) or aid request."""
    table, key = ("case_state", "case_id") if kind == "case_event" else ("aid_state",
                                                                           "request_id")
    tx.execute(
        f"INSERT INTO {table} (division, {key}, station_id, status, last_event, updated_at) "
        f"VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (division, {key}) DO UPDATE SET "
        "status = excluded.status, last_event = excluded.last_event, "
        "updated_at = excluded.updated_at, station_id = excluded.station_id",
        (division, subject, station_id, status, event_id, iso(utcnow())),
    )


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
    """Note the station's visit and, if newer than the one kept, the head of its audit chain
    (one statement: concurrent batches of a station queue on this row only briefly)."""
    now = iso(utcnow())
    seq = audit_head.get("seq") if isinstance(audit_head, dict) else None
    digest = audit_head.get("hash") if isinstance(audit_head, dict) else None
    if isinstance(seq, int) and not isinstance(seq, bool) and isinstance(digest, str) \
            and len(digest) <= 128 and -(2**63) <= seq < 2**63:
        newer = "(audit_head_seq IS NULL OR audit_head_seq <= ?)"
        tx.execute(
            f"UPDATE stations SET last_seen_at = ?, "
            f"audit_head_seq = CASE WHEN {newer} THEN ? ELSE audit_head_seq END, "
            f"audit_head_hash = CASE WHEN {newer} THEN ? ELSE audit_head_hash END, "
            f"audit_head_at = CASE WHEN {newer} THEN ? ELSE audit_head_at END "
            "WHERE station_id = ?",
            (now, seq, seq, seq, digest, seq, now, station.station_id),
        )
        return
    tx.execute(
        "UPDATE stations SET last_seen_at = ? WHERE station_id = ?", (now, station.station_id)
    )

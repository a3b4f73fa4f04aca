"""The supervisor review queue: operations that did not fit the server's state.

An upload never lets the last writer win on a case or an aid request: a status transition
that does not follow from the server's current status is stored, answered ``accepted`` with
a note, and queued here (``server.upload``). A supervisor of the division then resolves
each queued item once:

- ``applied``: the held transition is made the server's status after all;
- ``dismissed``: the server's status stands; the record stays stored as history.

Every read and write is confined to one division (the caller's).
"""

from __future__ import annotations

from typing import Any

from server.db import POSTGRES, Database
from server.timefmt import as_text, iso, utcnow
from server.upload import AID_TRANSITIONS, CASE_TRANSITIONS, set_status

RESOLUTIONS = frozenset({"applied", "dismissed"})
STATES = frozenset({"open", "resolved", "all"})
MAX_LIST = 500

_COLUMNS = (
    "record_id, station_id, kind, subject_id, server_status, from_status, to_status, reason, "
    "created_at, resolved_at, resolution, resolved_by, resolution_note"
)


class ReviewError(Exception):
    """A resolution that cannot be made; ``reason`` is a stable machine word."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _item(division: str, row: tuple[Any, ...]) -> dict[str, Any]:
    (record_id, station_id, kind, subject_id, server_status, from_status, to_status, reason,
     created_at, resolved_at, resolution, resolved_by, note) = row
    return {
        "division": division, "record_id": record_id, "station_id": station_id, "kind": kind,
        "subject_id": subject_id, "server_status": server_status, "from_status": from_status,
        "to_status": to_status, "reason": reason, "created_at": as_text(created_at),
        "resolved_at": as_text(resolved_at), "resolution": resolution,
        "resolved_by": resolved_by, "resolution_note": note,
    }


def list_items(db: Database, division: str, state: str = "open",
               limit: int = 100) -> list[dict[str, Any]]:
    """Queued items of ``division``, oldest first (``state``: open, resolved or all)."""
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(sorted(STATES))}")
    limit = max(1, min(int(limit), MAX_LIST))
    where = {"open": " AND resolved_at IS NULL", "resolved": " AND resolved_at IS NOT NULL",
             "all": ""}[state]
    with db.transaction() as tx:
        rows = tx.query(
            f"SELECT {_COLUMNS} FROM review_queue WHERE division = ?{where} "
            "ORDER BY created_at, record_id LIMIT ?",
            (division, limit),
        )
    return [_item(division, r) for r in rows]


def divisions_with_open_items(db: Database) -> list[tuple[str, int]]:
    """(division, open items) for every division with something to review (operators)."""
    with db.transaction() as tx:
        rows = tx.query(
            "SELECT division, count(*) FROM review_queue WHERE resolved_at IS NULL "
            "GROUP BY division ORDER BY division"
        )
    return [(str(d), int(n)) for d, n in rows]


def resolve(db: Database, division: str, record_id: str, resolution: str, by: str,
            note: str = "") -> dict[str, Any]:
    """Resolve one queued item of ``division``; returns it as it now stands.

    Raises :class:`ReviewError` (``not_found``, ``already_resolved``, ``bad_resolution``,
    ``not_applicable``).
    An item of another division is ``not_found``: a caller learns nothing about it.
    """
    if resolution not in RESOLUTIONS:
        raise ReviewError("bad_resolution",
                          f"resolution must be one of {', '.join(sorted(RESOLUTIONS))}")
    if not by.strip():
        raise ReviewError("bad_resolution", "who resolves the item must be given")
    with db.transaction() as tx:
        lock = " FOR UPDATE" if tx.dialect == POSTGRES else ""
        row = tx.one(
            f"SELECT {_COLUMNS} FROM review_queue WHERE division = ? AND record_id = ?{lock}",
            (division, record_id),
        )
        if row is None:
            raise ReviewError("not_found", "no such item in this division's review queue")
        item = _item(division, row)
        if item["resolved_at"] is not None:
            raise ReviewError("already_resolved", "this item has already been resolved")
        if resolution == "applied":
            allowed = CASE_TRANSITIONS if item["kind"] == "case_event" else AID_TRANSITIONS
            if item["to_status"] not in {to for _, to in allowed}:
                raise ReviewError("not_applicable",
                                  "the held operation names no valid status; dismiss it")
            set_status(tx, division, item["kind"], item["subject_id"], item["station_id"],
                       item["to_status"], record_id)
        now = iso(utcnow())
        tx.execute(
            "UPDATE review_queue SET resolved_at = ?, resolution = ?, resolved_by = ?, "
            "resolution_note = ? WHERE division = ? AND record_id = ? AND resolved_at IS NULL",
            (now, resolution, by.strip()[:200], note[:2000], division, record_id),
        )
    return {**item, "resolved_at": now, "resolution": resolution,
            "resolved_by": by.strip()[:200], "resolution_note": note[:2000]}

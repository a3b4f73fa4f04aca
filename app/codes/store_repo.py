"""The storage protocols on the station's SQL connection (``trust_anchors``,
``trust_material``, ``reference_data``, ``screenings``).

Every function takes a DB-API connection (``sqlcipher3`` in the app, ``sqlite3`` in tests)
and must run on the store's DB thread, e.g.::

    state = station.db.run(lambda conn: TrustState.load(SqlTrustRepository(conn)))
"""

from __future__ import annotations

from typing import Any

from app.codes.repository import AnchorRecord, EarlierScan, MaterialRecord


class SqlTrustRepository:
    """TrustRepository over ``trust_anchors`` and ``trust_material``."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def anchors(self) -> list[AnchorRecord]:
        """All pinned anchors."""
        rows = self._conn.execute(
            "SELECT kid, alg, spki, label, installed_at FROM trust_anchors ORDER BY kid").fetchall()
        return [AnchorRecord(str(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4])) for r in rows]

    def put_anchor(self, record: AnchorRecord) -> None:
        """Pin (or re-label) one anchor."""
        self._conn.execute(
            "INSERT INTO trust_anchors (kid, alg, spki, label, installed_at) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT(kid) DO UPDATE SET alg = excluded.alg, spki = excluded.spki,"
            " label = excluded.label, installed_at = excluded.installed_at",
            (record.kid, record.alg, record.spki, record.label, record.installed_at))

    def material(self, kind: str) -> MaterialRecord | None:
        """The installed list of ``kind``."""
        row = self._conn.execute(
            "SELECT kind, version, issued_at, next_update, raw, installed_at FROM trust_material"
            " WHERE kind = ?", (kind,)).fetchone()
        return _material(row) if row is not None else None

    def all_material(self) -> list[MaterialRecord]:
        """Every installed list."""
        rows = self._conn.execute(
            "SELECT kind, version, issued_at, next_update, raw, installed_at FROM trust_material"
            " ORDER BY kind").fetchall()
        return [_material(r) for r in rows]

    def put_material(self, record: MaterialRecord) -> bool:
        """Store only if newer than the installed version (checked in the same statement)."""
        cursor = self._conn.execute(
            "INSERT INTO trust_material (kind, version, issued_at, next_update, raw, installed_at)"
            " VALUES (?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(kind) DO UPDATE SET version = excluded.version,"
            " issued_at = excluded.issued_at, next_update = excluded.next_update,"
            " raw = excluded.raw, installed_at = excluded.installed_at"
            " WHERE excluded.version > trust_material.version",
            (record.kind, record.version, record.issued_at, record.next_update, record.raw,
             record.installed_at))
        return bool(cursor.rowcount == 1)


def _material(row: Any) -> MaterialRecord:
    return MaterialRecord(str(row[0]), int(row[1]), str(row[2]), str(row[3]), str(row[4]),
                          str(row[5]))


def load_reference(conn: Any, kind: str) -> tuple[str, str] | None:
    """``(version, body)`` of a reference-data kind (``decision-rules``, ``online-issuers``)."""
    row = conn.execute("SELECT version, body FROM reference_data WHERE kind = ?",
                       (kind,)).fetchone()
    return (str(row[0]), str(row[1])) if row is not None else None


def save_reference(conn: Any, kind: str, version: str, body: str, received_at: str) -> None:
    """Store a reference-data kind (the caller has validated ``body``)."""
    conn.execute(
        "INSERT INTO reference_data (kind, version, body, received_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(kind) DO UPDATE SET version = excluded.version, body = excluded.body,"
        " received_at = excluded.received_at", (kind, version, body, received_at))


_NOT_VOIDED = " AND id NOT IN (SELECT voids FROM screenings WHERE voids IS NOT NULL)"


class SqlScanHistory:
    """ScanHistory over ``screenings`` (uses the (code_id, clock_ts) and (person_ref,
    clock_ts) indexes)."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn

    def _latest(self, column: str, value: str, since_ts: float,
                until_ts: float) -> tuple[str, float] | None:
        row = self._conn.execute(
            f"SELECT id, clock_ts FROM screenings WHERE {column} = ?"  # noqa: S608 - fixed names
            " AND clock_ts BETWEEN ? AND ?" + _NOT_VOIDED + " ORDER BY clock_ts DESC LIMIT 1",
            (value, since_ts, until_ts)).fetchone()
        return (str(row[0]), float(row[1])) if row is not None else None

    def earlier_scan(self, code_id: str | None, person_ref: str | None,
                     since_ts: float, until_ts: float) -> EarlierScan | None:
        """The latest screening in the window with this code id or person id."""
        found: list[EarlierScan] = []
        if code_id:
            hit = self._latest("code_id", code_id, since_ts, until_ts)
            if hit:
                found.append(EarlierScan(hit[0], hit[1], "code"))
        if person_ref:
            hit = self._latest("person_ref", person_ref, since_ts, until_ts)
            if hit:
                found.append(EarlierScan(hit[0], hit[1], "person"))
        return max(found, key=lambda e: e.clock_ts) if found else None

"""Schema migrations and day partitions of the central database."""

from __future__ import annotations

import datetime as dt
import logging
from importlib import resources

import psycopg

from server.db import POSTGRES, Database, Tx

log = logging.getLogger(__name__)

# Advisory-lock keys (PostgreSQL): one migrator at a time, one publisher at a time.
MIGRATE_LOCK = 0x6D696772
PARTITION_LOCK = 0x70617274

PARTITION_DAYS_BEHIND = 30
PARTITION_DAYS_AHEAD = 7


def _migration_files(dialect: str) -> list[tuple[int, str]]:
    folder = resources.files("server").joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        name = entry.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def current_version(tx: Tx) -> int:
    """The schema version recorded in the database (0 when empty)."""
    tx.execute("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)")
    row = tx.one("SELECT max(version) FROM schema_version")
    return int(row[0]) if row and row[0] is not None else 0


def _run_script(tx: Tx, script: str) -> None:
    if tx.dialect == POSTGRES:
        tx.conn.execute(script.encode())  # bytes: run as a multi-statement simple query
    else:
        # executescript() would commit; split on ';' at line ends instead (no triggers here).
        for statement in script.split(";\n"):
            body = "\n".join(
                line for line in statement.splitlines() if not line.strip().startswith("--")
            ).strip()
            if body:
                tx.conn.execute(body)


def migrate(db: Database) -> int:
    """Create or upgrade the schema; returns the version reached. Safe to run concurrently."""
    with db.transaction() as tx:
        if tx.dialect == POSTGRES:
            tx.execute("SELECT pg_advisory_xact_lock(?)", (MIGRATE_LOCK,))
        version = current_version(tx)
        for number, script in _migration_files(tx.dialect):
            if number <= version:
                continue
            log.info("applying server migration %04d", number)
            _run_script(tx, script)
            tx.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            version = number
    ensure_partitions(db)
    return version


def _partition_name(day: dt.date) -> str:
    return f"records_{day:%Y%m%d}"


def ensure_partitions(db: Database, around: dt.date | None = None) -> int:
    """Create the day partitions of ``records`` around ``around`` (today); returns how many.

    A day already holding rows in the default partition is left there (PostgreSQL refuses
    to carve it out); queries see the rows either way.
    """
    if db.dialect != POSTGRES:
        return 0
    today = around or dt.datetime.now(dt.UTC).date()
    db.partition_days.clear()  # re-read from the catalogue (hourly by `serve`)
    days = [
        today + dt.timedelta(days=offset)
        for offset in range(-PARTITION_DAYS_BEHIND, PARTITION_DAYS_AHEAD + 1)
    ]
    return ensure_day_partitions(db, days)


def ensure_day_partitions(db: Database, days: list[dt.date]) -> int:
    """Create the partitions for ``days`` that are missing; returns how many were created."""
    if db.dialect != POSTGRES or not days:
        return 0
    known = db.partition_days
    wanted = set(days) - known
    if not wanted:  # the usual case on upload: no catalogue query at all
        return 0
    with db.transaction() as tx:
        rows = tx.query(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'records'"
        )
    existing = {r[0] for r in rows}
    created = 0
    for day in sorted(wanted):
        name = _partition_name(day)
        if name in existing:
            known.add(day)
            continue
        nxt = day + dt.timedelta(days=1)
        try:
            with db.transaction() as tx:
                tx.execute("SELECT pg_advisory_xact_lock(?)", (PARTITION_LOCK,))
                tx.execute(
                    f"CREATE TABLE IF NOT EXISTS {name} PARTITION OF records "
                    f"FOR VALUES FROM ('{day.isoformat()}') TO ('{nxt.isoformat()}')"
                )
            created += 1
            known.add(day)
        except psycopg.Error as exc:
            known.add(day)  # its rows stay in the default partition; say so once per hour
            log.warning("partition %s not created: %s", name, exc)
    return created


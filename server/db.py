"""Database access for the central server: PostgreSQL (psycopg 3) or an embedded SQLite file.

Both back ends speak through one small interface: :meth:`Database.transaction` yields a
:class:`Tx` whose ``execute``/``query``/``one`` take SQL written with ``?`` placeholders
(rewritten to ``%s`` for psycopg). Dialect-specific work (COPY, partitions, advisory locks)
asks ``tx.dialect``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import psycopg

Row = tuple[Any, ...]

POSTGRES = "postgresql"
SQLITE = "sqlite"


class Tx:
    """One open transaction on either back end."""

    def __init__(self, dialect: str, conn: Any) -> None:
        self.dialect = dialect
        self.conn = conn

    def _sql(self, sql: str) -> str:
        return sql.replace("?", "%s") if self.dialect == POSTGRES else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one statement; returns the affected row count."""
        cur = self.conn.execute(self._sql(sql), tuple(params))
        return int(cur.rowcount)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement for each parameter row."""
        if self.dialect == POSTGRES:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), [tuple(r) for r in rows])
        else:
            self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query, as tuples."""
        return [tuple(r) for r in self.conn.execute(self._sql(sql), tuple(params)).fetchall()]

    def one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """The first row of a query, or None."""
        row = self.conn.execute(self._sql(sql), tuple(params)).fetchone()
        return tuple(row) if row is not None else None


class Database:
    """A connection source with transactions; see :func:`open_database`."""

    dialect: str = ""
    url: str = ""
    # Days whose `records` partition this process knows to exist (server.schema keeps it).
    partition_days: set[dt.date]

    def __init__(self) -> None:
        self.partition_days = set()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:  # pragma: no cover - abstract
        raise NotImplementedError
        yield

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class PostgresDatabase(Database):
    """A bounded pool of psycopg connections (autocommit; explicit transactions)."""

    dialect = POSTGRES

    def __init__(self, url: str, *, max_size: int = 16, connect_timeout: float = 10.0) -> None:
        super().__init__()
        self.url = url
        self._connect_timeout = connect_timeout
        self._idle: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(max_size)
        self._closed = False
        # Fail early, with a clear error, when the server is not reachable.
        self._idle.put(self._connect())

    def _connect(self) -> psycopg.Connection[Any]:
        return psycopg.connect(
            self.url, autocommit=True, connect_timeout=int(self._connect_timeout)
        )

    @contextlib.contextmanager
    def connection(self) -> Iterator[psycopg.Connection[Any]]:
        """Borrow a healthy connection; it goes back to the pool afterwards."""
        if not self._slots.acquire(timeout=60):
            raise TimeoutError("no database connection free within 60 s")
        conn: psycopg.Connection[Any] | None = None
        try:
            try:
                conn = self._idle.get_nowait()
                if conn.closed or conn.broken:
                    conn = self._connect()
            except queue.Empty:
                conn = self._connect()
            yield conn
        finally:
            if conn is not None:
                if self._closed or conn.closed or conn.broken:
                    conn.close()
                else:
                    self._idle.put(conn)
            self._slots.release()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self.connection() as conn, conn.transaction():
            yield Tx(POSTGRES, conn)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                self._idle.get_nowait().close()
            except queue.Empty:
                break


class SqliteDatabase(Database):
    """One SQLite connection in WAL mode; transactions are serialised by a lock."""

    dialect = SQLITE

    def __init__(self, path: str | Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            str(self.path), isolation_level=None, check_same_thread=False, timeout=30
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Tx]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield Tx(SQLITE, self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def open_database(url: str) -> Database:
    """Open ``postgresql://…`` with psycopg, or ``sqlite:///path`` / a plain path with SQLite."""
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresDatabase(url)
    if url.startswith("sqlite:///"):
        return SqliteDatabase(url[len("sqlite:///") :])
    if "://" in url:
        raise ValueError(f"unsupported database URL: {url}")
    return SqliteDatabase(url)


def default_sqlite_path() -> Path:
    """Where `griddesk-server serve` keeps its embedded database when no --db is given."""
    import platformdirs

    return Path(platformdirs.user_data_dir("griddesk-server", appauthor=False)) / "server.db"

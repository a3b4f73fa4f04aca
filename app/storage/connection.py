"""The SQLCipher connection and the one thread that owns it.

Every read and write goes through :class:`DbThread`: ``run`` blocks the caller until the
function has run on the DB thread, ``submit`` returns a Future (the UI uses it so the GUI
thread never waits on the database), ``transaction`` wraps the function in
``BEGIN IMMEDIATE … COMMIT`` (a savepoint when already inside one).
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

import sqlcipher3

from app.errors import BugError, KnownError
from app.text import t

log = logging.getLogger(__name__)
T = TypeVar("T")
Connection = Any  # sqlcipher3.Connection; the stubs are not typed


class CipherUnavailable(KnownError):
    """SQLCipher did not take the key: encryption would silently be off."""


class WrongKey(KnownError):
    """The key does not open this database."""


def open_encrypted(path: Path, key: bytes) -> Connection:
    """Open (or create) an encrypted database with a raw 256-bit key and the house pragmas."""
    if len(key) != 32:
        raise BugError("data key must be 32 bytes")
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        row = conn.execute("PRAGMA cipher_version").fetchone()
        if not row or not row[0]:
            raise CipherUnavailable(
                t("数据库加密模块未生效，为保护数据已拒绝运行", "SQLCipher is not active; refusing "
                  "to run without encryption"),
                hint=t("请重新安装本软件", "reinstall GridDesk"),
            )
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise WrongKey(t("密钥无法打开数据库（数据库损坏或不属于本站点）",
                             "the key does not open this database (damaged or foreign)")) from exc
        conn.execute("PRAGMA temp_store = MEMORY")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            log.warning("journal_mode is %s, not WAL", mode)
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.row_factory = sqlcipher3.Row
    except BaseException:
        conn.close()
        raise
    return conn


def cipher_version(conn: Connection) -> str:
    """The SQLCipher version string the connection answers with ('' if none)."""
    row = conn.execute("PRAGMA cipher_version").fetchone()
    return str(row[0]) if row and row[0] else ""


_STOP = object()


class DbThread:
    """A single thread that owns a connection; callers hand it functions of ``conn``."""

    def __init__(self, connect: Callable[[], Connection], name: str = "griddesk-db") -> None:
        self._queue: queue.Queue[Any] = queue.Queue()
        self._ready: Future[None] = Future()
        self._conn: Connection | None = None
        self._thread = threading.Thread(target=self._main, args=(connect,), name=name,
                                        daemon=True)
        self._thread.start()
        self._ready.result()  # re-raises a failed open (wrong key, no cipher, …)

    def _main(self, connect: Callable[[], Connection]) -> None:
        try:
            self._conn = connect()
        except BaseException as exc:  # noqa: BLE001 - handed to the opener
            self._ready.set_exception(exc)
            return
        self._ready.set_result(None)
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            fn, fut = item
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                fut.set_result(fn(self._conn))
            except BaseException as exc:  # noqa: BLE001 - delivered to the caller
                fut.set_exception(exc)
        try:
            self._conn.close()
        except Exception:  # pragma: no cover - closing a broken connection
            log.exception("closing the database failed")

    @property
    def on_thread(self) -> bool:
        """Whether the caller is the DB thread itself."""
        return threading.current_thread() is self._thread

    def submit(self, fn: Callable[[Connection], T]) -> Future[T]:
        """Queue ``fn(conn)``; the Future carries its result or exception."""
        fut: Future[T] = Future()
        if not self._thread.is_alive():
            fut.set_exception(KnownError(t("数据库已关闭", "the database is closed")))
            return fut
        self._queue.put((fn, fut))
        return fut

    def run(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` on the DB thread and return its result (re-entrant)."""
        if self.on_thread:
            return fn(self._conn)
        return self.submit(fn).result()

    def transaction(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(conn)`` atomically; nested calls become savepoints."""
        return self.run(lambda conn: in_transaction(conn, fn))

    def close(self) -> None:
        """Finish queued work, close the connection, stop the thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            if not self.on_thread:
                self._thread.join(timeout=30)


def in_transaction(conn: Connection, fn: Callable[[Connection], T]) -> T:
    """``fn(conn)`` inside BEGIN IMMEDIATE…COMMIT, or a savepoint if one is open."""
    if conn.in_transaction:
        conn.execute("SAVEPOINT nested")
        try:
            result = fn(conn)
        except BaseException:
            conn.execute("ROLLBACK TO nested")
            conn.execute("RELEASE nested")
            raise
        conn.execute("RELEASE nested")
        return result
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result

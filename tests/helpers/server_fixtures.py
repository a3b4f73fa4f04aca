"""Central servers and plain station databases for sync tests.

- :func:`pg_database`: a uniquely named PostgreSQL database (dropped afterwards), from
  ``GRIDDESK_TEST_PG``.
- :class:`ServerThread`: the real FastAPI app under uvicorn on a free loopback port.
- :class:`PlainStationDb`: the station schema on a plain SQLite file, with the
  ``run``/``transaction`` interface of ``Station.db`` (the sync engine is tested on both).
- :func:`add_screenings`: outbox entries as the record services write them.

Run as a script (``python -m tests.helpers.server_fixtures sync DB``, or ``sync-encrypted
DIR`` for a real encrypted station), it performs sync runs until the outbox is empty: the
process the tests kill.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import sqlite3
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "app" / "storage" / "migrations" / "0001_initial.sql"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/griddesk_test"
T = TypeVar("T")


def pg_base_url() -> str:
    """The PostgreSQL test URL (``GRIDDESK_TEST_PG``)."""
    return os.environ.get("GRIDDESK_TEST_PG", DEFAULT_PG)


def _with_dbname(url: str, name: str) -> str:
    head, _, tail = url.rpartition("/")
    query = ""
    if "?" in tail:
        query = "?" + tail.split("?", 1)[1]
    return f"{head}/{name}{query}"


@contextlib.contextmanager
def pg_database(prefix: str = "gdsync") -> Iterator[str]:
    """Create a fresh database; yields its URL; drops it afterwards."""
    import psycopg

    base = pg_base_url()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_dbname(base, name)
    finally:
        with psycopg.connect(base, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerThread:
    """The sync API under uvicorn in a background thread; stop() and start() again."""

    def __init__(self, db_url: str, port: int | None = None) -> None:
        self.db_url = db_url
        self.port = port or free_port()
        self.db: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL of the API."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerThread:
        """Migrate, then serve; returns when the port answers."""
        import uvicorn

        from server.api import create_app
        from server.db import open_database
        from server.schema import migrate

        self.db = open_database(self.db_url)
        migrate(self.db)
        config = uvicorn.Config(create_app(self.db), host="127.0.0.1", port=self.port,
                                log_level="error", ws="none", lifespan="off",
                                timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="uvicorn", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("sync server did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        """Stop serving and close the database."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(20)
        if self.db is not None:
            self.db.close()
        self._server = self._thread = self.db = None

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class PlainStationDb:
    """The station schema on plain SQLite, with ``run`` and ``transaction`` like Station.db."""

    def __init__(self, path: Path, *, division: str = "450103", station_id: str | None = None,
                 name: str = "测试站") -> None:
        fresh = not path.exists()
        self.path = path
        self._lock = threading.RLock()
        self.conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                                    timeout=30)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        if fresh:
            self.conn.executescript(SCHEMA.read_text(encoding="utf-8"))
            self.conn.execute(
                "INSERT INTO station (id, station_id, name, division, created_at) "
                "VALUES (1, ?, ?, ?, '2026-12-01T00:00:00.000Z')",
                (station_id or str(uuid.uuid4()), name, division),
            )

    def run(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            return fn(self.conn)

    def transaction(self, fn: Callable[[Any], T]) -> T:
        with self._lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            return result

    @property
    def station_id(self) -> str:
        return str(self.conn.execute("SELECT station_id FROM station").fetchone()[0])

    @property
    def division(self) -> str:
        return str(self.conn.execute("SELECT division FROM station").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self.conn.close()


def screening_body(rng: random.Random, record_id: str) -> dict[str, Any]:
    """A realistic screening record body (without station id and division)."""
    colour = rng.choice(["green"] * 8 + ["yellow", "red"])
    temp = round(rng.uniform(36.0, 38.2), 1)
    return {
        "id": record_id, "worker": "worker1", "grid": "青秀区-03", "source": "camera",
        "format": "GX1", "result": "VALID", "colour": colour, "issuer": "GX",
        "code_id": f"GX/{rng.getrandbits(48):012x}", "person_ref": f"p{rng.getrandbits(40):010x}",
        "holder_name": "张*", "holder_doc": "4501**********1234", "temperature": temp,
        "fever": int(temp >= 37.3), "symptoms": 0, "risk_travel": 0,
        "proposal": "pass" if colour == "green" else "refuse",
        "decision": "pass" if colour == "green" else "refuse", "rules_version": "2026.1",
        "clock_ts": time.time(), "evidence": {"kid": "k1", "alg": "ES256"},
    }


def add_screenings(db: Any, n: int, *, seed: int = 0, created_at: str | None = None) -> list[str]:
    """Write ``n`` outbox entries (kind screening) in one transaction; returns their ids."""
    from app.storage.outbox import enqueue

    rng = random.Random(seed)
    ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(n)]

    def write(conn: Any) -> None:
        for rid in ids:
            enqueue(conn, "screening", rid, screening_body(rng, rid))
        if created_at is not None:
            conn.executemany("UPDATE outbox SET created_at = ? WHERE record_id = ?",
                             [(created_at, rid) for rid in ids])

    db.transaction(write)
    return ids


def store_credential(db: Any, server_url: str, credential: str) -> None:
    """Put a credential into sync_state as `griddesk enrol` does."""
    from app.sync.outbox_queue import set_state

    def save(conn: Any) -> None:
        sid, division = conn.execute("SELECT station_id, division FROM station").fetchone()
        set_state(conn, "credential", {"server": server_url, "credential": credential,
                                       "station_id": sid, "division": division})

    db.transaction(save)


def _sync_until_empty(db_path: str, batch: int, pause: float, encrypted: bool = False) -> int:
    """Script entry: sync runs until nothing is pending (killed by tests mid-way).

    ``db_path`` is a plain station database, or with ``encrypted`` the folder of a real
    encrypted station (app.storage.station.Station; the test templates' passwords, key
    derivation per ``GRIDDESK_TEST_FAST_KDF``). One JSON line per applied batch
    (``{"sent": total so far}``) and per finished run goes to standard output.
    """
    from app.sync.engine import RetryPolicy, SyncEngine, SyncProgress

    closer: Callable[[], None]
    if encrypted:
        from app.cli.auth import kdf_from_env
        from app.storage.station import Station
        from tests.helpers.station_fixtures import PASSWORDS

        station = Station.open(Path(db_path), kdf=kdf_from_env(Path(db_path)))
        station.unlock("worker1", PASSWORDS["worker1"])
        db: Any = station.db
        closer = station.close
    else:
        plain = PlainStationDb(Path(db_path))
        db, closer = plain, plain.close
    engine = SyncEngine(db, batch_count=batch, retry=RetryPolicy(attempts=4, base=0.05, cap=0.3),
                        reconcile=False)
    if pause:
        from app.sync import outbox_queue

        original = outbox_queue.apply_answers

        def slow(conn: Any, *args: Any, **kwargs: Any) -> Any:
            time.sleep(pause)
            return original(conn, *args, **kwargs)

        outbox_queue.apply_answers = slow

    def progress(p: SyncProgress) -> None:
        if p.phase == "upload" and p.done:
            print(json.dumps({"sent": p.done}), flush=True)

    try:
        for _ in range(200):
            report = engine.run(progress=progress)
            print(json.dumps({"outcome": report.outcome, "sent": report.sent}), flush=True)
            if report.outcome == "ok" and report.pending_after == 0:
                return 0
        return 1
    finally:
        closer()


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] in ("sync", "sync-encrypted"):
        sys.exit(_sync_until_empty(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 50,
                                   float(sys.argv[4]) if len(sys.argv) > 4 else 0.0,
                                   encrypted=sys.argv[1] == "sync-encrypted"))
    print("usage: python -m tests.helpers.server_fixtures sync DB [BATCH] [PAUSE]\n"
          "       python -m tests.helpers.server_fixtures sync-encrypted DIR [BATCH] [PAUSE]")
    sys.exit(2)

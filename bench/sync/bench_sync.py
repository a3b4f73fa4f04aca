"""Sync benchmark: a 100,000-record backlog end to end vs a raw COPY, and a reconnect storm.

Run: ``.venv/bin/python -m bench.sync.bench_sync [--records 100000] [--stations 50]``
(PostgreSQL from ``GRIDDESK_TEST_PG``; the server runs as its own process, as in production).

1. COPY: the same rows straight into ``records`` of a fresh database (rows/s).
2. Sync: the station's outbox (plain SQLite station schema) through the real server
   (HTTP, gzip, per-item answers, staging COPY + INSERT … ON CONFLICT) into ``records``
   of the same database after a TRUNCATE; goal ≥ 0.5 × the COPY rate.
3. Storm: N stations start syncing at the same moment against one server; every record
   must arrive, no run may fail; reports the p50/p95/max batch latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.sync import outbox_queue as oq  # noqa: E402
from app.sync.engine import RetryPolicy, SyncEngine  # noqa: E402
from app.sync.enrolment import enrol_station  # noqa: E402
from app.sync.transport import Transport  # noqa: E402
from server.db import open_database  # noqa: E402
from server.enrolment import issue_code  # noqa: E402
from server.schema import migrate  # noqa: E402
from tests.helpers.server_fixtures import (  # noqa: E402
    PlainStationDb,
    add_screenings,
    free_port,
    pg_database,
)


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--db", url,
                             "--port", str(port)], cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)},
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    import requests

    for _ in range(200):
        try:
            requests.get(base + "/v1/ping", timeout=1)
            return proc, base
        except requests.RequestException:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("server did not start")


def station_with_backlog(tmp: Path, name: str, n: int, seed: int, server_db: Any,
                         base: str) -> PlainStationDb:
    station = PlainStationDb(tmp / f"{name}.db")
    code, _ = issue_code(server_db, "450103", dt.timedelta(hours=1))
    enrol_station(station, base, code)
    for start in range(0, n, 10_000):
        add_screenings(station, min(10_000, n - start), seed=seed * 1000 + start)
    return station


def copy_rate(url: str, station: PlainStationDb) -> tuple[float, int]:
    rows = station.run(lambda c: c.execute(
        "SELECT record_id, kind, body, body_hash, created_at FROM outbox").fetchall())
    sid, division = station.station_id, station.division
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE records")
        started = time.perf_counter()
        with conn.transaction(), conn.cursor() as cur, cur.copy(
                "COPY records (division, day, record_id, station_id, kind, body_hash, body) "
                "FROM STDIN") as copy:
            for rid, kind, body, digest, created in rows:
                copy.write_row((division, created[:10], rid, sid, kind, digest, body))
        elapsed = time.perf_counter() - started
        conn.execute("TRUNCATE records")
    return len(rows) / elapsed, len(rows)


class TimedTransport(Transport):
    """Records the latency of every upload batch."""

    latencies: list[float]

    def post(self, path: str, doc: Any, *, compress: bool = False) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return super().post(path, doc, compress=compress)
        finally:
            if path == "/v1/upload":
                self.latencies.append(time.perf_counter() - started)


def sync_rate(station: PlainStationDb, batch: int) -> tuple[float, Any]:
    engine = SyncEngine(station, batch_count=batch, batch_bytes=4_000_000, reconcile=False)
    started = time.perf_counter()
    report = engine.run()
    elapsed = time.perf_counter() - started
    return report.sent / elapsed, report


def storm(url: str, server_db: Any, base: str, tmp: Path, stations: int, per: int,
          batch: int) -> dict[str, Any]:
    fleet = [station_with_backlog(tmp, f"storm{i}", per, 100 + i, server_db, base)
             for i in range(stations)]
    latencies: list[float] = []
    reports: list[Any] = []
    barrier = threading.Barrier(stations)
    lock = threading.Lock()

    def one(station: PlainStationDb) -> None:
        cred = station.run(lambda c: oq.get_state(c, "credential"))

        def factory(c: dict[str, Any]) -> Transport:
            tr = TimedTransport(base, cred["credential"], timeout=(10.0, 120.0))
            tr.latencies = []
            holder.append(tr)
            return tr

        holder: list[TimedTransport] = []
        engine = SyncEngine(station, transport_factory=factory, batch_count=batch,
                            retry=RetryPolicy(attempts=8), reconcile=False)
        barrier.wait(60)
        report = engine.run()
        with lock:
            reports.append(report)
            for tr in holder:
                latencies.extend(tr.latencies)

    started = time.perf_counter()
    threads = [threading.Thread(target=one, args=(s,)) for s in fleet]
    for th in threads:
        th.start()
    for th in threads:
        th.join(900)
    elapsed = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*), count(DISTINCT record_id) FROM records "
                              "WHERE station_id LIKE '%%' ").fetchone()
    latencies.sort()
    return {
        "stations": stations,
        "records": stations * per,
        "stored_rows": stored[0] - 0,
        "failed_runs": sum(1 for r in reports if r.outcome != "ok"),
        "retries": sum(r.retries for r in reports),
        "seconds": round(elapsed, 2),
        "records_per_s": round(stations * per / elapsed),
        "batches": len(latencies),
        "p50_batch_ms": round(1000 * statistics.median(latencies), 1),
        "p95_batch_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
        "max_batch_ms": round(1000 * latencies[-1], 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--per-station", type=int, default=1000)
    args = parser.parse_args()
    out: dict[str, Any] = {}
    tmp = Path(tempfile.mkdtemp(prefix="gdbench-"))
    with pg_database("gdbench") as url:
        db = open_database(url)
        migrate(db)
        server, base = start_server(url)
        try:
            station = station_with_backlog(tmp, "backlog", args.records, 1, db, base)
            copy_per_s, n = copy_rate(url, station)
            rate, report = sync_rate(station, args.batch)
            assert report.outcome == "ok" and report.sent == n, report
            with psycopg.connect(url) as conn:
                stored = conn.execute("SELECT count(*) FROM records").fetchone()[0]
            assert stored == n
            out["backlog"] = {"records": n, "copy_rows_per_s": round(copy_per_s),
                              "sync_rows_per_s": round(rate),
                              "ratio": round(rate / copy_per_s, 3), "goal": 0.5,
                              "batches": report.batches}
            print(json.dumps(out["backlog"]), flush=True)
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute("TRUNCATE records")
            out["storm"] = storm(url, db, base, tmp, args.stations, args.per_station,
                                 min(args.batch, 500))
            assert out["storm"]["stored_rows"] == args.stations * args.per_station
            print(json.dumps(out["storm"]), flush=True)
        finally:
            server.terminate()
            server.wait(20)
            db.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Sync benchmark: a 100,000-record backlog end to end vs a raw COPY, and a reconnect storm.

Run: ``.venv/bin/python -m bench.sync.bench_sync [--records 100000] [--repeat 3]
[--stations 50] [--breakdown]`` (PostgreSQL from ``GRIDDESK_TEST_PG``; the server runs as
its own process, as in production, the station in this one).

1. COPY: the backlog's rows straight into ``records`` (one COPY, one transaction).
2. Sync: a fresh copy of the same station's outbox (plain SQLite station schema) through
   the real server (HTTP, gzip, per-item answers after the commit) into ``records`` of the
   same database, after a TRUNCATE; goal ≥ 0.5 × the COPY rate. Steps 1 and 2 alternate
   ``--repeat`` times in the same run; the medians are reported, with the load average.
3. Storm: N stations start syncing at the same moment against one server; every record
   must arrive, no run may fail; reports the p50/p95/max batch latency.
4. ``--breakdown``: where the time goes, stage by stage in this process, per 20,000
   records (station reads, JSON + gzip, server decode, validation + hashing, database,
   station marks sent).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import math
import os
import shutil
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
from server.enrolment import StationIdentity, issue_code  # noqa: E402
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

    def post_json(self, path: str, data: bytes, *, compress: bool = False) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            return super().post_json(path, data, compress=compress)
        finally:
            if path == "/v1/upload":
                self.latencies.append(time.perf_counter() - started)


def sync_rate(station: PlainStationDb, batch: int | None, pipeline: int | None
              ) -> tuple[float, Any]:
    options: dict[str, Any] = {}
    if batch:
        options["batch_count"] = batch
    if pipeline:
        options["pipeline"] = pipeline
    engine = SyncEngine(station, reconcile=False, **options)
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
        stored = conn.execute("SELECT count(*), count(DISTINCT record_id) FROM records"
                              ).fetchone()
    assert stored is not None
    latencies.sort()
    return {
        "stations": stations,
        "records": stations * per,
        "stored_rows": stored[0],
        "distinct_ids": stored[1],
        "failed_runs": sum(1 for r in reports if r.outcome != "ok"),
        "retries": sum(r.retries for r in reports),
        "seconds": round(elapsed, 2),
        "records_per_s": round(stations * per / elapsed),
        "batches": len(latencies),
        "p50_batch_ms": round(1000 * statistics.median(latencies), 1),
        "p95_batch_ms": round(1000 * latencies[max(0, math.ceil(0.95 * len(latencies)) - 1)], 1),
        "max_batch_ms": round(1000 * latencies[-1], 1),
    }


def load() -> str:
    """The 1/5/15-minute load averages (other work on the machine skews every figure)."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def backlog_runs(url: str, pristine: Path, tmp: Path, repeat: int, batch: int | None,
                 pipeline: int | None) -> dict[str, Any]:
    """COPY and sync alternately, ``repeat`` times, on the same rows and table."""
    copies: list[float] = []
    syncs: list[float] = []
    batches = 0
    n = 0
    for rep in range(repeat):
        work = tmp / f"backlog-run{rep}.db"
        shutil.copyfile(pristine, work)
        station = PlainStationDb(work)
        copy_per_s, n = copy_rate(url, station)
        rate, report = sync_rate(station, batch, pipeline)
        assert report.outcome == "ok" and report.sent == n, report
        assert station.run(oq.counts).pending == 0
        station.close()
        with psycopg.connect(url, autocommit=True) as conn:
            found = conn.execute(
                "SELECT count(*), count(DISTINCT record_id) FROM records").fetchone()
            assert found is not None and found[0] == found[1] == n, (found, n)
            conn.execute("TRUNCATE records")
        work.unlink()
        copies.append(copy_per_s)
        syncs.append(rate)
        batches = report.batches
        print(json.dumps({"run": rep + 1, "copy_rows_per_s": round(copy_per_s),
                          "sync_rows_per_s": round(rate), "ratio": round(rate / copy_per_s, 3),
                          "load": load()}), flush=True)
    return {"records": n, "runs": repeat,
            "copy_rows_per_s": round(statistics.median(copies)),
            "sync_rows_per_s": round(statistics.median(syncs)),
            "ratio": round(statistics.median(syncs) / statistics.median(copies), 3),
            "ratio_per_run": [round(s / c, 3) for s, c in zip(syncs, copies, strict=True)],
            "goal": 0.5, "batches": batches, "load": load()}


def breakdown(url: str, pristine: Path, tmp: Path, n: int, batch: int) -> dict[str, float]:
    """Seconds per stage for ``n`` records, each stage alone in this process."""
    import gzip

    from server import upload
    from server.api import _decode_body

    work = tmp / "breakdown.db"
    shutil.copyfile(pristine, work)
    station = PlainStationDb(work)
    timing: dict[str, float] = {}

    def timed(name: str, fn: Any) -> Any:
        started = time.perf_counter()
        result = fn()
        timing[name] = round(time.perf_counter() - started, 3)
        return result

    def reads() -> list[list[oq.OutboxEntry]]:
        out: list[list[oq.OutboxEntry]] = []
        after = 0
        while sum(map(len, out)) < n:
            got = station.run(functools.partial(oq.next_batch, after_seq=after,
                                                max_count=min(batch, n - sum(map(len, out))),
                                                max_bytes=4_000_000))
            if not got:
                break
            after = got[-1].seq
            out.append(got)
        return out

    batches = timed("station_reads", reads)
    bodies = timed("json_gzip", lambda: [
        gzip.compress(oq.upload_document(b, "b", None), 1) for b in batches])
    docs = timed("server_decode", lambda: [_decode_body(b, "gzip") for b in bodies])
    ident = StationIdentity(station.station_id, station.division, "")
    timed("validation_hashing", lambda: [upload._validate(i, ident, parse=False, days={})
                                          for d in docs for i in d["items"]])
    db = open_database(url)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE records")
        answers = timed("validation_and_database", lambda: [
            [r.as_dict() for r in upload.apply_batch(db, ident, d["items"])] for d in docs])
        timing["database"] = round(timing["validation_and_database"]
                                   - timing["validation_hashing"], 3)
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("TRUNCATE records")
    finally:
        db.close()
    def mark_sent() -> None:
        for b, a in zip(batches, answers, strict=True):
            station.transaction(functools.partial(oq.apply_answers, batch=b, results=a))

    timed("station_marks_sent", mark_sent)
    station.close()
    work.unlink()
    return {"records": float(sum(map(len, batches))), **timing}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=None,
                        help="records per upload batch (default: the engine's)")
    parser.add_argument("--pipeline", type=int, default=None,
                        help="batches in flight (default: the engine's)")
    parser.add_argument("--stations", type=int, default=50)
    parser.add_argument("--per-station", type=int, default=1000)
    parser.add_argument("--storm-batch", type=int, default=500)
    parser.add_argument("--breakdown", action="store_true",
                        help="also time each stage alone, per 20,000 records")
    parser.add_argument("--no-storm", action="store_true")
    args = parser.parse_args()
    out: dict[str, Any] = {"load_before": load()}
    tmp = Path(tempfile.mkdtemp(prefix="gdbench-"))
    with pg_database("gdbench") as url:
        db = open_database(url)
        migrate(db)
        server, base = start_server(url)
        try:
            station = station_with_backlog(tmp, "backlog", args.records, 1, db, base)
            station.close()
            pristine = tmp / "backlog.db"
            out["backlog"] = backlog_runs(url, pristine, tmp, args.repeat, args.batch,
                                          args.pipeline)
            print(json.dumps(out["backlog"]), flush=True)
            if args.breakdown:
                out["breakdown"] = breakdown(url, pristine, tmp, min(20_000, args.records),
                                             args.batch or SyncEngine(station).batch_count)
                print(json.dumps({"breakdown_seconds": out["breakdown"]}), flush=True)
            if not args.no_storm:
                out["storm"] = storm(url, db, base, tmp, args.stations, args.per_station,
                                     args.storm_batch)
                assert out["storm"]["stored_rows"] == args.stations * args.per_station
                print(json.dumps(out["storm"]), flush=True)
        finally:
            server.terminate()
            server.wait(20)
            db.close()
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

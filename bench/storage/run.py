"""Storage benchmark: encrypted vs plain SQLite on the same schema, settings and code path.

    .venv/bin/python bench/storage/run.py [--saves 2000] [--rows 1000000] [--unlocks 5]

Prints, in one run: one screening save (median, p99 ms) through the DB thread, encrypted
and plain, and their ratio; a station of --rows screenings: the daily aggregate and the
lookup of one person, encrypted and plain; unlock time with the production Argon2id
parameters. Goals: encrypted/plain ≤ 1.5× on the save median, save p99 ≤ 5 ms, unlock ≤ 1 s.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.storage import clock, migrations  # noqa: E402
from app.storage.connection import DbThread, open_encrypted  # noqa: E402
from app.storage.keyslots import KdfParams, new_data_key  # noqa: E402
from app.storage.records.screenings import (  # noqa: E402
    COLUMNS,
    NewScreening,
    ScreeningLog,
    build_row,
    insert_row,
)
from app.storage.station import Station  # noqa: E402

DAY0 = 1_764_547_200.0  # 2025-12-01T00:00:00Z


def open_plain(path: Path) -> Any:
    """Plain SQLite with the same pragmas as the encrypted store."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    for pragma in ("temp_store = MEMORY", "journal_mode = WAL", "synchronous = FULL",
                   "foreign_keys = ON", "busy_timeout = 5000"):
        conn.execute(f"PRAGMA {pragma}")
    return conn


def sample(i: int, rng: random.Random) -> NewScreening:
    colour = rng.choices(["green", "yellow", "red"], [92, 6, 2])[0]
    decision = "pass" if colour == "green" else "refuse"
    return NewScreening(
        source="camera", format="GX1", result="VALID", proposal=decision, decision=decision,
        rules_version="default-1", colour=colour, issuer="CN-GX",
        code_id=f"CN-GX/{uuid.UUID(int=rng.getrandbits(128))}",
        person_ref=f"CN-GX/p{rng.randrange(200_000)}", holder_name="韦小宝",
        holder_doc="450***********123X", temperature=round(rng.gauss(36.6, 0.3), 1),
        evidence={"kid": "ESa9gphRzdM=", "alg": "ES256", "iat": 1764547200,
                  "exp": 1764633600})


def save_fn(rec: NewScreening, now: float) -> Any:
    def write(conn: Any) -> None:
        row = build_row(rec, "worker1", now, clock.floor(conn))
        insert_row(conn, row)
        clock.raise_floor(conn, now, "record")
    return write


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def bench_saves(enc: DbThread, plain: DbThread, station: Station, n: int) -> dict[str, Any]:
    rng = random.Random(7)
    times: dict[str, list[float]] = {"encrypted": [], "plain": [], "service": []}
    session = station.unlock("worker1", "worker-pass-1")
    log = ScreeningLog(station)
    for i in range(n):
        rec = sample(i, rng)
        order = [("encrypted", enc), ("plain", plain)]
        if i % 2:
            order.reverse()
        for name, db in order:
            t0 = time.perf_counter()
            db.transaction(save_fn(rec, time.time()))
            times[name].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        log.save(session, rec)
        times["service"].append((time.perf_counter() - t0) * 1000)
    return {k: (statistics.median(v), pct(v, 99)) for k, v in times.items()}


def fill(db: DbThread, rows: int) -> float:
    rng = random.Random(11)
    sql = (f"INSERT INTO screenings ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
    t0 = time.perf_counter()
    batch = 20_000
    for start in range(0, rows, batch):
        chunk = []
        for i in range(start, min(rows, start + batch)):
            now = DAY0 + (i / rows) * 30 * 86400
            row = build_row(sample(i, rng), "worker1", now, now)
            chunk.append(tuple(row[c] for c in COLUMNS))
        db.transaction(lambda c, chunk=chunk: c.executemany(sql, chunk))
    return time.perf_counter() - t0


def bench_queries(db: DbThread, repeat: int = 9) -> tuple[float, float]:
    day = ("2025-12-15T00:00:00.000Z", "2025-12-16T00:00:00.000Z")
    agg_sql = ("SELECT colour, substr(created_at, 12, 2) AS hour, count(*),"
               " sum(fever), sum(decision = 'refuse') FROM screenings"
               " WHERE created_at >= ? AND created_at < ? AND voids IS NULL"
               " GROUP BY colour, hour")
    person_sql = ("SELECT id, created_at, colour, decision FROM screenings"
                  " WHERE person_ref = ? ORDER BY clock_ts DESC LIMIT 50")
    agg, person = [], []
    for i in range(repeat):
        t0 = time.perf_counter()
        db.run(lambda c: c.execute(agg_sql, day).fetchall())
        agg.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        db.run(lambda c, i=i: c.execute(person_sql, (f"CN-GX/p{1000 + i}",)).fetchall())
        person.append((time.perf_counter() - t0) * 1000)
    return statistics.median(agg), statistics.median(person)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--saves", type=int, default=2000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--unlocks", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="griddesk-bench-"))
    try:
        station, _ = Station.create(work / "enc", name="基准站", division="450103",
                                    admin="admin", password="admin-pass-1")
        unlocks = []
        for _ in range(args.unlocks):
            t0 = time.perf_counter()
            station.slots.unwrap("admin", b"admin-pass-1")
            unlocks.append(time.perf_counter() - t0)
        admin = station.unlock("admin", "admin-pass-1")
        from app.storage.users import add_user
        station.kdf = KdfParams.fast_for_tests()  # only the bench user's slot
        add_user(station, admin, "worker1", "worker", "worker-pass-1")
        enc_key = new_data_key()
        enc = DbThread(lambda: open_encrypted(work / "enc-raw.db", enc_key))
        plain = DbThread(lambda: open_plain(work / "plain.db"))
        for db in (enc, plain):
            db.run(migrations.upgrade)
            db.run(lambda c: c.execute("INSERT INTO station VALUES (1,'b','b','450103','x')"))
        saves = bench_saves(enc, plain, station, args.saves)
        station.close()
        print(f"unlock (Argon2id {KdfParams()}): median {statistics.median(unlocks) * 1000:.0f}"
              f" ms  [goal ≤ 1000 ms]")
        print(f"{'save one screening':<34}{'median ms':>10}{'p99 ms':>10}")
        for name in ("plain", "encrypted", "service"):
            label = {"plain": "plain SQLite", "encrypted": "SQLCipher",
                     "service": "SQLCipher via ScreeningLog"}[name]
            print(f"  {label:<32}{saves[name][0]:>10.3f}{saves[name][1]:>10.3f}")
        ratio = saves["encrypted"][0] / saves["plain"][0]
        print(f"  encrypted/plain median ratio: {ratio:.2f}×  [goal ≤ 1.5×]; "
              f"p99 {saves['encrypted'][1]:.2f} ms [goal ≤ 5 ms]")
        fills = {"SQLCipher": fill(enc, args.rows), "plain SQLite": fill(plain, args.rows)}
        print(f"station of {args.rows:,} screenings (30 days):")
        print(f"  {'':<16}{'fill s':>9}{'daily aggregate ms':>20}{'person lookup ms':>18}")
        for name, db in (("SQLCipher", enc), ("plain SQLite", plain)):
            agg, person = bench_queries(db)
            print(f"  {name:<16}{fills[name]:>9.1f}{agg:>20.1f}{person:>18.2f}")
        enc.close()
        plain.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

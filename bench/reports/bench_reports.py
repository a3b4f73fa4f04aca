"""Benchmark: the daily report of a day with 100,000 screenings.

    .venv/bin/python bench/reports/bench_reports.py [--screenings 100000] [--keep DIR]

Seeds a fresh station (``demo seed``, one day) in a child process, then measures in another
child process, in one run: a plain ``csv.writer`` dump of the same screening rows (the
baseline), the CSV, XLSX and PDF exports, and the peak resident memory of that process.
Budgets: XLSX ≤ 5 s, PDF ≤ 3 s, CSV ≤ 2 s, peak memory ≤ 300 MB. Prints one JSON document;
exit status 1 when a budget is missed.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DAY = date(2026, 12, 4)
BUDGETS = {"xlsx_s": 5.0, "pdf_s": 3.0, "csv_s": 2.0, "peak_rss_mb": 300.0}
PASSWORD = "bench-pass-1"


def prepare(folder: Path, screenings: int) -> None:
    """Create the station and seed one day."""
    from app.demo.seed import SeedPlan, seed_station
    from app.storage.keyslots import KdfParams
    from app.storage.station import Station

    station, _ = Station.create(folder, name="基准测试站", division="450103", admin="admin",
                                password=PASSWORD, kdf=KdfParams.fast_for_tests())
    session = station.unlock("admin", PASSWORD)
    started = time.perf_counter()
    summary = seed_station(station, session, SeedPlan(screenings=screenings, days=1,
                                                      cases=max(40, screenings // 250),
                                                      seed=2026, end_date=DAY))
    station.close()
    print(json.dumps({"seeded": summary.screenings, "seed_s": round(
        time.perf_counter() - started, 2)}))


def measure(folder: Path, out_dir: Path) -> None:
    """Baseline and the three exports, in this one process."""
    from app.reports.export import export_report
    from app.reports.localday import day_bounds_iso
    from app.storage.keyslots import KdfParams
    from app.storage.station import Station

    station = Station.open(folder, kdf=KdfParams.fast_for_tests())
    session = station.unlock("admin", PASSWORD)
    start, end = day_bounds_iso(DAY)
    figures: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = station.db.run(lambda c: c.execute(
        "SELECT created_at, grid, worker, source, format, result, colour, holder_name,"
        " holder_doc, temperature, fever, proposal, decision, override_reason, duplicate_of,"
        " voids FROM screenings WHERE created_at >= ? AND created_at < ? ORDER BY created_at",
        (start, end)).fetchall())
    with open(out_dir / "baseline.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(tuple(r) for r in rows)
    figures["baseline_csv_s"] = round(time.perf_counter() - t0, 3)
    figures["rows"] = len(rows)
    del rows
    for fmt in ("csv", "xlsx", "pdf"):
        t0 = time.perf_counter()
        result = export_report(station, session, DAY, fmt, out_dir / f"report.{fmt}",
                               now=lambda: time.time())
        figures[f"{fmt}_s"] = round(time.perf_counter() - t0, 3)
        figures[f"{fmt}_mb"] = round((out_dir / f"report.{fmt}").stat().st_size / 1e6, 1)
        figures[f"{fmt}_rows"] = result.rows
    station.close()
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    parser.add_argument("--phase", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "prepare":
        prepare(args.folder, args.screenings)
        return 0
    if args.phase == "measure":
        measure(args.folder / "station", args.folder)
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="griddesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, __file__, "--screenings", str(args.screenings)]
    seeded: dict[str, object] = {"seeded": "reused"}
    if not (work / "station").exists():
        done = subprocess.run([*me, "--phase", "prepare", "--folder", str(work / "station")],
                              check=True, capture_output=True, text=True)
        seeded = json.loads(done.stdout.splitlines()[-1])
    done = subprocess.run([*me, "--phase", "measure", "--folder", str(work)], check=True,
                          capture_output=True, text=True)
    figures = json.loads(done.stdout.splitlines()[-1])
    verdict = {k: figures[k] <= limit for k, limit in BUDGETS.items()}
    print(json.dumps({**seeded, **figures, "budgets": BUDGETS, "within_budget": verdict},
                     ensure_ascii=False, indent=1))
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

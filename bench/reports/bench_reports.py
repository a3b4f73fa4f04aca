"""Benchmark: the daily report of a day with 100,000 screenings.

    .venv/bin/python bench/reports/bench_reports.py [--screenings 100000] [--runs 5]
        [--keep DIR] [--json]

Seeds a fresh station (``demo seed``, one day) in a child process (reused with ``--keep``
when the folder already holds one), then measures in another child process, in one run:
``--runs`` rounds of a plain ``csv.writer`` dump of the same screening rows (the baseline),
then the CSV, XLSX and PDF exports. Prints a table of medians with each export's ratio to
the baseline of the same run, its CPU time, its peak memory and the budget; ``--json``
prints the figures as JSON instead.

Budgets: XLSX ≤ 5 s, PDF ≤ 3 s, CSV ≤ 2 s (median wall time), peak memory ≤ 300 MB (the
measuring process, all rounds). Exit status 1 when a budget is missed.

The machine may be shared: the table shows the load average and, where Linux reports it,
the CPU pressure (the share of time runnable work waited for a CPU) during the run. The
ratio to the baseline is the figure that travels between machines; CPU time says how much
of the wall time was waiting.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

DAY = date(2026, 12, 4)
BUDGETS = {"csv": 2.0, "xlsx": 5.0, "pdf": 3.0}
PEAK_BUDGET_MB = 300.0
PASSWORD = "bench-pass-1"
FORMATS = ("csv", "xlsx", "pdf")


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


def _peak_mb() -> float:
    """Peak resident memory of this process so far."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _cpu_pressure() -> float | None:
    """Total microseconds some task waited for a CPU (Linux PSI), or None."""
    try:
        with open("/proc/pressure/cpu") as fh:
            return float(fh.readline().rsplit("total=", 1)[1])
    except (OSError, IndexError, ValueError):
        return None


def _timed(fn: Any) -> tuple[Any, float, float, float]:
    """``fn()``; its result, wall seconds, CPU seconds (all threads) and the process's
    peak memory after it (MB)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return result, wall, cpu, _peak_mb()


def measure(folder: Path, out_dir: Path, runs: int) -> None:
    """``runs`` rounds of the baseline and the three exports, in this one process."""
    from app.reports.export import export_report
    from app.reports.localday import day_bounds_iso
    from app.storage.keyslots import KdfParams
    from app.storage.station import Station

    station = Station.open(folder, kdf=KdfParams.fast_for_tests())
    session = station.unlock("admin", PASSWORD)
    start, end = day_bounds_iso(DAY)

    def baseline() -> int:
        rows = station.db.run(lambda c: c.execute(
            "SELECT created_at, grid, worker, source, format, result, colour, holder_name,"
            " holder_doc, temperature, fever, proposal, decision, override_reason,"
            " duplicate_of, voids FROM screenings WHERE created_at >= ? AND created_at < ?"
            " ORDER BY created_at", (start, end)).fetchall())
        with open(out_dir / "baseline.csv", "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows(tuple(r) for r in rows)
        return len(rows)

    samples: dict[str, dict[str, list[float]]] = {
        k: {"wall": [], "cpu": [], "peak": []} for k in ("baseline", *FORMATS)}
    facts: dict[str, Any] = {"runs": runs, "load_before": os.getloadavg()}
    pressure, started = _cpu_pressure(), time.perf_counter()
    for _ in range(runs):
        rows, wall, cpu, peak = _timed(baseline)
        facts["rows"] = rows
        for key, value in (("wall", wall), ("cpu", cpu), ("peak", peak)):
            samples["baseline"][key].append(value)
        for fmt in FORMATS:
            path = out_dir / f"report.{fmt}"
            result, wall, cpu, peak = _timed(lambda f=fmt, p=path: export_report(
                station, session, DAY, f, p, now=time.time))
            for key, value in (("wall", wall), ("cpu", cpu), ("peak", peak)):
                samples[fmt][key].append(value)
            facts[f"{fmt}_rows"] = result.rows
            facts[f"{fmt}_mb"] = round(path.stat().st_size / 1e6, 1)
    elapsed = time.perf_counter() - started
    after = _cpu_pressure()
    if pressure is not None and after is not None:
        facts["cpu_pressure_pct"] = round(100 * (after - pressure) / 1e6 / elapsed, 1)
    facts["load_after"] = os.getloadavg()
    station.close()
    facts["process_peak_mb"] = _peak_mb()
    print(json.dumps({"facts": facts, "samples": samples}))


def summarise(doc: dict[str, Any]) -> dict[str, Any]:
    """Medians, ratios to the baseline and the budget verdicts."""
    samples, facts = doc["samples"], doc["facts"]
    base = samples["baseline"]["wall"]
    out: dict[str, Any] = {"facts": facts, "measures": {}}
    for key, figures in samples.items():
        wall = figures["wall"]
        ratios = [w / b for w, b in zip(wall, base, strict=True)] if key != "baseline" else []
        out["measures"][key] = {
            "median_s": round(statistics.median(wall), 3),
            "min_s": round(min(wall), 3), "max_s": round(max(wall), 3),
            "cpu_s": round(statistics.median(figures["cpu"]), 3),
            "peak_mb": figures["peak"][0],
            "x_baseline": round(statistics.median(ratios), 2) if ratios else 1.0,
            "budget_s": BUDGETS.get(key),
            "within": (statistics.median(wall) <= BUDGETS[key]) if key in BUDGETS else None,
        }
    out["peak_within"] = facts["process_peak_mb"] <= PEAK_BUDGET_MB
    return out


def table(summary: dict[str, Any], seeded: dict[str, Any]) -> str:
    """The figures as a plain-text table."""
    facts, measures = summary["facts"], summary["measures"]
    load_b = "/".join(f"{x:.1f}" for x in facts["load_before"])
    load_a = "/".join(f"{x:.1f}" for x in facts["load_after"])
    lines = [
        f"Daily report of {DAY}: {facts['rows']:,} screening rows; {facts['runs']} runs "
        f"(each: baseline, CSV, XLSX, PDF); seed: {seeded.get('seeded')}",
        f"load average (1/5/15 min) before {load_b}, after {load_a}"
        + (f"; CPU pressure {facts['cpu_pressure_pct']} % of the time"
           if "cpu_pressure_pct" in facts else ""),
        "",
        f"{'measure':<22}{'median s':>9}{'min s':>8}{'max s':>8}{'CPU s':>8}"
        f"{'× base':>8}{'budget s':>10}{'peak MB':>9}  verdict",
    ]
    names = {"baseline": "baseline csv.writer", "csv": "CSV export", "xlsx": "XLSX export",
             "pdf": "PDF export"}
    for key, m in measures.items():
        budget = f"{m['budget_s']:.1f}" if m["budget_s"] is not None else "—"
        verdict = "—" if m["within"] is None else "ok" if m["within"] else "OVER BUDGET"
        lines.append(f"{names[key]:<22}{m['median_s']:>9.3f}{m['min_s']:>8.3f}"
                     f"{m['max_s']:>8.3f}{m['cpu_s']:>8.3f}{m['x_baseline']:>8.2f}"
                     f"{budget:>10}{m['peak_mb']:>9.1f}  {verdict}")
    peak = facts["process_peak_mb"]
    lines += ["", f"peak memory of the measuring process: {peak:.1f} MB "
                  f"(budget {PEAK_BUDGET_MB:.0f} MB) "
                  f"{'ok' if summary['peak_within'] else 'OVER BUDGET'}",
              f"files: CSV {facts['csv_mb']} MB, XLSX {facts['xlsx_mb']} MB, "
              f"PDF {facts['pdf_mb']} MB; detail rows {facts['csv_rows']:,}",
              "× base: median over the runs of export time / baseline time in the same run;"
              " peak MB: the process's peak so far after that measure in the first run."]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenings", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5, help="rounds to take medians of")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp one)")
    parser.add_argument("--json", action="store_true", help="print JSON, not a table")
    parser.add_argument("--phase", choices=["prepare", "measure"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "prepare":
        prepare(args.folder, args.screenings)
        return 0
    if args.phase == "measure":
        measure(args.folder / "station", args.folder, max(1, args.runs))
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="griddesk-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    me = [sys.executable, __file__, "--screenings", str(args.screenings), "--runs",
          str(args.runs)]
    seeded: dict[str, Any] = {"seeded": "reused"}
    if not (work / "station").exists():
        done = subprocess.run([*me, "--phase", "prepare", "--folder", str(work / "station")],
                              check=True, capture_output=True, text=True)
        seeded = json.loads(done.stdout.splitlines()[-1])
    done = subprocess.run([*me, "--phase", "measure", "--folder", str(work)], check=True,
                          capture_output=True, text=True)
    summary = summarise(json.loads(done.stdout.splitlines()[-1]))
    if args.json:
        print(json.dumps({**seeded, **summary, "budgets_s": BUDGETS,
                          "peak_budget_mb": PEAK_BUDGET_MB}, ensure_ascii=False, indent=1))
    else:
        print(table(summary, seeded))
    within = [m["within"] for m in summary["measures"].values() if m["within"] is not None]
    return 0 if all(within) and summary["peak_within"] else 1


if __name__ == "__main__":
    sys.exit(main())

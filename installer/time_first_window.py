"""Time from starting the installed desktop program to its first window on screen.

    python3 installer/time_first_window.py --prefix /opt/griddesk [--runs 3] [--json]

What is measured: the wall-clock time from ``exec`` of ``griddesk-desktop --data-dir D`` to
the moment the program reports that its first top-level window was exposed (the runtime hook
``installer/rthooks/first_window.py``, active only with ``GRIDDESK_FIRST_WINDOW=1``, prints a
line then and ends the program). ``D`` holds a station made beforehand with the installed
``griddesk init``, so the window is the one a worker sees every morning: the main window with
the sign-in screen. Qt runs on the ``offscreen`` platform unless ``--platform`` says otherwise
(``xcb`` under ``xvfb-run``): there is no GPU and no real screen, so the first paint is a
software one. The first run is the coldest one (files not yet in the page cache after
installing); the others are warm.

Uses only the standard library: it runs with any Python 3, outside the bundle.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MARKER = "GRIDDESK_FIRST_WINDOW"


def make_station(prefix: Path, data_dir: Path, env: dict[str, str]) -> None:
    """A station in ``data_dir`` made with the installed command line."""
    cmd = [str(prefix / "griddesk"), "init", "--data-dir", str(data_dir), "--station",
           "计时站点", "--division", "450103", "--admin", "admin", "--password-stdin"]
    subprocess.run(cmd, input="Timing-Run-2024!\n", env=env, check=True, capture_output=True,
                   text=True, timeout=120)


def one_run(prefix: Path, data_dir: Path, env: dict[str, str], timeout: float) -> dict[str, object]:
    """Start the desktop program once; the time to its marker line, or why there was none."""
    cmd = [str(prefix / "griddesk-desktop"), "--data-dir", str(data_dir)]
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err,
                                stdin=subprocess.DEVNULL, text=True, encoding="utf-8",
                                errors="replace")
        assert proc.stdout is not None
        found: dict[str, object] = {}
        deadline = t0 + timeout
        for line in proc.stdout:
            if line.startswith(MARKER):
                elapsed = (time.perf_counter() - t0) * 1000
                fields = dict(p.split("=", 1) for p in line.split()[1:] if "=" in p)
                found = {"ms": round(elapsed), "in_process_ms": int(fields.get("ms", "0")),
                         "window": fields.get("title", "")}
                break
            if time.perf_counter() > deadline:
                break
        try:
            proc.wait(timeout=max(1.0, deadline - time.perf_counter()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if not found:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace").strip().splitlines()[-5:]
            return {"error": f"no window (exit {proc.returncode})", "stderr": tail}
        found["exit"] = proc.returncode
        return found


def main() -> int:
    """Command-line entry: prints one line per run and a summary."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--prefix", type=Path, default=Path("/opt/griddesk"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--platform", default="offscreen")
    parser.add_argument("--timeout", type=float, default=90.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    env = dict(os.environ)
    env.update({"GRIDDESK_FIRST_WINDOW": "1", "QT_QPA_PLATFORM": args.platform,
                "GRIDDESK_LANG": "zh"})
    with tempfile.TemporaryDirectory(prefix="griddesk-timing-") as tmp:
        data_dir = Path(tmp) / "station"
        env["HOME"] = tmp  # preferences and caches of the run stay in the temporary folder
        make_station(args.prefix, data_dir, env)
        runs = [one_run(args.prefix, data_dir, env, args.timeout) for _ in range(args.runs)]
    good = [int(r["ms"]) for r in runs if "ms" in r]  # type: ignore[call-overload]
    summary = {"platform": args.platform, "runs": runs,
               "first_ms": good[0] if good else None,
               "median_ms": round(statistics.median(good)) if good else None}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for i, r in enumerate(runs, 1):
            print(f"run {i}: {r}")
        print(f"time to first window ({args.platform}): first run {summary['first_ms']} ms, "
              f"median {summary['median_ms']} ms of {len(good)}")
    return 0 if len(good) == len(runs) else 1


if __name__ == "__main__":
    sys.exit(main())

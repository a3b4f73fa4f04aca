"""Render a sample daily-report PDF to PNG pages for the docs (docs/report-pages/*.png).

    .venv/bin/python scripts/render_report_pdf.py [--screenings 3000] [--out docs/report-pages]

Seeds a throw-away station (``demo seed``, fixed seed), exports the PDF, renders each page
with ``pdftoppm`` (poppler-utils) and lists any character no installed font could show.
Exit status 1 when pdftoppm is missing or characters are missing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenings", type=int, default=3000)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "report-pages")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: install poppler-utils", file=sys.stderr)
        return 1
    from app.demo.seed import SeedPlan, seed_station
    from app.reports.export import export_report
    from app.storage.keyslots import KdfParams
    from app.storage.station import Station

    day = date(2026, 12, 4)
    with tempfile.TemporaryDirectory() as work:
        station, _ = Station.create(Path(work) / "station", name="青秀区新竹街道检查点",
                                    division="450103", admin="admin", password="render-pass-1",
                                    kdf=KdfParams.fast_for_tests())
        session = station.unlock("admin", "render-pass-1")
        seed_station(station, session, SeedPlan(screenings=args.screenings, days=1, cases=60,
                                                seed=2026, end_date=day))
        pdf = Path(work) / "report.pdf"
        result = export_report(station, session, day, "pdf", pdf)
        station.close()
        args.out.mkdir(parents=True, exist_ok=True)
        for old in args.out.glob("page-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-r", str(args.dpi), "-png", str(pdf),
                        str(args.out / "page")], check=True)
    pages = sorted(p.name for p in args.out.glob("page-*.png"))
    print(json.dumps({"pages": pages, "missing_glyphs": result.missing_glyphs},
                     ensure_ascii=False))
    return 1 if result.missing_glyphs else 0


if __name__ == "__main__":
    sys.exit(main())

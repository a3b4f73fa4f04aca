"""Build the translations: ``python -m app.ui.i18n_build [--update]``.

Without arguments, compiles every ``resources/translations/*.ts`` to ``.qm`` with the
``pyside6-lrelease`` of this virtual environment (the set-up script runs this). ``--update``
first runs ``pyside6-lupdate`` over ``app/ui`` to add new source strings to the ``.ts`` files
(existing translations are kept; strings no longer in the code are marked obsolete).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UI_DIR = ROOT / "app" / "ui"
TS_DIR = ROOT / "resources" / "translations"
CATALOGUES = ("griddesk_en.ts",)


def tool(name: str) -> str:
    """The path of a Qt tool installed beside this Python (falls back to PATH)."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found; install PySide6 into this environment")
    return found


def sources() -> list[Path]:
    """Every Python file under app/ui, sorted (stable .ts output)."""
    return sorted(p for p in UI_DIR.rglob("*.py") if "__pycache__" not in p.parts)


def update() -> None:
    """Refresh the .ts catalogues from the source strings."""
    TS_DIR.mkdir(parents=True, exist_ok=True)
    files = [str(p.relative_to(ROOT)) for p in sources()]
    for name in CATALOGUES:
        ts = TS_DIR / name
        cmd = [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none",
               "-source-language", "zh_CN", "-target-language", name[9:-3], *files,
               "-ts", str(ts.relative_to(ROOT))]
        subprocess.run(cmd, cwd=ROOT, check=True)


def release() -> list[Path]:
    """Compile every .ts to .qm; returns the files written."""
    written = []
    for ts in sorted(TS_DIR.glob("*.ts")):
        qm = ts.with_suffix(".qm")
        subprocess.run([tool("pyside6-lrelease"), "-silent", str(ts), "-qm", str(qm)],
                       check=True)
        written.append(qm)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry."""
    parser = argparse.ArgumentParser(prog="python -m app.ui.i18n_build", description=__doc__)
    parser.add_argument("--update", action="store_true",
                        help="run pyside6-lupdate over app/ui before compiling")
    args = parser.parse_args(argv)
    if args.update:
        update()
    for qm in release():
        sys.stdout.write(f"{qm.relative_to(ROOT)}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

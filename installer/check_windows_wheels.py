"""Do Windows (win_amd64, CPython 3.11) wheels exist for every package the bundle needs?

    .venv/bin/python installer/check_windows_wheels.py [--markdown]

Walks the runtime requirements of GridDesk (the ``dependencies`` of pyproject.toml, plus
what the bundle adds: the demo kit's ``qrcode`` and ``pillow``, ``tzdata`` for time zones on
Windows, and PyInstaller itself) through their own requirements, with markers evaluated for
Windows. Each package is pinned to the version installed in this environment (so the Windows
build reproduces the Linux one), or left open when it is Windows-only. For each one it asks
the package index, with ``pip download --only-binary=:all: --platform win_amd64
--python-version 3.11 --no-deps``, for a wheel, and prints the wheel it found or the failure.
Exit status 1 when any package has no wheel. The table in installer/WINDOWS.md is its output.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
EXTRA_FOR_BUNDLE = ["qrcode>=7.4", "pillow>=10", "tzdata", "pyinstaller>=6.10"]
WINDOWS_ENV = {**default_environment(), "sys_platform": "win32", "platform_system": "Windows",
               "os_name": "nt", "platform_machine": "AMD64", "python_version": "3.11",
               "python_full_version": "3.11.9", "implementation_name": "cpython"}


def top_level() -> list[Requirement]:
    """GridDesk's runtime requirements and the bundle's extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(r) for r in [*project["dependencies"], *EXTRA_FOR_BUNDLE]]


def applies(req: Requirement, extras: set[str]) -> bool:
    """Whether a requirement is needed on Windows (with the given extras of its parent)."""
    if req.marker is None:
        return True
    return any(req.marker.evaluate({**WINDOWS_ENV, "extra": e}) for e in (extras or {""}))


def closure() -> dict[str, tuple[str, str | None]]:
    """canonical name -> (display name, installed version or None), with dependencies."""
    seen: dict[str, tuple[str, str | None]] = {}
    queue = [(r, set(r.extras)) for r in top_level()]
    while queue:
        req, extras = queue.pop()
        if not applies(req, set()):
            continue
        key = canonicalize_name(req.name)
        if key in seen:
            continue
        try:
            dist = metadata.distribution(req.name)
        except metadata.PackageNotFoundError:
            seen[key] = (req.name, None)
            continue
        seen[key] = (dist.metadata["Name"], dist.version)
        for raw in dist.requires or []:
            sub = Requirement(raw)
            if applies(sub, extras):
                queue.append((sub, set(sub.extras)))
    return dict(sorted(seen.items()))


def find_wheel(name: str, version: str | None, dest: Path) -> tuple[bool, str]:
    """(found, wheel file name or the last line of pip's complaint)."""
    spec = f"{name}=={version}" if version else name
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:",
           "--platform", "win_amd64", "--python-version", "3.11", "--implementation", "cp",
           "--no-deps", "-d", str(dest), spec]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    if out.returncode != 0:
        lines = [ln for ln in out.stderr.splitlines() if ln.strip() and "WARNING" not in ln]
        return False, lines[-1] if lines else f"pip exit {out.returncode}"
    pattern = re.compile(re.escape(canonicalize_name(name)).replace("\\-", "[-_.]"), re.I)
    wheels = [p.name for p in dest.glob("*.whl") if pattern.match(p.name.replace("_", "-"))]
    return True, wheels[-1] if wheels else "(downloaded)"


def main() -> int:
    """Check every package; print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args()
    missing = 0
    rows = []
    with tempfile.TemporaryDirectory(prefix="griddesk-winwheels-") as tmp:
        for key, (name, version) in closure().items():
            folder = Path(tmp) / key
            folder.mkdir()
            ok, what = find_wheel(name, version, folder)
            missing += not ok
            rows.append((name, version or "(latest; Windows only)", "yes" if ok else "NO", what))
    if args.markdown:
        print("| package | version | win_amd64 / cp311 wheel | file |")
        print("|---|---|---|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        for name, version, ok, what in rows:
            print(f"{ok:<4} {name:<28} {version:<22} {what}")
    print(f"{len(rows) - missing} of {len(rows)} packages have a Windows wheel", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

"""The core never imports Qt: checked on the source and in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORE = ["app/storage", "app/codes", "app/scanner", "app/sync", "app/reports", "app/demo",
        "app/cli", "server"]
CORE_FILES = ["app/errors.py", "app/text.py", "app/masking.py", "app/timeutil.py",
              "app/preferences.py"]


def _python_files() -> list[Path]:
    files = [ROOT / f for f in CORE_FILES]
    for folder in CORE:
        files += sorted((ROOT / folder).rglob("*.py"))
    return [f for f in files if f.exists()]


def test_no_qt_import_below_the_ui() -> None:
    """No Qt anywhere in the core; the command line may load Qt lazily inside a function
    (``griddesk --self-check`` checks the fonts and translations the window will use)."""
    offenders = []
    for path in _python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy_ok = path.parent.name == "cli"
        for node in (tree.body if lazy_ok else ast.walk(tree)):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"} for n in names):
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_importing_the_core_loads_no_qt() -> None:
    modules = [str(p.relative_to(ROOT).with_suffix("")).replace("/", ".")
               for p in _python_files() if p.name != "__main__.py"]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}:\n"
            "    try:\n        importlib.import_module(m)\n"
            "    except ImportError as e:\n        print('skip', m, e)\n"
            "bad = sorted(m for m in sys.modules if m.startswith('PySide6'))\n"
            "print('QT', bad)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert "QT []" in out.stdout, out.stdout + out.stderr

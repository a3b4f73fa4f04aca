"""app/scanner is the Qt-free core: importing it must not load Qt."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SCANNER = Path(__file__).resolve().parents[3] / "app" / "scanner"


def test_importing_the_scanner_loads_no_qt() -> None:
    code = (
        "import sys, app.scanner, app.scanner.worker, app.scanner.sources, "
        "app.scanner.reader, app.scanner.wedge, app.scanner.layouts, app.scanner.debounce, "
        "app.cli.scan_cmd\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6', "
        "'shiboken6')]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    root = SCANNER.parents[1]
    proc = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_module_in_the_scanner_imports_qt() -> None:
    for path in SCANNER.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("PySide", "PyQt", "shiboken")), (path, name)

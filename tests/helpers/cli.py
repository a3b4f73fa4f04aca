"""Run the `griddesk` command line in a child process, as a supervisor's script would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def griddesk(*args: str, stdin: str = "", lang: str = "zh",
             timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``python -m app.cli.main ARGS`` with cheap key derivation; returns the finished run."""
    env = {**os.environ, "GRIDDESK_TEST_FAST_KDF": "1", "GRIDDESK_LANG": lang,
           "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "app.cli.main", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)

"""Shared fixtures. Qt runs offscreen; tests fail on unexpected warnings and Qt messages."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("GRIDDESK_LANG", "zh")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

pytest_plugins = ["tests.helpers.station_fixtures"]

"""Where a station keeps its files."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

DB_NAME = "station.db"
SLOTS_NAME = "station.keys"
PREFERENCES_NAME = "preferences.json"


def default_data_dir() -> Path:
    """The platform user-data folder (``GRIDDESK_DATA_DIR`` overrides it)."""
    override = os.environ.get("GRIDDESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir("GridDesk", appauthor=False))

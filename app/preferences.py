"""Preferences of the person at the screen (language, large font, last user, window state).

Readable before sign-in (the login screen needs the language), so they live in a plain JSON
file beside the station, written atomically; nothing secret or personal goes here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from app.storage.atomic import write_atomic
from app.storage.paths import PREFERENCES_NAME

log = logging.getLogger(__name__)
VERSION = 1


@dataclass
class Preferences:
    """Per-PC preferences; ``save`` writes them, unknown keys in the file are ignored."""

    language: str = "zh_CN"
    large_font: bool = False
    last_user: str = ""
    camera_device: int = 0
    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    extra: dict[str, Any] = field(default_factory=dict)
    path: Path | None = field(default=None, repr=False, compare=False)

    @classmethod
    def load(cls, data_dir: Path) -> Preferences:
        """Read the file in ``data_dir``; defaults when missing or damaged."""
        path = Path(data_dir) / PREFERENCES_NAME
        prefs = cls(path=path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return prefs
        except (OSError, ValueError):
            log.warning("preferences file %s is unreadable; using defaults", path)
            return prefs
        known = {f.name for f in fields(cls)} - {"path"}
        for key, value in raw.items() if isinstance(raw, dict) else ():
            if key in known and isinstance(value, type(getattr(prefs, key))):
                setattr(prefs, key, value)
        return prefs

    def save(self) -> None:
        """Write atomically (no-op for preferences without a file)."""
        if self.path is None:
            return
        doc = {k: v for k, v in asdict(self).items() if k != "path"}
        doc["version"] = VERSION
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(self.path, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))

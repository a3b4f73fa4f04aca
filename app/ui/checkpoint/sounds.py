"""Distinct pass and refuse sounds, or silence where they cannot play.

The sounds are WAV files in ``resources/sounds`` (written by ``make_sounds.py`` there).
They play through ``QtMultimedia`` when that module is installed (it ships in
PySide6-Addons) and an audio device exists; otherwise the checkpoint stays silent and says
so once in the log. The verdict never depends on sound.
"""

from __future__ import annotations

import importlib
import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QUrl

log = logging.getLogger(__name__)

SOUND_DIR = Path(__file__).resolve().parents[3] / "resources" / "sounds"
PASS, REFUSE = "pass", "refuse"


def _multimedia() -> Any | None:
    try:
        return importlib.import_module("PySide6.QtMultimedia")
    except ImportError:
        return None


class VerdictSounds(QObject):
    """Plays ``pass`` or ``refuse``; ``available`` says whether anything can be heard."""

    _told = False

    def __init__(self, parent: QObject | None = None, enabled: bool = True,
                 sound_dir: Path = SOUND_DIR) -> None:
        super().__init__(parent)
        self.enabled = enabled
        self.played: list[str] = []  # what was asked for (kept short; tests and diagnostics)
        self._effects: dict[str, Any] = {}
        module = _multimedia()
        if module is None:
            self._say_once("QtMultimedia is not installed; verdict sounds are off")
            return
        try:
            if not module.QMediaDevices.audioOutputs():
                self._say_once("no audio output device; verdict sounds are off")
                return
            for name in (PASS, REFUSE):
                path = sound_dir / f"{name}.wav"
                if not path.exists():
                    continue
                effect = module.QSoundEffect(self)
                effect.setSource(QUrl.fromLocalFile(str(path)))
                self._effects[name] = effect
        except Exception:  # noqa: BLE001 - sound must never stop a screening
            log.info("verdict sounds unavailable", exc_info=True)
            self._effects = {}

    @classmethod
    def _say_once(cls, text: str) -> None:
        if not cls._told:
            cls._told = True
            log.info("%s", text)

    @property
    def available(self) -> bool:
        """Whether a sound can actually be heard."""
        return bool(self._effects)

    def play(self, name: str) -> None:
        """Play ``pass`` or ``refuse`` (silently recorded when unavailable or disabled)."""
        if not self.enabled:
            return
        self.played = (self.played + [name])[-20:]
        effect = self._effects.get(name)
        if effect is not None:
            try:
                effect.play()
            except Exception:  # noqa: BLE001
                log.info("could not play %s", name, exc_info=True)

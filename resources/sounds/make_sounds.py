"""Write the checkpoint's verdict sounds: ``pass.wav`` (two rising tones) and ``refuse.wav``
(two low tones). Run from the repository root: ``python resources/sounds/make_sounds.py``.

16-bit mono PCM at 22.05 kHz; each tone has a 10 ms fade in and out so it does not click.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

RATE = 22050
HERE = Path(__file__).resolve().parent


def tone(freq: float, seconds: float, volume: float = 0.45) -> np.ndarray:
    """One sine tone with short fades."""
    n = int(RATE * seconds)
    t = np.arange(n) / RATE
    wave_ = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(4 * np.pi * freq * t)
    fade = min(n // 2, int(RATE * 0.01))
    env = np.ones(n)
    env[:fade] = np.linspace(0, 1, fade)
    env[-fade:] = np.linspace(1, 0, fade)
    return wave_ / 1.25 * env * volume


def silence(seconds: float) -> np.ndarray:
    """A pause."""
    return np.zeros(int(RATE * seconds))


def write(path: Path, samples: np.ndarray) -> None:
    """Write 16-bit mono PCM."""
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(pcm.tobytes())


def main() -> None:
    """Write both files next to this script."""
    write(HERE / "pass.wav", np.concatenate([tone(880, 0.11), silence(0.03), tone(1320, 0.16)]))
    write(HERE / "refuse.wav", np.concatenate([tone(330, 0.22), silence(0.08), tone(262, 0.32)]))


if __name__ == "__main__":
    main()

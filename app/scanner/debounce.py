"""One scan event per presentation of a code to the camera.

The camera sees the same code in every frame while a phone is held up; the checkpoint
wants one event. :class:`PresentationGate` turns per-frame decodes into events:

- a payload fires once when it is *confirmed*, then stays quiet while it remains in view;
- it is *in view* until it has not been seen for ``rearm_after_s``; after that, showing it
  again is a new presentation and fires again (duplicate-scan detection in ``app/codes``
  decides whether that matters);
- a different payload fires at once, even while the first is still in view;
- confirmation: ``min_sightings`` frames within ``window_s``. zxing's decodes pass QR's
  Reed–Solomon check, and the benchmark measured no wrong decode, so the default fires on
  the first sighting; a payload that only the zbar rescue produced needs
  ``rescue_min_sightings`` (2 by default) because that path reads frames zxing rejected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sighting:
    """One payload decoded in one frame."""

    payload: bytes
    decoder: str = "zxing"


@dataclass
class _Track:
    first_seen: float
    last_seen: float
    sightings: int
    fired: bool


@dataclass
class PresentationGate:
    """De-bounce and confirmation policy; feed it every decoded frame, in time order."""

    min_sightings: int = 1
    rescue_min_sightings: int = 2
    window_s: float = 0.6
    rearm_after_s: float = 1.5
    _tracks: dict[bytes, _Track] = field(default_factory=dict, init=False)

    def observe(self, at: float, sightings: Iterable[Sighting]) -> list[bytes]:
        """Record one frame's decodes at time ``at``; returns payloads that fire now."""
        self._expire(at)
        fired: list[bytes] = []
        seen: set[bytes] = set()
        for s in sightings:
            if s.payload in seen:
                continue
            seen.add(s.payload)
            track = self._tracks.get(s.payload)
            if track is None or (not track.fired and at - track.first_seen > self.window_s):
                track = _Track(at, at, 0, False)
                self._tracks[s.payload] = track
            track.sightings += 1
            track.last_seen = at
            needed = self.min_sightings if s.decoder == "zxing" else max(
                self.min_sightings, self.rescue_min_sightings)
            if not track.fired and track.sightings >= needed:
                track.fired = True
                fired.append(s.payload)
        return fired

    def _expire(self, at: float) -> None:
        stale = [p for p, tr in self._tracks.items()
                 if at - tr.last_seen > (self.rearm_after_s if tr.fired else self.window_s)]
        for p in stale:
            del self._tracks[p]

    def in_view(self) -> list[bytes]:
        """Payloads currently tracked as presented (fired and not yet re-armed)."""
        return [p for p, tr in self._tracks.items() if tr.fired]

    def reset(self) -> None:
        """Forget everything (e.g. when the worker switches source)."""
        self._tracks.clear()

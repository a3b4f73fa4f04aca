"""The checkpoint's side of verification, run on the store's DB thread (no Qt, no widgets).

It keeps the verifier, the decision rules and the settings it was built from, and rebuilds
them when trust material, reference data or settings change (a cheap fingerprint query
per scan). The screen calls these functions through ``db_op`` so the GUI thread never
waits on the store or the crypto.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.codes.checkpoint import load_rules, load_verifier
from app.codes.results import Notice, WarningCode
from app.codes.rules import DecisionRules
from app.codes.status import LookupOutcome, lookup_id
from app.codes.store_repo import SqlScanHistory
from app.codes.verifier import CodeVerifier
from app.errors import KnownError
from app.reports.localday import ZONE, day_bounds
from app.storage import settings
from app.storage.queries import checkpoint as queries
from app.storage.station import Station
from app.text import t
from app.timeutil import iso_utc
from app.ui.checkpoint import verdict as v


@dataclass(frozen=True)
class StationRules:
    """What the GUI needs to propose a decision without asking the store."""

    rules: DecisionRules
    fever_threshold: float
    grid: str
    sound_enabled: bool


@dataclass
class _Context:
    fingerprint: str
    verifier: CodeVerifier
    station_rules: StationRules


class CheckpointEngine:
    """Verification and look-ups for one station; every method runs on the DB thread."""

    def __init__(self, station: Station) -> None:
        self.station = station
        self._ctx: _Context | None = None
        self._lock = threading.Lock()

    def _context(self, conn: Any) -> _Context:
        fingerprint = queries.reference_fingerprint(conn)
        with self._lock:
            if self._ctx is None or self._ctx.fingerprint != fingerprint:
                rules = StationRules(
                    load_rules(conn), settings.get(conn, settings.FEVER_THRESHOLD),
                    settings.get(conn, settings.GRID_NAME),
                    settings.get(conn, settings.SOUND_ENABLED))
                self._ctx = _Context(fingerprint, load_verifier(conn), rules)
            return self._ctx

    def station_rules(self, conn: Any) -> StationRules:
        """The decision rules, fever threshold, grid and sound setting in force."""
        return self._context(conn).station_rules

    def verify(self, conn: Any, text: str, source: str) -> tuple[v.Verdict, StationRules]:
        """Verify a scanned or typed text (never raises on the text itself)."""
        ctx = self._context(conn)
        reading = self.station.clock.read(conn)
        code = ctx.verifier.verify(text, reading.now, floor=reading.floor or None,
                                   history=SqlScanHistory(conn))
        return v.from_code(code, source, reading), ctx.station_rules

    def lookup(self, conn: Any, id_text: str) -> tuple[v.Verdict, StationRules]:
        """Check an ID number and look it up; KnownError when the number is not valid."""
        ctx = self._context(conn)
        reading = self.station.clock.read(conn)
        found = lookup_id(id_text, ctx.verifier.trust, reading.trusted_now,
                          ctx.verifier.policy)
        if found.outcome is LookupOutcome.INVALID_ID:
            raise KnownError(found.message)
        extra, codes = _clock_warning(reading)
        duplicate_of = None
        window = ctx.verifier.policy.duplicate_window_s
        if found.person_ref and window > 0:
            earlier = SqlScanHistory(conn).earlier_scan(None, found.person_ref,
                                                        reading.now - window, reading.now)
            if earlier is not None:
                duplicate_of = earlier.screening_id
                extra += (t(f"同一人已于 {iso_utc(earlier.clock_ts)} 在本站登记过",
                            f"the same person was screened here at {iso_utc(earlier.clock_ts)}"),)
                codes += (WarningCode.DUPLICATE_SCAN.value,)
        return v.from_lookup(found, reading, extra, codes, duplicate_of), ctx.station_rules

    def no_code(self, conn: Any) -> tuple[v.Verdict, StationRules]:
        """The manual procedure for a person with neither a code nor an ID number."""
        ctx = self._context(conn)
        reading = self.station.clock.read(conn)
        extra, codes = _clock_warning(reading)
        return v.no_code(reading, extra, codes), ctx.station_rules

    def today(self, conn: Any, limit: int = 12) -> dict[str, Any]:
        """Today's counters (China local day, as in the reports) and the last screenings."""
        day = datetime.fromtimestamp(self.station.clock.now(), ZONE).date()
        start, end = day_bounds(day)
        return {"counters": queries.day_counters(conn, start, end),
                "recent": queries.recent_screenings(conn, limit)}


def _clock_warning(reading: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if not reading.below_floor:
        return (), ()
    notice = Notice(WarningCode.CLOCK_BELOW_FLOOR, t(
        f"系统时钟早于可信时间下限 {iso_utc(reading.floor)}，请检查电脑时间",
        f"the clock is behind the trusted floor {iso_utc(reading.floor)}; check the PC's time"))
    return (notice.message,), (notice.code.value,)

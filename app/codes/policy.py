"""Tunable thresholds of verification, with their defaults (station settings feed them)."""

from __future__ import annotations

from dataclasses import dataclass

from app.codes.lists import ListInfo
from app.codes.results import Notice, WarningCode
from app.text import t
from app.timeutil import iso_utc

DAY = 86400.0


@dataclass(frozen=True)
class VerifyPolicy:
    """Thresholds of verification.

    - ``skew_s``: tolerated clock difference for ``iat`` in the future (spec §3: 300 s).
    - ``stale_warning_after_s``: time after a list's ``next_update`` before "stale" shows.
    - ``stale_refuse_after_s``: time after ``next_update`` when VALID becomes STALE_TRUST.
    - ``duplicate_window_s``: a repeat scan of a code or person within this is flagged.
    - ``floor_tolerance_s``: how far below the trusted floor the clock may be before the
      "clock below trusted floor" warning.
    """

    skew_s: float = 300.0
    stale_warning_after_s: float = 0.0
    stale_refuse_after_s: float = 7 * DAY
    duplicate_window_s: float = 300.0
    floor_tolerance_s: float = 120.0


@dataclass(frozen=True)
class Staleness:
    """How old one list is at ``now``."""

    warn: bool
    refuse: bool


def staleness(info: ListInfo, now: float, policy: VerifyPolicy) -> Staleness:
    """Spec §4: past ``next_update`` warns; past it plus the grace refuses."""
    return Staleness(warn=now > info.next_update + policy.stale_warning_after_s,
                     refuse=now > info.next_update + policy.stale_refuse_after_s)


def stale_notice(code: WarningCode, what_zh: str, what_en: str, info: ListInfo) -> Notice:
    """The warning shown for a stale list."""
    when = iso_utc(info.next_update)
    return Notice(code, t(f"{what_zh}已过期（应于 {when} 前更新），请尽快同步",
                          f"{what_en} is out of date (next update was due {when}); sync soon"),
                  {"version": info.version, "next_update": info.next_update_text})

"""The local day of a report: China time (Asia/Shanghai, UTC+8, no daylight saving).

Records store UTC ISO strings; a report's date and hours are local. The zone comes from
``zoneinfo``; where the platform has no time-zone database (Windows without the ``tzdata``
package) the fixed UTC+8 offset is used, which is the same rule since 1991.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.timeutil import iso_utc


def china_zone() -> tzinfo:
    """Asia/Shanghai, or a fixed UTC+8 where the zone database is missing."""
    try:
        return ZoneInfo("Asia/Shanghai")
    except ZoneInfoNotFoundError:  # pragma: no cover - platform without tzdata
        return timezone(timedelta(hours=8), "CST")


ZONE = china_zone()


def day_bounds(day: date) -> tuple[float, float]:
    """Epoch seconds of local midnight at the start of ``day`` and of the next day."""
    start = datetime.combine(day, time(0, 0), tzinfo=ZONE)
    end = datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=ZONE)
    return start.timestamp(), end.timestamp()


def day_bounds_iso(day: date) -> tuple[str, str]:
    """The same bounds as stored UTC strings (they compare as text)."""
    start, end = day_bounds(day)
    return iso_utc(start), iso_utc(end)


def utc_offset_hours(day: date) -> int:
    """The local offset from UTC on ``day``, in whole hours (8 for China)."""
    offset = datetime.combine(day, time(12, 0), tzinfo=ZONE).utcoffset()
    return int(offset.total_seconds() // 3600) if offset else 0


def local_date(ts: float) -> date:
    """The local calendar date of epoch ``ts``."""
    return datetime.fromtimestamp(ts, ZONE).date()


def local_text(ts: float) -> str:
    """``2026-12-04 16:15`` in local time."""
    return datetime.fromtimestamp(ts, ZONE).strftime("%Y-%m-%d %H:%M")


def today_local(now: float) -> date:
    """Today's local date at epoch ``now``."""
    return local_date(now)

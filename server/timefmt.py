"""UTC times as the server stores them: aware datetimes, ISO text with a ``Z``."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Now, as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


def iso(moment: dt.datetime) -> str:
    """``2026-12-04T08:15:02.123Z`` (millisecond precision, always UTC)."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_iso(value: str | dt.datetime) -> dt.datetime:
    """An aware datetime from ISO text (or a datetime from PostgreSQL) ."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def as_text(value: object) -> str | None:
    """A stored time (text or datetime) as ISO text, for answers and statistics."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return iso(parse_iso(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)

"""The division aggregate: the same daily report summed over the stations of a division.

The central server collects each station's daily report (``DailyReport.to_dict()``) and
serves their sum; a supervisor's station downloads it when online and writes it with the
same writers (summary and charts; no detail sheets, since personal records stay with the
stations). ``sum_reports`` is the one definition of that sum, used by the server and
by tests:

- every count is added; hourly series are added hour by hour; per-category maps key by key;
- sync: pending, quarantined and sent are added; ``last_success`` is the *oldest* of the
  stations' last syncs (the division is only as current as its least current station) and
  ``last_error`` says how many stations' last attempt failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from app.errors import KnownError
from app.reports.model import DailyReport
from app.text import t

_IDENTITY = {"date", "scope", "scope_label", "station_id", "station_name", "division",
             "generated_at", "as_of", "timezone", "sync"}


def _add(a: Any, b: Any) -> Any:
    if isinstance(a, bool) or isinstance(b, bool):
        raise TypeError("booleans are not summed")
    if isinstance(a, int) and isinstance(b, int):
        return a + b
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            raise ValueError("series of different length")
        return [_add(x, y) for x, y in zip(a, b, strict=True)]
    if isinstance(a, dict) and isinstance(b, dict):
        return {k: _add(a.get(k, _zero(b.get(k))), b.get(k, _zero(a.get(k))))
                for k in (*a, *(k for k in b if k not in a))}
    raise ValueError(f"cannot add {type(a).__name__} and {type(b).__name__}")


def _zero(like: Any) -> Any:
    if isinstance(like, int):
        return 0
    if isinstance(like, list):
        return [_zero(x) for x in like]
    if isinstance(like, dict):
        return {k: _zero(v) for k, v in like.items()}
    raise ValueError("not a count")


def sum_reports(reports: Iterable[DailyReport | dict[str, Any]], division: str,
                generated_at: str, name: str | None = None) -> DailyReport:
    """The sum of station reports for one date (all must share the date and the scope)."""
    docs = [r.to_dict() if isinstance(r, DailyReport) else r for r in reports]
    if not docs:
        raise KnownError(t("该区划当日没有站点报表",
                           "no station reports for that division and date"))
    day, scope = docs[0]["date"], docs[0]["scope"]
    if any(d["date"] != day or d["scope"] != scope for d in docs):
        raise KnownError(t("只能汇总同一日期、同一范围的报表",
                           "only reports of one date and scope can be summed"))
    total: dict[str, Any] = {k: v for k, v in docs[0].items() if k not in _IDENTITY}
    for doc in docs[1:]:
        total = _add(total, {k: v for k, v in doc.items() if k not in _IDENTITY})
    syncs = [d["sync"] for d in docs]
    successes = [s["last_success"] for s in syncs]
    failures = sum(1 for s in syncs if s.get("last_error"))
    label = name or t(f"区划 {division} 汇总", f"division {division} total")
    total.update(
        date=day, scope=scope, scope_label=t(f"{label}（{len(docs)} 个站点）",
                                             f"{label} ({len(docs)} stations)"),
        station_id="", station_name=label, division=division, generated_at=generated_at,
        as_of=max(d["as_of"] for d in docs), timezone=docs[0]["timezone"],
        sync={"pending": sum(s["pending"] for s in syncs),
              "quarantined": sum(s["quarantined"] for s in syncs),
              "sent": sum(s["sent"] for s in syncs),
              "last_success": None if None in successes else min(successes),
              "last_error": t(f"{failures} 个站点上次同步失败", f"{failures} stations failed "
                              "their last sync") if failures else None})
    return DailyReport.from_dict(total)


def fetch_division_report(get_json: Callable[[str, dict[str, str]], Any], division: str,
                          day: date) -> tuple[DailyReport, list[dict[str, Any]]]:
    """Download the division aggregate from the centre: the report and the stations summed.

    ``get_json(path, params)`` is the sync transport's authenticated GET (injected, so this
    module holds no HTTP code); the server answers ``GET /v1/reports/daily?date=…`` for the
    caller's own division with ``{"division", "date", "stations", "report"}`` where
    ``report`` is a ``to_dict`` form. ``division`` is the one the station is enrolled in; an
    answer for another division or date is refused.
    """
    answer = get_json("/v1/reports/daily", {"date": day.isoformat()})
    try:
        report = DailyReport.from_dict(answer["report"])
        stations = [dict(s) for s in answer.get("stations") or []]
        if answer["division"] != division or report.division != division \
                or report.date != day.isoformat():
            raise ValueError("another division or date")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise KnownError(t("中心返回的汇总报表格式不对",
                           "the centre's aggregate report is malformed")) from exc
    return report, stations

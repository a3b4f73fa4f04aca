"""The report's charts as data, drawn the same way on screen, in XLSX and in the PDF.

Each :class:`ChartSpec` names its kind (``stacked_column``, ``column`` or ``pie``), its
categories and its series with a colour; the screen, the XLSX writer (native Excel
charts) and the PDF writer (reportlab graphics) each draw from this one list.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.reports import labels as L
from app.reports.model import AID_CATEGORIES, COLOURS, DailyReport
from app.text import t

COLOUR_HEX = {"green": "#2E7D32", "yellow": "#F9A825", "red": "#C62828", "none": "#9E9E9E"}
SERIES_HEX = ("#1565C0", "#2E7D32", "#C62828", "#6A1B9A")


@dataclass(frozen=True)
class Series:
    """One series of a chart."""

    name: str
    values: tuple[int, ...]
    colour: str


@dataclass(frozen=True)
class ChartSpec:
    """One chart: kind, title, category labels and series."""

    key: str
    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]


def chart_specs(report: DailyReport) -> list[ChartSpec]:
    """The charts of the report, in display order."""
    s = report.screenings
    hours = tuple(f"{h:02d}" for h in range(24))
    by_hour = ChartSpec(
        "by_hour", "stacked_column", t("分时段筛查（按颜色）", "screenings by hour and colour"),
        hours, tuple(Series(L.name(L.COLOUR_NAMES, c), tuple(s.by_hour_colour[c]),
                            COLOUR_HEX[c]) for c in COLOURS))
    colour_mix = ChartSpec(
        "colour_mix", "pie", t("健康码颜色构成", "colour mix"),
        tuple(L.name(L.COLOUR_NAMES, c) for c in COLOURS),
        (Series(t("人次", "screenings"), tuple(s.by_colour[c] for c in COLOURS), ""),))
    decisions = ("pass", "refer", "refuse", "notify")
    decision_chart = ChartSpec(
        "decisions", "column", t("处置结果", "decisions"),
        tuple(L.name(L.DECISION_NAMES, d) for d in decisions),
        (Series(t("人次", "screenings"), tuple(s.by_decision.get(d, 0) for d in decisions),
                SERIES_HEX[0]),))
    aid_chart = ChartSpec(
        "aid", "column", t("救助请求（按类别）", "aid requests by category"),
        tuple(L.name(L.CATEGORY_NAMES, c) for c in AID_CATEGORIES),
        tuple(Series(label, tuple(getattr(report.aid[c], field) for c in AID_CATEGORIES), hx)
              for field, label, hx in (
                  ("opened", t("新增", "opened"), SERIES_HEX[0]),
                  ("delivered", t("送达", "delivered"), SERIES_HEX[1]),
                  ("overdue", t("逾期", "overdue"), SERIES_HEX[2]))))
    return [by_hour, colour_mix, decision_chart, aid_chart]

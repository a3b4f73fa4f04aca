"""Draw the report's chart specs with reportlab graphics (for the PDF)."""

from __future__ import annotations

from typing import Any

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

from app.reports.charts import COLOUR_HEX, ChartSpec
from app.reports.fonts import FontChain
from app.text import t


def _legend(fonts: FontChain, items: list[tuple[Any, str]], x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = fonts.body, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 70
    legend.boxAnchor = "sw"
    legend.colorNamePairs = items
    return legend


def _bars(spec: ChartSpec, fonts: FontChain, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 32, 42
    chart.width, chart.height = width - 48, height - 78
    chart.data = [list(s.values) for s in spec.series]
    chart.categoryAxis.categoryNames = list(spec.categories)
    chart.categoryAxis.labels.fontName = fonts.body
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = fonts.body
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max((sum(col) for col in zip(*chart.data, strict=True)) if spec.kind ==
              "stacked_column" else (max(s.values) for s in spec.series), default=0)
    chart.valueAxis.valueMax = max(top * 1.1, 5)
    if spec.kind == "stacked_column":
        chart.categoryAxis.style = "stacked"
        chart.barSpacing = 1
    chart.groupSpacing = 4
    for i, series in enumerate(spec.series):
        chart.bars[i].fillColor = colors.HexColor(series.colour)
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(width / 2, height - 14, spec.title, fontName=fonts.body, fontSize=10,
                       textAnchor="middle"))
    if len(spec.series) > 1:
        drawing.add(_legend(fonts, [(colors.HexColor(s.colour), s.name) for s in spec.series],
                            32, 4))
    return drawing


def _pie(spec: ChartSpec, fonts: FontChain, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    values = list(spec.series[0].values)
    total = sum(values)
    drawing.add(String(width / 2, height - 14, spec.title, fontName=fonts.body, fontSize=10,
                       textAnchor="middle"))
    if total == 0:
        drawing.add(String(width / 2, height / 2, t("当日无筛查", "no screenings"),
                           fontName=fonts.body, fontSize=9, textAnchor="middle"))
        return drawing
    pie = Pie()
    size = min(width * 0.45, height - 60)
    pie.x, pie.y, pie.width, pie.height = 20, (height - size) / 2 - 6, size, size
    pie.data = [v or 0.0001 for v in values]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    hexes = list(COLOUR_HEX.values())
    for i in range(len(values)):
        pie.slices[i].fillColor = colors.HexColor(hexes[i % len(hexes)])
    drawing.add(pie)
    legend = _legend(fonts, [
        (colors.HexColor(hexes[i]), f"{name} {v}（{v * 100 / total:.1f}%）")
        for i, (name, v) in enumerate(zip(spec.categories, values, strict=True))],
        pie.x + size + 16, pie.y + size / 2 - 30)
    legend.columnMaximum = 4
    legend.alignment = "right"
    drawing.add(legend)
    return drawing


def draw_chart(spec: ChartSpec, fonts: FontChain, width: float, height: float) -> Drawing:
    """A reportlab drawing of ``spec``."""
    if spec.kind == "pie":
        return _pie(spec, fonts, width, height)
    return _bars(spec, fonts, width, height)

"""A small bar chart painted with QPainter, drawn from the report's ``ChartSpec``.

Column and stacked-column charts are drawn as such; a pie is drawn as bars per category
(easier to read and compare on a checkpoint laptop). Every bar carries its number, and the
legend names each series, so no value is told by colour alone. QtCharts (PySide6-Addons) is
not needed.

Where everything goes is worked out first (:func:`chart_layout`, no painting) and then
painted, so tests can check that nothing overlaps: the legend has its own rows under the
title, the plot leaves a line above the tallest bar for its number, and each category
label keeps to its own slot: on one line when it fits, else on two, else shortened with
"…"; a long run of short labels (the hours) shows every k-th one. Hovering a category shows
its full name and numbers as a tooltip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QPainter
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from app.reports.charts import COLOUR_HEX, SERIES_HEX, ChartSpec, Series
from app.reports.model import COLOURS

PAD = 8.0
LABEL_GAP = 4.0      # between two category labels
MAX_LABEL_LINES = 2
SWATCH = 10.0
TEXT = QColor("#202020")
AXIS_TEXT = QColor("#303030")   # on white: contrast well above 7:1
AXIS_LINE = QColor("#9E9E9E")


@dataclass
class CategoryLabel:
    """One category's label: where it goes, the lines shown and the full text."""

    index: int
    rect: QRectF
    lines: list[str]
    full: str

    @property
    def shortened(self) -> bool:
        """True when the lines do not show the full text (its tooltip does)."""
        return "".join(self.lines).replace(" ", "") != self.full.replace(" ", "")


@dataclass
class ChartLayout:
    """Every rectangle of one chart at one size."""

    title: QRectF
    legend: list[tuple[QRectF, QRectF, str, QColor]] = field(default_factory=list)
    plot: QRectF = field(default_factory=QRectF)
    slot: float = 0.0
    bars: list[tuple[QRectF, QColor]] = field(default_factory=list)
    values: list[tuple[QRectF, str]] = field(default_factory=list)
    labels: list[CategoryLabel] = field(default_factory=list)

    @property
    def legend_rect(self) -> QRectF:
        """The area all legend entries take (empty without a legend)."""
        area = QRectF()
        for swatch, text, _name, _colour in self.legend:
            area = area.united(swatch).united(text)
        return area


def wrap_label(text: str, width: float, fm: QFontMetricsF,
               max_lines: int = MAX_LABEL_LINES) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``: broken between words
    when it has spaces, anywhere in Chinese; the last line ends in "…" when it still does
    not fit."""
    if fm.horizontalAdvance(text) <= width:
        return [text]
    if max_lines <= 1:
        return [fm.elidedText(text, Qt.TextElideMode.ElideRight, width)]
    spaced = " " in text.strip()
    tokens = text.split() if spaced else list(text)
    joiner = " " if spaced else ""
    lines: list[str] = []
    current = ""
    for k, token in enumerate(tokens):
        candidate = f"{current}{joiner}{token}" if current else token
        if fm.horizontalAdvance(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = token
        if len(lines) == max_lines - 1:
            current = joiner.join(tokens[k:])
            break
    lines.append(current)
    return [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


def _series(spec: ChartSpec) -> tuple[list[Series], list[QColor] | None]:
    """Series to draw, and per-category colours for a single-series pie."""
    series = list(spec.series)
    if spec.kind == "pie" and len(series) == 1:
        n = len(spec.categories)
        colours = [QColor(COLOUR_HEX[c]) for c in COLOURS] if n == len(COLOURS) else [
            QColor(SERIES_HEX[i % len(SERIES_HEX)]) for i in range(n)]
        return series, colours
    return series, None


def _series_colour(s: Series, k: int) -> QColor:
    return QColor(s.colour or SERIES_HEX[k % len(SERIES_HEX)])


def _legend(spec: ChartSpec, width: float, top: float, fm: QFontMetricsF
            ) -> tuple[list[tuple[QRectF, QRectF, str, QColor]], float]:
    """Legend entries flowed into rows under the title; returns them and their bottom."""
    series, per_category = _series(spec)
    if per_category is not None or len(series) < 2:
        return [], top
    line = fm.height()
    entries = []
    x, y = PAD, top
    for k, s in enumerate(series):
        text_w = fm.horizontalAdvance(s.name) + 2
        item_w = SWATCH + 4 + text_w
        if x > PAD and x + item_w > width - PAD:
            x, y = PAD, y + line + 2
        swatch = QRectF(x, y + (line - SWATCH) / 2, SWATCH, SWATCH)
        text = QRectF(x + SWATCH + 4, y, min(text_w, width - PAD - x - SWATCH - 4), line)
        entries.append((swatch, text, s.name, _series_colour(s, k)))
        x += item_w + 12
    return entries, y + line


def _labels(categories: tuple[str, ...], plot: QRectF, fm: QFontMetricsF
            ) -> tuple[int, int, float]:
    """(lines, stride, room per label) for the category labels under ``plot``."""
    n = max(1, len(categories))
    slot = plot.width() / n
    room = slot - LABEL_GAP
    widest = max((fm.horizontalAdvance(c) for c in categories), default=0.0)
    if widest <= room:
        return 1, 1, room
    if n > 12:  # many short labels (hours): show every k-th, each in k slots
        stride = 1
        while stride < n and widest > stride * slot - LABEL_GAP:
            stride += 1
        return 1, stride, stride * slot - LABEL_GAP
    lines = max(len(wrap_label(c, room, fm)) for c in categories)
    return lines, 1, room


def chart_layout(spec: ChartSpec, width: float, height: float, font: QFont) -> ChartLayout:
    """Where the title, legend, bars, numbers and labels of ``spec`` go at this size."""
    fm = QFontMetricsF(font)
    line = fm.height()
    layout = ChartLayout(title=QRectF(0, 0, width, line + 4))
    layout.legend, legend_bottom = _legend(spec, width, layout.title.bottom() + 2, fm)
    series, per_category = _series(spec)
    n = max(1, len(spec.categories))
    plot_top = legend_bottom + 4 + line  # one line above the tallest bar for its number
    provisional = QRectF(PAD, plot_top, max(1.0, width - 2 * PAD), 1)
    lines, stride, room = _labels(spec.categories, provisional, fm)
    label_h = lines * line + 4
    plot = QRectF(PAD, plot_top, max(1.0, width - 2 * PAD),
                  max(1.0, height - plot_top - label_h - PAD / 2))
    layout.plot = plot
    slot = plot.width() / n
    layout.slot = slot
    stacked = spec.kind == "stacked_column"
    groups = 1 if stacked or len(series) == 1 else len(series)
    peak = 1
    totals = []
    for i in range(n):
        values = [s.values[i] if i < len(s.values) else 0 for s in series]
        totals.append(sum(values))
        peak = max(peak, totals[i] if stacked else max(values or [0]))
    bar_w = max(2.0, slot * 0.7 / groups)
    for i in range(len(spec.categories)):
        x0 = plot.left() + i * slot + slot * 0.15
        base = plot.bottom()
        for k, s in enumerate(series):
            value = s.values[i] if i < len(s.values) else 0
            h = plot.height() * value / peak
            colour = per_category[i] if per_category is not None else _series_colour(s, k)
            if stacked:
                rect = QRectF(x0, base - h, slot * 0.7, h)
                base -= h
            else:
                rect = QRectF(x0 + k * bar_w, plot.bottom() - h, bar_w, h)
            if value:
                layout.bars.append((rect, colour))
            if value and not stacked:
                layout.values.append((_value_rect(rect, str(value), fm), str(value)))
        if stacked and totals[i]:
            top = plot.bottom() - plot.height() * totals[i] / peak
            bar = QRectF(x0, top, slot * 0.7, 0)
            layout.values.append((_value_rect(bar, str(totals[i]), fm), str(totals[i])))
        if i % stride == 0:
            centre = plot.left() + (i + 0.5) * slot
            left = max(0.0, min(centre - room / 2, width - room))
            rect = QRectF(left, plot.bottom() + 2, min(room, width), lines * line)
            layout.labels.append(CategoryLabel(i, rect, wrap_label(spec.categories[i], room, fm),
                                               spec.categories[i]))
    return layout


def _value_rect(bar: QRectF, text: str, fm: QFontMetricsF) -> QRectF:
    w = fm.horizontalAdvance(text) + 4
    return QRectF(bar.center().x() - w / 2, bar.top() - fm.height(), w, fm.height())


class BarChart(QWidget):
    """Paints one chart spec."""

    def __init__(self, spec: ChartSpec | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setMinimumSize(260, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(420, 240)

    def set_spec(self, spec: ChartSpec) -> None:
        """Show another chart."""
        self.spec = spec
        self.setAccessibleName(spec.title)
        self.update()

    def chart_layout(self) -> ChartLayout | None:
        """Where everything goes at the current size (None without a spec)."""
        if self.spec is None:
            return None
        return chart_layout(self.spec, self.width(), self.height(), self.font())

    def tooltip_at(self, pos: QPointF) -> str:
        """The full category name and its numbers under ``pos`` ("" elsewhere)."""
        layout = self.chart_layout()
        if layout is None or self.spec is None or layout.slot <= 0:
            return ""
        plot = layout.plot
        if not (plot.left() <= pos.x() < plot.right() and plot.top() <= pos.y()):
            return ""
        i = int((pos.x() - plot.left()) / layout.slot)
        if not 0 <= i < len(self.spec.categories):
            return ""
        series = self.spec.series
        if len(series) == 1:
            value = series[0].values[i] if i < len(series[0].values) else 0
            return f"{self.spec.categories[i]}：{value}"
        parts = [f"{s.name} {s.values[i] if i < len(s.values) else 0}" for s in series]
        return f"{self.spec.categories[i]}：" + "，".join(parts)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        layout = self.chart_layout()
        if layout is None or self.spec is None:
            p.end()
            return
        p.setFont(self.font())
        centre = int(Qt.AlignmentFlag.AlignCenter)
        p.setPen(TEXT)
        p.drawText(layout.title, centre, self.spec.title)
        for swatch, text, name, colour in layout.legend:
            p.fillRect(swatch, colour)
            p.setPen(TEXT)
            p.drawText(text, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                       name)
        p.setPen(AXIS_LINE)
        p.drawLine(layout.plot.bottomLeft(), layout.plot.bottomRight())
        for rect, colour in layout.bars:
            p.fillRect(rect, colour)
        p.setPen(TEXT)
        for rect, text in layout.values:
            p.drawText(rect, centre, text)
        p.setPen(AXIS_TEXT)
        top_centre = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        for label in layout.labels:
            p.drawText(label.rect, top_centre, "\n".join(label.lines))
        p.end()

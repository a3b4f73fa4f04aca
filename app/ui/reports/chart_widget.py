"""A small bar chart painted with QPainter, drawn from the report's ``ChartSpec``.

Column and stacked-column charts are drawn as such; a pie is drawn as bars per category
(easier to read and compare on a checkpoint laptop). Every bar carries its number, and the
legend names each series, so no value is told by colour alone. QtCharts (PySide6-Addons) is
not needed.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.reports.charts import COLOUR_HEX, SERIES_HEX, ChartSpec, Series
from app.reports.model import COLOURS


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

    def _series(self) -> tuple[list[Series], list[QColor] | None]:
        """Series to stack, and per-category colours for a single-series pie."""
        assert self.spec is not None
        series = list(self.spec.series)
        if self.spec.kind == "pie" and len(series) == 1:
            n = len(self.spec.categories)
            colours = [QColor(COLOUR_HEX[c]) for c in COLOURS] if n == len(COLOURS) else [
                QColor(SERIES_HEX[i % len(SERIES_HEX)]) for i in range(n)]
            return series, colours
        return series, None

    def paintEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#FFFFFF"))
        if self.spec is None:
            p.end()
            return
        spec = self.spec
        series, per_category = self._series()
        stacked = spec.kind == "stacked_column"
        n = max(1, len(spec.categories))
        groups = 1 if stacked or len(series) == 1 else len(series)
        totals = [0] * n
        peak = 1
        for i in range(n):
            values = [s.values[i] if i < len(s.values) else 0 for s in series]
            totals[i] = sum(values)
            peak = max(peak, totals[i] if stacked else max(values or [0]))
        font = QFont(self.font())
        p.setFont(font)
        fm = p.fontMetrics()
        line = fm.height()
        p.setPen(QColor("#202020"))
        p.drawText(QRectF(0, 0, self.width(), line + 4),
                   int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter), spec.title)
        legend_h = line + 4 if per_category is None and len(series) > 1 else 0
        plot = QRectF(8, line + 8 + legend_h, self.width() - 16,
                      self.height() - (2 * line + 20 + legend_h))
        if legend_h:
            x = 8.0
            for k, s in enumerate(series):
                p.fillRect(QRectF(x, line + 8, 10, 10), QColor(s.colour or SERIES_HEX[k % 4]))
                p.drawText(QRectF(x + 14, line + 4, 200, line), s.name)
                x += 24 + fm.horizontalAdvance(s.name)
        slot = plot.width() / n
        bar_w = max(2.0, slot * 0.7 / groups)
        p.setPen(QColor("#B0B0B0"))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        for i, category in enumerate(spec.categories):
            x0 = plot.left() + i * slot + slot * 0.15
            base = plot.bottom()
            for k, s in enumerate(series):
                value = s.values[i] if i < len(s.values) else 0
                h = plot.height() * value / peak
                colour = (per_category[i] if per_category is not None
                          else QColor(s.colour or SERIES_HEX[k % len(SERIES_HEX)]))
                if stacked:
                    rect = QRectF(x0, base - h, slot * 0.7, h)
                    base -= h
                else:
                    rect = QRectF(x0 + k * bar_w, plot.bottom() - h, bar_w, h)
                if value:
                    p.fillRect(rect, colour)
                if value and not stacked:
                    p.setPen(QColor("#202020"))
                    p.drawText(QRectF(rect.left() - 10, rect.top() - line, rect.width() + 20, line),
                               int(Qt.AlignmentFlag.AlignCenter), str(value))
            if stacked and totals[i]:
                p.setPen(QColor("#202020"))
                top = plot.bottom() - plot.height() * totals[i] / peak
                p.drawText(QRectF(x0 - 10, top - line, slot * 0.7 + 20, line),
                           int(Qt.AlignmentFlag.AlignCenter), str(totals[i]))
            if n <= 12 or i % 3 == 0:
                p.setPen(QColor("#404040"))
                p.drawText(QRectF(plot.left() + i * slot - 20, plot.bottom() + 2, slot + 40, line),
                           int(Qt.AlignmentFlag.AlignHCenter), category)
        p.end()

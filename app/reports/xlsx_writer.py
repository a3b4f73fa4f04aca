"""The report as an XLSX workbook: a summary sheet with native charts, one sheet per record
type with Chinese headers, column widths, a frozen header row and filters.

xlsxwriter runs in constant-memory mode, so the summary sheet is written row by row in
order (the cells are gathered first, then written sorted). Detail rows are turned into
worksheet XML as the day is read (once: the summary is counted from the same rows), set
aside in a ``Spool``, and streamed into the package by ``app.reports.xlsx_rows``.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter

from app.errors import KnownError
from app.reports import labels as L
from app.reports.cells import neutralise
from app.reports.charts import ChartSpec, chart_specs
from app.reports.csv_writer import title_lines
from app.reports.details import DetailTable
from app.reports.model import AID_CATEGORIES, DailyReport
from app.reports.output import Progress, Spool, Tracker, atomic_target
from app.reports.xlsx_rows import ROW_LIMIT, inject_rows, rows_xml
from app.text import t

SUMMARY_ROW = 7  # 0-based row of the summary header
HOUR_COL = 5
CHART_COL = 12
Cell = tuple[Any, str]


def _summary_cells(report: DailyReport, masking_note: str
                   ) -> tuple[dict[tuple[int, int], Cell], dict[str, int]]:
    """Cells of the summary sheet ``{(row, col): (value, style)}`` and the row of each key."""
    cells: dict[tuple[int, int], Cell] = {}
    for r, line in enumerate(title_lines(report, masking_note)):
        for c, value in enumerate(line):
            cells[(r, c)] = (value, "title" if r == 0 else "meta" if c == 0 else "text")
    head = (t("板块", "section"), t("指标", "measure"), t("数值", "value"), t("指标代码", "key"))
    for c, value in enumerate(head):
        cells[(SUMMARY_ROW, c)] = (value, "head")
    rows: dict[str, int] = {}
    for i, summary in enumerate(L.summary_lines(report), start=SUMMARY_ROW + 1):
        cells[(i, 0)] = (summary.section, "text")
        cells[(i, 1)] = (summary.label, "text")
        cells[(i, 2)] = (summary.value, "num" if isinstance(summary.value, int) else "text")
        cells[(i, 3)] = (summary.key, "key")
        rows[summary.key] = i
    hour_head = (t("时段", "hour"), t("合计", "total"), t("绿码", "green"), t("黄码", "yellow"),
                 t("红码", "red"), t("无颜色/未核验", "no colour"))
    for c, head_text in enumerate(hour_head):
        cells[(SUMMARY_ROW, HOUR_COL + c)] = (head_text, "head")
    for r, hour_row in enumerate(L.hour_table(report), start=SUMMARY_ROW + 1):
        for c, cell in enumerate(hour_row):
            cells[(r, HOUR_COL + c)] = (cell, "num" if c else "text")
    aid_row = SUMMARY_ROW + 27
    aid_head = (t("救助类别", "aid category"), t("新增", "opened"), t("送达", "delivered"),
                t("逾期", "overdue"), t("取消", "cancelled"))
    for c, head_text in enumerate(aid_head):
        cells[(aid_row, HOUR_COL + c)] = (head_text, "head")
    for r, category in enumerate(AID_CATEGORIES, start=aid_row + 1):
        counts = report.aid[category]
        values = (L.name(L.CATEGORY_NAMES, category), counts.opened, counts.delivered,
                  counts.overdue, counts.cancelled)
        for c, count in enumerate(values):
            cells[(r, HOUR_COL + c)] = (count, "num" if c else "text")
    rows["_aid_table"] = aid_row
    return cells, rows


def _formats(wb: Any) -> dict[str, Any]:
    return {
        "title": wb.add_format({"bold": True, "font_size": 16}),
        "meta": wb.add_format({"bold": True, "font_color": "#455A64"}),
        "text": wb.add_format({"valign": "top"}),
        "head": wb.add_format({"bold": True, "bg_color": "#E3F2FD", "border": 1,
                               "align": "center"}),
        "num": wb.add_format({"num_format": "#,##0"}),
        "key": wb.add_format({"font_color": "#9E9E9E", "font_size": 9}),
    }


def _add_chart(wb: Any, sheet: Any, spec: ChartSpec, rows: dict[str, int], anchor: int) -> None:
    name = sheet.get_name()
    first = SUMMARY_ROW + 1
    if spec.kind == "pie":
        chart = wb.add_chart({"type": "pie"})
        r0 = rows["screenings.colour.green"]
        chart.add_series({
            "name": spec.series[0].name, "categories": [name, r0, 1, r0 + 3, 1],
            "values": [name, r0, 2, r0 + 3, 2], "data_labels": {"percentage": True},
            "points": [{"fill": {"color": c}} for c in
                       ("#2E7D32", "#F9A825", "#C62828", "#9E9E9E")]})
    elif spec.key == "by_hour":
        chart = wb.add_chart({"type": "column", "subtype": "stacked"})
        for i, series in enumerate(spec.series):
            chart.add_series({
                "name": series.name, "categories": [name, first, HOUR_COL, first + 23, HOUR_COL],
                "values": [name, first, HOUR_COL + 2 + i, first + 23, HOUR_COL + 2 + i],
                "fill": {"color": series.colour}, "gap": 40})
    elif spec.key == "decisions":
        chart = wb.add_chart({"type": "column"})
        r0 = rows["screenings.decision.pass"]
        chart.add_series({"name": spec.series[0].name, "categories": [name, r0, 1, r0 + 3, 1],
                          "values": [name, r0, 2, r0 + 3, 2],
                          "fill": {"color": spec.series[0].colour}})
    else:
        chart = wb.add_chart({"type": "column"})
        r0 = rows["_aid_table"] + 1
        for i, series in enumerate(spec.series):
            chart.add_series({
                "name": series.name, "categories": [name, r0, HOUR_COL, r0 + 5, HOUR_COL],
                "values": [name, r0, HOUR_COL + 1 + i, r0 + 5, HOUR_COL + 1 + i],
                "fill": {"color": series.colour}})
    chart.set_title({"name": spec.title})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 620, "height": 300})
    sheet.insert_chart(anchor, CHART_COL, chart)


def _write_summary(wb: Any, report: DailyReport, masking_note: str) -> None:
    sheet = wb.add_worksheet(t("汇总", "summary"))
    fmt = _formats(wb)
    for col, width in enumerate((24, 30, 14, 30, 2, 14, 10, 10, 10, 10, 14)):
        sheet.set_column(col, col, width)
    cells, rows = _summary_cells(report, masking_note)
    for (r, c), (value, style) in sorted(cells.items()):
        if isinstance(value, str):
            sheet.write_string(r, c, neutralise(value), fmt[style])
        else:
            sheet.write_number(r, c, value, fmt[style])
    for i, spec in enumerate(chart_specs(report)):
        _add_chart(wb, sheet, spec, rows, 1 + i * 16)
    sheet.freeze_panes(1, 0)


def _too_many(table: DetailTable, rows: int) -> KnownError:
    return KnownError(t(f"{table.title}共 {rows} 条，超过 Excel 单表上限，请导出 CSV",
                        f"{table.title} has {rows} rows, more than an Excel sheet holds; "
                        "export CSV instead"))


def _layout(layout: Path, report: DailyReport, tables: list[tuple[DetailTable, int]],
            masking_note: str) -> None:
    """The workbook without detail rows: summary and charts, detail sheets with headers,
    widths, frozen header row and filters over ``rows`` rows."""
    wb = xlsxwriter.Workbook(str(layout), {"constant_memory": True,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    wb.set_properties({"title": t("网格工作台每日报表", "GridDesk daily report"),
                       "company": report.station_name})
    _write_summary(wb, report, masking_note)
    head_fmt = _formats(wb)["head"]
    for table, rows in tables:
        sheet = wb.add_worksheet(table.title)
        for col, width in enumerate(table.widths):
            sheet.set_column(col, col, width)
        sheet.write_row(0, 0, table.headers, head_fmt)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(rows, 1), len(table.headers) - 1)
    wb.close()


def write_xlsx(report: Callable[[], DailyReport], tables: list[DetailTable], path: Path,
               masking_note: str, progress: Progress | None = None) -> int:
    """Write the workbook to ``path``; returns the number of detail rows.

    The detail rows are read first and set aside as worksheet XML; ``report`` is called
    once they are all read (the screening summary is counted from them)."""
    for table in tables:
        if table.count + 1 > ROW_LIMIT:
            raise _too_many(table, table.count)
    tracker = Tracker(progress, sum(tb.count for tb in tables))
    label = t("正在写入 Excel", "writing Excel")
    fd, layout_name = tempfile.mkstemp(prefix=".report-layout.", suffix=".xlsx",
                                       dir=Path(path).parent)
    os.close(fd)
    layout = Path(layout_name)
    try:
        with atomic_target(path) as tmp, Spool(path) as spool:
            spans: list[tuple[DetailTable, int, int, int]] = []
            for table in tables:
                start, before = spool.tell(), tracker.done
                for block in rows_xml(table.chunks(), len(table.headers), 2,
                                      lambda rows: tracker.advance(rows, label)):
                    spool.write(block)
                rows = tracker.done - before
                if rows + 1 > ROW_LIMIT:
                    raise _too_many(table, rows)
                spans.append((table, rows, start, spool.tell()))
            _layout(layout, report(), [(tb, rows) for tb, rows, _, _ in spans], masking_note)
            inject_rows(layout, tmp, {
                f"xl/worksheets/sheet{i}.xml": (rows + 1, spool.blocks(start, end))
                for i, (_, rows, start, end) in enumerate(spans, start=2)})
            tracker.finish(label)
    finally:
        with contextlib.suppress(FileNotFoundError):
            layout.unlink()
    return tracker.done

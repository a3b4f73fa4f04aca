"""The report as one CSV file: UTF-8 with a byte-order mark, so Excel in Chinese opens it.

Layout, block by block with a blank line between: the title lines; the summary (section,
label, value, key); the screenings per hour by colour; then each detail table with a
title line (with its row count) and its header row.

The detail rows are read first and set aside encoded (``Spool``), because the summary at
the top is counted from the very rows the file lists (one read of the day); then the file
is written head first and the rows are copied in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from app.reports.cells import neutralise_row
from app.reports.details import DetailTable
from app.reports.labels import hour_table, summary_lines
from app.reports.model import DailyReport
from app.reports.output import Progress, Spool, Tracker, atomic_target
from app.text import t

BOM = "\ufeff"


def title_lines(report: DailyReport, masking_note: str) -> list[list[str]]:
    """Title rows shared by the tabular formats."""
    return [
        [t("网格工作台 · 每日报表", "GridDesk daily report")],
        [t("站点", "station"), f"{report.station_name}（{report.division}）"],
        [t("日期", "date"), report.date, report.timezone],
        [t("范围", "scope"), report.scope_label],
        [t("生成时间", "generated"), report.generated_at],
        [t("个人信息", "personal data"), masking_note],
    ]


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """Rows as CSV (Excel dialect, CRLF) in UTF-8."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _head(report: DailyReport, masking_note: str) -> list[Any]:
    rows: list[Any] = [neutralise_row(r) for r in title_lines(report, masking_note)]
    rows.append([])
    rows.append([t("板块", "section"), t("指标", "measure"), t("数值", "value"),
                 t("指标代码", "key")])
    rows += [neutralise_row([ln.section, ln.label, ln.value, ln.key])
             for ln in summary_lines(report)]
    rows.append([])
    rows.append([t("分时段筛查", "screenings by hour")])
    rows.append([t("时段", "hour"), t("合计", "total"), t("绿码", "green"),
                 t("黄码", "yellow"), t("红码", "red"), t("无颜色/未核验", "no colour")])
    rows += hour_table(report)
    return rows


def write_csv(report: Callable[[], DailyReport], tables: list[DetailTable], path: Path,
              masking_note: str, progress: Progress | None = None) -> int:
    """Write the report to ``path``; returns the number of detail rows.

    ``report`` is called once every detail row is read (the screening summary is counted
    from them)."""
    tracker = Tracker(progress, sum(tb.count for tb in tables))
    label = t("正在写入 CSV", "writing CSV")
    with atomic_target(path) as tmp, Spool(path) as spool:
        spans: list[tuple[DetailTable, int, int, int]] = []
        for table in tables:
            start, count = spool.tell(), 0
            for chunk in table.chunks():
                spool.write(csv_bytes(chunk))  # detail rows come neutralised
                count += len(chunk)
                tracker.advance(len(chunk), label)
            spans.append((table, count, start, spool.tell()))
        summary = report()
        with open(tmp, "wb") as fh:
            fh.write(BOM.encode("utf-8") + csv_bytes(_head(summary, masking_note)))
            for table, count, start, end in spans:
                fh.write(csv_bytes([[], [f"【{table.title}】", t(f"共 {count} 条",
                                                                f"{count} rows")],
                                    table.headers]))
                spool.copy(start, end, fh.write)
        tracker.finish(label)
    return tracker.done

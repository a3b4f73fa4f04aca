"""The report as one CSV file: UTF-8 with a byte-order mark, so Excel in Chinese opens it.

Layout, block by block with a blank line between: the title lines; the summary (section,
label, value, key); the screenings per hour by colour; then each detail table with a
title line and its header row.
"""

from __future__ import annotations

import csv
from pathlib import Path

from app.reports.cells import neutralise_row
from app.reports.details import DetailTable
from app.reports.labels import hour_table, summary_lines
from app.reports.model import DailyReport
from app.reports.output import Progress, Tracker, atomic_target
from app.text import t


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


def write_csv(report: DailyReport, tables: list[DetailTable], path: Path, masking_note: str,
              progress: Progress | None = None) -> int:
    """Write the report to ``path``; returns the number of detail rows."""
    tracker = Tracker(progress, sum(tb.count for tb in tables))
    label = t("正在写入 CSV", "writing CSV")
    with atomic_target(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerows(neutralise_row(r) for r in title_lines(report, masking_note))
        out.writerow([])
        out.writerow([t("板块", "section"), t("指标", "measure"), t("数值", "value"),
                      t("指标代码", "key")])
        out.writerows(neutralise_row([ln.section, ln.label, ln.value, ln.key])
                      for ln in summary_lines(report))
        out.writerow([])
        out.writerow([t("分时段筛查", "screenings by hour")])
        out.writerow([t("时段", "hour"), t("合计", "total"), t("绿码", "green"),
                      t("黄码", "yellow"), t("红码", "red"), t("无颜色/未核验", "no colour")])
        out.writerows(hour_table(report))
        for table in tables:
            out.writerow([])
            out.writerow([f"【{table.title}】", t(f"共 {table.count} 条", f"{table.count} rows")])
            out.writerow(table.headers)
            for chunk in table.chunks():
                out.writerows(chunk)  # detail rows come neutralised
                tracker.advance(len(chunk), label)
        fh.flush()
        tracker.finish(label)
    return tracker.done

"""The report as a printable A4 PDF: Chinese fonts embedded, the same charts as on screen,
summary tables, the records that need attention, and on every page the station, the
generation time and ``第 n / m 页``.

The PDF is the summary a supervisor prints; the full detail of a busy day lives in the
XLSX and CSV files, and the PDF says so when it lists only the first records.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.reports import labels as L
from app.reports.charts import chart_specs
from app.reports.fonts import FontChain, load_fonts
from app.reports.localday import local_text
from app.reports.model import AID_CATEGORIES, DailyReport
from app.reports.output import Progress, Tracker, atomic_target
from app.reports.pdf_charts import draw_chart
from app.text import t
from app.timeutil import parse_iso

ATTENTION_LIMIT = 200
WIDTH = A4[0] - 30 * mm
Row = tuple[Any, ...]


def _footer_canvas(fonts: FontChain, footer: str) -> type[rl_canvas.Canvas]:
    class NumberedCanvas(rl_canvas.Canvas):  # type: ignore[misc]
        """Defers page output so each page can say how many pages there are."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 - reportlab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self.setFont(fonts.body, 8)
                self.setFillColor(colors.HexColor("#607D8B"))
                self.drawString(15 * mm, 10 * mm, footer)
                self.drawRightString(A4[0] - 15 * mm, 10 * mm,
                                     t(f"第 {number} / {total} 页", f"page {number} of {total}"))
                super().showPage()
            super().save()

    return NumberedCanvas


class _Styles:
    def __init__(self, fonts: FontChain) -> None:
        base = {"fontName": fonts.body, "wordWrap": "CJK"}
        self.title = ParagraphStyle("title", fontSize=17, leading=22, spaceAfter=4, **base)
        self.meta = ParagraphStyle("meta", fontSize=9, leading=13,
                                   textColor=colors.HexColor("#455A64"), **base)
        self.h2 = ParagraphStyle("h2", fontSize=12, leading=16, spaceBefore=8, spaceAfter=4,
                                 textColor=colors.HexColor("#0D47A1"), **base)
        self.cell = ParagraphStyle("cell", fontSize=8, leading=10, **base)
        self.note = ParagraphStyle("note", fontSize=8, leading=11,
                                   textColor=colors.HexColor("#607D8B"), **base)


def _table(fonts: FontChain, rows: list[Row], widths: list[float], style: _Styles,
           head_rows: int = 1, font_size: float = 8.5) -> Table:
    cells: list[list[Any]] = []
    for row in rows:
        out: list[Any] = []
        for value, width in zip(row, widths, strict=False):
            text = "" if value is None else str(value)
            runs = fonts.runs(text)
            too_wide = stringWidth(text, fonts.body, font_size) > width - 6
            if len(runs) > 1 or (runs and runs[0][0] != fonts.body) or too_wide:
                out.append(Paragraph(fonts.markup(text), style.cell))
            else:
                out.append(runs[0][1] if runs else "")
        cells.append(out)
    table = Table(cells, colWidths=widths, repeatRows=head_rows)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), fonts.body),
        ("FONTSIZE", (0, 0), (-1, -1), font_size),
        ("BACKGROUND", (0, 0), (-1, head_rows - 1), colors.HexColor("#E3F2FD")),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#B0BEC5")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _key_figures(report: DailyReport) -> list[Row]:
    s, i = report.screenings, report.isolation
    heads = (t("筛查", "screened"), t("绿码", "green"), t("黄码", "yellow"), t("红码", "red"),
             t("发热", "fever"), t("劝返合计", "refused"), t("在管隔离", "in isolation"),
             t("逾期救助", "aid overdue"))
    values = (s.total, s.by_colour["green"], s.by_colour["yellow"], s.by_colour["red"],
              s.fevers, s.refusals + s.notifications, i.active, report.aid_total().overdue)
    return [heads, tuple(f"{v:,}" for v in values)]


def _section_rows(report: DailyReport, prefix: str) -> list[Row]:
    return [(ln.label, f"{ln.value:,}" if isinstance(ln.value, int) else ln.value)
            for ln in L.summary_lines(report) if ln.key.startswith(prefix)]


def _aid_rows(report: DailyReport) -> list[Row]:
    head = (t("类别", "category"), t("新增", "opened"), t("送达", "delivered"),
            t("逾期", "overdue"), t("取消", "cancelled"))
    rows: list[Row] = [head]
    for c in AID_CATEGORIES:
        a = report.aid[c]
        rows.append((L.name(L.CATEGORY_NAMES, c), a.opened, a.delivered, a.overdue, a.cancelled))
    a = report.aid_total()
    rows.append((t("合计", "total"), a.opened, a.delivered, a.overdue, a.cancelled))
    return rows


def _sections_table(report: DailyReport, fonts: FontChain, style: _Styles) -> Table:
    """The summary sections side by side: screenings left; the rest right."""
    def block(prefix: str, title: str) -> list[tuple[Row, bool]]:
        return [((title, ""), True)] + [(r, False) for r in _section_rows(report, prefix)]

    left = block("screenings.", t("筛查", "screenings"))
    right = (block("unverified.", t("无法离线核验的码及其去向", "codes not verifiable offline"))
             + block("isolation.", t("隔离与健康监测", "isolation and health checks"))
             + block("sync.", t("同步状态（全站）", "sync (whole station)")))
    rows: list[Row] = []
    commands: list[Any] = []
    for i in range(max(len(left), len(right))):
        lrow, lhead = left[i] if i < len(left) else (("", ""), False)
        rrow, rhead = right[i] if i < len(right) else (("", ""), False)
        rows.append((*lrow, "", *rrow))
        for col, head in ((0, lhead), (3, rhead)):
            if head:
                commands += [("BACKGROUND", (col, i), (col + 1, i), colors.HexColor("#E3F2FD")),
                             ("TEXTCOLOR", (col, i), (col + 1, i), colors.HexColor("#0D47A1"))]
        for col, present in ((0, i < len(left)), (3, i < len(right))):
            if present:
                commands.append(("LINEBELOW", (col, i), (col + 1, i), 0.3,
                                 colors.HexColor("#CFD8DC")))
    widths = [WIDTH * 0.34, WIDTH * 0.12, WIDTH * 0.04, WIDTH * 0.38, WIDTH * 0.12]
    table = _table(fonts, rows, widths, style, 0)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0, colors.white),
                               ("ALIGN", (1, 0), (1, -1), "RIGHT"),
                               ("ALIGN", (4, 0), (4, -1), "RIGHT"), *commands]))
    return table


def _story(report: DailyReport, fonts: FontChain, style: _Styles, masking_note: str,
           attention: tuple[int, list[Row]] | None) -> list[Any]:
    generated = local_text(parse_iso(report.generated_at))
    story: list[Any] = [
        Paragraph(fonts.markup(t(f"{report.station_name} 每日报表 · {report.date}",
                                 f"{report.station_name} daily report · {report.date}")),
                  style.title),
        Paragraph(fonts.markup(t(
            f"{report.scope_label}　行政区划 {report.division}　统计口径：{report.timezone} "
            f"当日 0–24 时　生成于 {generated}　个人信息：{masking_note}",
            f"{report.scope_label}; division {report.division}; local day in "
            f"{report.timezone}; generated {generated}; personal data: {masking_note}")),
            style.meta),
        Spacer(1, 4 * mm),
        _table(fonts, _key_figures(report), [WIDTH / 8] * 8, style, font_size=10),
        Spacer(1, 3 * mm),
    ]
    specs = {s.key: s for s in chart_specs(report)}
    story.append(draw_chart(specs["by_hour"], fonts, WIDTH, 62 * mm))
    story.append(Table([[draw_chart(specs["colour_mix"], fonts, WIDTH / 2, 55 * mm),
                         draw_chart(specs["decisions"], fonts, WIDTH / 2, 55 * mm)]],
                       colWidths=[WIDTH / 2] * 2))
    story.append(_sections_table(report, fonts, style))
    story.append(KeepTogether([
        Paragraph(t("救助请求", "aid requests"), style.h2),
        _table(fonts, _aid_rows(report), [WIDTH * 0.3] + [WIDTH * 0.175] * 4, style),
        draw_chart(specs["aid"], fonts, WIDTH, 58 * mm)]))
    if attention is None:  # a division aggregate: the records stay with the stations
        story.append(Paragraph(t("汇总报表不含个人记录明细，明细见各站点的日报。",
                                 "an aggregate holds no personal records; each station's "
                                 "report lists its own."), style.note))
        return story
    total, rows = attention
    story.append(Paragraph(t(f"需关注的筛查记录（发热、劝返、转介、码无效）：共 {total} 条",
                             f"screenings needing attention: {total}"), style.h2))
    if total > len(rows):
        story.append(Paragraph(t(f"此处列出前 {len(rows)} 条，全部记录见 Excel 或 CSV 明细。",
                                 f"the first {len(rows)} are listed; all are in the XLSX or "
                                 "CSV detail."), style.note))
    if rows:
        head = tuple(t(zh, en) for zh, en in (
            ("时间", "time"), ("网格", "grid"), ("姓名", "name"), ("证件号码", "document"),
            ("核验结果", "result"), ("颜色", "colour"), ("体温", "temp."), ("处置", "decision"),
            ("原因", "reason")))
        widths = [0.06, 0.15, 0.07, 0.18, 0.14, 0.11, 0.05, 0.1, 0.14]
        story.append(_table(fonts, [head, *rows], [WIDTH * w for w in widths], style,
                            font_size=7.5))
    return story


def write_pdf(report: DailyReport, attention: tuple[int, list[Row]] | None, path: Path,
              masking_note: str, progress: Progress | None = None) -> set[str]:
    """Write the PDF; returns the characters no available font could show (printed ``□``).

    ``attention`` is (total, first rows) of the screenings needing attention, or None for
    a report without records (a division aggregate): the section is left out."""
    fonts = load_fonts()
    style = _Styles(fonts)
    tracker = Tracker(progress, 2)
    label = t("正在生成 PDF", "writing PDF")
    tracker.advance(0, label)
    story = _story(report, fonts, style, masking_note, attention)
    generated = local_text(parse_iso(report.generated_at))
    name = f"{report.station_name}（{report.division}）"
    footer = t(f"{name}· {report.date} 日报 · 生成于 {generated}",
               f"{report.station_name} ({report.division}) · report {report.date} · "
               f"generated {generated}")
    footer = "".join(piece for _, piece in fonts.runs(footer))
    with atomic_target(path) as tmp:
        doc = SimpleDocTemplate(
            str(tmp), pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
            bottomMargin=16 * mm, title=t(f"{report.station_name} 每日报表 {report.date}",
                                          f"{report.station_name} daily report {report.date}"),
            author="GridDesk", creator="GridDesk")
        doc.build(story, canvasmaker=_footer_canvas(fonts, footer))
        tracker.finish(label)
    return set(fonts.missing)

"""`griddesk report`: the daily report as XLSX, PDF or CSV (or JSON on standard output)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app.cli.auth import add_station_arguments, open_session
from app.errors import KnownError
from app.reports.export import FORMATS, export_division_report, export_report, load_report
from app.reports.localday import today_local
from app.reports.model import Scope
from app.text import t


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")
                                         ) from exc


def register(sub: Any) -> None:
    """Add ``report``."""
    p = sub.add_parser("report", help=t(
        "每日报表：导出 XLSX、PDF 或 CSV；个人信息默认脱敏",
        "the daily report as XLSX, PDF or CSV; personal data masked by default"))
    add_station_arguments(p)
    p.add_argument("--date", type=_date, default=None,
                   help=t("报表日期（YYYY-MM-DD，北京时间，默认今天）",
                          "report date (YYYY-MM-DD, China time; default today)"))
    p.add_argument("--format", choices=[*FORMATS, "json"], default="xlsx",
                   help=t("格式：xlsx、pdf、csv，或 json（汇总输出到屏幕）",
                          "xlsx, pdf, csv, or json (summary on standard output)"))
    p.add_argument("--out", type=Path, help=t("输出文件", "output file"))
    p.add_argument("--scope", default="station",
                   help=t("范围：station、grid:网格名 或 township:街道名",
                          "scope: station, grid:NAME or township:NAME"))
    p.add_argument("--division", action="store_true",
                   help=t("从中心下载本辖区各站点的汇总报表（需联网、本站已注册；不含个人信息）",
                          "download the division aggregate from the centre (online, enrolled "
                          "station; no personal data)"))
    p.add_argument("--reveal", action="store_true",
                   help=t("显示完整个人信息（仅主管，须填写 --reason，记入审计日志）",
                          "show personal data in full (supervisor; needs --reason; audited)"))
    p.add_argument("--reason", help=t("显示完整信息的原因", "reason for revealing"))
    p.set_defaults(func=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    """Export (or print) the report."""
    scope = Scope.parse(args.scope)
    if args.reveal and not (args.reason or "").strip():
        raise KnownError(t("--reveal 需要同时填写 --reason", "--reveal needs --reason"))
    if args.format != "json" and args.out is None:
        raise KnownError(t("请用 --out 指定输出文件", "give the output file with --out"))
    if args.division:
        return _division(args)
    station, session = open_session(args)
    try:
        day = args.date or today_local(station.clock.now())
        if args.format == "json":
            report = load_report(station, session, day, scope)
            print(json.dumps(report.to_dict(), ensure_ascii=False))
            return 0
        result = export_report(station, session, day, args.format, args.out.resolve(),
                               reveal_reason=args.reason if args.reveal else None, scope=scope)
    finally:
        station.close()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(t(f"已写入 {result.path}（{result.rows} 行明细，"
                f"{'已显示完整个人信息' if result.revealed else '个人信息已脱敏'}）",
                f"wrote {result.path} ({result.rows} detail rows, personal data "
                f"{'revealed' if result.revealed else 'masked'})"))
    if result.missing_glyphs:
        print(t(f"griddesk: 提示：没有字体能显示这些字符，PDF 中以 □ 代替："
                f"{''.join(result.missing_glyphs)}",
                f"griddesk: note: no font shows these characters; printed as □ in the PDF: "
                f"{''.join(result.missing_glyphs)}"), file=sys.stderr)
    return 0


def _division(args: argparse.Namespace) -> int:
    """``report --division``: the aggregate from the centre, written to ``--out``."""
    from app.sync.daily_upload import download_division_report

    if args.reveal or args.scope != "station":
        raise KnownError(t("汇总报表不含个人信息，也不分范围：不能与 --reveal、--scope 同用",
                           "the aggregate has no personal data and no scope: --reveal and "
                           "--scope do not apply"))
    if args.out is None:
        raise KnownError(t("请用 --out 指定输出文件", "give the output file with --out"))
    station, session = open_session(args)
    try:
        day = args.date or today_local(station.clock.now())
        result = export_division_report(
            station, session, day, args.format, args.out.resolve(),
            lambda d: download_division_report(station.db, d))
    finally:
        station.close()
    if args.json:
        print(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        print(t(f"已写入 {result.path}（{result.scope} 汇总）",
                f"wrote {result.path} ({result.scope} aggregate)"))
    return 0

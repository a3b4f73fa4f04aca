"""`griddesk demo seed`: fill the station with realistic synthetic records."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from app.cli.auth import add_station_arguments, open_session
from app.demo.seed import SeedPlan, seed_station
from app.text import t


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(t("日期格式应为 YYYY-MM-DD", "dates are YYYY-MM-DD")
                                         ) from exc


def register(sub: Any) -> None:
    """Add ``demo seed``."""
    demo = sub.add_parser("demo", help=t("演示数据", "demo data")).add_subparsers(
        dest="demo_command", metavar="ACTION", required=True)
    p = demo.add_parser("seed", help=t(
        "生成逼真的演示数据（筛查、隔离、健康监测、救助），同一种子结果相同",
        "seed realistic synthetic records (screenings, isolation, health checks, aid); "
        "the same seed gives the same records"))
    add_station_arguments(p)
    p.add_argument("--screenings", type=int, default=2000,
                   help=t("筛查记录数（默认 2000）", "screenings (default 2000)"))
    p.add_argument("--days", type=int, default=7, help=t("覆盖天数（默认 7）", "days (default 7)"))
    p.add_argument("--cases", type=int, default=40,
                   help=t("隔离对象数（默认 40）", "isolation cases (default 40)"))
    p.add_argument("--seed", type=int, default=1, help=t("随机种子（默认 1）", "random seed"))
    p.add_argument("--end-date", type=_date, default=None,
                   help=t("最后一天（YYYY-MM-DD，北京时间，默认今天）",
                          "last day (YYYY-MM-DD, China time; default today)"))
    p.set_defaults(func=cmd_demo_seed)


class _StderrProgress:
    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet

    def update(self, done: int, total: int, label: str) -> None:
        if not self.quiet and sys.stderr.isatty():
            print(f"\r{label} {done}/{total}", end="", file=sys.stderr, flush=True)


def cmd_demo_seed(args: argparse.Namespace) -> int:
    """Seed the station as the signed-in supervisor or administrator."""
    plan = SeedPlan(screenings=args.screenings, days=args.days, cases=args.cases,
                    seed=args.seed, end_date=args.end_date)
    plan.check()
    station, session = open_session(args)
    try:
        summary = seed_station(station, session, plan, _StderrProgress(args.json))
    finally:
        station.close()
    if sys.stderr.isatty() and not args.json:
        print(file=sys.stderr)
    if args.json:
        print(json.dumps(summary.as_dict(), ensure_ascii=False))
    else:
        print(t(f"已生成 {summary.first_date} 至 {summary.last_date} 的演示数据：筛查 "
                f"{summary.screenings} 条（更正 {summary.corrections} 条），隔离对象 "
                f"{summary.cases} 人，健康监测 {summary.health_checks} 次，救助请求 "
                f"{summary.aid_requests} 件，用时 {summary.seconds} 秒",
                f"seeded {summary.first_date} to {summary.last_date}: {summary.screenings} "
                f"screenings ({summary.corrections} corrections), {summary.cases} cases, "
                f"{summary.health_checks} health checks, {summary.aid_requests} aid requests "
                f"in {summary.seconds} s"))
    return 0

"""`griddesk-server` console script: serve, migrate, enrolment codes, stats, publishing,
the supervisor review queue.

Exit status: 0 on success, 1 on a refused or failed operation (one line on stderr),
2 on a usage error.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from app.cli.dispatch import run_command
from app.text import t
from server.db import Database, default_sqlite_path, open_database


def _db_url(args: argparse.Namespace) -> str:
    return str(args.db) if args.db else f"sqlite:///{default_sqlite_path()}"


def _open(args: argparse.Namespace) -> Database:
    from server.schema import migrate

    db = open_database(_db_url(args))
    migrate(db)
    return db


def _add_db(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument(
        "--db",
        required=required,
        help=t("数据库：postgresql://… 或 sqlite:///文件（默认：内置 SQLite 文件）",
               "database: postgresql://… or sqlite:///FILE (default: embedded SQLite file)"),
    )


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from server.api import create_app
    from server.schema import ensure_partitions

    db = _open(args)
    stop = threading.Event()

    def maintain() -> None:  # keep day partitions ahead of the calendar
        while not stop.wait(3600):
            ensure_partitions(db)

    threading.Thread(target=maintain, name="partitions", daemon=True).start()
    ssl = {}
    if args.tls_cert:
        ssl = {"ssl_certfile": args.tls_cert, "ssl_keyfile": args.tls_key}
    print(t(f"同步服务已启动：{args.host}:{args.port}（{db.dialect}）",
            f"sync server on {args.host}:{args.port} ({db.dialect})"), file=sys.stderr)
    try:
        uvicorn.run(create_app(db), host=args.host, port=args.port, log_level="warning",
                    ws="none", lifespan="off", **ssl)
    finally:
        stop.set()
        db.close()
    return 0


def cmd_migrate(args: argparse.Namespace) -> int:
    from server.schema import migrate

    db = open_database(_db_url(args))
    try:
        version = migrate(db)
    finally:
        db.close()
    print(json.dumps({"schema_version": version}) if args.json
          else t(f"数据库结构版本：{version}", f"schema version {version}"))
    return 0


def cmd_enrolment_code(args: argparse.Namespace) -> int:
    from server.enrolment import issue_code, parse_duration

    try:
        duration = parse_duration(args.expires)
    except ValueError as exc:
        print(f"griddesk-server: {exc}", file=sys.stderr)
        return 2
    db = _open(args)
    try:
        code, expires = issue_code(db, args.division, duration)
    except ValueError as exc:
        print(f"griddesk-server: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    if args.json:
        print(json.dumps({"code": code, "division": args.division,
                          "expires_at": expires.isoformat()}))
    else:
        print(code)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from server.stats import collect

    db = _open(args)
    try:
        summary = collect(db)
    finally:
        db.close()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        for name, count in summary["tables"].items():
            print(f"{name:18} {count}")
        for st in summary["stations"]:
            print(f"{st['station_id']} {st['division']} records={st['records']} "
                  f"revoked={st['revoked_at'] or '-'}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from server.enrolment import revoke

    db = _open(args)
    try:
        done = revoke(db, args.station, args.reason)
    finally:
        db.close()
    if not done:
        print(t("griddesk-server: 没有该站点，或已吊销", "griddesk-server: no such active station"),
              file=sys.stderr)
        return 1
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from server.changes import publish

    body = sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
    db = _open(args)
    try:
        seq = publish(db, args.kind, args.version, body, args.division)
    except ValueError as exc:
        print(f"griddesk-server: {exc}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(json.dumps({"seq": seq}) if args.json else seq)
    return 0


def cmd_review_list(args: argparse.Namespace) -> int:
    from server import review

    db = _open(args)
    try:
        if args.division:
            items = review.list_items(db, args.division, args.state, args.limit)
            summary = None
        else:
            items, summary = [], review.divisions_with_open_items(db)
    finally:
        db.close()
    if summary is not None:
        if args.json:
            print(json.dumps([{"division": d, "open": n} for d, n in summary]))
        else:
            for division, count in summary:
                print(t(f"{division}  待复核 {count} 条", f"{division}  {count} open"))
        return 0
    if args.json:
        print(json.dumps(items, ensure_ascii=False))
        return 0
    for item in items:
        state = item["resolution"] or t("待复核", "open")
        print(f"{item['record_id']}  {item['kind']}  {item['subject_id']}  "
              f"{item['from_status'] or '-'} -> {item['to_status']}  "
              f"({t('服务器', 'server')}: {item['server_status'] or '-'})  [{state}]  "
              f"{item['station_id']}  {item['created_at']}")
    return 0


def cmd_review_resolve(args: argparse.Namespace) -> int:
    from server import review

    db = _open(args)
    try:
        item = review.resolve(db, args.division, args.record_id, args.resolution, args.by,
                              args.note)
    except review.ReviewError as exc:
        print(f"griddesk-server: {exc.reason}: {exc.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    if args.json:
        print(json.dumps(item, ensure_ascii=False))
    else:
        print(t(f"已处理：{item['record_id']}（{item['resolution']}）",
                f"resolved: {item['record_id']} ({item['resolution']})"))
    return 0


def cmd_openapi(args: argparse.Namespace) -> int:
    from server.api import create_app

    doc = json.dumps(create_app(_NoDatabase()).openapi(), indent=2, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).write_text(doc, encoding="utf-8")
    else:
        sys.stdout.write(doc)
    return 0


class _NoDatabase(Database):
    """Stands in for a database when only the OpenAPI document is wanted."""

    dialect = "none"


def build_parser() -> argparse.ArgumentParser:
    """The full `griddesk-server` argument parser."""
    parser = argparse.ArgumentParser(
        prog="griddesk-server",
        description=t("网格工作台中心同步服务", "GridDesk central sync service"),
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=t("界面语言", "message language"))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help=t("输出调试日志", "debug logs"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("serve", help=t("运行同步接口", "run the sync API"))
    _add_db(p)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8470)
    p.add_argument("--tls-cert", help=t("TLS 证书（PEM）", "TLS certificate (PEM)"))
    p.add_argument("--tls-key", help=t("TLS 私钥（PEM）", "TLS private key (PEM)"))
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("migrate", help=t("创建或升级数据库结构", "create or upgrade the schema"))
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("enrolment-code",
                       help=t("为辖区签发一次性注册码", "issue a one-time enrolment code"))
    _add_db(p)
    p.add_argument("--division", required=True, help=t("辖区代码（6 位）", "division code"))
    p.add_argument("--expires", default="24h",
                   help=t("有效期，如 24h、7d", "validity, e.g. 24h"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_enrolment_code)

    p = sub.add_parser("stats", help=t("各表与各站点的计数", "counts per table and station"))
    _add_db(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)

    p = sub.add_parser("revoke", help=t("吊销站点凭证", "revoke a station"))
    _add_db(p)
    p.add_argument("--station", required=True)
    p.add_argument("--reason", default="")
    p.set_defaults(func=cmd_revoke)

    p = sub.add_parser("publish", help=t("向站点发布参考数据", "publish reference data"))
    _add_db(p)
    p.add_argument("--kind", required=True)
    p.add_argument("--version", required=True)
    p.add_argument("--division", help=t("仅发往该辖区", "only to this division"))
    p.add_argument("--json", action="store_true")
    p.add_argument("file", help=t("文件，或 - 表示标准输入", "file, or - for stdin"))
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("review", help=t("主管复核队列（状态冲突的操作）",
                                        "the supervisor review queue (held operations)"))
    review_sub = p.add_subparsers(dest="review_command", metavar="ACTION", required=True)
    q = review_sub.add_parser("list", help=t("列出待复核或已处理的条目",
                                             "list open or resolved items"))
    _add_db(q)
    q.add_argument("--division", help=t("辖区代码；不给则列出各辖区的待复核数",
                                        "division; without it, open counts per division"))
    q.add_argument("--state", choices=["open", "resolved", "all"], default="open")
    q.add_argument("--limit", type=int, default=100)
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_review_list)
    q = review_sub.add_parser("resolve", help=t("处理一条待复核的操作", "resolve one item"))
    _add_db(q)
    q.add_argument("--division", required=True, help=t("辖区代码", "division code"))
    q.add_argument("record_id", help=t("被暂扣操作的记录编号", "the held operation's record id"))
    q.add_argument("--resolution", required=True, choices=sorted(["applied", "dismissed"]),
                   help=t("applied：按该操作改变状态；dismissed：维持服务器状态",
                          "applied: make the held transition; dismissed: keep the server's"))
    q.add_argument("--by", required=True, help=t("处理人", "who decides"))
    q.add_argument("--note", default="", help=t("说明", "note"))
    q.add_argument("--json", action="store_true")
    q.set_defaults(func=cmd_review_resolve)

    p = sub.add_parser("openapi", help=t("输出 OpenAPI 文档", "write the OpenAPI document"))
    p.add_argument("--out")
    p.set_defaults(func=cmd_openapi)

    try:
        issuer = importlib.import_module("server.issuer.cli")
    except ModuleNotFoundError as exc:
        if exc.name not in ("server.issuer", "server.issuer.cli"):
            raise
    else:
        issuer.register(sub)
    return parser


def _explain(exc: Exception) -> str | None:
    """A one-line reason for a database fault an operator can fix."""
    import psycopg

    if isinstance(exc, psycopg.Error):
        return f"{t('数据库错误', 'database error')}: {exc}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    return run_command("griddesk-server", build_parser,
                       list(sys.argv[1:] if argv is None else argv), _explain)


if __name__ == "__main__":
    sys.exit(main())

"""`griddesk enrol` and `griddesk sync`: register with the centre, then sync with it."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

from app.cli.auth import add_station_arguments, open_session
from app.errors import KnownError
from app.storage import audit
from app.storage import settings as station_settings
from app.storage.roles import Permission
from app.sync import outbox_queue as oq
from app.sync.engine import DEFAULT_BATCH_COUNT, SyncEngine, SyncProgress, SyncReport
from app.sync.enrolment import enrol_station
from app.text import t


def register(sub: Any) -> None:
    """Add the `enrol` and `sync` commands."""
    p = sub.add_parser("enrol", help=t("向中心服务器注册本站", "register with the central server"))
    add_station_arguments(p)
    p.add_argument("--server", required=True, help=t("服务器地址", "server URL"))
    p.add_argument("--code", required=True, help=t("一次性注册码", "one-time enrolment code"))
    p.add_argument("--ca-file", help=t("信任的 CA 证书（PEM）", "CA certificate to trust (PEM)"))
    p.add_argument("--pin-sha256",
                   help=t("服务器证书 SHA-256 指纹（可选固定）", "pin the server certificate's "
                          "SHA-256 fingerprint"))
    p.set_defaults(func=cmd_enrol)

    p = sub.add_parser("sync", help=t("上传待同步记录并下载参考数据",
                                      "upload the outbox, download reference data"))
    add_station_arguments(p)
    p.add_argument("--server", help=t("改用此服务器地址", "use this server URL instead"))
    p.add_argument("--once", action="store_true",
                   help=t("只同步一次（默认按设置的间隔持续同步）",
                          "sync once (default: keep syncing at the configured interval)"))
    p.add_argument("--batch", type=int, default=DEFAULT_BATCH_COUNT,
                   help=t("每批记录数", "records per batch"))
    p.set_defaults(func=cmd_sync)


def cmd_enrol(args: argparse.Namespace) -> int:
    station, session = open_session(args)
    try:
        station.require(session, Permission.MANAGE_SETTINGS)
        info = enrol_station(station.db, args.server, args.code, ca_file=args.ca_file,
                             pin_sha256=args.pin_sha256)

        def record(c: Any) -> None:
            audit.append(c, session.username, "sync_enrol", info["server"],
                         {"division": info["division"]})
            station_settings.put(c, station_settings.SYNC_SERVER_URL, info["server"])

        station.db.transaction(record)
    finally:
        station.close()
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
    else:
        print(t(f"已注册到 {info['server']}（辖区 {info['division']}）",
                f"enrolled with {info['server']} (division {info['division']})"))
    return 0


def _print_progress(progress: SyncProgress) -> None:
    if progress.phase == "upload" and progress.total:
        print(t(f"上传 {progress.done}/{progress.total}（{progress.rate:.0f} 条/秒）",
                f"upload {progress.done}/{progress.total} ({progress.rate:.0f}/s)"),
              file=sys.stderr)


def _report_text(report: SyncReport) -> str:
    return t(
        f"已上传 {report.sent} 条（其中重复确认 {report.duplicates} 条），"
        f"被拒 {report.quarantined} 条，下载 {report.downloaded} 项，"
        f"仍待上传 {report.pending_after} 条",
        f"sent {report.sent} ({report.duplicates} already there), refused {report.quarantined}, "
        f"downloaded {report.downloaded}, still waiting {report.pending_after}",
    )


def cmd_sync(args: argparse.Namespace) -> int:
    station, session = open_session(args)
    try:
        station.require(session, Permission.SYNC)
        if args.server:
            def override(conn: Any) -> None:
                credential = oq.get_state(conn, "credential")
                if isinstance(credential, dict):
                    oq.set_state(conn, "credential", {**credential,
                                                      "server": args.server.rstrip("/")})

            station.db.transaction(override)
        retention = station.db.run(
            lambda c: station_settings.get(c, station_settings.RETENTION_DAYS))
        interval = station.db.run(
            lambda c: station_settings.get(c, station_settings.SYNC_INTERVAL_MINUTES))
        engine = SyncEngine(station.db, batch_count=max(1, args.batch), retention_days=retention)
        while True:
            report = engine.run(progress=None if args.json else _print_progress)
            if args.json:
                print(json.dumps(report.as_dict(), ensure_ascii=False), flush=True)
            else:
                print(_report_text(report), flush=True)
            if args.once:
                break
            time.sleep(interval * 60)
        if report.outcome != "ok":
            raise KnownError(report.error or report.outcome)
    finally:
        station.close()
    return 0

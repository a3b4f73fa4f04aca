"""`griddesk init`, `user …`, `recover`, `audit verify`, `db check`."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from app.cli.auth import (
    add_station_arguments,
    data_dir,
    kdf_from_env,
    next_secret,
    open_session,
    open_station,
)
from app.errors import KnownError
from app.storage import audit
from app.storage.connection import cipher_version
from app.storage.roles import Permission, Role
from app.storage.station import Station
from app.storage.users import add_user, change_password
from app.text import t


def register(sub: Any) -> None:
    """Add the station commands."""
    p = sub.add_parser("init", help=t("创建新的加密站点", "create a new encrypted station"))
    add_station_arguments(p, auth=False)
    p.add_argument("--station", required=True, help=t("站点名称", "station name"))
    p.add_argument("--division", required=True, help=t("6 位行政区划代码", "6-digit division code"))
    p.add_argument("--admin", required=True, help=t("管理员用户名", "admin user name"))
    p.add_argument("--password-stdin", action="store_true",
                   help=t("从标准输入读取管理员密码", "read the admin password from stdin"))
    p.set_defaults(func=cmd_init)

    user = sub.add_parser("user", help=t("用户管理", "users")).add_subparsers(
        dest="user_command", metavar="ACTION", required=True)
    p = user.add_parser("add", help=t("添加用户", "add a user"))
    add_station_arguments(p)
    p.add_argument("--username", required=True)
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--display-name", default="")
    p.set_defaults(func=cmd_user_add)
    p = user.add_parser("passwd", help=t("修改密码", "change a password"))
    add_station_arguments(p)
    p.add_argument("--username",
                   help=t("要修改的用户（默认自己）", "user to change (default: you)"))
    p.set_defaults(func=cmd_user_passwd)

    p = sub.add_parser("recover", help=t("用恢复码重新取得访问权", "regain access with the "
                                         "recovery code"))
    add_station_arguments(p, auth=False)
    p.add_argument("--user", required=True,
                   help=t("要重设密码的用户", "user whose password to set"))
    p.add_argument("--recovery-code-stdin", action="store_true",
                   help=t("标准输入第一行为恢复码，第二行为新密码",
                          "stdin line 1: recovery code; line 2: new password"))
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("audit", help=t("审计日志", "audit log")).add_subparsers(
        dest="audit_command", metavar="ACTION", required=True).add_parser(
        "verify", help=t("检查审计日志的哈希链", "check the audit log's hash chain"))
    add_station_arguments(p)
    p.set_defaults(func=cmd_audit_verify)

    p = sub.add_parser("db", help=t("数据库", "database")).add_subparsers(
        dest="db_command", metavar="ACTION", required=True).add_parser(
        "check", help=t("数据库完整性与加密检查", "integrity and cipher checks"))
    add_station_arguments(p)
    p.set_defaults(func=cmd_db_check)


def _emit(args: argparse.Namespace, doc: dict[str, Any], text: str) -> None:
    print(json.dumps(doc, ensure_ascii=False) if args.json else text)


def cmd_init(args: argparse.Namespace) -> int:
    """Create the station and print the recovery code once."""
    password = next_secret(args, t("管理员密码：", "Admin password: "), 0)
    if not args.password_stdin:
        again = next_secret(args, t("再次输入密码：", "Repeat the password: "), 1)
        if again != password:
            raise KnownError(t("两次输入的密码不一致", "the passwords differ"))
    station, code = Station.create(data_dir(args), name=args.station, division=args.division,
                                   admin=args.admin, password=password,
                                   kdf=kdf_from_env(data_dir(args)))
    info = None
    try:
        station.unlock(args.admin, password)
        info = station.info()
    finally:
        station.close()
    _emit(args, {"station_id": info.station_id, "data_dir": str(data_dir(args)),
                 "recovery_code": code},
          t(f"站点已创建：{info.name}（{info.division}）\n恢复码（只显示这一次，请抄写并妥善保管）：\n"
            f"  {code}", f"Station created: {info.name} ({info.division})\nRecovery code "
            f"(shown only once; write it down and keep it safe):\n  {code}"))
    return 0


def cmd_user_add(args: argparse.Namespace) -> int:
    """Add a user; the new user's password is the next stdin line or a prompt."""
    station, session = open_session(args)
    try:
        password = next_secret(args, t("新用户密码：", "New user's password: "), 1)
        user = add_user(station, session, args.username, args.role, password, args.display_name)
    finally:
        station.close()
    _emit(args, {"username": user.username, "role": user.role.value},
          t(f"已添加用户 {user.username}（{user.role.value}）",
            f"added user {user.username} ({user.role.value})"))
    return 0


def cmd_user_passwd(args: argparse.Namespace) -> int:
    """Change one's own password (old one first) or, as admin, another user's."""
    station, session = open_session(args)
    try:
        target = args.username or session.username
        new = next_secret(args, t("新密码：", "New password: "), 1)
        old = next_secret(args, "", 0) if target == session.username else None
        change_password(station, session, target, new, old)
    finally:
        station.close()
    _emit(args, {"username": target, "changed": True},
          t(f"已修改 {target} 的密码", f"password of {target} changed"))
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    """Set a user's password using the recovery code."""
    station = open_station(args)
    try:
        code = next_secret(args, t("恢复码：", "Recovery code: "), 0)
        new = next_secret(args, t("新密码：", "New password: "), 1)
        station.recover(code, args.user, new)
    finally:
        station.close()
    _emit(args, {"username": args.user, "recovered": True},
          t(f"已重设 {args.user} 的密码", f"password of {args.user} reset"))
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    """Walk the hash chain; exit 1 naming the first bad entry."""
    station, session = open_session(args)
    try:
        station.require(session, Permission.VIEW_AUDIT)
        report = station.db.run(audit.verify)
    finally:
        station.close()
    if not report.ok:
        if args.json:
            print(json.dumps({"ok": False, "checked": report.checked,
                              "first_bad_seq": report.first_bad_seq,
                              "problem": report.problem}, ensure_ascii=False))
        print(f"griddesk: {report.problem}", file=sys.stderr)
        return 1
    _emit(args, {"ok": True, "checked": report.checked},
          t(f"审计日志完好：{report.checked} 条记录",
            f"audit log intact: {report.checked} entries"))
    return 0


def cmd_db_check(args: argparse.Namespace) -> int:
    """integrity_check, cipher_integrity_check and the cipher version."""
    station, session = open_session(args)

    def checks(conn: Any) -> dict[str, Any]:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
        cipher = [r[0] for r in conn.execute("PRAGMA cipher_integrity_check").fetchall()]
        return {"cipher_version": cipher_version(conn), "integrity": integrity,
                "cipher_integrity": cipher,
                "ok": integrity == ["ok"] and not cipher and bool(cipher_version(conn))}

    try:
        result = station.db.run(checks)
    finally:
        station.close()
    if not result["ok"]:
        print(f"griddesk: {t('数据库检查未通过', 'database check failed')}: "
              f"{result['integrity'][:3]} {result['cipher_integrity'][:3]}", file=sys.stderr)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        return 1
    _emit(args, result, t(f"数据库完好（SQLCipher {result['cipher_version']}）",
                          f"database intact (SQLCipher {result['cipher_version']})"))
    return 0

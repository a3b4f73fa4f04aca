"""``griddesk verify``, ``griddesk lookup-id`` and ``griddesk trust install``.

Exit statuses: 0 when the command ran and — for ``verify`` — the code is VALID (any
colour: a red code is a successful verification); 3 when ``verify`` ran but the verdict is
anything else (EXPIRED, BAD_SIGNATURE, DEFERRED, …; the result is still printed on
stdout); 1 when the command was refused or failed (one line on stderr; for ``trust
install``, when any file was refused); 2 on a usage error.
"""

from __future__ import annotations

import argparse
import atexit
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import auth
from app.codes.checkpoint import install_files, load_verifier
from app.codes.results import Result
from app.codes.status import lookup_id
from app.codes.store_repo import SqlScanHistory
from app.codes.trust import kind_label
from app.errors import KnownError
from app.storage import audit
from app.storage.roles import Permission
from app.text import t
from app.timeutil import parse_iso

EXIT_NOT_VALID = 3
_EPILOG_ZH = ("退出状态：0 有效；3 已核验但不是有效（过期、伪造、待联网核验等）；"
              "1 失败；2 用法错误。")
_EPILOG_EN = ("exit status: 0 valid; 3 verified but not VALID (expired, forged, deferred, ...); "
              "1 failed; 2 usage error.")


def _at(args: argparse.Namespace) -> float | None:
    value = getattr(args, "at", None)
    if not value:
        return None
    try:
        return parse_iso(value)
    except (ValueError, OverflowError) as exc:
        raise KnownError(t(f"--at 时间格式不正确：{value}", f"--at is not an ISO time: {value}")) \
            from exc


def _clock(station: Any, at: float | None) -> tuple[float, float | None]:
    """(now, floor): ``--at`` when given (no floor then), else the station's trusted clock."""
    if at is not None:
        return at, None
    reading = station.db.run(station.clock.read)
    return float(reading.now), float(reading.floor)


def make_verifier(args: argparse.Namespace) -> Callable[[str], dict[str, Any]]:
    """A function mapping any text to a JSON-able result dict (used by ``griddesk scan``).

    Opens the station from ``args`` (``--data-dir``, ``--user``, ``--password-stdin``),
    loads the trust material once, and verifies each text at ``--at`` if given, else at the
    station's trusted clock, flagging duplicate scans from the store. The station closes
    when the process exits.
    """
    station, verify = _open_verifier(args)
    atexit.register(station.close)
    return verify


def _open_verifier(args: argparse.Namespace) -> tuple[Any, Callable[[str], dict[str, Any]]]:
    at = _at(args)
    station, session = auth.open_session(args)
    try:
        station.require(session, Permission.SCREEN)
        verifier = station.db.run(load_verifier)
    except BaseException:
        station.close()
        raise

    def verify(text: str) -> dict[str, Any]:
        now, floor = _clock(station, at)
        result = station.db.run(
            lambda conn: verifier.verify(text, now, floor=floor, history=SqlScanHistory(conn)))
        out: dict[str, Any] = result.to_dict()
        return out

    return station, verify


def cmd_verify(args: argparse.Namespace) -> int:
    text = args.text
    if text is None or text == "-":
        text = sys.stdin.read() if not getattr(args, "password_stdin", False) else \
            "\n".join(auth.stdin_lines()[1:])
    station, verify = _open_verifier(args)
    try:
        result = verify(text)
    finally:
        station.close()
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        _print_dict(result)
    return 0 if result["result"] == Result.VALID.value else EXIT_NOT_VALID


def _print_dict(result: dict[str, Any]) -> None:
    lines = [f"{t('结果', 'result')}: {result['result']} {result['label']}"]
    if result["colour"] is not None:
        lines.append(f"{t('颜色', 'colour')}: {result['colour_label']}")
    if result["issuer"]:
        name = result["issuer_name"] or ""
        lines.append(f"{t('签发机构', 'issuer')}: {name} ({result['issuer']})")
    if result["issued_at"] and result["expires_at"]:
        lines.append(f"{t('有效期', 'validity')}: {result['issued_at']} – {result['expires_at']}")
    holder = " ".join(x for x in (result["holder"]["name_masked"], result["holder"]["doc_masked"])
                      if x)
    if holder:
        lines.append(f"{t('持码人', 'holder')}: {holder}")
    if result["reason"]:
        lines.append(f"{t('说明', 'reason')}: {result['reason']}")
    lines += [f"{t('提示', 'warning')}: {w['message']}" for w in result["warnings"]]
    print("\n".join(lines))


def cmd_lookup_id(args: argparse.Namespace) -> int:
    station, session = auth.open_session(args)
    try:
        station.require(session, Permission.SCREEN)
        verifier = station.db.run(load_verifier)
        now, _floor = _clock(station, _at(args))
        found = lookup_id(args.id_number, verifier.trust, now, verifier.policy)
    finally:
        station.close()
    if args.json:
        print(json.dumps(found.to_dict(), ensure_ascii=False))
    else:
        print("\n".join([found.masked_id, found.message] + [w.message for w in found.warnings]))
    if found.outcome.value == "invalid_id":
        print(f"griddesk: {found.message}", file=sys.stderr)
        return 1
    return 0


def cmd_trust_install(args: argparse.Namespace) -> int:
    texts = []
    for name in args.files:
        try:
            texts.append(Path(name).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise KnownError(t(f"无法读取文件 {name}", f"cannot read {name}")) from exc
    station, session = auth.open_session(args)
    try:
        station.require(session, Permission.MANAGE_TRUST)
        now, _floor = _clock(station, None)

        def install(conn: Any) -> list[Any]:
            done = install_files(conn, texts, now)
            for outcome, name in zip(done, args.files, strict=False):
                audit.append(conn, session.username,
                             "trust_installed" if outcome.accepted else "trust_refused",
                             outcome.kind, {"file": Path(name).name, "reason": outcome.reason,
                                           "version": outcome.version})
            return done

        outcomes = station.db.transaction(install)
    finally:
        station.close()
    if args.json:
        print(json.dumps([dict(o.to_dict(), file=f) for o, f in zip(outcomes, args.files,
                                                                     strict=False)],
                         ensure_ascii=False))
    else:
        for outcome, name in zip(outcomes, args.files, strict=False):
            print(f"{name}: {outcome.message}")
    refused = [(o, f) for o, f in zip(outcomes, args.files, strict=False) if not o.accepted]
    if refused:
        outcome, name = refused[0]
        print(f"griddesk: {name}: {kind_label(outcome.kind)} {outcome.message}", file=sys.stderr)
        return 1
    return 0


def register(subparsers: Any) -> None:
    """Add ``verify``, ``lookup-id`` and ``trust install``."""
    verify = subparsers.add_parser(
        "verify", help=t("离线核验健康码", "verify a health code offline"),
        epilog=t(_EPILOG_ZH, _EPILOG_EN))
    verify.add_argument("text", nargs="?", help=t("码内容，或 - 从标准输入读取",
                                                  "the code text, or - for standard input"))
    verify.add_argument("--at", help=t("按指定时间核验（ISO 时间）", "verify at this time (ISO)"))
    auth.add_station_arguments(verify)
    verify.set_defaults(func=cmd_verify)

    lookup = subparsers.add_parser("lookup-id", help=t("核对身份证号并查询状态名单",
                                                       "check an ID number and look it up"))
    lookup.add_argument("id_number")
    lookup.add_argument("--at", help=t("按指定时间查询（ISO 时间）", "look up at this time (ISO)"))
    auth.add_station_arguments(lookup)
    lookup.set_defaults(func=cmd_lookup_id)

    trust = subparsers.add_parser("trust", help=t("信任材料", "trust material"))
    trust_sub = trust.add_subparsers(dest="trust_command", metavar="ACTION", required=True)
    install = trust_sub.add_parser("install", help=t(
        "安装信任锚（anchors.json）、信任列表、撤销列表和状态名单",
        "install anchors (anchors.json), trust, revocation and status lists"))
    install.add_argument("files", nargs="+", metavar="FILE")
    auth.add_station_arguments(install)
    install.set_defaults(func=cmd_trust_install)

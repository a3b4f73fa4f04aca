"""``griddesk-server issuer …``: keys, GX1 codes (PNG, PDF training sheet) and signed lists.

Also runnable as ``python -m server.issuer.cli …``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.errors import KnownError
from app.text import t
from app.timeutil import parse_iso
from server.issuer import codes, keys, lists, sheet
from server.issuer.images import qr_png

DAY = 86400.0


def _time(value: str | None) -> float:
    if not value:
        return time.time()
    try:
        return parse_iso(value)
    except ValueError as exc:
        raise KnownError(t(f"时间格式不正确：{value}", f"not an ISO time: {value}")) from exc


def _write(path: Path | None, text: str) -> None:
    if path is None:
        print(text)
    else:
        Path(path).write_text(text + "\n", encoding="utf-8")


def cmd_keygen(args: argparse.Namespace) -> int:
    pair = keys.generate(args.alg)
    key_path, pub_path = keys.save(pair, Path(args.out), args.label)
    if args.anchor:
        anchors = Path(args.out).with_name("anchors.json")
        anchors.write_text(json.dumps(keys.anchors_document([(pair, args.label)]), indent=2))
    print(json.dumps({"key": str(key_path), "public": str(pub_path), **pair.public_info()}))
    return 0


def cmd_issue(args: argparse.Namespace) -> int:
    pair = keys.load(Path(args.key))
    now = _time(args.at)
    if args.training_sheet:
        samples = sheet.training_samples(pair, args.iss, now)
        sheet.write_sheet(samples, Path(args.training_sheet))
        print(json.dumps({"sheet": args.training_sheet,
                          "revoke": [f"{args.iss}/{s.code_id}" for s in samples
                                     if s.expected == "REVOKED"],
                          "samples": [{"label": s.label, "expected": s.expected, "text": s.text}
                                      for s in samples]}, ensure_ascii=False))
        return 0
    missing = [n for n in ("id", "colour", "name", "person") if not getattr(args, n)]
    if missing:
        raise KnownError(t(f"缺少参数：{', '.join(missing)}", f"missing: {', '.join(missing)}"))
    iat = int(now)
    lifetime = args.lifetime_hours * 3600 if args.lifetime_hours else None
    content = codes.CodeContent(
        iss=args.iss, code_id=args.id, kind=args.kind, colour=args.colour, name=args.name,
        doc_type=args.doc_type, doc_masked=args.doc_masked, person=args.person, iat=iat,
        exp=int(iat + lifetime) if lifetime else None)
    text = codes.issue(pair, content)
    if args.png:
        qr_png(text, Path(args.png))
    print(text)
    return 0


def _issuer_specs(specs: Sequence[str], nb: float, na: float) -> list[dict[str, Any]]:
    issuers: dict[str, dict[str, Any]] = {}
    for spec in specs:
        parts = spec.split("=")
        if len(parts) not in (3, 4):
            raise KnownError(t(f"--issuer 格式应为 ISS=名称=公钥文件[=dyn,card]：{spec}",
                               f"--issuer must be ISS=NAME=PUBFILE[=dyn,card]: {spec}"))
        iss, name, pub = parts[:3]
        kinds = parts[3].split(",") if len(parts) == 4 else ["dyn", "card"]
        info = json.loads(Path(pub).read_text(encoding="utf-8"))
        entry = issuers.setdefault(iss, {"iss": iss, "name": name, "keys": []})
        entry["keys"].append(lists.issuer_key_entry(info, kinds=kinds, not_before=nb,
                                                    not_after=na))
    return list(issuers.values())


def cmd_publish(args: argparse.Namespace) -> int:
    anchor = keys.load(Path(args.anchor))
    issued = _time(args.at)
    nxt = issued + args.valid_days * DAY
    common = {"version": args.version, "issued_at": issued, "next_update": nxt}
    if args.what == "trust-list":
        nb = _time(args.keys_from) if args.keys_from else issued - DAY
        na = _time(args.keys_until) if args.keys_until else issued + 365 * DAY
        text = lists.trust_list(anchor, issuers=_issuer_specs(args.issuer or [], nb, na), **common)
    elif args.what == "revocations":
        pairs = [tuple(c.split("/", 1)) for c in args.code or []]
        if any(len(p) != 2 for p in pairs):
            raise KnownError(t("--code 格式应为 ISS/ID", "--code must be ISS/ID"))
        text = lists.revocation_list(anchor, codes=[(p[0], p[1]) for p in pairs], **common)
    else:
        people: dict[str, str] = {}
        if args.people:
            with open(args.people, encoding="utf-8-sig", newline="") as handle:
                for row in csv.reader(handle):
                    if len(row) >= 2 and row[0].strip():
                        people[row[0].strip()] = row[1].strip()
        text = lists.status_list(anchor, scope=args.scope, people=people, **common)
    _write(Path(args.out) if args.out else None, text)
    return 0


def register(subparsers: Any) -> None:
    """Add the ``issuer`` command group."""
    issuer = subparsers.add_parser("issuer", help=t("培训与测试用的签发工具", "the issuer kit"))
    sub = issuer.add_subparsers(dest="issuer_command", metavar="ACTION", required=True)

    keygen = sub.add_parser("keygen", help=t("生成签发密钥或信任锚密钥", "generate a key"))
    keygen.add_argument("--alg", choices=keys.ALGS, default="ES256")
    keygen.add_argument("--out", required=True, help=t("文件名前缀", "file stem"))
    keygen.add_argument("--label", default="")
    keygen.add_argument("--anchor", action="store_true",
                        help=t("同时写出 anchors.json", "also write anchors.json"))
    keygen.set_defaults(func=cmd_keygen)

    issue = sub.add_parser("issue", help=t("签发 GX1 码（PNG 或 PDF 培训样张）",
                                           "issue GX1 codes (PNG or PDF training sheet)"))
    issue.add_argument("--key", required=True)
    issue.add_argument("--iss", default="CN-GX")
    issue.add_argument("--id")
    issue.add_argument("--kind", choices=["dyn", "card"], default="dyn")
    issue.add_argument("--colour")
    issue.add_argument("--name")
    issue.add_argument("--doc-type", default="CN-ID")
    issue.add_argument("--doc-masked", default="")
    issue.add_argument("--person")
    issue.add_argument("--at", help=t("签发时间（ISO）", "issue time (ISO)"))
    issue.add_argument("--lifetime-hours", type=float)
    issue.add_argument("--png")
    issue.add_argument("--training-sheet", metavar="PDF")
    issue.set_defaults(func=cmd_issue)

    publish = sub.add_parser("publish", help=t("发布签名的信任列表、撤销列表或状态名单",
                                               "publish a signed list"))
    publish.add_argument("what", choices=["trust-list", "revocations", "status"])
    publish.add_argument("--anchor", required=True, help=t("信任锚私钥", "anchor private key"))
    publish.add_argument("--version", type=int, required=True)
    publish.add_argument("--at")
    publish.add_argument("--valid-days", type=float, default=1.0)
    publish.add_argument("--issuer", action="append", metavar="ISS=NAME=PUB[=KINDS]")
    publish.add_argument("--keys-from")
    publish.add_argument("--keys-until")
    publish.add_argument("--code", action="append", metavar="ISS/ID")
    publish.add_argument("--scope", default="450000")
    publish.add_argument("--people", metavar="CSV")
    publish.add_argument("--out")
    publish.set_defaults(func=cmd_publish)


def main(argv: Sequence[str] | None = None) -> int:
    """Standalone entry point (``python -m server.issuer.cli``)."""
    parser = argparse.ArgumentParser(prog="griddesk-server")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KnownError as exc:
        print(f"griddesk-server: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

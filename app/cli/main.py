"""`griddesk` console script: parses the command line and dispatches to command modules.

Each command module exposes ``register(subparsers)`` and sets ``func`` on its parsers; the
function receives the parsed namespace and returns an exit status. Errors are dispatched
here, in one place: a :class:`KnownError` prints one line on stderr and exits 1, a usage
error exits 2 (argparse), anything else is a bug and is shown with its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from app.errors import Cancelled, KnownError
from app.text import set_language, t

# Modules that contribute subcommands; a module that is not there yet is skipped quietly so
# the CLI keeps working while the product grows.
COMMAND_MODULES = (
    "app.cli.station_cmds",
    "app.cli.demo_cmd",
    "app.cli.codes_cmds",
    "app.cli.scan_cmd",
    "app.cli.report_cmd",
    "app.cli.sync_cmds",
    "app.cli.selfcheck_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The full `griddesk` argument parser."""
    parser = argparse.ArgumentParser(
        prog="griddesk",
        description=t(
            "网格工作台：检查点健康码核验、隔离与救助登记、日报导出。",
            "GridDesk: checkpoint health-code screening, isolation and aid, daily reports.",
        ),
    )
    parser.add_argument("--lang", choices=["zh", "en"], help=t("界面语言", "message language"))
    parser.add_argument("--self-check", action="store_true",
                        help=t("检查本机安装是否完好", "check this installation"))
    parser.add_argument("-v", "--verbose", action="store_true",
                        help=t("输出调试日志", "debug logs"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--self-check" in argv:  # `griddesk --self-check` is the `self-check` command
        argv[argv.index("--self-check")] = "self-check"
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv):
            set_language(argv[i + 1])
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KnownError as exc:
        print(f"griddesk: {exc}", file=sys.stderr)
        return 1
    except Cancelled:
        print(t("griddesk: 已取消", "griddesk: cancelled"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

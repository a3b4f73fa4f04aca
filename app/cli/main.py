"""`griddesk` console script: parses the command line and dispatches to command modules.

Each command module exposes ``register(subparsers)`` and sets ``func`` on its parsers; the
function receives the parsed namespace and returns an exit status. Errors are dispatched in
one place, :func:`app.cli.dispatch.run_command`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from app.cli.dispatch import run_command
from app.text import t

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
    args = list(sys.argv[1:] if argv is None else argv)
    if "--self-check" in args:  # `griddesk --self-check` is the `self-check` command
        args[args.index("--self-check")] = "self-check"
    return run_command("griddesk", build_parser, args)


if __name__ == "__main__":
    sys.exit(main())

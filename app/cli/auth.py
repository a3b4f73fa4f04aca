"""Station arguments and non-interactive sign-in for every command that opens the store."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import tempfile
from pathlib import Path

from app.errors import KnownError
from app.storage.keyslots import KdfParams
from app.storage.paths import default_data_dir
from app.storage.roles import Session
from app.storage.station import Station
from app.text import t

_stdin_lines: list[str] | None = None


def add_station_arguments(parser: argparse.ArgumentParser, *, auth: bool = True) -> None:
    """``--data-dir`` and, when ``auth``, ``--user`` and ``--password-stdin``."""
    parser.add_argument("--data-dir", type=Path, default=None,
                        help=t("站点数据文件夹（默认为用户数据目录）",
                               "station data folder (default: the user data folder)"))
    parser.add_argument("--json", action="store_true",
                        help=t("输出 JSON", "machine-readable output"))
    if auth:
        parser.add_argument("--user", help=t("用户名", "user name"))
        parser.add_argument("--password-stdin", action="store_true",
                            help=t("从标准输入第一行读取密码", "read the password from the first "
                                   "line of standard input"))


def data_dir(args: argparse.Namespace) -> Path:
    """The data folder the command works on."""
    return Path(args.data_dir) if getattr(args, "data_dir", None) else default_data_dir()


def stdin_lines() -> list[str]:
    """Standard input as lines (read once, without line endings)."""
    global _stdin_lines
    if _stdin_lines is None:
        _stdin_lines = [] if sys.stdin is None else sys.stdin.read().splitlines()
    return _stdin_lines


def next_secret(args: argparse.Namespace, prompt: str, index: int) -> str:
    """Line ``index`` of standard input with ``--password-stdin``, else a hidden prompt."""
    if getattr(args, "password_stdin", False) or getattr(args, "recovery_code_stdin", False):
        lines = stdin_lines()
        if index >= len(lines):
            raise KnownError(t(f"标准输入缺少第 {index + 1} 行", f"standard input has no line "
                               f"{index + 1}"))
        return lines[index]
    return getpass.getpass(prompt)


def kdf_from_env(folder: Path) -> KdfParams | None:
    """Cheaper key derivation for test runs (GRIDDESK_TEST_FAST_KDF=1), honoured only for a
    station inside the system's temporary folder so a stray variable cannot weaken a real
    station's key slots."""
    if os.environ.get("GRIDDESK_TEST_FAST_KDF") != "1":
        return None
    temp = Path(tempfile.gettempdir()).resolve()
    if temp in Path(folder).resolve().parents:
        return KdfParams.fast_for_tests()
    return None


def open_station(args: argparse.Namespace) -> Station:
    """The station in the data folder, still locked."""
    folder = data_dir(args)
    return Station.open(folder, kdf=kdf_from_env(folder))


def open_session(args: argparse.Namespace) -> tuple[Station, Session]:
    """Open and unlock the station as ``--user`` (prompting when needed)."""
    station = open_station(args)
    user = args.user or input(t("用户名：", "User name: ")).strip()
    password = next_secret(args, t("密码：", "Password: "), 0)
    try:
        session = station.unlock(user, password)
    except KnownError:
        station.close()
        raise
    return station, session

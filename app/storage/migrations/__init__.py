"""Numbered schema migrations: ``NNNN_name.sql``; the version lives in ``user_version``."""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from app.errors import KnownError
from app.text import t

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def available() -> list[tuple[int, str]]:
    """(version, SQL) for every migration shipped with the app, in order."""
    found = []
    for entry in resources.files(__name__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.read_text(encoding="utf-8")))
    found.sort()
    versions = [v for v, _ in found]
    if versions != list(range(1, len(versions) + 1)):
        raise RuntimeError(f"migrations are not numbered 1..n: {versions}")
    return found


def latest_version() -> int:
    """The schema version this code writes."""
    return len(available())


def current_version(conn: Any) -> int:
    """The schema version of an open database."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def upgrade(conn: Any) -> list[int]:
    """Apply the missing migrations, each in its own transaction; returns those applied."""
    have = current_version(conn)
    known = latest_version()
    if have > known:
        raise KnownError(
            t(f"数据库结构版本 {have} 比本软件支持的 {known} 更新，请升级网格工作台",
              f"the database schema version {have} is newer than this GridDesk knows ({known}); "
              "please upgrade"),
        )
    applied = []
    for version, sql in available():
        if version <= have:
            continue
        try:
            conn.executescript(
                f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
        except Exception:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied

"""Station settings, each declared once with type, default and description.

Values live in the encrypted ``settings`` table as JSON. Preferences of the person at the
screen (language, font size, window layout) live apart in ``app/preferences.py``; secrets
live in the key-slot file and ``sync_state``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.errors import KnownError
from app.text import t

V = TypeVar("V", int, float, str, bool)


@dataclass(frozen=True)
class Setting(Generic[V]):
    """One declared setting."""

    key: str
    type: type[V]
    default: V
    zh: str
    en: str
    minimum: float | None = None
    maximum: float | None = None

    @property
    def description(self) -> str:
        """What the setting does, in the current language."""
        return t(self.zh, self.en)

    def coerce(self, value: Any) -> V:
        """Check and convert a value; KnownError with a plain message when it does not fit."""
        try:
            if self.type is bool and isinstance(value, str):
                converted: Any = value.strip().lower() in {"1", "true", "yes", "on", "是"}
            else:
                converted = self.type(value)
        except (TypeError, ValueError) as exc:
            raise KnownError(t(f"设置「{self.zh}」的值无效：{value!r}",
                               f"invalid value for '{self.en}': {value!r}")) from exc
        if isinstance(converted, int | float) and not isinstance(converted, bool):
            if self.minimum is not None and converted < self.minimum:
                raise KnownError(t(f"「{self.zh}」不能小于 {self.minimum}",
                                   f"'{self.en}' must be at least {self.minimum}"))
            if self.maximum is not None and converted > self.maximum:
                raise KnownError(t(f"「{self.zh}」不能大于 {self.maximum}",
                                   f"'{self.en}' must be at most {self.maximum}"))
        return converted  # type: ignore[no-any-return]


IDLE_LOCK_MINUTES = Setting("idle_lock_minutes", int, 5, "无操作自动锁定（分钟）",
                            "lock after idle (minutes)", 1, 240)
FEVER_THRESHOLD = Setting("fever_threshold_c", float, 37.3, "发热阈值（°C）",
                          "fever threshold (°C)", 36.0, 39.0)
DUPLICATE_WINDOW_MINUTES = Setting("duplicate_window_minutes", int, 5, "重复扫码提示窗口（分钟）",
                                   "duplicate-scan window (minutes)", 0, 1440)
TRUST_STALE_GRACE_DAYS = Setting("trust_stale_grace_days", int, 7, "信任列表过期后仍可核验（天）",
                                 "days a stale trust list still verifies", 0, 60)
SYNC_INTERVAL_MINUTES = Setting("sync_interval_minutes", int, 10, "自动同步间隔（分钟）",
                                "sync interval (minutes)", 1, 1440)
SYNC_SERVER_URL = Setting("sync_server_url", str, "", "同步服务器地址", "sync server URL")
RETENTION_DAYS = Setting("retention_days", int, 90, "已同步记录在本机保留（天）",
                         "days synced records stay on this PC", 7, 3650)
REPORT_EXPORT_TIME = Setting("report_export_time", str, "",
                             "每日自动导出时间（HH:MM，留空为不导出）",
                             "daily export time (HH:MM; empty = off)")
REPORT_EXPORT_DIR = Setting("report_export_dir", str, "", "自动导出文件夹", "daily export folder")
GRID_NAME = Setting("grid_name", str, "", "本站所属网格", "grid of this station")
SOUND_ENABLED = Setting("sound_enabled", bool, True, "核验提示音", "verdict sounds")

ALL: tuple[Setting[Any], ...] = (
    IDLE_LOCK_MINUTES, FEVER_THRESHOLD, DUPLICATE_WINDOW_MINUTES, TRUST_STALE_GRACE_DAYS,
    SYNC_INTERVAL_MINUTES, SYNC_SERVER_URL, RETENTION_DAYS, REPORT_EXPORT_TIME,
    REPORT_EXPORT_DIR, GRID_NAME, SOUND_ENABLED,
)
BY_KEY = {s.key: s for s in ALL}


def get(conn: Any, setting: Setting[V]) -> V:
    """The stored value, or the default."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (setting.key,)).fetchone()
    if row is None:
        return setting.default
    try:
        return setting.coerce(json.loads(row[0]))
    except (KnownError, ValueError):
        return setting.default


def put(conn: Any, setting: Setting[V], value: Any) -> V:
    """Check and store a value (the caller checks the role and audits)."""
    checked = setting.coerce(value)
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        (setting.key, json.dumps(checked, ensure_ascii=False)),
    )
    return checked

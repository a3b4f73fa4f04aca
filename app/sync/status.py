"""What the status bar says about sync: online, waiting records, last success, last error."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from app.sync import outbox_queue as oq
from app.sync.engine import SyncProgress
from app.text import t


@dataclass(frozen=True)
class SyncStatus:
    """A snapshot for the UI; ``summary()`` is the one-line text in the current language."""

    enrolled: bool
    online: bool | None  # None: never tried
    running: bool
    pending: int
    quarantined: int
    last_success: float | None
    last_attempt: float | None
    last_outcome: str | None
    last_error: str | None
    progress: SyncProgress | None = None

    def summary(self) -> str:
        """E.g. ``上次同步成功：12-04 08:15 · 待上传 12 条 · 失败原因：无法连接服务器``."""
        if not self.enrolled:
            return t("未注册到中心服务器", "not enrolled with the central server")
        parts = []
        if self.running and self.progress is not None:
            p = self.progress
            parts.append(t(f"正在同步 {p.done}/{p.total}", f"syncing {p.done}/{p.total}"))
        if self.last_success:
            stamp = time.strftime("%m-%d %H:%M", time.localtime(self.last_success))
            parts.append(t(f"上次同步成功：{stamp}", f"last sync: {stamp}"))
        else:
            parts.append(t("尚未成功同步", "never synced"))
        parts.append(t(f"待上传 {self.pending} 条", f"{self.pending} waiting"))
        if self.quarantined:
            parts.append(t(f"{self.quarantined} 条被拒待处理",
                           f"{self.quarantined} refused, need attention"))
        if self.last_error and self.last_outcome not in (None, "ok"):
            parts.append(t(f"失败原因：{self.last_error}", f"last failure: {self.last_error}"))
        return " · ".join(parts)


def read_status(conn: Any, *, running: bool = False,
                progress: SyncProgress | None = None) -> SyncStatus:
    """Read the sync status from the station database (on the DB thread)."""
    counts = oq.counts(conn)
    credential = oq.get_state(conn, "credential")
    online = oq.get_state(conn, "online")
    return SyncStatus(
        enrolled=isinstance(credential, dict) and bool(credential.get("credential")),
        online=bool(online) if online is not None else None,
        running=running,
        pending=counts.pending,
        quarantined=counts.quarantined,
        last_success=oq.get_state(conn, "last_success"),
        last_attempt=oq.get_state(conn, "last_attempt"),
        last_outcome=oq.get_state(conn, "last_outcome"),
        last_error=oq.get_state(conn, "last_error"),
        progress=progress,
    )

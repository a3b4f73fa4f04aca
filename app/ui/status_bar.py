"""The status bar, always visible: online or offline, records waiting to sync, the last
successful sync, the last error in plain words, and who is signed in.

It reads ``sync_state`` and the outbox on the DB thread (``db_op``) on a timer and whenever
the sync service reports an event; bursts of events are merged into one refresh. Messages
from the message bus show for a while on the left.

Signals: ``sync_event()`` (internal: a sync-service event crossed into the GUI thread).
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from app.storage.roles import Session, role_label
from app.ui.login import ERROR_COLOUR, set_text_colour
from app.ui.ops import db_op
from app.ui.services import Services

REFRESH_MS = 5000
MERGE_MS = 250
MESSAGE_MS = 10000


class StationStatusBar(QStatusBar):
    """Sync health and the current user; refreshes itself while the store is open."""

    sync_event = Signal()

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("station-status-bar")
        self.session: Session | None = None
        self.snapshot: Any = None
        self._reading = False
        self._again = False
        self.online = QLabel()
        self.online.setObjectName("status-online")
        self.pending = QLabel()
        self.pending.setObjectName("status-pending")
        self.last_sync = QLabel()
        self.last_sync.setObjectName("status-last-sync")
        self.last_error = QLabel()
        self.last_error.setObjectName("status-last-error")
        set_text_colour(self.last_error, ERROR_COLOUR)
        self.last_error.setMaximumWidth(420)
        self.user = QLabel()
        self.user.setObjectName("status-user")
        for label in (self.online, self.pending, self.last_sync, self.last_error, self.user):
            label.setTextFormat(Qt.TextFormat.PlainText)
            self.addPermanentWidget(label)

        self._timer = QTimer(self)
        self._timer.setInterval(REFRESH_MS)
        self._timer.timeout.connect(self.refresh)
        self._merge = QTimer(self)
        self._merge.setSingleShot(True)
        self._merge.setInterval(MERGE_MS)
        self._merge.timeout.connect(self.refresh)
        self.sync_event.connect(self._merge.start)
        services.messages.message.connect(self._show_message)
        self.attach_sync(services.sync)
        self.retranslate()

    def attach_sync(self, sync: Any) -> None:
        """Refresh whenever ``sync`` (the sync service) reports an event."""
        if sync is not None and hasattr(sync, "add_listener"):
            sync.add_listener(self._on_sync_event)

    def _on_sync_event(self, _event: Any) -> None:
        # Called on a worker thread: the signal carries it to the GUI thread.
        with contextlib.suppress(RuntimeError):  # the bar is gone (window closed mid-run)
            self.sync_event.emit()

    # ----- what is shown -----------------------------------------------------------
    def set_session(self, session: Session | None) -> None:
        """Show who is signed in (None while locked)."""
        self.session = session
        self._show_user()
        if self.services.station.is_open:
            self._timer.start()
            self.refresh()

    def _show_user(self) -> None:
        if self.session is None:
            self.user.setText(self.tr("已锁定"))
        else:
            self.user.setText(self.tr("当前用户：{user}（{role}）").format(
                user=self.session.username, role=role_label(self.session.role)))

    def retranslate(self) -> None:
        """Refill the labels in the current language."""
        self._show_user()
        self._render()

    def refresh(self) -> None:
        """Read the sync status on the DB thread (skipped while the store is closed)."""
        station = self.services.station
        if not station.is_open:
            self._render()
            return
        if self._reading:
            self._again = True
            return
        self._reading, self._again = True, False
        sync = self.services.sync
        running = bool(getattr(sync, "running", False))
        progress = sync.progress() if sync is not None and hasattr(sync, "progress") else None

        def read(conn: Any) -> Any:
            from app.sync.status import read_status

            return read_status(conn, running=running, progress=progress)

        def done(status: Any) -> None:
            self._reading = False
            self.snapshot = status
            self._render()
            if self._again:
                self.refresh()

        def failed(exc: BaseException) -> None:
            self._reading = False
            self.last_error.setText(self.tr("无法读取同步状态"))

        try:
            db_op(station, read, done, failed)
        except Exception as exc:  # the store closed between the check and the call
            failed(exc)

    def _render(self) -> None:
        s = self.snapshot
        if s is None:
            self.online.setText(self.tr("● 离线"))
            self.pending.setText(self.tr("待上传：—"))
            self.last_sync.setText(self.tr("上次同步：—"))
            self.last_error.clear()
            return
        if s.running:
            p = s.progress
            state = self.tr("⟳ 正在同步") + (f" {p.done}/{p.total}" if p is not None else "")
            colour = "#0b57d0"
        elif not s.enrolled:
            state, colour = self.tr("● 离线（未注册）"), "#6b6b6b"
        elif s.online:
            state, colour = self.tr("● 在线"), "#1b7f3b"
        else:
            state, colour = self.tr("● 离线"), "#b26a00"
        self.online.setText(state)
        set_text_colour(self.online, colour)
        self.pending.setText(self.tr("待上传：{n} 条").format(n=s.pending))
        if s.quarantined:
            self.pending.setText(self.pending.text() + self.tr("，被拒 {n} 条").format(
                n=s.quarantined))
        if s.last_success:
            stamp = time.strftime("%m-%d %H:%M", time.localtime(float(s.last_success)))
            self.last_sync.setText(self.tr("上次同步：{time}").format(time=stamp))
        else:
            self.last_sync.setText(self.tr("上次同步：从未"))
        error = s.last_error if s.last_error and s.last_outcome not in (None, "ok") else ""
        if error:
            shown = self.fontMetrics().elidedText(
                self.tr("错误：{text}").format(text=error), Qt.TextElideMode.ElideRight, 400)
            self.last_error.setText(shown)
            self.last_error.setToolTip(error)
        else:
            self.last_error.clear()
            self.last_error.setToolTip("")

    def _show_message(self, level: str, text: str) -> None:
        self.showMessage(text, MESSAGE_MS * (2 if level == "error" else 1))

    def shutdown(self) -> None:
        """Stop refreshing."""
        self._timer.stop()
        self._merge.stop()

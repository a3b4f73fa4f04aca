"""Sync settings and state: server and enrolment, last runs, records refused by the server
(with the server's reason on each), the sync activity log, and "sync now"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.storage import activity, settings
from app.storage.roles import Session
from app.ui.admin.table_model import RowsModel, local_iso, local_time
from app.ui.ops import db_op
from app.ui.services import Services

OUTCOME_COLOURS = {"ok": None, "warning": "#b26a00", "error": "#b3261e"}


def read_sync(conn: Any) -> dict[str, Any]:
    """Everything the page shows, read in one go on the DB thread."""
    from app.sync import outbox_queue as oq
    from app.sync.status import read_status

    credential = oq.get_state(conn, "credential")
    return {
        "status": read_status(conn),
        "server": credential.get("server") if isinstance(credential, dict) else "",
        "configured_server": settings.get(conn, settings.SYNC_SERVER_URL),
        "interval": settings.get(conn, settings.SYNC_INTERVAL_MINUTES),
        "quarantined": oq.quarantined(conn, 200),
        "activity": activity.recent(conn, 50, kind="sync"),
    }


class SyncPage(QWidget):
    """Sync state at a glance, with the per-record problems and the activity log."""

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin-sync")
        self.services = services
        self.session = session
        self.fields: dict[str, QLabel] = {}
        form = QFormLayout()
        for key, label in (("server", self.tr("中心服务器")), ("enrolled", self.tr("注册状态")),
                           ("interval", self.tr("自动同步间隔")),
                           ("last_success", self.tr("上次成功同步")),
                           ("last_attempt", self.tr("上次尝试")),
                           ("pending", self.tr("待上传记录")),
                           ("error", self.tr("上次失败原因"))):
            value = QLabel("—")
            value.setWordWrap(True)
            value.setObjectName(f"sync-{key}")
            form.addRow(label, value)
            self.fields[key] = value
        self.refused = RowsModel([
            (self.tr("记录"), lambda r: r["record_id"]),
            (self.tr("类型"), lambda r: self.kind_name(r["kind"])),
            (self.tr("创建时间"), lambda r: local_iso(r["created_at"])),
            (self.tr("服务器拒收原因"), lambda r: r["reason"] or ""),
        ])
        self.log = RowsModel([
            (self.tr("时间"), lambda a: local_iso(a.at)),
            (self.tr("结果"), lambda a: {"ok": self.tr("成功"), "warning": self.tr("注意"),
                                          "error": self.tr("失败")}.get(a.outcome, a.outcome)),
            (self.tr("说明"), lambda a: a.message),
        ], colour=lambda a: OUTCOME_COLOURS.get(a.outcome))
        self.sync_button = QPushButton(self.tr("立即同步"))
        self.sync_button.setObjectName("admin-sync-now")
        self.sync_button.clicked.connect(self.sync_now)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("服务器地址和同步间隔在“站点设置”中修改；"
                                         "注册本站请用命令 griddesk enrol。")))
        buttons.addStretch(1)
        buttons.addWidget(self.sync_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(self.tr("被服务器拒收的记录")))
        layout.addWidget(self._table(self.refused, "admin-sync-refused"), 1)
        layout.addWidget(QLabel(self.tr("同步日志")))
        layout.addWidget(self._table(self.log, "admin-sync-log"), 1)
        layout.addLayout(buttons)

    def kind_name(self, kind: str) -> str:
        """An outbox kind in the current language."""
        return {"screening": self.tr("筛查"), "health_check": self.tr("健康监测"),
                "case_event": self.tr("隔离变更"), "aid_event": self.tr("救助"),
                "audit": self.tr("审计")}.get(kind, kind)

    @staticmethod
    def _table(model: RowsModel, name: str) -> QTableView:
        table = QTableView()
        table.setObjectName(name)
        table.setModel(model)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.verticalHeader().setVisible(False)
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def refresh(self) -> None:
        """Read the state on the DB thread."""
        db_op(self.services.station, read_sync, self._show, self.services.messages.show_error)

    def _show(self, data: dict[str, Any]) -> None:
        s = data["status"]
        f = self.fields
        f["server"].setText(data["server"] or data["configured_server"] or self.tr("未设置"))
        f["enrolled"].setText(self.tr("已注册") if s.enrolled else self.tr("未注册"))
        f["interval"].setText(self.tr("{n} 分钟").format(n=data["interval"]))
        f["last_success"].setText(local_time(s.last_success) if s.last_success
                                  else self.tr("从未"))
        f["last_attempt"].setText(local_time(s.last_attempt))
        f["pending"].setText(self.tr("{p} 条待上传，{q} 条被拒").format(p=s.pending,
                                                                   q=s.quarantined))
        failed = s.last_error if s.last_outcome not in (None, "ok") else ""
        f["error"].setText(failed or "—")
        self.refused.set_rows(data["quarantined"])
        self.log.set_rows(data["activity"])
        self.sync_button.setEnabled(self.services.sync is not None and s.enrolled)

    def sync_now(self) -> None:
        """Start a run in the background (the status bar shows its progress)."""
        sync = self.services.sync
        if sync is None:
            return
        if sync.sync_now():
            self.services.messages.info(self.tr("已开始同步"))
        else:
            self.services.messages.info(self.tr("同步正在进行"))

"""Trust material status: for each list its version, age and next update, the anchors, and
the reference data; supervisors and admins may install files received on a USB stick."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.storage import audit
from app.storage.queries import trust_status
from app.storage.roles import Permission, Session
from app.storage.station import Station
from app.ui.admin.table_model import RowsModel, local_time
from app.ui.ops import background_op, db_op
from app.ui.services import Services


def kind_name(kind: str) -> str:
    """A list kind in the current language (the code package's names when present)."""
    try:
        from app.codes.trust import kind_label
    except ImportError:
        return kind
    return kind_label(kind)


def install(station: Station, session: Session, texts: list[str], names: list[str]) -> Any:
    """A DB-thread function: role check, install in order, audit; returns the outcomes."""
    def run(conn: Any) -> list[Any]:
        from app.codes.checkpoint import install_files

        station.require(session, Permission.MANAGE_TRUST)
        outcomes = station.db.transaction(lambda c: install_files(c, texts, time.time()))
        station.db.transaction(lambda c: audit.append(
            c, session.username, "trust_installed", ",".join(names),
            {"accepted": sum(1 for o in outcomes if o.accepted), "files": len(names)}))
        return list(outcomes)

    return run


class TrustPage(QWidget):
    """Versions, ages and next updates of the trust material."""

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin-trust")
        self.services = services
        self.session = session
        now = time.time
        self.model = RowsModel([
            (self.tr("材料"), lambda m: kind_name(m.kind)),
            (self.tr("版本"), lambda m: "—" if m.version is None else m.version),
            (self.tr("签发时间"), lambda m: local_time(m.issued_at)),
            (self.tr("已签发"), lambda m: self._age(m.age_days(now()))),
            (self.tr("下次更新"), lambda m: local_time(m.next_update)),
            (self.tr("状态"), lambda m: self._state(m, now())),
        ], colour=lambda m: "#b3261e" if m.version is None or m.overdue(now()) else None)
        self.table = QTableView()
        self.table.setObjectName("admin-trust-table")
        self.table.setModel(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.anchors = QLabel()
        self.anchors.setWordWrap(True)
        self.reference = QLabel()
        self.reference.setWordWrap(True)
        self.install_button = QPushButton(self.tr("从文件安装…"))
        self.install_button.setVisible(session.may(Permission.MANAGE_TRUST))
        self.install_button.clicked.connect(self.choose_files)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("联网时信任材料随同步自动更新；离线时可从文件安装。")))
        buttons.addStretch(1)
        buttons.addWidget(self.install_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.anchors)
        layout.addWidget(self.reference)
        layout.addLayout(buttons)

    def reference_name(self, kind: str) -> str:
        """A reference-data kind in the current language."""
        return {"decision-rules": self.tr("处置规则"), "risk-areas": self.tr("风险地区名单"),
                "online-issuers": self.tr("在线签发方"),
                "deferred-verdicts": self.tr("延后核验结果")}.get(kind, kind)

    def _age(self, days: float | None) -> str:
        if days is None:
            return "—"
        if days < 1:
            return self.tr("{h} 小时").format(h=int(days * 24))
        return self.tr("{d} 天").format(d=int(days))

    def _state(self, material: trust_status.MaterialStatus, now: float) -> str:
        if material.version is None:
            return self.tr("缺失")
        if material.overdue(now):
            return self.tr("已过更新时间")
        return self.tr("正常")

    def refresh(self) -> None:
        """Read the overview on the DB thread."""
        db_op(self.services.station, trust_status.read, self._show,
              self.services.messages.show_error)

    def _show(self, overview: trust_status.TrustOverview) -> None:
        self.model.set_rows(overview.materials)
        labels = "、".join(overview.anchor_labels) or "—"
        self.anchors.setText(self.tr("信任锚：{n} 个（{labels}）").format(
            n=overview.anchors, labels=labels))
        parts = [f"{self.reference_name(kind)} v{version}（{local_time(at)}）"
                 for kind, version, at in overview.reference]
        self.reference.setText(self.tr("参考数据：{items}").format(items="；".join(parts) or "—"))

    def choose_files(self) -> None:
        """Pick anchors and signed list files and install them."""
        patterns = self.tr("信任材料 (*.json *.jws *.txt);;全部文件 (*)")
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("选择信任材料文件"), "", patterns)
        if files:
            self.install_paths([Path(f) for f in files])

    def install_paths(self, paths: list[Path]) -> None:
        """Read the files on a worker, install them on the DB thread, report the outcome."""
        station, session, messages = self.services.station, self.session, self.services.messages

        def read() -> list[str]:
            return [p.read_text(encoding="utf-8-sig") for p in paths]

        def installed(outcomes: list[Any]) -> None:
            for outcome in outcomes:
                text = f"{kind_name(outcome.kind)}：{outcome.message}"
                (messages.info if outcome.accepted else messages.warning)(text)
            self.refresh()

        def got(texts: list[str]) -> None:
            db_op(station, install(station, session, texts, [p.name for p in paths]),
                  installed, messages.show_error)

        background_op(read, got, messages.show_error)

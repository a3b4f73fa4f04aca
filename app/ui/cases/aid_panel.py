"""The aid requests of the selected case: their list, the life-cycle buttons and the history.

The panel only shows and collects: the workspace writes through the record services and
then hands the panel the case's aid ids again (:meth:`AidPanel.show_ids`). A life-cycle
button asks for a move through ``move_requested``; "new aid" through ``new_requested``.

Signals: ``move_requested(str)`` (the target status), ``new_requested()``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.reports.localday import ZONE
from app.storage.queries import cases as queries
from app.storage.records.aid import TRANSITIONS
from app.storage.station import Station
from app.timeutil import iso_utc
from app.ui.cases import labels
from app.ui.cases.columns import fit_columns
from app.ui.cases.models import Column, LazyRowModel


def local_time(iso: str | None) -> str:
    """A stored UTC time as month, day and minute in China time."""
    if not iso:
        return ""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZONE)
    except ValueError:
        return iso
    return when.strftime("%m-%d %H:%M")


class AidPanel(QGroupBox):
    """See the module docstring."""

    move_requested = Signal(str)
    new_requested = Signal()

    def __init__(self, station: Station, now: Callable[[], float], can_manage: bool,
                 on_error: Callable[[BaseException], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("救助请求"))
        self._now = now
        self.can_manage = can_manage
        self.current_aid: str | None = None
        self.model = LazyRowModel(station, [
            Column(self.tr("类别"), lambda r: labels.word(labels.categories(), r["category"]),
                   sample=max(labels.categories().values(), key=len)),
            Column(self.tr("紧急"), lambda r: labels.word(labels.urgencies(), r["urgency"]),
                   sample=max(labels.urgencies().values(), key=len)),
            Column(self.tr("内容"), lambda r: r["description"], stretch=True),
            Column(self.tr("期限"), lambda r: local_time(r["due_at"]), sample="12-31 23:59"),
            Column(self.tr("状态"), self._status_cell,
                   sample=labels.statuses()["assigned"] + self.tr("（超期）")),
            Column(self.tr("负责人"), lambda r: r["assignee"] or "", sample="志愿者小刘"),
        ], queries.aid_rows, self, on_error)
        self.table = QTableView()
        self.table.setObjectName("aid-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setMaximumHeight(140)
        self.columns = fit_columns(self.table, self.model.columns)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self.set_aid(self.model.id_at(cur.row())))
        self.model.rows_loaded.connect(lambda: self.set_aid(self.current_aid))
        self.new_button = QPushButton(self.tr("新建救助 (Ctrl+J)"))
        self.assignee = QLineEdit()
        self.assignee.setPlaceholderText(self.tr("负责人（分派时必填）"))
        self.note = QLineEdit()
        self.note.setPlaceholderText(self.tr("备注"))
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for status, text in self._actions().items():
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, s=status: self.move_requested.emit(s))
            self.buttons[status] = b
            row.addWidget(b)
        self.history = QListWidget()
        self.history.setMaximumHeight(90)
        v = QVBoxLayout(self)
        v.addWidget(self.table)
        fields = QHBoxLayout()
        fields.addWidget(self.new_button)
        fields.addWidget(self.assignee)
        fields.addWidget(self.note)
        v.addLayout(fields)
        v.addLayout(row)
        v.addWidget(self.history)
        self.new_button.clicked.connect(self.new_requested)

    def _actions(self) -> dict[str, str]:
        """The life-cycle buttons: target status → words (each string seen by lupdate)."""
        return {"assigned": self.tr("分派(&A)"), "delivered": self.tr("已送达(&D)"),
                "closed": self.tr("办结(&C)"), "cancelled": self.tr("取消(&X)"),
                "open": self.tr("退回待处理")}

    def _status_cell(self, r: dict[str, Any]) -> str:
        text = labels.word(labels.statuses(), r["status"])
        if r["status"] in ("open", "assigned") and r["due_at"] < iso_utc(self._now()):
            text += self.tr("（超期）")
        return text

    def show_ids(self, aid_ids: list[str]) -> None:
        """Show the case's aid requests, keeping the selected one when it is still there."""
        keep = self.current_aid
        self.model.set_ids(aid_ids)
        self.model.fetch_all()
        if keep in aid_ids:
            self.table.selectRow(aid_ids.index(keep))

    def select_aid(self, aid_id: str) -> None:
        """Select an aid request of the current case."""
        row = self.model.row_of(aid_id)
        if row >= 0:
            self.table.selectRow(row)

    def set_aid(self, aid_id: str | None) -> None:
        """Make ``aid_id`` current: allowed moves enabled, its history listed."""
        self.current_aid = aid_id
        row = self.model.cached(aid_id) if aid_id else None
        allowed = TRANSITIONS.get(row["status"], frozenset()) if row else frozenset()
        for status, button in self.buttons.items():
            button.setEnabled(self.can_manage and status in allowed)
        self.history.clear()
        for e in (row or {}).get("events", []):
            self.history.addItem(
                f"{local_time(e['at'])}  {e['actor']}  "
                f"{labels.word(labels.statuses(), e['from']) or '—'} → "
                f"{labels.word(labels.statuses(), e['to'])}  {e['note']}")

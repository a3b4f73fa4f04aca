"""Isolation and aid: case list with filters, registration, twice-daily checks, aid requests
through their life cycle, release or transfer. Keyboard first: every action has a key.

Lists are lazy id models (:mod:`app.ui.cases.models`); every read and write goes through
``db_op`` to the record services, which check the role below the UI.

Signals: ``cases_loaded()`` after the case list was (re)loaded; ``changed(str)`` after a
write succeeded (``register``, ``check``, ``aid_open``, ``aid_<status>``, ``release``,
``transfer``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from app.masking import mask_id_number, mask_name
from app.reports.localday import ZONE
from app.storage.queries import cases as queries
from app.storage.records.aid import TRANSITIONS, AidDesk, NewAidRequest
from app.storage.records.isolation import IsolationRegistry, NewCase, NewHealthCheck
from app.storage.roles import Permission, Session
from app.timeutil import iso_utc
from app.ui.cases import labels
from app.ui.cases.dialogs import AidRequestDialog, RegisterCaseDialog
from app.ui.cases.models import Column, LazyRowModel
from app.ui.ops import db_op
from app.ui.services import Services
from app.ui.workspace import Workspace

AID_ACTIONS = (("assigned", "分派(&A)"), ("delivered", "已送达(&D)"), ("closed", "办结(&C)"),
               ("cancelled", "取消(&X)"), ("open", "退回待处理"))


class CasesWorkspace(Workspace):
    """See the module docstring."""

    workspace_id = "cases"
    cases_loaded = Signal()
    changed = Signal(str)

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, session, parent)
        self.station = services.station
        self.registry = IsolationRegistry(self.station)
        self.aid = AidDesk(self.station)
        self.can_view = session.may(Permission.VIEW_CASES)
        self.can_manage = session.may(Permission.MANAGE_CASES)
        self.current_case: str | None = None
        self.current_aid: str | None = None
        self.loads = 0  # completed list loads (a load may finish inside ``refresh``)
        self._build()
        self._set_case(None)
        if self.can_view:
            self.refresh()
        else:
            self.denied.setText(self.tr("当前用户无权查看隔离与救助信息。"))
            self.denied.show()
            self.setEnabled(False)

    def title(self) -> str:
        """The tab title."""
        return self.tr("隔离与救助")

    # ------------------------------------------------------------------ time
    def _now(self) -> float:
        return self.station.clock.now()

    def _today(self) -> str:
        return datetime.fromtimestamp(self._now(), ZONE).date().isoformat()

    def _slot_now(self) -> str:
        return "am" if datetime.fromtimestamp(self._now(), ZONE).hour < 12 else "pm"

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.denied = QLabel()
        self.denied.hide()
        self.filter = QComboBox()
        self.filter.setObjectName("case-filter")
        for key, text in ((queries.FILTER_ACTIVE, self.tr("在管对象")),
                          (queries.FILTER_DUE, self.tr("今日待监测")),
                          (queries.FILTER_AID_OVERDUE, self.tr("救助超期")),
                          (queries.FILTER_ENDED, self.tr("已解除/转院")),
                          (queries.FILTER_ALL, self.tr("全部"))):
            self.filter.addItem(text, key)
        self.grid_filter = QComboBox()
        self.grid_filter.addItem(self.tr("全部网格"), "")
        self.register_button = QPushButton(self.tr("登记隔离对象 (Ctrl+N)"))
        self.count_label = QLabel()
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("筛选(&F)")))
        top.addWidget(self.filter)
        top.addWidget(self.grid_filter)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.register_button)

        masked = self._masked
        self.case_model = LazyRowModel(self.station, [
            Column(self.tr("姓名"), lambda r: masked(mask_name, r["person_name"])),
            Column(self.tr("证件号"), lambda r: masked(mask_id_number, r["id_number"])),
            Column(self.tr("网格"), lambda r: r["grid"]),
            Column(self.tr("方式"), lambda r: labels.word(labels.kinds(), r["kind"])),
            Column(self.tr("原因"), lambda r: labels.word(labels.reasons(), r["reason"])),
            Column(self.tr("计划解除"), lambda r: r["planned_end"]),
            Column(self.tr("今日监测"), self._checks_cell),
            Column(self.tr("救助"), self._aid_cell),
            Column(self.tr("状态"), lambda r: labels.word(labels.statuses(), r["status"])),
        ], self._fetch_cases, self, self.services.messages.show_error)
        self.table = QTableView()
        self.table.setObjectName("case-table")
        self.table.setModel(self.case_model)
        self.case_model.rows_loaded.connect(self._update_header)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._set_case(self.case_model.id_at(cur.row())))
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.denied)
        lv.addLayout(top)
        lv.addWidget(self.table)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.case_header = QLabel()
        self.case_header.setWordWrap(True)
        rv.addWidget(self.case_header)
        rv.addWidget(self._build_checks())
        rv.addWidget(self._build_aid())
        rv.addWidget(self._build_end())
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.grid_filter.currentIndexChanged.connect(lambda _: self.refresh())
        self.register_button.clicked.connect(self.open_register_dialog)
        for key, slot in (("Ctrl+N", self.open_register_dialog),
                          ("Ctrl+H", self.check_temp.setFocus),
                          ("Ctrl+J", self.open_aid_dialog),
                          ("Ctrl+L", self.table.setFocus),
                          ("F5", self.refresh)):
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    def _build_checks(self) -> QGroupBox:
        box = QGroupBox(self.tr("健康监测（每日两次）"))
        self.check_date = QDateEdit()
        self.check_date.setDisplayFormat("yyyy-MM-dd")
        self.check_slot = QComboBox()
        for key, text in labels.slots().items():
            self.check_slot.addItem(text, key)
        self.check_temp = QLineEdit()
        self.check_temp.setObjectName("check-temperature")
        self.check_temp.setPlaceholderText(self.tr("体温，例如 36.5 (Ctrl+H)"))
        self.check_symptoms = QLineEdit()
        self.check_symptoms.setPlaceholderText(self.tr("症状，用逗号分隔；无则留空"))
        self.check_mood = QComboBox()
        for key, text in labels.moods().items():
            self.check_mood.addItem(text, key)
        self.check_mood.setCurrentIndex(1)
        self.check_note = QLineEdit()
        self.check_button = QPushButton(self.tr("登记监测 (Enter)"))
        self.checks_list = QListWidget()
        self.checks_list.setMaximumHeight(110)
        row = QHBoxLayout()
        row.addWidget(self.check_date)
        row.addWidget(self.check_slot)
        form = QFormLayout(box)
        form.addRow(self.tr("日期/时段"), row)
        form.addRow(self.tr("体温(&T)"), self.check_temp)
        form.addRow(self.tr("症状(&S)"), self.check_symptoms)
        form.addRow(self.tr("情绪(&M)"), self.check_mood)
        form.addRow(self.tr("备注"), self.check_note)
        form.addRow(self.check_button)
        form.addRow(self.checks_list)
        self.check_button.clicked.connect(self.record_check)
        for edit in (self.check_temp, self.check_symptoms, self.check_note):
            edit.returnPressed.connect(self.record_check)
        return box

    def _build_aid(self) -> QGroupBox:
        box = QGroupBox(self.tr("救助请求"))
        self.aid_model = LazyRowModel(self.station, [
            Column(self.tr("类别"), lambda r: labels.word(labels.categories(), r["category"])),
            Column(self.tr("紧急"), lambda r: labels.word(labels.urgencies(), r["urgency"])),
            Column(self.tr("内容"), lambda r: r["description"]),
            Column(self.tr("期限"), lambda r: self._local(r["due_at"])),
            Column(self.tr("状态"), self._aid_status_cell),
            Column(self.tr("负责人"), lambda r: r["assignee"] or ""),
        ], queries.aid_rows, self, self.services.messages.show_error)
        self.aid_table = QTableView()
        self.aid_table.setObjectName("aid-table")
        self.aid_table.setModel(self.aid_model)
        self.aid_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.aid_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.aid_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.aid_table.setMaximumHeight(140)
        self.aid_table.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._set_aid(self.aid_model.id_at(cur.row())))
        self.aid_model.rows_loaded.connect(lambda: self._set_aid(self.current_aid))
        self.new_aid_button = QPushButton(self.tr("新建救助 (Ctrl+J)"))
        self.assignee = QLineEdit()
        self.assignee.setPlaceholderText(self.tr("负责人（分派时必填）"))
        self.aid_note = QLineEdit()
        self.aid_note.setPlaceholderText(self.tr("备注"))
        self.aid_buttons: dict[str, QPushButton] = {}
        buttons = QHBoxLayout()
        for status, text in AID_ACTIONS:
            b = QPushButton(self.tr(text))
            b.clicked.connect(lambda _=False, s=status: self.move_aid(s))
            self.aid_buttons[status] = b
            buttons.addWidget(b)
        self.aid_history = QListWidget()
        self.aid_history.setMaximumHeight(90)
        v = QVBoxLayout(box)
        v.addWidget(self.aid_table)
        fields = QHBoxLayout()
        fields.addWidget(self.new_aid_button)
        fields.addWidget(self.assignee)
        fields.addWidget(self.aid_note)
        v.addLayout(fields)
        v.addLayout(buttons)
        v.addWidget(self.aid_history)
        self.new_aid_button.clicked.connect(self.open_aid_dialog)
        return box

    def _build_end(self) -> QGroupBox:
        box = QGroupBox(self.tr("结束隔离"))
        self.end_note = QLineEdit()
        self.end_note.setPlaceholderText(self.tr("说明（转院时填写医院）"))
        self.release_button = QPushButton(self.tr("解除隔离(&R)"))
        self.transfer_button = QPushButton(self.tr("转院(&H)"))
        h = QHBoxLayout(box)
        h.addWidget(self.end_note, 1)
        h.addWidget(self.release_button)
        h.addWidget(self.transfer_button)
        self.release_button.clicked.connect(lambda: self.end_case("release"))
        self.transfer_button.clicked.connect(lambda: self.end_case("transfer"))
        return box

    # ------------------------------------------------------------------ cells
    @staticmethod
    def _masked(fn: Any, value: str | None) -> str:
        return fn(value) or "—"

    def _checks_cell(self, r: dict[str, Any]) -> str:
        if r["status"] != "active":
            return ""
        done = set(r["checks_today"])
        return " ".join(("✓" if s in done else "✗") + text for s, text in labels.slots().items())

    def _aid_cell(self, r: dict[str, Any]) -> str:
        if r["aid_overdue"]:
            return self.tr("{n} 件超期").format(n=r["aid_overdue"])
        return self.tr("{n} 件办理中").format(n=r["aid_open"]) if r["aid_open"] else ""

    def _aid_status_cell(self, r: dict[str, Any]) -> str:
        text = labels.word(labels.statuses(), r["status"])
        if r["status"] in ("open", "assigned") and r["due_at"] < iso_utc(self._now()):
            text += self.tr("（超期）")
        return text

    @staticmethod
    def _local(iso: str | None) -> str:
        if not iso:
            return ""
        try:
            when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(ZONE)
        except ValueError:
            return iso
        return when.strftime("%m-%d %H:%M")

    # ------------------------------------------------------------------ loading
    def _fetch_cases(self, conn: Any, ids: list[str]) -> dict[str, dict[str, Any]]:
        return queries.case_rows(conn, ids, today=self._today(), now_iso=iso_utc(self._now()))

    def refresh(self) -> None:
        """Reload the case list for the chosen filter and grid."""
        if not self.can_view:
            return
        kind = str(self.filter.currentData())
        grid = str(self.grid_filter.currentData() or "")
        today, now_iso = self._today(), iso_utc(self._now())
        slots = ("am",) if self._slot_now() == "am" else ("am", "pm")

        def read(conn: Any) -> tuple[list[str], list[str]]:
            return (queries.case_ids(conn, kind, today=today, slots=slots, now_iso=now_iso,
                                     grid=grid), queries.grids(conn))

        db_op(self.station, read, self._loaded, self.services.messages.show_error)

    def _loaded(self, result: tuple[list[str], list[str]]) -> None:
        if not Shiboken.isValid(self):
            return
        ids, grids = result
        keep = self.current_case
        self.case_model.set_ids(ids)
        self.count_label.setText(self.tr("共 {n} 人").format(n=len(ids)))
        current = {self.grid_filter.itemData(i) for i in range(self.grid_filter.count())}
        for g in grids:
            if g not in current:
                self.grid_filter.addItem(g, g)
        if keep and keep in ids:
            self.table.selectRow(ids.index(keep))
        else:
            self._set_case(None)
        self.loads += 1
        self.cases_loaded.emit()

    def select_case(self, case_id: str) -> None:
        """Select a case in the list (it must be in the current filter)."""
        row = self.case_model.row_of(case_id)
        if row >= 0:
            self.table.selectRow(row)
            self.table.setFocus()

    def _set_case(self, case_id: str | None) -> None:
        keep_aid = self.current_aid if case_id == self.current_case else None
        self.current_case = case_id
        manage = self.can_manage and case_id is not None
        for w in (self.check_button, self.check_temp, self.new_aid_button, self.release_button,
                  self.transfer_button):
            w.setEnabled(manage)
        self.register_button.setEnabled(self.can_manage)
        self.check_date.setDate(QDate.fromString(self._today(), "yyyy-MM-dd"))
        self.check_slot.setCurrentIndex(self.check_slot.findData(self._slot_now()))
        self.checks_list.clear()
        self.aid_model.set_ids([])
        self._set_aid(None)
        self.current_aid = keep_aid
        if case_id is None:
            self.case_header.setText(self.tr("请在左侧选择隔离对象"))
            return
        self._update_header()

        def read(conn: Any) -> tuple[list[dict[str, Any]], list[str]]:
            return queries.health_checks(conn, case_id), queries.aid_ids(conn, case_id)

        db_op(self.station, read, lambda res: self._details(case_id, res),
              self.services.messages.show_error)

    def _update_header(self) -> None:
        if self.current_case is None:
            return
        row = self.case_model.cached(self.current_case) or {}
        self.case_header.setText(self.tr("{name}　{kind}　{start} 至 {end}").format(
            name=mask_name(row.get("person_name")) or "—",
            kind=labels.word(labels.kinds(), row.get("kind")),
            start=row.get("start_date", ""), end=row.get("planned_end", "")))

    def _details(self, case_id: str, result: tuple[list[dict[str, Any]], list[str]]) -> None:
        if not Shiboken.isValid(self) or case_id != self.current_case:
            return
        checks, aid_ids = result
        self.checks_list.clear()
        for c in checks:
            temp = "—" if c["temperature"] is None else f"{c['temperature']:.1f} °C"
            symptoms = "、".join(c["symptoms"]) or self.tr("无症状")
            self.checks_list.addItem(
                f"{c['check_date']} {labels.word(labels.slots(), c['slot'])}  {temp}  "
                f"{symptoms}  {labels.word(labels.moods(), c['mood'])}  {c['checked_by']}")
        keep = self.current_aid
        self.aid_model.set_ids(aid_ids)
        self.aid_model.fetch_all()
        if keep in aid_ids:
            self.aid_table.selectRow(aid_ids.index(keep))

    def _set_aid(self, aid_id: str | None) -> None:
        self.current_aid = aid_id
        row = self.aid_model.cached(aid_id) if aid_id else None
        allowed = TRANSITIONS.get(row["status"], frozenset()) if row else frozenset()
        for status, button in self.aid_buttons.items():
            button.setEnabled(self.can_manage and status in allowed)
        self.aid_history.clear()
        for e in (row or {}).get("events", []):
            self.aid_history.addItem(
                f"{self._local(e['at'])}  {e['actor']}  "
                f"{labels.word(labels.statuses(), e['from']) or '—'} → "
                f"{labels.word(labels.statuses(), e['to'])}  {e['note']}")

    # ------------------------------------------------------------------ writes
    def _write(self, op: str, fn: Any, after: Any = None) -> None:
        def done(result: Any) -> None:
            if not Shiboken.isValid(self):
                return
            if after is not None:
                after(result)
            self.changed.emit(op)

        db_op(self.station, fn, done, self.services.messages.show_error)

    def open_register_dialog(self) -> RegisterCaseDialog | None:
        """Open the registration form (returned for tests; saves on OK)."""
        if not self.can_manage:
            return None
        grid = str(self.grid_filter.currentData() or "")
        dlg = RegisterCaseDialog(QDate.fromString(self._today(), "yyyy-MM-dd"),
                                 self.session.username, grid, self)
        dlg.accepted.connect(lambda: dlg.case and self.register(dlg.case))
        dlg.open()
        return dlg

    def register(self, case: NewCase) -> None:
        """Register a case, then show it selected."""
        def after(case_id: str) -> None:
            self.current_case = case_id
            self.filter.setCurrentIndex(self.filter.findData(queries.FILTER_ACTIVE))
            self.refresh()

        self._write("register", lambda c: self.registry.register(self.session, case), after)

    def record_check(self) -> None:
        """Log the health check in the form for the selected case."""
        if self.current_case is None or not self.can_manage:
            return
        text = self.check_temp.text().strip().replace(",", ".")
        try:
            temperature = float(text) if text else None
        except ValueError:
            self.services.messages.warning(self.tr("体温格式不正确，例如 36.5"))
            return
        symptoms = [s.strip() for s in self.check_symptoms.text().replace("，", ",").split(",")
                    if s.strip()]
        check = NewHealthCheck(case_id=self.current_case,
                               check_date=self.check_date.date().toString("yyyy-MM-dd"),
                               slot=str(self.check_slot.currentData()), temperature=temperature,
                               symptoms=symptoms, mood=str(self.check_mood.currentData()),
                               note=self.check_note.text().strip())

        def after(_: Any) -> None:
            for edit in (self.check_temp, self.check_symptoms, self.check_note):
                edit.clear()
            self.case_model.refresh_rows()
            self._set_case(self.current_case)

        self._write("check", lambda c: self.registry.record_check(self.session, check), after)

    def open_aid_dialog(self) -> AidRequestDialog | None:
        """Open the new-aid form for the selected case."""
        if self.current_case is None or not self.can_manage:
            return None
        dlg = AidRequestDialog(self.current_case, self._now(), self)
        dlg.accepted.connect(lambda: dlg.request and self.open_aid(dlg.request))
        dlg.open()
        return dlg

    def open_aid(self, request: NewAidRequest) -> None:
        """Open an aid request."""
        def after(aid_id: str) -> None:
            self.current_aid = aid_id
            self.case_model.refresh_rows()
            self._set_case(self.current_case)

        self._write("aid_open", lambda c: self.aid.open(self.session, request), after)

    def select_aid(self, aid_id: str) -> None:
        """Select an aid request of the current case."""
        row = self.aid_model.row_of(aid_id)
        if row >= 0:
            self.aid_table.selectRow(row)

    def move_aid(self, to_status: str) -> None:
        """Move the selected aid request (assignee and note from the fields)."""
        aid_id = self.current_aid
        if aid_id is None or not self.can_manage:
            return
        assignee = self.assignee.text().strip() or None
        note = self.aid_note.text().strip()

        def after(_: Any) -> None:
            self.aid_note.clear()
            self.case_model.refresh_rows()
            self._set_case(self.current_case)

        self._write(f"aid_{to_status}", lambda c: self.aid.move(
            self.session, aid_id, to_status, note, assignee), after)

    def end_case(self, how: str) -> None:
        """Release the selected case, or transfer it to hospital."""
        case_id = self.current_case
        if case_id is None or not self.can_manage:
            return
        note = self.end_note.text().strip()
        if how == "transfer" and not note:
            self.services.messages.warning(self.tr("转院时请填写医院名称"))
            self.end_note.setFocus()
            return

        def after(_: Any) -> None:
            self.end_note.clear()
            self.refresh()

        self._write(how, lambda c: self.registry.end(self.session, case_id, how, note), after)

    # ------------------------------------------------------------------ lock
    def save_draft(self) -> dict[str, Any] | None:
        """Half-typed check, aid and end fields survive a lock."""
        fields = {"case": self.current_case, "temp": self.check_temp.text(),
                  "symptoms": self.check_symptoms.text(), "note": self.check_note.text(),
                  "mood": self.check_mood.currentIndex(), "slot": self.check_slot.currentIndex(),
                  "assignee": self.assignee.text(), "aid_note": self.aid_note.text(),
                  "end_note": self.end_note.text()}
        typed = any(fields[k] for k in ("temp", "symptoms", "note", "assignee", "aid_note",
                                        "end_note"))
        return fields if typed else None

    def restore_draft(self, draft: dict[str, Any]) -> None:
        """Put the fields back once the case list has loaded."""
        def put_back() -> None:
            self.cases_loaded.disconnect(put_back)
            if draft.get("case"):
                self.select_case(draft["case"])
            self.check_temp.setText(draft.get("temp", ""))
            self.check_symptoms.setText(draft.get("symptoms", ""))
            self.check_note.setText(draft.get("note", ""))
            self.check_mood.setCurrentIndex(int(draft.get("mood", 1)))
            self.check_slot.setCurrentIndex(int(draft.get("slot", 0)))
            self.assignee.setText(draft.get("assignee", ""))
            self.aid_note.setText(draft.get("aid_note", ""))
            self.end_note.setText(draft.get("end_note", ""))

        self.cases_loaded.connect(put_back)
        if self.filter.currentData() == queries.FILTER_ALL:
            self.refresh()
        else:
            self.filter.setCurrentIndex(self.filter.findData(queries.FILTER_ALL))

    def activate(self) -> None:
        """Shown: reload the list (checks due change with the time of day)."""
        self.refresh()

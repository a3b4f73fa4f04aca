"""Isolation and aid: case list with filters, registration, twice-daily checks, aid requests
through their life cycle, release or transfer. Keyboard first: every action has a key.

Lists are lazy id models (:mod:`app.ui.cases.models`), the case list a
:class:`app.ui.cases.case_table.CaseTable`; every read and write goes through
``db_op`` to the record services, which check the role below the UI. The aid requests of
the selected case are shown by :class:`app.ui.cases.aid_panel.AidPanel`. Releasing or
transferring a case asks first (:class:`app.ui.cases.dialogs.EndCaseDialog`).

Signals: ``cases_loaded()`` after the case list was (re)loaded; ``changed(str)`` after a
write succeeded (``register``, ``check``, ``aid_open``, ``aid_<status>``, ``release``,
``transfer``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from app.masking import mask_id_number, mask_name
from app.reports.localday import ZONE
from app.storage.queries import cases as queries
from app.storage.records.aid import AidDesk, NewAidRequest
from app.storage.records.isolation import IsolationRegistry, NewCase
from app.storage.roles import Permission, Session
from app.timeutil import iso_utc
from app.ui.cases import labels
from app.ui.cases.aid_panel import AidPanel
from app.ui.cases.case_table import CaseTable
from app.ui.cases.check_panel import HealthCheckPanel
from app.ui.cases.dialogs import AidRequestDialog, EndCaseDialog, RegisterCaseDialog
from app.ui.ops import db_op
from app.ui.services import Services
from app.ui.workspace import Workspace

BOX_MARGINS = 48  # a group box's frame and its layout's margins, both sides, in pixels


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
        self.end_dialog: EndCaseDialog | None = None  # the last "are you sure" question
        self._asking_end = False
        self.loads = 0  # completed list loads (a load may finish inside ``refresh``)
        self._build()
        self._set_case(None)
        if self.can_view:
            self.refresh()
        else:
            self.denied.setText(self.tr("当前用户无权查看隔离与救助信息。"))
            self.denied.show()
            self.setEnabled(False)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if not self._split_by_user and self.isVisible():
            self._share_width()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # built behind another tab: sized only now
        if not self._split_by_user:
            self._share_width()

    def _share_width(self) -> None:
        """The case list gets the width its columns need, the aid table what it needs, any
        spare goes to the list; short of room, the list comes first."""
        total = sum(self.splitter.sizes())
        if total <= 0:
            return
        right_min = self.splitter.widget(1).minimumSizeHint().width()
        right_wanted = max(right_min, self.aid_panel.columns.wanted_width() + BOX_MARGINS)
        left_wanted = self.columns.wanted_width()
        if left_wanted + right_wanted <= total:
            left = total - right_wanted  # room to spare: the list's grid column takes it
        else:  # the case list first; the aid table scrolls sideways if it must
            left = max(total // 2, min(left_wanted, total - right_min))
        self.splitter.setSizes([left, total - left])

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
        filter_label = QLabel(self.tr("筛选(&F)"))
        filter_label.setBuddy(self.filter)
        top = QHBoxLayout()
        top.addWidget(filter_label)
        top.addWidget(self.filter)
        top.addWidget(self.grid_filter)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.register_button)

        self.table = CaseTable(self.station, self._fetch_cases,
                               self.services.messages.show_error)
        self.case_model, self.columns = self.table.case_model, self.table.columns
        self.case_model.rows_loaded.connect(self._update_header)
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
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.splitter)
        self._split_by_user = False  # until the user drags it, the list gets what it needs
        self.splitter.splitterMoved.connect(lambda *_: setattr(self, "_split_by_user", True))

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

    def _build_checks(self) -> HealthCheckPanel:
        self.check_panel = panel = HealthCheckPanel()
        # the panel's parts under the names the rest of the screen (and its tests) use
        self.check_date, self.check_slot, self.check_temp = panel.date, panel.slot, panel.temp
        self.check_symptoms, self.check_mood, self.check_note = (panel.symptoms, panel.mood,
                                                                 panel.note)
        self.check_button, self.checks_list = panel.button, panel.history
        panel.submit_requested.connect(self.record_check)
        return panel

    def _build_aid(self) -> AidPanel:
        self.aid_panel = AidPanel(self.station, self._now, self.can_manage,
                                  self.services.messages.show_error)
        panel = self.aid_panel
        # the panel's parts under the names the rest of the screen (and its tests) use
        self.aid_model, self.aid_table = panel.model, panel.table
        self.aid_buttons, self.aid_history = panel.buttons, panel.history
        self.new_aid_button, self.assignee, self.aid_note = (panel.new_button, panel.assignee,
                                                             panel.note)
        panel.move_requested.connect(self.move_aid)
        panel.new_requested.connect(self.open_aid_dialog)
        return panel

    def _build_end(self) -> QGroupBox:
        box = QGroupBox(self.tr("结束隔离"))
        self.end_note = QLineEdit()
        self.end_note.setPlaceholderText(self.tr("说明（转院时填写医院）"))
        self.release_button = QPushButton(self.tr("解除隔离(&R)"))
        self.transfer_button = QPushButton(self.tr("转院(&Y)"))
        h = QHBoxLayout(box)
        h.addWidget(self.end_note, 1)
        h.addWidget(self.release_button)
        h.addWidget(self.transfer_button)
        self.release_button.clicked.connect(lambda: self.end_case("release"))
        self.transfer_button.clicked.connect(lambda: self.end_case("transfer"))
        return box

    @property
    def current_aid(self) -> str | None:
        """The selected aid request of the current case."""
        return self.aid_panel.current_aid

    @current_aid.setter
    def current_aid(self, aid_id: str | None) -> None:
        self.aid_panel.current_aid = aid_id

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
        self.check_panel.reset(self._today(), self._slot_now())
        self.aid_model.set_ids([])
        self.aid_panel.set_aid(None)
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
        self.check_panel.show_checks(checks)
        self.aid_panel.show_ids(aid_ids)

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
        try:
            check = self.check_panel.value(self.current_case)
        except ValueError:
            self.services.messages.warning(self.tr("体温格式不正确，例如 36.5"))
            return

        def after(_: Any) -> None:
            self.check_panel.clear_inputs()
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
        self.aid_panel.select_aid(aid_id)

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
        """Ask, then release the selected case or transfer it to hospital. The question
        (``end_dialog``, window-modal, Enter or Esc) names the person: at once when the
        case's row is cached, else once it has been read."""
        case_id = self.current_case
        if case_id is None or not self.can_manage or self._asking_end:
            return
        note = self.end_note.text().strip()
        if how == "transfer" and not note:
            self.services.messages.warning(self.tr("转院时请填写医院名称"))
            self.end_note.setFocus()
            return
        self._asking_end = True
        row = self.case_model.cached(case_id)
        if row is not None:
            self._ask_end(case_id, how, note, row)
            return

        def failed(exc: BaseException) -> None:
            self._asking_end = False
            self.services.messages.show_error(exc)

        db_op(self.station, lambda c: self._fetch_cases(c, [case_id]).get(case_id, {}),
              lambda r: self._ask_end(case_id, how, note, r), failed)

    def _ask_end(self, case_id: str, how: str, note: str, row: dict[str, Any]) -> None:
        if not Shiboken.isValid(self):
            return
        self._asking_end = False
        if case_id != self.current_case:
            return  # another case was chosen meanwhile
        person = mask_name(row.get("person_name")) or self.tr("该对象")
        doc = mask_id_number(row.get("id_number"))
        dlg = EndCaseDialog(how, f"{person}（{doc}）" if doc else person, note, self)
        dlg.accepted.connect(lambda: self._end(case_id, how, note))
        if self.end_dialog is not None and Shiboken.isValid(self.end_dialog):
            self.end_dialog.deleteLater()  # the previous question, answered long ago
        self.end_dialog = dlg
        dlg.open()

    def _end(self, case_id: str, how: str, note: str) -> None:
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

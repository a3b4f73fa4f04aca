"""Forms of the isolation-and-aid screen: case registration, a new aid request, and the
"are you sure" step before a case is released or transferred.

Each dialog only collects and checks input; the workspace saves through the record
services on the DB thread. Shown with ``open()`` (window-modal, not a nested event loop).
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, QDateTime, QTimeZone
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.storage.records.aid import NewAidRequest
from app.storage.records.isolation import NewCase
from app.timeutil import iso_utc
from app.ui.cases import labels


def _combo(items: dict[str, str]) -> QComboBox:
    box = QComboBox()
    for key, text in items.items():
        box.addItem(text, key)
    return box


class RegisterCaseDialog(QDialog):
    """Registers a person in home or facility isolation."""

    def __init__(self, today: QDate, responsible: str, grid: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("登记隔离对象"))
        self.name = QLineEdit()
        self.id_number = QLineEdit()
        self.phone = QLineEdit()
        self.address = QLineEdit()
        self.grid = QLineEdit(grid)
        self.kind = _combo(labels.kinds())
        self.facility = QLineEdit()
        self.reason = _combo(labels.reasons())
        self.start = QDateEdit(today)
        self.start.setCalendarPopup(True)
        self.start.setDisplayFormat("yyyy-MM-dd")
        self.planned_end = QDateEdit(today.addDays(14))
        self.planned_end.setCalendarPopup(True)
        self.planned_end.setDisplayFormat("yyyy-MM-dd")
        self.responsible = QLineEdit(responsible)
        self.error = QLabel()
        self.error.setStyleSheet("color: #B00020;")
        form = QFormLayout(self)
        form.addRow(self.tr("姓名(&N)"), self.name)
        form.addRow(self.tr("身份证号(&I)"), self.id_number)
        form.addRow(self.tr("电话(&P)"), self.phone)
        form.addRow(self.tr("地址(&A)"), self.address)
        form.addRow(self.tr("网格(&G)"), self.grid)
        form.addRow(self.tr("隔离方式(&K)"), self.kind)
        form.addRow(self.tr("集中隔离点"), self.facility)
        form.addRow(self.tr("隔离原因(&R)"), self.reason)
        form.addRow(self.tr("开始日期(&S)"), self.start)
        form.addRow(self.tr("计划解除(&E)"), self.planned_end)
        form.addRow(self.tr("责任人"), self.responsible)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.case: NewCase | None = None

    def value(self) -> NewCase:
        """The case as entered (KnownError when a field does not fit)."""
        case = NewCase(
            person_name=self.name.text().strip(), address=self.address.text().strip(),
            kind=str(self.kind.currentData()), reason=str(self.reason.currentData()),
            start_date=self.start.date().toString("yyyy-MM-dd"),
            planned_end=self.planned_end.date().toString("yyyy-MM-dd"),
            responsible=self.responsible.text().strip(),
            id_number=self.id_number.text().strip() or None,
            phone=self.phone.text().strip() or None, grid=self.grid.text().strip(),
            facility=self.facility.text().strip() or None)
        case.check()
        return case

    def _check(self) -> None:
        try:
            self.case = self.value()
        except KnownError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class AidRequestDialog(QDialog):
    """A new aid request for the selected case."""

    def __init__(self, case_id: str, now: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("新建救助请求"))
        self.case_id = case_id
        self.category = _combo(labels.categories())
        self.urgency = _combo(labels.urgencies())
        self.description = QLineEdit()
        self.due = QDateTimeEdit(QDateTime.fromSecsSinceEpoch(
            int(now + timedelta(hours=24).total_seconds()), QTimeZone(8 * 3600)))
        self.due.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.due.setCalendarPopup(True)
        self.urgency.currentIndexChanged.connect(lambda _: self._default_due(now))
        self.error = QLabel()
        form = QFormLayout(self)
        form.addRow(self.tr("类别(&C)"), self.category)
        form.addRow(self.tr("紧急程度(&U)"), self.urgency)
        form.addRow(self.tr("内容(&D)"), self.description)
        form.addRow(self.tr("办理期限(&T)"), self.due)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.request: NewAidRequest | None = None

    def _default_due(self, now: float) -> None:
        hours = {"normal": 24, "urgent": 4, "critical": 1}.get(str(self.urgency.currentData()), 24)
        self.due.setDateTime(QDateTime.fromSecsSinceEpoch(int(now + hours * 3600),
                                                          QTimeZone(8 * 3600)))

    def value(self) -> NewAidRequest:
        """The request as entered."""
        req = NewAidRequest(category=str(self.category.currentData()),
                            urgency=str(self.urgency.currentData()),
                            description=self.description.text().strip(),
                            due_at=iso_utc(self.due.dateTime().toSecsSinceEpoch()),
                            case_id=self.case_id)
        req.check()
        return req

    def _check(self) -> None:
        try:
            self.request = self.value()
        except KnownError as exc:
            self.error.setText(str(exc))
            return
        self.accept()


class EndCaseDialog(QDialog):
    """Asks before a case ends: names the (masked) person and the action. Enter confirms,
    Esc cancels; the confirm button has the focus when the dialog appears."""

    def __init__(self, how: str, person: str, note: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.how = how
        if how == "transfer":
            self.setWindowTitle(self.tr("确认转院"))
            question = self.tr("确定将 {person} 转往 {hospital} 吗？").format(
                person=person, hospital=note)
            action = self.tr("确认转院")
        else:
            self.setWindowTitle(self.tr("确认解除隔离"))
            question = self.tr("确定解除 {person} 的隔离吗？").format(person=person)
            action = self.tr("解除隔离")
        self.question = QLabel(question)
        self.question.setObjectName("end-case-question")
        self.question.setWordWrap(True)
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.question.setFont(font)
        self.hint = QLabel(self.tr("结束后该对象不再列入在管名单，也不再安排每日监测。"))
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.confirm_button = buttons.addButton(action, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setText(self.tr("取消"))
        self.confirm_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question)
        layout.addWidget(self.hint)
        layout.addWidget(buttons)
        self.setMinimumWidth(min(600, self.question.fontMetrics().horizontalAdvance(question)
                                 + 60))

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.confirm_button.setFocus()

"""The twice-daily health check of the selected case: the form and the checks logged so far.

The panel only collects and shows; the workspace saves through the record services.
Enter in any text field, or the button, asks for a save through ``submit_requested``.

Signals: ``submit_requested()``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from app.storage.records.isolation import NewHealthCheck
from app.ui.cases import labels


class HealthCheckPanel(QGroupBox):
    """See the module docstring."""

    submit_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("健康监测（每日两次）"))
        self.date = QDateEdit()
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.slot = QComboBox()
        for key, text in labels.slots().items():
            self.slot.addItem(text, key)
        self.temp = QLineEdit()
        self.temp.setObjectName("check-temperature")
        self.temp.setPlaceholderText(self.tr("体温，例如 36.5 (Ctrl+H)"))
        self.symptoms = QLineEdit()
        self.symptoms.setPlaceholderText(self.tr("症状，用逗号分隔；无则留空"))
        self.mood = QComboBox()
        for key, text in labels.moods().items():
            self.mood.addItem(text, key)
        self.mood.setCurrentIndex(1)
        self.note = QLineEdit()
        self.button = QPushButton(self.tr("登记监测 (Enter)"))
        self.history = QListWidget()
        self.history.setMaximumHeight(110)
        row = QHBoxLayout()
        row.addWidget(self.date)
        row.addWidget(self.slot)
        form = QFormLayout(self)
        form.addRow(self.tr("日期/时段"), row)
        form.addRow(self.tr("体温(&T)"), self.temp)
        form.addRow(self.tr("症状(&Z)"), self.symptoms)
        form.addRow(self.tr("情绪(&M)"), self.mood)
        form.addRow(self.tr("备注"), self.note)
        form.addRow(self.button)
        form.addRow(self.history)
        self.button.clicked.connect(self.submit_requested)
        for edit in (self.temp, self.symptoms, self.note):
            edit.returnPressed.connect(self.submit_requested)

    def reset(self, today: str, slot: str) -> None:
        """Today's date and the slot of the hour; the list emptied until checks arrive."""
        self.date.setDate(QDate.fromString(today, "yyyy-MM-dd"))
        self.slot.setCurrentIndex(self.slot.findData(slot))
        self.history.clear()

    def show_checks(self, checks: list[dict[str, Any]]) -> None:
        """List the case's checks, newest as the store orders them."""
        self.history.clear()
        for c in checks:
            temp = "—" if c["temperature"] is None else f"{c['temperature']:.1f} °C"
            symptoms = "、".join(c["symptoms"]) or self.tr("无症状")
            self.history.addItem(
                f"{c['check_date']} {labels.word(labels.slots(), c['slot'])}  {temp}  "
                f"{symptoms}  {labels.word(labels.moods(), c['mood'])}  {c['checked_by']}")

    def value(self, case_id: str) -> NewHealthCheck:
        """The check as entered (ValueError when the temperature is not a number)."""
        text = self.temp.text().strip().replace(",", ".")
        temperature = float(text) if text else None
        symptoms = [s.strip() for s in self.symptoms.text().replace("，", ",").split(",")
                    if s.strip()]
        return NewHealthCheck(case_id=case_id,
                              check_date=self.date.date().toString("yyyy-MM-dd"),
                              slot=str(self.slot.currentData()), temperature=temperature,
                              symptoms=symptoms, mood=str(self.mood.currentData()),
                              note=self.note.text().strip())

    def clear_inputs(self) -> None:
        """Empty the text fields after a save."""
        for edit in (self.temp, self.symptoms, self.note):
            edit.clear()

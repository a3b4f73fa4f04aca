"""The worker's input under the verdict: temperature, ticks, the proposal and an override.

Works from a numeric keypad alone: the temperature field takes keypad digits, ``,`` or
``.``; Enter (main or keypad) confirms and Esc clears, handled by the workspace. The
override list and its reason appear as one row; the reason is asked for only when the
decision differs from the proposal or the rules ask for a manual check.

Signals: ``changed()`` whenever an input changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.codes.rules import Decision
from app.ui.checkpoint.verdict import OVERRIDE_DECISIONS, decision_label


class ScreeningForm(QWidget):
    """Temperature, symptom and travel ticks, the proposal, decision and reason."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        big = QFont(self.font())
        big.setPointSizeF(max(14.0, big.pointSizeF() * 1.6))
        self.temperature = QLineEdit()
        self.temperature.setObjectName("temperature")
        self.temperature.setPlaceholderText(self.tr("例如 36.5"))
        self.temperature.setFont(big)
        self.temperature.setMaxLength(5)
        self.temperature.setInputMethodHints(Qt.InputMethodHint.ImhFormattedNumbersOnly)
        self.temperature.setAccessibleName(self.tr("体温"))
        self.fever_label = QLabel()
        self.fever_label.setObjectName("fever")
        self.symptoms = QCheckBox(self.tr("有发热、咳嗽等症状 (F3)"))
        self.risk_travel = QCheckBox(self.tr("14 天内到过中高风险地区 (F4)"))
        self.proposal_label = QLabel()
        self.proposal_label.setObjectName("proposal")
        self.proposal_label.setFont(big)
        self.proposal_label.setWordWrap(True)
        self.decision = QComboBox()
        self.decision.setObjectName("decision")
        self.decision.addItem(self.tr("按系统建议"), None)
        for d in OVERRIDE_DECISIONS:
            self.decision.addItem(decision_label(d), d)
        self.reason = QLineEdit()
        self.reason.setObjectName("reason")
        self.reason.setPlaceholderText(self.tr("更改建议或人工核验时必须填写理由"))
        self.confirm_button = QPushButton(self.tr("确认保存 (Enter)"))
        self.clear_button = QPushButton(self.tr("清除 (Esc)"))
        for b in (self.confirm_button, self.clear_button):
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        temp_row = QHBoxLayout()
        temp_row.addWidget(self.temperature, 1)
        temp_row.addWidget(QLabel("°C"))
        temp_row.addWidget(self.fever_label, 2)
        form = QFormLayout()
        form.addRow(self.tr("体温 (F2)"), temp_row)
        form.addRow("", self.symptoms)
        form.addRow("", self.risk_travel)
        form.addRow(self.tr("系统建议"), self.proposal_label)
        form.addRow(self.tr("处置 (F9)"), self.decision)
        form.addRow(self.tr("理由"), self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.confirm_button, 2)
        buttons.addWidget(self.clear_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addLayout(buttons)

        self.temperature.textChanged.connect(self.changed)
        self.symptoms.toggled.connect(self.changed)
        self.risk_travel.toggled.connect(self.changed)
        self.decision.currentIndexChanged.connect(self.changed)
        self.reason.textChanged.connect(self.changed)
        self.reset()

    # ---------------------------------------------------------------- values
    def chosen_decision(self) -> str | None:
        """The override chosen (None: follow the proposal)."""
        data = self.decision.currentData()
        return str(data) if data else None

    def set_values(self, temperature: str, symptoms: bool, risk_travel: bool,
                   decision: str | None, reason: str) -> None:
        """Put back a draft's input."""
        self.blockSignals(True)
        try:
            self.temperature.setText(temperature)
            self.symptoms.setChecked(symptoms)
            self.risk_travel.setChecked(risk_travel)
            index = self.decision.findData(decision) if decision else 0
            self.decision.setCurrentIndex(max(0, index))
            self.reason.setText(reason)
        finally:
            self.blockSignals(False)

    def reset(self) -> None:
        """Empty, and disabled until a verdict is shown."""
        self.set_values("", False, False, None, "")
        self.show_proposal(None, None, "")
        self.set_active(False)

    def set_active(self, active: bool) -> None:
        """Enable the inputs while a verdict waits for a decision."""
        for w in (self.temperature, self.symptoms, self.risk_travel, self.decision,
                  self.reason, self.confirm_button):
            w.setEnabled(active)
        self.clear_button.setEnabled(True)

    # ---------------------------------------------------------------- display
    def show_proposal(self, decision: Decision | None, threshold: float | None,
                      problem: str) -> None:
        """The rules' proposal, the fever marker and whether a reason is needed."""
        if problem:
            self.proposal_label.setText(problem)
            self.fever_label.setText("")
            return
        if decision is None:
            self.proposal_label.setText("—")
            self.fever_label.setText("")
            return
        text = decision_label(decision.proposal)
        if decision.advice and decision.advice != text:
            text = self.tr("{decision}：{advice}").format(decision=text, advice=decision.advice)
        self.proposal_label.setText(text)
        if decision.fever and threshold is not None:
            self.fever_label.setText(self.tr("⚠ 发热（≥ {t} °C）").format(t=f"{threshold:.1f}"))
        else:
            self.fever_label.setText("")
        needs_reason = decision.proposal == "manual" or (
            self.chosen_decision() not in (None, decision.proposal))
        self.reason.setPlaceholderText(
            self.tr("必须填写理由") if needs_reason else self.tr("（无需填写）"))

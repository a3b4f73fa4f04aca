"""First-run set-up: station name and GB/T 2260 division code, the administrator with a
password typed twice, then the station is created (on a worker thread: key derivation
takes about a second) and its recovery code is shown once, with a confirmation step.

Signals (:class:`SetupWizard`): ``created(object)`` with the new, locked ``Station``.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import KnownError
from app.storage.keyslots import KdfParams
from app.storage.station import MIN_PASSWORD, USERNAME, Station
from app.ui.busy import BusyBar
from app.ui.login import ERROR_COLOUR, set_text_colour
from app.ui.ops import background_op

# GB/T 2260 province-level prefixes (the first two digits of every division code).
PROVINCES = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
})


def division_problem(code: str) -> str:
    """Why ``code`` is not a usable division code ('' when it is); Chinese, for tr below."""
    if not re.fullmatch(r"\d{6}", code):
        return "six-digits"
    if code[:2] not in PROVINCES:
        return "province"
    return ""


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    set_text_colour(label, ERROR_COLOUR)
    return label


class StationPage(QWizardPage):
    """Station name and division code."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("站点信息"))
        self.setSubTitle(self.tr("本机将作为一个站点保存加密数据。站点名称会显示在报表和同步记录中。"))
        self.name = QLineEdit()
        self.name.setObjectName("setup-station-name")
        self.name.setPlaceholderText(self.tr("例如：青秀区新竹街道检查点"))
        self.division = QLineEdit()
        self.division.setObjectName("setup-division")
        self.division.setPlaceholderText(self.tr("例如：450103"))
        self.division.setValidator(QRegularExpressionValidator(r"\d{0,6}", self.division))
        self.division.setMaxLength(6)
        self.problem = _note()
        form = QFormLayout(self)
        form.addRow(self.tr("站点名称"), self.name)
        form.addRow(self.tr("行政区划代码"), self.division)
        hint = QLabel(self.tr("GB/T 2260 六位代码：省 2 位、市 2 位、县区 2 位。"
                              "广西壮族自治区以 45 开头，南宁市青秀区为 450103。"))
        hint.setWordWrap(True)
        form.addRow("", hint)
        form.addRow("", self.problem)
        self.registerField("station_name*", self.name)
        self.registerField("division*", self.division)
        self.division.textChanged.connect(self._check)

    def _check(self) -> None:
        code = self.division.text()
        problem = division_problem(code) if len(code) == 6 else ""
        self.problem.setText(self.tr("“{code}”不是有效的省级代码开头").format(code=code[:2])
                             if problem == "province" else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Both fields filled and the code plausible."""
        return bool(self.name.text().strip()) and division_problem(self.division.text()) == ""


class AdminPage(QWizardPage):
    """The first administrator: user name and password typed twice."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("管理员账户"))
        self.setSubTitle(self.tr("管理员负责添加用户和修改站点设置。每位工作人员以后都有自己的账户。"))
        self.username = QLineEdit("admin")
        self.username.setObjectName("setup-admin")
        self.password = QLineEdit()
        self.password.setObjectName("setup-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setObjectName("setup-password-again")
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = _note()
        form = QFormLayout(self)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("密码"), self.password)
        form.addRow(self.tr("再次输入密码"), self.again)
        form.addRow("", QLabel(self.tr("密码至少 {n} 个字符。请勿使用生日或手机号。").format(
            n=MIN_PASSWORD)))
        form.addRow("", self.problem)
        self.registerField("admin*", self.username)
        self.registerField("password*", self.password)
        for edit in (self.username, self.password, self.again):
            edit.textChanged.connect(self._check)

    def problem_text(self) -> str:
        """What is wrong with the entries ('' when nothing is)."""
        if not USERNAME.match(self.username.text().strip()):
            return self.tr("用户名须为 2–32 个字母、数字、汉字或 _.-")
        if len(self.password.text()) < MIN_PASSWORD:
            return self.tr("密码至少需要 {n} 个字符").format(n=MIN_PASSWORD)
        if self.password.text() != self.again.text():
            return self.tr("两次输入的密码不一致")
        return ""

    def _check(self) -> None:
        touched = bool(self.again.text())
        self.problem.setText(self.problem_text() if touched else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """A valid user name and two matching passwords."""
        return self.problem_text() == ""


class CreatePage(QWizardPage):
    """Creates the station on a worker thread; cannot go back once it exists."""

    def __init__(self, wizard: SetupWizard) -> None:
        super().__init__()
        self.setup = wizard
        self.setTitle(self.tr("正在创建站点"))
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.bar = BusyBar()
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.bar)
        layout.addStretch(1)
        self.done = False
        self.setCommitPage(True)

    def initializePage(self) -> None:  # noqa: N802 - Qt API
        """Start creating as soon as the page shows."""
        if self.done:
            return
        set_text_colour(self.status, "")
        self.status.setText(self.tr("正在生成密钥并加密数据库，请稍候…"))
        self.bar.setVisible(True)
        self.setup.start_create(self._created, self._failed)

    def _created(self) -> None:
        self.done = True
        self.bar.setVisible(False)
        self.status.setText(self.tr("站点已创建。下一步将显示恢复码，请准备纸笔。"))
        self.completeChanged.emit()

    def _failed(self, exc: BaseException) -> None:
        self.bar.setVisible(False)
        set_text_colour(self.status, ERROR_COLOUR)
        shown = str(exc) if isinstance(exc, KnownError) else self.tr("创建失败，详情已记录在日志中")
        self.status.setText(shown + "\n" + self.tr("请返回修改后重试。"))

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Only once the station exists."""
        return self.done


class RecoveryPage(QWizardPage):
    """Shows the recovery code once; the person confirms by typing one group back."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("恢复码"))
        self.setSubTitle(self.tr("所有密码都遗失时，只有恢复码能打开本站数据。"
                                 "请抄写在纸上，交主管另行保管。它只显示这一次。"))
        self.code = QLabel()
        self.code.setObjectName("setup-recovery-code")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(max(mono.pointSizeF(), 10) * 1.6)
        mono.setWeight(QFont.Weight.Bold)
        self.code.setFont(mono)
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code.setStyleSheet("background: #f3f6fb; border: 1px solid #9aa8bd; padding: 14px;")
        self.written = QCheckBox(self.tr("我已把恢复码抄写在纸上"))
        self.written.setObjectName("setup-recovery-written")
        self.ask = QLabel()
        self.group = QLineEdit()
        self.group.setObjectName("setup-recovery-group")
        self.group.setMaxLength(6)
        self.problem = _note()
        layout = QVBoxLayout(self)
        layout.addWidget(self.code)
        layout.addWidget(self.written)
        layout.addWidget(self.ask)
        layout.addWidget(self.group)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        self.written.toggled.connect(self._check)
        self.group.textChanged.connect(self._check)
        self.group_index = 0
        self.groups: list[str] = []

    def show_code(self, code: str, group_index: int) -> None:
        """Display ``code`` and ask for group ``group_index`` (0-based)."""
        self.groups = code.split("-")
        self.group_index = group_index
        cells = "".join(
            f"<td align='center' style='padding: 0 10px'><span style='font-size: small; "
            f"color: #5f6b7a; font-weight: normal'>{n}</span><br>{group}</td>"
            for n, group in enumerate(self.groups, start=1))
        self.code.setText(f"<table><tr>{cells}</tr></table>")
        self.code.setAccessibleName(code)
        self.ask.setText(self.tr("为确认抄写无误，请照纸条输入第 {n} 组（6 个字符）：").format(
            n=group_index + 1))

    def _check(self) -> None:
        typed = self.group.text().strip().upper()
        wrong = len(typed) == 6 and not self._matches(typed)
        self.problem.setText(self.tr("与恢复码不符，请对照纸条核对") if wrong else "")
        self.completeChanged.emit()

    def _matches(self, typed: str) -> bool:
        aliases = {"O": "0", "I": "1", "L": "1", "U": "V"}
        typed = "".join(aliases.get(c, c) for c in typed.strip().upper())
        return bool(self.groups) and typed == self.groups[self.group_index]

    def isComplete(self) -> bool:  # noqa: N802 - Qt API
        """Ticked and the group typed back correctly."""
        return self.written.isChecked() and self._matches(self.group.text())


class SetupWizard(QWizard):
    """The first-run set-up of a station in ``data_dir``."""

    created = Signal(object)

    def __init__(self, data_dir: Path, kdf: KdfParams | None = None,
                 parent: QWidget | None = None, rng: random.Random | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("setup-wizard")
        self.data_dir = Path(data_dir)
        self.kdf = kdf
        self.rng = rng or random.SystemRandom()
        self.station: Station | None = None
        self.recovery_code = ""
        self.setWindowTitle(self.tr("网格工作台 — 首次设置"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("上一步"))
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("下一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        intro = QWizardPage()
        intro.setTitle(self.tr("欢迎使用网格工作台"))
        text = QLabel(self.tr(
            "这台电脑还没有站点。接下来将：\n\n"
            "1. 填写站点名称和行政区划代码；\n"
            "2. 设置管理员账户和密码；\n"
            "3. 创建加密数据库，并显示一次恢复码。\n\n"
            "所有数据加密保存在本机，没有网络也能工作。"))
        text.setWordWrap(True)
        QVBoxLayout(intro).addWidget(text)
        self.station_page = StationPage()
        self.admin_page = AdminPage()
        self.create_page = CreatePage(self)
        self.recovery_page = RecoveryPage()
        for page in (intro, self.station_page, self.admin_page, self.create_page,
                     self.recovery_page):
            self.addPage(page)
        self.setMinimumSize(640, 480)

    def start_create(self, on_done: Any, on_error: Any) -> None:
        """Create the station on a worker thread from the pages' fields."""
        name = str(self.field("station_name")).strip()
        division = str(self.field("division"))
        admin = str(self.field("admin")).strip()
        password = str(self.field("password"))
        data_dir, kdf = self.data_dir, self.kdf

        def create() -> tuple[Station, str]:
            return Station.create(data_dir, name=name, division=division, admin=admin,
                                  password=password, kdf=kdf)

        def done(result: tuple[Station, str]) -> None:
            self.station, self.recovery_code = result
            self.recovery_page.show_code(self.recovery_code, self.rng.randrange(1, 5))
            on_done()

        background_op(create, done, on_error)

    def accept(self) -> None:
        """Finish: hand the new station on (before closing, so the app has a window)."""
        if self.station is not None:
            self.created.emit(self.station)
        super().accept()

"""The sign-in screen, also shown as the lock screen, and regaining access by recovery code.

Checking a password runs Argon2id (about 0.4 s), so ``Station.unlock`` runs on a worker
thread while the form shows a busy state; a refused attempt is audited by the station and
shown here in plain words.

Signals (:class:`LoginPage`): ``unlocked(Session)`` after a successful sign-in.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import KnownError
from app.storage.roles import Session
from app.storage.station import Station
from app.ui.busy import BusyBar
from app.ui.ops import background_op
from app.ui.services import Services

ERROR_COLOUR = "#b3261e"
OK_COLOUR = "#1b5e20"


def set_text_colour(label: QLabel, colour: str) -> None:
    """Colour a label's text through its palette ('' = the normal text colour).

    A palette, unlike a style sheet, keeps following the application font (large-font mode).
    """
    palette = label.palette()
    if colour:
        palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    else:
        palette.setColor(QPalette.ColorRole.WindowText,
                         label.style().standardPalette().color(QPalette.ColorRole.WindowText))
    label.setPalette(palette)


def error_text(exc: BaseException, fallback: str) -> str:
    """A known fault's own words, otherwise ``fallback`` (the details go to the log)."""
    return str(exc) if isinstance(exc, KnownError) else fallback


class LoginPage(QWidget):
    """User name and password; in lock mode it names who locked and keeps the user name."""

    unlocked = Signal(object)

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.setObjectName("login-page")
        self._busy = False
        self._locked_user = ""

        self.title = QLabel()
        self.title.setObjectName("login-title")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle = QLabel()
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setWordWrap(True)

        self.username = QLineEdit()
        self.username.setObjectName("login-username")
        self.password = QLineEdit()
        self.password.setObjectName("login-password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton()
        self.submit.setObjectName("login-submit")
        self.submit.setDefault(True)
        self.submit.setAutoDefault(True)
        self.recover_button = QPushButton()
        self.recover_button.setFlat(True)
        self.busy = BusyBar()
        self.busy.setMaximumHeight(6)
        self.busy.setVisible(False)
        self.error = QLabel()
        self.error.setObjectName("login-error")
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        self.demo_box = QLabel()
        self.demo_box.setObjectName("login-demo-accounts")
        self.demo_box.setWordWrap(True)
        self.demo_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.demo_box.setMargin(8)
        self.demo_box.setAutoFillBackground(True)
        palette = self.demo_box.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#fff8e1"))
        self.demo_box.setPalette(palette)
        self.demo_box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_box.setVisible(services.demo)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.username_label = QLabel()
        self.password_label = QLabel()
        self.form.addRow(self.username_label, self.username)
        self.form.addRow(self.password_label, self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.recover_button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit)

        card = QFrame()
        card.setObjectName("login-card")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setMinimumWidth(380)
        card.setMaximumWidth(520)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.setSpacing(12)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addLayout(self.form)
        inner.addWidget(self.busy)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        inner.addWidget(self.demo_box)

        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

        self.submit.clicked.connect(self._submit)
        self.password.returnPressed.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.recover_button.clicked.connect(self._recover)
        self.retranslate()
        self.reset()

    # ----- texts -------------------------------------------------------------------
    def retranslate(self) -> None:
        """Set every visible text in the current language."""
        name = str(self.services.preferences.extra.get("station_name", ""))
        if self._locked_user:
            self.title.setText(self.tr("已锁定"))
            self.subtitle.setText(self.tr("「{user}」的工作已保留。输入密码继续，"
                                          "或换用其他用户登录。").format(user=self._locked_user))
        else:
            self.title.setText(self.tr("网格工作台"))
            self.subtitle.setText(name or self.tr("请登录"))
        self.username_label.setText(self.tr("用户名"))
        self.password_label.setText(self.tr("密码"))
        self.username.setPlaceholderText(self.tr("用户名"))
        self.password.setPlaceholderText(self.tr("密码"))
        self.submit.setText(self.tr("解锁") if self._locked_user else self.tr("登录"))
        self.recover_button.setText(self.tr("忘记密码？用恢复码"))
        if self.services.demo:
            accounts = self.services.extras.get("demo_accounts", {})
            lines = [self.tr("演示模式：以下账户仅用于体验，数据为虚构。")]
            lines += [f"{user} / {password}" for user, password in accounts.items()]
            self.demo_box.setText("\n".join(lines))

    # ----- state -------------------------------------------------------------------
    def reset(self, locked_user: str = "", username: str | None = None) -> None:
        """Show the empty form; in lock mode keep ``locked_user`` in the user name field.

        ``username`` prefills the field otherwise (default: the last user on this PC).
        """
        self._locked_user = locked_user
        self._set_busy(False)
        self.error.clear()
        self.password.clear()
        if username is None:
            username = self.services.preferences.last_user
        self.username.setText(locked_user or username)
        self.retranslate()
        self.focus_first()

    def focus_first(self) -> None:
        """Put the cursor where the person types first."""
        (self.password if self.username.text() else self.username).setFocus()

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.busy.setVisible(busy)
        for widget in (self.username, self.password, self.submit, self.recover_button):
            widget.setEnabled(not busy)
        if busy:
            self.error.setText(self.tr("正在验证…"))
        set_text_colour(self.error, "" if busy else ERROR_COLOUR)

    @property
    def is_busy(self) -> bool:
        """Whether a password check is running."""
        return self._busy

    def _submit(self) -> None:
        if self._busy:
            return
        username = self.username.text().strip()
        password = self.password.text()
        if not username or not password:
            self.error.setText(self.tr("请输入用户名和密码"))
            self.focus_first()
            return
        self._set_busy(True)
        station = self.services.station
        background_op(lambda: station.unlock(username, password),
                      self._on_unlocked, self._on_failed)

    def _on_unlocked(self, session: Session) -> None:
        self._set_busy(False)
        self.error.clear()
        self.password.clear()
        self.unlocked.emit(session)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        self.error.setText(error_text(exc, self.tr("登录失败，详情已记录在日志中")))
        self.password.clear()
        self.password.setFocus()
        if not isinstance(exc, KnownError):
            self.services.messages.show_error(exc)

    def _recover(self) -> None:
        dialog = RecoveryDialog(self.services.station, self.username.text().strip(), self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.username.setText(dialog.username.text().strip())
            self.password.clear()
            self.error.setText(self.tr("密码已重设，请用新密码登录"))
            set_text_colour(self.error, OK_COLOUR)
            self.password.setFocus()


class RecoveryDialog(QDialog):
    """Set a user's new password with the station's recovery code (runs off the GUI thread)."""

    def __init__(self, station: Station, username: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.setWindowTitle(self.tr("用恢复码重设密码"))
        self.code = QLineEdit()
        self.code.setPlaceholderText("XXXXXX-XXXXXX-XXXXXX-XXXXXX-XXXXXX")
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        set_text_colour(self.error, ERROR_COLOUR)
        form = QFormLayout()
        form.addRow(self.tr("恢复码"), self.code)
        form.addRow(self.tr("用户名"), self.username)
        form.addRow(self.tr("新密码"), self.password)
        form.addRow(self.tr("再次输入新密码"), self.again)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._apply)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("恢复码在创建站点时显示过一次，通常由主管保管。"
                               "重设后，该用户用新密码登录；数据不会丢失。"))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

    def _apply(self) -> None:
        if self.password.text() != self.again.text():
            self.error.setText(self.tr("两次输入的密码不一致"))
            return
        code, user, new = self.code.text(), self.username.text().strip(), self.password.text()
        self.buttons.setEnabled(False)
        self.error.setText(self.tr("正在验证恢复码…"))

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.error.setText(error_text(exc, self.tr("重设失败，详情已记录在日志中")))

        def done(_: Any) -> None:
            self.buttons.setEnabled(True)
            self.accept()

        background_op(lambda: self.station.recover(code, user, new), done, failed)

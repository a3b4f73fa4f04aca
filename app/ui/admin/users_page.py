"""Users and roles: the list (admins and supervisors), adding users, changing a role,
resetting a password and disabling a user (admins only; the storage layer checks again and
audits every change). Password work runs Argon2id, so every change runs off the GUI thread.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.storage import users
from app.storage.queries import user_overview
from app.storage.roles import Permission, Role, Session, role_label
from app.storage.station import MIN_PASSWORD, Station
from app.ui.admin.table_model import RowsModel, local_iso
from app.ui.login import ERROR_COLOUR, set_text_colour
from app.ui.ops import background_op, db_op
from app.ui.services import Services


def load_users(station: Station, session: Session) -> Any:
    """The users list, read on the DB thread after the role check (for ``db_op``)."""
    def read(conn: Any) -> list[user_overview.UserRow]:
        if not (session.may(Permission.MANAGE_USERS) or session.may(Permission.VIEW_AUDIT)):
            station.require(session, Permission.MANAGE_USERS)
        station.check_session(session)
        return user_overview.read(conn)

    return read


class UsersPage(QWidget):
    """The user list; editing buttons only for a role that may manage users."""

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("admin-users")
        self.services = services
        self.session = session
        self.editable = session.may(Permission.MANAGE_USERS)
        self.model = RowsModel([
            (self.tr("用户名"), lambda r: r.username),
            (self.tr("姓名"), lambda r: r.display_name),
            (self.tr("角色"), lambda r: role_label(Role(r.role))),
            (self.tr("状态"), lambda r: self.tr("在用") if r.active else self.tr("已停用")),
            (self.tr("创建时间"), lambda r: local_iso(r.created_at)),
            (self.tr("上次登录"), lambda r: local_iso(r.last_login_at)),
        ], colour=lambda r: None if r.active else "#8a8a8a")
        self.table = QTableView()
        self.table.setObjectName("admin-users-table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton(self.tr("添加用户…"))
        self.add_button.setObjectName("admin-add-user")
        self.role_button = QPushButton(self.tr("修改角色…"))
        self.password_button = QPushButton(self.tr("重设密码…"))
        self.disable_button = QPushButton(self.tr("停用"))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.role_button, self.password_button,
                       self.disable_button):
            buttons.addWidget(button)
            button.setVisible(self.editable)
        buttons.addStretch(1)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setText("" if self.editable else self.tr("只读：用户由管理员维护。"))
        self.note.setVisible(not self.editable)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.add_button.clicked.connect(self.add_user)
        self.role_button.clicked.connect(self.change_role)
        self.password_button.clicked.connect(self.reset_password)
        self.disable_button.clicked.connect(self.disable)

    def refresh(self) -> None:
        """Reload the list on the DB thread."""
        db_op(self.services.station, load_users(self.services.station, self.session),
              self.model.set_rows, self.services.messages.show_error)

    def selected(self) -> Any:
        """The selected user row, or None."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.row(rows[0].row()) if rows else None

    def _run(self, work: Any, done_text: str) -> None:
        """Run a change on a worker thread, then say so and reload."""
        def done(_: Any) -> None:
            self.services.messages.info(done_text)
            self.refresh()

        background_op(work, done, self.services.messages.show_error)

    def add_user(self) -> None:
        """Ask for the new user's details and create them."""
        dialog = AddUserDialog(self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.create_user(*dialog.values())

    def create_user(self, name: str, role: str, password: str, display: str = "") -> None:
        """Create a user on a worker thread (key derivation), then reload the list."""
        station, session = self.services.station, self.session
        self._run(lambda: users.add_user(station, session, name, role, password, display),
                  self.tr("已添加用户「{user}」").format(user=name))

    def change_role(self) -> None:
        """Give the selected user another role."""
        row = self.selected()
        if row is None:
            return
        roles = [r for r in Role]
        labels = [role_label(r) for r in roles]
        current = roles.index(Role(row.role))
        label, ok = QInputDialog.getItem(self, self.tr("修改角色"), self.tr("「{user}」的新角色：")
                                         .format(user=row.username), labels, current, False)
        if not ok:
            return
        role = roles[labels.index(label)]
        station, session = self.services.station, self.session
        self._run(lambda: users.set_role(station, session, row.username, role),
                  self.tr("已修改「{user}」的角色").format(user=row.username))

    def reset_password(self) -> None:
        """Set a new password for the selected user."""
        row = self.selected()
        if row is None:
            return
        dialog = PasswordDialog(row.username, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        station, session, new = self.services.station, self.session, dialog.password.text()
        self._run(lambda: users.change_password(station, session, row.username, new),
                  self.tr("已重设「{user}」的密码").format(user=row.username))

    def disable(self) -> None:
        """Disable the selected user after a confirmation."""
        row = self.selected()
        if row is None or not row.active:
            return
        answer = QMessageBox.question(self, self.tr("停用用户"), self.tr(
            "停用后「{user}」将无法登录，其记录保留。确定停用吗？").format(user=row.username))
        if answer != QMessageBox.StandardButton.Yes:
            return
        station, session = self.services.station, self.session
        self._run(lambda: users.disable_user(station, session, row.username),
                  self.tr("已停用「{user}」").format(user=row.username))


class PasswordDialog(QDialog):
    """A new password typed twice."""

    def __init__(self, username: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("重设密码：{user}").format(user=username))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel()
        set_text_colour(self.problem, ERROR_COLOUR)
        self.form = QFormLayout()
        self.form.addRow(self.tr("新密码"), self.password)
        self.form.addRow(self.tr("再次输入"), self.again)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def check(self) -> str:
        """What is wrong ('' when nothing is)."""
        # an explicit context: subclasses call this too
        if len(self.password.text()) < MIN_PASSWORD:
            return QCoreApplication.translate("PasswordDialog", "密码至少需要 {n} 个字符").format(
                n=MIN_PASSWORD)
        if self.password.text() != self.again.text():
            return QCoreApplication.translate("PasswordDialog", "两次输入的密码不一致")
        return ""

    def _accept(self) -> None:
        problem = self.check()
        self.problem.setText(problem)
        if not problem:
            self.accept()


class AddUserDialog(PasswordDialog):
    """User name, name, role and password for a new user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("添加用户"))
        self.username = QLineEdit()
        self.display = QLineEdit()
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role_label(role), role.value)
        self.form.insertRow(0, self.tr("用户名"), self.username)
        self.form.insertRow(1, self.tr("姓名（可选）"), self.display)
        self.form.insertRow(2, self.tr("角色"), self.role)
        self.setMinimumWidth(420)

    def check(self) -> str:
        """User name present, then the password rules."""
        if not self.username.text().strip():
            return self.tr("请填写用户名")
        return super().check()

    def values(self) -> tuple[str, str, str, str]:
        """(user name, role, password, display name)."""
        return (self.username.text().strip(), str(self.role.currentData()),
                self.password.text(), self.display.text().strip())

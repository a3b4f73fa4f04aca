"""The administration workspace. What each role sees:

- admin: users and roles (editable), station settings, trust material, sync;
- supervisor: users (read only), trust material, sync.

The storage layer checks every change again; the UI only leaves out what a role cannot do.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.storage.roles import Permission, Session
from app.ui.services import Services
from app.ui.workspace import Workspace


class AdminWorkspace(Workspace):
    """Users, settings, trust material and sync, as the role allows."""

    workspace_id = "admin"

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, session, parent)
        from app.ui.admin.settings_page import SettingsPage
        from app.ui.admin.sync_page import SyncPage
        from app.ui.admin.trust_page import TrustPage
        from app.ui.admin.users_page import UsersPage

        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin-tabs")
        self.pages: dict[str, QWidget] = {}
        may_users = session.may(Permission.MANAGE_USERS) or session.may(Permission.VIEW_AUDIT)
        if may_users:
            self._add("users", UsersPage(services, session), self.tr("用户与角色"))
        if session.may(Permission.MANAGE_SETTINGS):
            self._add("settings", SettingsPage(services, session), self.tr("站点设置"))
        if session.may(Permission.MANAGE_TRUST):
            self._add("trust", TrustPage(services, session), self.tr("信任材料"))
        if session.may(Permission.SYNC) and may_users:
            self._add("sync", SyncPage(services, session), self.tr("数据同步"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _i: self.activate())

    def _add(self, key: str, page: QWidget, title: str) -> None:
        self.pages[key] = page
        self.tabs.addTab(page, title)

    def title(self) -> str:
        """Tab title."""
        return self.tr("站点管理")

    def activate(self) -> None:
        """Reload the visible page."""
        page = self.tabs.currentWidget()
        refresh = getattr(page, "refresh", None)
        if callable(refresh):
            refresh()

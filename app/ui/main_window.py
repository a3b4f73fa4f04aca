"""The main window: it only assembles. Login or lock page, the signed-in user's workspaces
as tabs, the status bar, and the menus (lock, switch user, language, large font, about).

Which workspaces a role sees is the table ``ROLE_WORKSPACES``; each workspace is imported
by module path when first shown, so a start needs none of them and a missing one shows a
plain notice instead of stopping the app. Before a lock, user switch or language change
every built workspace is asked for its draft; the draft goes back to the same user's
workspace when it is next built.

Signals: ``session_started(Session)``, ``session_ended()``, ``workspace_ready(str)``.
"""

from __future__ import annotations

import base64
import importlib
import logging
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QByteArray, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.storage import settings
from app.storage.roles import Role, Session
from app.ui.idle import IdleWatcher
from app.ui.login import LoginPage
from app.ui.ops import background_op, db_op
from app.ui.services import Services
from app.ui.workspace import Workspace

log = logging.getLogger(__name__)
VERSION = "0.1.0"


class MainWindow(QMainWindow):
    """The shell around the workspaces; built once per run by ``app.ui.app``."""

    session_started = Signal(object)
    session_ended = Signal()
    workspace_ready = Signal(str)

    def __init__(self, services: Services, *, appearance: Any = None,
                 workspace_paths: Mapping[str, Any] | None = None,
                 role_workspaces: Mapping[Any, tuple[str, ...]] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from app.ui.status_bar import StationStatusBar

        self.services = services
        self.appearance = appearance if appearance is not None else \
            services.extras.get("appearance")
        self.session: Session | None = None
        self.setObjectName("main-window")
        self.login = LoginPage(services)
        self.tabs = WorkspaceTabs(services, workspace_paths or WORKSPACE_PATHS,
                                  role_workspaces or ROLE_WORKSPACES)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.login)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)
        self.status = StationStatusBar(services)
        self.setStatusBar(self.status)
        self.idle = IdleWatcher(IdleWatcher.minutes_to_ms(settings.IDLE_LOCK_MINUTES.default),
                                self)
        self._build_menus()

        self.login.unlocked.connect(self._on_unlocked)
        self.tabs.workspace_ready.connect(self.workspace_ready)
        self.idle.idle.connect(lambda: self.lock("idle"))
        self.retranslate()
        self._restore_geometry()
        self.show_login()

    # ----- menus -------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.station_menu = bar.addMenu("")
        self.lock_action = QAction(self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(lambda: self.lock("manual"))
        self.switch_action = QAction(self)
        self.switch_action.triggered.connect(lambda: self.lock("switch"))
        self.quit_action = QAction(self)
        self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        self.station_menu.addAction(self.lock_action)
        self.station_menu.addAction(self.switch_action)
        self.station_menu.addSeparator()
        self.station_menu.addAction(self.quit_action)

        self.view_menu = bar.addMenu("")
        self.language_menu = self.view_menu.addMenu("")
        group = QActionGroup(self)
        self.language_actions: dict[str, QAction] = {}
        from app.ui.i18n import LANGUAGES

        for code, name in LANGUAGES.items():
            action = QAction(name, self, checkable=True)
            action.setData(code)
            group.addAction(action)
            action.triggered.connect(lambda _=False, c=code: self.set_language(c))
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        self.large_font_action = QAction(self, checkable=True)
        self.large_font_action.setShortcut(QKeySequence("Ctrl+Shift+="))
        self.large_font_action.toggled.connect(self.set_large_font)
        self.view_menu.addAction(self.large_font_action)

        self.help_menu = bar.addMenu("")
        self.about_action = QAction(self)
        self.about_action.triggered.connect(self.show_about)
        self.help_menu.addAction(self.about_action)

    def retranslate(self) -> None:
        """Every text of the shell in the current language."""
        name = str(self.services.preferences.extra.get("station_name", ""))
        title = self.tr("网格工作台")
        self.setWindowTitle(f"{title} — {name}" if name else title)
        if self.services.demo:
            self.setWindowTitle(self.windowTitle() + self.tr("（演示）"))
        self.station_menu.setTitle(self.tr("站点(&S)"))
        self.lock_action.setText(self.tr("锁定(&L)"))
        self.switch_action.setText(self.tr("切换用户(&U)"))
        self.quit_action.setText(self.tr("退出(&Q)"))
        self.view_menu.setTitle(self.tr("视图(&V)"))
        self.language_menu.setTitle(self.tr("语言(&G)"))
        self.large_font_action.setText(self.tr("大字体(&F)"))
        self.help_menu.setTitle(self.tr("帮助(&H)"))
        self.about_action.setText(self.tr("关于网格工作台(&A)"))
        prefs = self.services.preferences
        for code, action in self.language_actions.items():
            action.setChecked(code == prefs.language)
        self.large_font_action.blockSignals(True)
        self.large_font_action.setChecked(prefs.large_font)
        self.large_font_action.blockSignals(False)
        self.login.retranslate()
        self.status.retranslate()
        self.tabs.retranslate()
        self._update_actions()

    def _update_actions(self) -> None:
        signed_in = self.session is not None
        self.lock_action.setEnabled(signed_in)
        self.switch_action.setEnabled(signed_in)

    # ----- sign-in, lock, switch ---------------------------------------------------
    def show_login(self) -> None:
        """The sign-in page (first start, or after a switch)."""
        self.login.reset()
        self.stack.setCurrentWidget(self.login)
        self.login.focus_first()

    def _on_unlocked(self, session: Session) -> None:
        self.session = session
        self._start_sync_schedule()  # services.sync exists before the first workspace
        self.tabs.open_session(session)
        self.stack.setCurrentWidget(self.tabs)
        self.status.set_session(session)
        self.idle.start()
        self._update_actions()
        self._after_sign_in(session)
        self.session_started.emit(session)

    def _after_sign_in(self, session: Session) -> None:
        """Load the idle limit and remember the station name and the user (off the GUI thread)."""
        station = self.services.station
        prefs = self.services.preferences

        def read(conn: Any) -> tuple[int, str]:
            return settings.get(conn, settings.IDLE_LOCK_MINUTES), station.info().name

        def done(result: tuple[int, str]) -> None:
            minutes, name = result
            self.idle.set_timeout_ms(IdleWatcher.minutes_to_ms(minutes))
            prefs.extra["station_name"] = name
            self.retranslate()
            background_op(prefs.save, on_error=self.services.messages.show_error)

        prefs.last_user = session.username
        db_op(station, read, done, self.services.messages.show_error)

    def _start_sync_schedule(self) -> None:
        starter = self.services.extras.get("start_sync")
        if callable(starter):
            starter()

    def lock(self, reason: str = "manual") -> None:
        """Lock the screen (``idle``, ``manual``) or sign out for another user (``switch``).

        Drafts are kept for the same user; the store stays open so sync continues.
        """
        session = self.session
        if session is None:
            return
        self.session = None
        self.idle.stop()
        self._close_dialogs()
        self.tabs.close_session()
        station = self.services.station
        db_op(station, lambda _conn: station.lock(session, reason),
              on_error=self.services.messages.show_error)
        if reason == "switch":
            self.login.reset(username="")
        else:
            self.login.reset(locked_user=session.username)
        self.stack.setCurrentWidget(self.login)
        self.login.focus_first()
        self.status.set_session(None)
        self._update_actions()
        self.session_ended.emit()

    def _close_dialogs(self) -> None:
        """Dismiss open dialogs (a locked screen shows nothing of the session)."""
        for _ in range(10):  # dialogs opened from dialogs
            modal = QApplication.activeModalWidget()
            if modal is None or modal is self:
                return
            if isinstance(modal, QDialog):
                modal.reject()
            else:
                modal.close()
            if QApplication.activeModalWidget() is modal:
                modal.hide()

    # ----- appearance --------------------------------------------------------------
    def set_language(self, code: str) -> None:
        """Switch the language now; open workspaces are rebuilt with their drafts."""
        if self.appearance is not None:
            self.appearance.set_language(code)
        else:
            self.services.preferences.language = code
        if self.session is not None:
            self.tabs.rebuild()
        self.retranslate()

    def set_large_font(self, large: bool) -> None:
        """Switch large-font mode."""
        if self.appearance is not None:
            self.appearance.set_large_font(large)
        else:
            self.services.preferences.large_font = large

    def show_about(self) -> None:
        """Version and station."""
        name = str(self.services.preferences.extra.get("station_name", ""))
        QMessageBox.about(self, self.tr("关于网格工作台"), self.tr(
            "<b>网格工作台</b> {version}<br>检查点健康码核验、隔离与救助登记、日报导出。"
            "<br>数据加密保存在本机，联网时同步到中心平台。<br><br>本站：{station}"
        ).format(version=VERSION, station=name or "—"))

    # ----- window state -------------------------------------------------------------
    def _restore_geometry(self) -> None:
        saved = self.services.preferences.window_geometry
        if saved:
            try:
                self.restoreGeometry(QByteArray(base64.b64decode(saved)))
                return
            except ValueError:
                log.warning("saved window geometry is unreadable")
        self.resize(1280, 800)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt API
        """Keep drafts' owners' sessions closed cleanly and remember the window size."""
        session = self.session
        self.session = None
        self.idle.shutdown()
        self.tabs.close_session()
        self.status.shutdown()
        station = self.services.station
        if session is not None and station.is_open:
            db_op(station, lambda _conn: station.lock(session, "exit"))
        prefs = self.services.preferences
        prefs.window_geometry = base64.b64encode(bytes(self.saveGeometry().data())).decode()
        try:
            prefs.save()
        except OSError:
            log.warning("could not save preferences", exc_info=True)
        super().closeEvent(event)



WORKSPACE_PATHS: dict[str, str] = {
    "checkpoint": "app.ui.checkpoint.workspace:CheckpointWorkspace",
    "cases": "app.ui.cases.workspace:CasesWorkspace",
    "reports": "app.ui.reports.workspace:ReportsWorkspace",
    "admin": "app.ui.admin.workspace:AdminWorkspace",
}
ROLE_WORKSPACES: dict[Role, tuple[str, ...]] = {
    Role.WORKER: ("checkpoint",),
    Role.CLINIC: ("cases",),
    Role.SUPERVISOR: ("reports", "checkpoint", "cases", "admin"),
    Role.ADMIN: ("checkpoint", "cases", "reports", "admin"),
}


def load_class(spec: Any) -> Any:
    """A workspace class from ``"package.module:Class"`` (or the class itself)."""
    if not isinstance(spec, str):
        return spec
    module_name, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module_name), attr)


class UnavailablePage(QLabel):
    """Stands in for a workspace that could not be loaded; says so in plain words."""

    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setObjectName("workspace-unavailable")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)


class WorkspaceTabs(QTabWidget):
    """The workspaces of one session, each built when its tab is first shown.

    ``drafts`` maps user name → workspace id → draft; a draft is handed back (once) to the
    same user's workspace of the same id.

    Signals: ``workspace_ready(str)`` after a workspace was built and activated.
    """

    workspace_ready = Signal(str)

    def __init__(self, services: Services, paths: Mapping[str, Any],
                 roles: Mapping[Any, tuple[str, ...]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("workspace-tabs")
        self.setDocumentMode(True)
        self.services = services
        self.paths = dict(paths)
        self.roles = dict(roles)
        self.session: Session | None = None
        self.drafts: dict[str, dict[str, dict[str, Any]]] = {}
        self._ids: list[str] = []
        self._built: dict[str, QWidget] = {}
        self.currentChanged.connect(self._on_current)

    def titles(self) -> dict[str, str]:
        """Tab titles for workspaces not built yet."""
        return {"checkpoint": self.tr("卡口筛查"), "cases": self.tr("隔离与救助"),
                "reports": self.tr("日报"), "admin": self.tr("站点管理")}

    def workspace_ids(self) -> list[str]:
        """The ids shown for the current session, in tab order."""
        return list(self._ids)

    def workspace(self, workspace_id: str) -> QWidget | None:
        """The built workspace (or notice page) of ``workspace_id``."""
        return self._built.get(workspace_id)

    def open_session(self, session: Session) -> None:
        """Show the tabs of ``session``'s role and build the first one."""
        self.close_session()
        self.session = session
        self._ids = [w for w in self.roles.get(session.role, ()) if w in self.paths]
        titles = self.titles()
        self.blockSignals(True)
        for wid in self._ids:
            holder = QWidget()
            holder.setObjectName(f"tab-{wid}")
            QVBoxLayout(holder).setContentsMargins(0, 0, 0, 0)
            self.addTab(holder, titles.get(wid, wid))
        self.blockSignals(False)
        if self._ids:
            self.setCurrentIndex(0)
            self._on_current(0)

    def _on_current(self, index: int) -> None:
        if self.session is None or not 0 <= index < len(self._ids):
            return
        wid = self._ids[index]
        widget = self._built.get(wid) or self._build(index, wid)
        if isinstance(widget, Workspace):
            try:
                widget.activate()
            except Exception as exc:  # a workspace's bug must not take the shell down
                self.services.messages.show_error(exc)
        self.workspace_ready.emit(wid)

    def _build(self, index: int, wid: str) -> QWidget:
        assert self.session is not None
        holder = self.widget(index)
        widget: QWidget
        try:
            cls = load_class(self.paths[wid])
            widget = cls(self.services, self.session, holder)
        except ModuleNotFoundError as exc:
            log.warning("workspace %s is not installed (%s)", wid, exc)
            widget = UnavailablePage(self.tr("此工作区未安装。"), holder)
        except Exception:
            log.exception("workspace %s could not be built", wid)
            widget = UnavailablePage(self.tr("此工作区暂时无法打开，详情已记录在日志中。"), holder)
        holder.layout().addWidget(widget)
        self._built[wid] = widget
        if isinstance(widget, Workspace):
            try:
                self.setTabText(index, widget.title())
                draft = self.drafts.get(self.session.username, {}).pop(wid, None)
                if draft is not None:
                    widget.restore_draft(draft)
            except Exception as exc:
                self.services.messages.show_error(exc)
        return widget

    def close_session(self) -> None:
        """Keep every built workspace's draft, stop the workspaces, remove the tabs."""
        session = self.session
        for wid, widget in self._built.items():
            if not isinstance(widget, Workspace):
                continue
            try:
                draft = widget.save_draft()
                if draft is not None and session is not None:
                    self.drafts.setdefault(session.username, {})[wid] = draft
                widget.shutdown()
            except Exception as exc:
                self.services.messages.show_error(exc)
        self.blockSignals(True)
        while self.count():
            page = self.widget(0)
            self.removeTab(0)
            page.deleteLater()
        self.blockSignals(False)
        self._built = {}
        self._ids = []
        self.session = None

    def rebuild(self) -> None:
        """Build the same session's workspaces again (after a language change)."""
        session, current = self.session, self.currentIndex()
        if session is None:
            return
        self.open_session(session)
        if 0 <= current < self.count():
            self.setCurrentIndex(current)

    def retranslate(self) -> None:
        """Titles of tabs not built yet."""
        titles = self.titles()
        for index, wid in enumerate(self._ids):
            if wid not in self._built:
                self.setTabText(index, titles.get(wid, wid))

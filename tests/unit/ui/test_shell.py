"""The shell: sign-in off the GUI thread, role boundaries in the tabs, automatic lock that
keeps unsaved input, switching user, the status bar, language and large-font mode."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from app.storage.outbox import enqueue, pending_count
from app.storage.roles import Role
from app.ui.main_window import ROLE_WORKSPACES, MainWindow, UnavailablePage
from tests.helpers.station_fixtures import PASSWORDS
from tests.unit.ui.conftest import ROLE_USERS, DraftWorkspace, Shelled


def make_window(qtbot: Any, shelled: Shelled, **kwargs: Any) -> MainWindow:
    kwargs.setdefault("workspace_paths", shelled.workspace_paths(admin=False))
    w = MainWindow(shelled.services, **kwargs)
    qtbot.addWidget(w)
    w.show()
    return w


def sign_in(qtbot: Any, w: MainWindow, user: str, password: str | None = None) -> None:
    w.login.username.setText(user)
    w.login.password.setText(password or PASSWORDS[user])
    with qtbot.waitSignal(w.session_started, timeout=10000):
        w.login.submit.click()
    # the idle limit and station name arrive from the DB thread
    qtbot.waitUntil(lambda: bool(w.services.preferences.extra.get("station_name")),
                    timeout=5000)


def test_unlock_runs_off_the_gui_thread(qtbot, shelled: Shelled, monkeypatch) -> None:
    w = make_window(qtbot, shelled)
    seen: list[bool] = []
    real = shelled.station.unlock

    def spy(user: str, password: str) -> Any:
        seen.append(threading.current_thread() is threading.main_thread())
        return real(user, password)

    monkeypatch.setattr(shelled.station, "unlock", spy)
    w.login.username.setText("worker1")
    w.login.password.setText(PASSWORDS["worker1"])
    with qtbot.waitSignal(w.session_started, timeout=10000):
        w.login.submit.click()
        assert w.login.is_busy and not w.login.submit.isEnabled()
    assert seen == [False]
    assert w.stack.currentWidget() is w.tabs


@pytest.mark.parametrize("role", list(Role))
def test_each_role_sees_only_its_workspaces(qtbot, shelled: Shelled, role: Role) -> None:
    w = make_window(qtbot, shelled)
    sign_in(qtbot, w, ROLE_USERS[role])
    assert w.tabs.workspace_ids() == list(ROLE_WORKSPACES[role])
    expected = {Role.WORKER: ["checkpoint"], Role.CLINIC: ["cases"],
                Role.SUPERVISOR: ["reports", "checkpoint", "cases", "admin"],
                Role.ADMIN: ["checkpoint", "cases", "reports", "admin"]}[role]
    assert w.tabs.workspace_ids() == expected
    # only the first workspace is built at sign-in; the others when their tab is opened
    assert [ws.workspace_id for ws in DraftWorkspace.built] == expected[:1]
    assert w.tabs.tabText(0) == f"T-{expected[0]}"


def test_wrong_password_is_refused_and_audited(qtbot, unlocked: Shelled) -> None:
    w = make_window(qtbot, unlocked)
    w.login.username.setText("worker1")
    w.login.password.setText("not-the-password")
    w.login.submit.click()
    qtbot.waitUntil(lambda: not w.login.is_busy and w.login.error.text() != "", timeout=10000)
    assert "密码" in w.login.error.text()
    assert w.session is None and w.stack.currentWidget() is w.login
    rows = unlocked.station.db.run(lambda c: c.execute(
        "SELECT actor FROM audit_log WHERE action = 'login_failed'").fetchall())
    assert [r[0] for r in rows] == ["worker1"]


def test_idle_lock_keeps_unsaved_input(qtbot, shelled: Shelled) -> None:
    w = make_window(qtbot, shelled)
    sign_in(qtbot, w, "worker1")
    first = DraftWorkspace.built[-1]
    first.entry.setText("体温 37.9，未保存")
    w.idle.set_timeout_ms(200)
    with qtbot.waitSignal(w.session_ended, timeout=5000):
        pass
    assert first.shut
    assert w.stack.currentWidget() is w.login
    assert w.login.username.text() == "worker1"
    assert w.login.title.text() == "已锁定"
    assert not w.lock_action.isEnabled()
    qtbot.waitUntil(lambda: shelled.station.db.run(lambda c: c.execute(
        "SELECT count(*) FROM audit_log WHERE action = 'lock'").fetchone()[0]) == 1)
    # the same user comes back: the half-typed entry is there again
    sign_in(qtbot, w, "worker1")
    again = DraftWorkspace.built[-1]
    assert again is not first
    assert again.entry.text() == "体温 37.9，未保存"


def test_switch_user_keeps_drafts_per_user(qtbot, shelled: Shelled) -> None:
    w = make_window(qtbot, shelled)
    sign_in(qtbot, w, "super1")  # reports, checkpoint, cases, admin
    w.tabs.setCurrentIndex(1)
    checkpoint = w.tabs.workspace("checkpoint")
    assert isinstance(checkpoint, DraftWorkspace)
    checkpoint.entry.setText("super1 的草稿")
    w.switch_action.trigger()
    assert w.login.username.text() == ""
    sign_in(qtbot, w, "worker1")
    other = w.tabs.workspace("checkpoint")
    assert isinstance(other, DraftWorkspace) and other.entry.text() == ""
    w.lock("switch")
    sign_in(qtbot, w, "super1")
    w.tabs.setCurrentIndex(1)
    mine = w.tabs.workspace("checkpoint")
    assert isinstance(mine, DraftWorkspace) and mine.entry.text() == "super1 的草稿"


def test_missing_workspace_shows_a_notice(qtbot, shelled: Shelled) -> None:
    paths = shelled.workspace_paths(admin=False)
    paths["checkpoint"] = "app.ui.no_such_workspace:Nothing"
    w = make_window(qtbot, shelled, workspace_paths=paths)
    sign_in(qtbot, w, "worker1")
    assert isinstance(w.tabs.workspace("checkpoint"), UnavailablePage)


def test_status_bar_counts_waiting_records(qtbot, shelled: Shelled) -> None:
    w = make_window(qtbot, shelled)
    assert w.status.user.text() == "已锁定"
    sign_in(qtbot, w, "worker1")
    shelled.station.db.transaction(lambda c: enqueue(c, "screening", "rec-1", {"x": 1}))
    waiting = shelled.station.db.run(pending_count)  # the record and the audit entries
    assert waiting >= 1
    w.status.refresh()
    qtbot.waitUntil(lambda: w.status.pending.text() == f"待上传：{waiting} 条", timeout=5000)
    assert "离线" in w.status.online.text()
    assert w.status.last_sync.text() == "上次同步：从未"
    assert "worker1" in w.status.user.text()
    w.services.messages.error("网络不通")
    assert w.status.currentMessage() == "网络不通"


def test_language_switch_and_back(qtbot, shelled: Shelled, english_built: None) -> None:
    from app.ui.i18n import Appearance

    appearance = Appearance(shelled.services.preferences)
    w = make_window(qtbot, shelled, appearance=appearance)
    sign_in(qtbot, w, "super1")
    w.tabs.workspace("reports").entry.setText("draft")  # type: ignore[union-attr]
    try:
        w.set_language("en")
        assert w.station_menu.title() == "&Station"
        assert w.tabs.tabText(1) == "Checkpoint"
        assert w.status.user.text().startswith("Signed in: super1")
        assert shelled.services.preferences.language == "en"
        # the rebuilt workspace got its draft back
        assert w.tabs.workspace("reports").entry.text() == "draft"  # type: ignore[union-attr]
    finally:
        w.set_language("zh_CN")
    assert w.station_menu.title() == "站点(&S)"
    assert w.tabs.tabText(1) == "卡口筛查"


def test_large_font_mode(qtbot, shelled: Shelled) -> None:
    from app.ui.i18n import BASE_POINT_SIZE, LARGE_POINT_SIZE, Appearance

    appearance = Appearance(shelled.services.preferences)
    w = make_window(qtbot, shelled, appearance=appearance)
    try:
        w.large_font_action.trigger()
        assert QApplication.font().pointSize() == LARGE_POINT_SIZE
        assert shelled.services.preferences.large_font
    finally:
        w.large_font_action.trigger()
    assert QApplication.font().pointSize() == BASE_POINT_SIZE


def test_lock_dismisses_an_open_dialog(qtbot, shelled: Shelled) -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QDialog

    w = make_window(qtbot, shelled)
    sign_in(qtbot, w, "worker1")
    workspace = w.tabs.workspace("checkpoint")
    dialog = QDialog(workspace)
    results: list[int] = []
    QTimer.singleShot(50, lambda: w.lock("idle"))
    results.append(dialog.exec())  # returns once the lock dismissed it
    assert results == [QDialog.DialogCode.Rejected]
    assert w.stack.currentWidget() is w.login


def test_demo_start_shows_demo_accounts_and_signs_in(qtbot, tmp_path) -> None:
    from app.ui.app import Shell, make_application, parse_args
    from app.ui.demo import DEMO_ACCOUNTS

    shell = Shell(make_application(), parse_args(["--demo", "--data-dir", str(tmp_path / "d")]))
    with qtbot.waitSignal(shell.login_shown, timeout=30000):
        shell.start()
    w = shell.window
    qtbot.addWidget(w)
    try:
        assert shell.services.demo and w.login.demo_box.isVisibleTo(w)
        assert "worker / worker123" in w.login.demo_box.text()
        assert "（演示）" in w.windowTitle()
        assert len(shell.services.extras["demo_codes"]) == 6
        assert callable(shell.services.make_frame_source)
        sign_in(qtbot, w, "clinic", DEMO_ACCOUNTS["clinic"][0])
        assert w.tabs.workspace_ids() == ["cases"]
        count = shell.services.station.db.run(lambda c: c.execute(
            "SELECT count(*) FROM screenings").fetchone()[0])
        assert count > 1000
    finally:
        w.close()
        shell.shutdown()


def test_font_check_warns_without_a_chinese_font(qtbot, shelled: Shelled, monkeypatch) -> None:
    from app.ui import i18n

    monkeypatch.setattr(i18n, "cjk_families", lambda: [])
    appearance = i18n.Appearance(shelled.services.preferences)
    appearance.apply_font()
    assert not appearance.font_ok
    monkeypatch.undo()
    appearance.apply_font()
    assert appearance.font_ok

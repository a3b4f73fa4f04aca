"""The administration workspace: what each role sees, user management, settings saved and
audited, trust material status and sync state."""

from __future__ import annotations

import pytest

from app.errors import AccessDenied
from app.storage import settings
from app.storage.roles import Role
from app.ui.admin.settings_page import save_changes
from app.ui.admin.workspace import AdminWorkspace
from app.ui.ops import db_op
from tests.helpers.station_fixtures import OpenStation
from tests.unit.ui.conftest import ROLE_USERS


@pytest.fixture
def services(open_station: OpenStation, tmp_path):
    from app.preferences import Preferences
    from app.ui.messages import MessageBus
    from app.ui.services import Services

    return Services(station=open_station.station, messages=MessageBus(),
                    preferences=Preferences(path=tmp_path / "p.json"))


def workspace(qtbot, services, open_station: OpenStation, user: str) -> AdminWorkspace:
    ws = AdminWorkspace(services, open_station.session(user))
    qtbot.addWidget(ws)
    ws.show()
    ws.activate()
    return ws


def test_admin_sees_every_page(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "admin")
    assert list(ws.pages) == ["users", "settings", "trust", "sync"]
    users = ws.pages["users"]
    assert users.add_button.isVisibleTo(ws) and users.disable_button.isVisibleTo(ws)
    qtbot.waitUntil(lambda: users.model.rowCount() == 4, timeout=5000)
    names = [users.model.row(i).username for i in range(4)]
    assert names == ["admin", "clinic1", "super1", "worker1"]


def test_supervisor_reads_users_but_cannot_change_them(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "super1")
    assert list(ws.pages) == ["users", "trust", "sync"]
    users = ws.pages["users"]
    assert not users.add_button.isVisibleTo(ws)
    assert users.note.text() == "只读：用户由管理员维护。"
    qtbot.waitUntil(lambda: users.model.rowCount() == 4, timeout=5000)
    # even if the UI were bypassed, the storage layer refuses and audits
    errors = []
    services.messages.message.connect(lambda level, text: errors.append((level, text)))
    users.create_user("intruder", "admin", "password-123")
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert errors[0][0] == "error" and "无权管理用户" in errors[0][1]


@pytest.mark.parametrize("role", [Role.WORKER, Role.CLINIC])
def test_other_roles_get_nothing(qtbot, services, open_station, role: Role) -> None:
    ws = workspace(qtbot, services, open_station, ROLE_USERS[role])
    assert ws.pages == {}


def test_admin_adds_a_user(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "admin")
    users = ws.pages["users"]
    qtbot.waitUntil(lambda: users.model.rowCount() == 4, timeout=5000)
    users.create_user("worker2", "worker", "worker-pass-2", "韦小宝")
    qtbot.waitUntil(lambda: users.model.rowCount() == 5, timeout=10000)
    row = next(users.model.row(i) for i in range(5) if users.model.row(i).username == "worker2")
    assert row.display_name == "韦小宝" and row.role == "worker"
    session = open_station.station.unlock("worker2", "worker-pass-2")
    assert session.role == Role.WORKER


def test_settings_saved_and_audited(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "admin")
    ws.tabs.setCurrentWidget(ws.pages["settings"])
    page = ws.pages["settings"]
    qtbot.waitUntil(lambda: bool(page.saved), timeout=5000)
    editor = page.editors[settings.IDLE_LOCK_MINUTES.key]
    assert editor.value() == 5
    editor.setValue(3)
    assert page.changes() == {"idle_lock_minutes": 3}
    page.save()
    qtbot.waitUntil(lambda: page.saved.get("idle_lock_minutes") == 3, timeout=5000)
    station = open_station.station
    assert station.db.run(lambda c: settings.get(c, settings.IDLE_LOCK_MINUTES)) == 3
    audited = station.db.run(lambda c: c.execute(
        "SELECT actor, target FROM audit_log WHERE action = 'setting_changed'").fetchall())
    assert [tuple(r) for r in audited] == [("admin", "idle_lock_minutes")]


def test_supervisor_cannot_save_settings(qtbot, open_station) -> None:
    station = open_station.station
    fn = save_changes(station, open_station.session("super1"), {"idle_lock_minutes": 1})
    failures = []
    db_op(station, fn, on_error=failures.append)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert isinstance(failures[0], AccessDenied)
    assert station.db.run(lambda c: settings.get(c, settings.IDLE_LOCK_MINUTES)) == 5


def test_trust_page_shows_missing_material(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "admin")
    ws.tabs.setCurrentWidget(ws.pages["trust"])
    page = ws.pages["trust"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 4, timeout=5000)
    states = [page.model.data(page.model.index(r, 5)) for r in range(4)]
    assert states == ["缺失"] * 4
    assert page.anchors.text().startswith("信任锚：0 个")


def test_sync_page_shows_state(qtbot, services, open_station) -> None:
    ws = workspace(qtbot, services, open_station, "admin")
    ws.tabs.setCurrentWidget(ws.pages["sync"])
    page = ws.pages["sync"]
    qtbot.waitUntil(lambda: page.fields["enrolled"].text() == "未注册", timeout=5000)
    assert page.fields["last_success"].text() == "从未"
    assert page.fields["interval"].text() == "10 分钟"
    assert not page.sync_button.isEnabled()

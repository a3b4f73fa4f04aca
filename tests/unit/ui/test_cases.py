"""The isolation-and-aid workspace: registration, checks, aid life cycle, release and
transfer, filters, roles and drafts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.storage.records.isolation import NewCase
from app.ui.cases.workspace import CasesWorkspace
from tests.helpers import ui_station as fx
from tests.helpers.ui_station import UiStation

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station


def make(qtbot, env: UiStation, user: str = "clinic1") -> CasesWorkspace:
    w = CasesWorkspace(env.services, env.session(user))
    qtbot.addWidget(w)
    w.show()
    return w


@pytest.fixture
def ws(qtbot, ui_station: UiStation) -> Iterator[CasesWorkspace]:
    w = make(qtbot, ui_station)
    qtbot.waitUntil(lambda: w.loads > 0)
    yield w
    w.shutdown()


def register(qtbot, w: CasesWorkspace, name: str = "李小梅", grid: str = "第一网格") -> str:
    dlg = w.open_register_dialog()
    assert dlg is not None
    dlg.name.setText(name)
    dlg.id_number.setText("450305199001010159")
    dlg.address.setText("青秀区民族大道 1 号")
    dlg.grid.setText(grid)
    before = w.loads
    dlg._check()
    qtbot.waitUntil(lambda: w.loads > before and w.current_case is not None)
    return w.current_case


def wait_changed(qtbot, w: CasesWorkspace, op: str):
    return qtbot.waitSignal(w.changed, timeout=5000, check_params_cb=lambda o: o == op)


def test_register_shows_masked_case(qtbot, ws, ui_station):
    case_id = register(qtbot, ws)
    model = ws.case_model
    model.fetch_all()
    qtbot.waitUntil(lambda: model.cached(case_id) is not None)
    row = model.row_of(case_id)
    assert model.data(model.index(row, 0)) == "李**"
    assert model.data(model.index(row, 1)) == "450***********0159"
    assert "✗上午" in model.data(model.index(row, 6))
    stored = ui_station.rows("SELECT person_name, grid, status FROM isolation_cases")
    assert stored == [("李小梅", "第一网格", "active")]


def test_register_refuses_missing_fields(qtbot, ws, ui_station):
    dlg = ws.open_register_dialog()
    dlg._check()
    assert "姓名" in dlg.error.text() and dlg.isVisible()
    dlg.reject()


def test_check_aid_life_cycle_and_release(qtbot, ws, ui_station):
    case_id = register(qtbot, ws)
    ws.check_temp.setText("36.8")
    ws.check_symptoms.setText("咳嗽，乏力")
    with wait_changed(qtbot, ws, "check"):
        qtbot.keyClick(ws.check_temp, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.checks_list.count() == 1)
    assert "36.8" in ws.checks_list.item(0).text()
    # a second check in the same slot is refused below the UI
    ws.check_temp.setText("36.6")
    ws.record_check()
    qtbot.waitUntil(lambda: any("已登记过" in t for _, t in ui_station.messages))

    dlg = ws.open_aid_dialog()
    dlg.category.setCurrentIndex(dlg.category.findData("medicine"))
    dlg.urgency.setCurrentIndex(dlg.urgency.findData("urgent"))
    dlg.description.setText("降压药一盒")
    with wait_changed(qtbot, ws, "aid_open"):
        dlg._check()
    aid_id = ws.current_aid
    qtbot.waitUntil(lambda: ws.aid_model.cached(aid_id) is not None)
    ws.select_aid(aid_id)
    assert ws.aid_buttons["assigned"].isEnabled() and not ws.aid_buttons["closed"].isEnabled()
    ws.move_aid("assigned")  # no assignee: refused with a message
    qtbot.waitUntil(lambda: any("负责人" in t for _, t in ui_station.messages))
    for status, assignee in (("assigned", "志愿者王"), ("delivered", ""), ("closed", "")):
        ws.assignee.setText(assignee)
        ws.aid_note.setText(f"note-{status}")
        with wait_changed(qtbot, ws, f"aid_{status}"):
            ws.aid_buttons[status].click()
        qtbot.waitUntil(lambda s=status: (ws.aid_model.cached(aid_id) or {}).get("status") == s)
        ws.select_aid(aid_id)
    qtbot.waitUntil(lambda: ws.aid_history.count() == 4)
    events = ui_station.rows("SELECT from_status, to_status, actor FROM aid_events"
                             " ORDER BY at, rowid")
    assert [e[1] for e in events] == ["open", "assigned", "delivered", "closed"]
    assert all(e[2] == "clinic1" for e in events)

    ws.select_case(case_id)
    with wait_changed(qtbot, ws, "release"):
        ws.release_button.click()
    assert ui_station.rows("SELECT status, ended_by FROM isolation_cases") == [
        ("released", "clinic1")]
    qtbot.waitUntil(lambda: ws.case_model.ids == [])  # gone from the active filter


def test_cancel_and_transfer_needs_a_hospital(qtbot, ws, ui_station):
    register(qtbot, ws)
    dlg = ws.open_aid_dialog()
    dlg.description.setText("米面油")
    with wait_changed(qtbot, ws, "aid_open"):
        dlg._check()
    aid_id = ws.current_aid
    qtbot.waitUntil(lambda: ws.aid_model.cached(aid_id) is not None)
    ws.select_aid(aid_id)
    with wait_changed(qtbot, ws, "aid_cancelled"):
        ws.aid_buttons["cancelled"].click()
    ws.transfer_button.click()
    assert any("医院" in t for _, t in ui_station.messages)
    ws.end_note.setText("广西医科大学第一附属医院")
    with wait_changed(qtbot, ws, "transfer"):
        ws.transfer_button.click()
    assert ui_station.rows("SELECT status, end_note FROM isolation_cases") == [
        ("transferred", "广西医科大学第一附属医院")]


def test_filters_due_today_overdue_and_grid(qtbot, ws, ui_station):
    a = register(qtbot, ws, "甲某", "第一网格")
    b = register(qtbot, ws, "乙某", "第二网格")
    ws.filter.setCurrentIndex(ws.filter.findData("due_today"))
    qtbot.waitUntil(lambda: set(ws.case_model.ids) == {a, b})
    ws.select_case(a)
    assert ws.check_slot.currentData() == "pm"  # 08:00 Z is 16:00 in China
    for slot in ("pm", "am"):  # the morning check is still due in the afternoon
        ws.check_slot.setCurrentIndex(ws.check_slot.findData(slot))
        ws.check_temp.setText("36.5")
        with wait_changed(qtbot, ws, "check"):
            ws.record_check()
        qtbot.waitUntil(lambda: ws.check_temp.text() == "")
    ws.refresh()
    qtbot.waitUntil(lambda: ws.case_model.ids == [b])
    ws.filter.setCurrentIndex(ws.filter.findData("active"))
    qtbot.waitUntil(lambda: ws.grid_filter.findData("第二网格") >= 0)
    ws.grid_filter.setCurrentIndex(ws.grid_filter.findData("第二网格"))
    qtbot.waitUntil(lambda: ws.case_model.ids == [b])
    ws.grid_filter.setCurrentIndex(0)
    qtbot.waitUntil(lambda: len(ws.case_model.ids) == 2)
    ws.select_case(b)
    dlg = ws.open_aid_dialog()
    dlg.urgency.setCurrentIndex(dlg.urgency.findData("critical"))
    with wait_changed(qtbot, ws, "aid_open"):
        dlg._check()
    ui_station.clock.advance(2 * 3600)
    ws.filter.setCurrentIndex(ws.filter.findData("aid_overdue"))
    qtbot.waitUntil(lambda: ws.case_model.ids == [b])


def test_supervisor_views_but_cannot_manage(qtbot, ui_station):
    clinic = make(qtbot, ui_station)
    register(qtbot, clinic)
    w = make(qtbot, ui_station, "super1")
    qtbot.waitUntil(lambda: len(w.case_model.ids) == 1)
    assert not w.register_button.isEnabled()
    assert w.open_register_dialog() is None
    w.select_case(w.case_model.ids[0])
    assert not w.release_button.isEnabled() and not w.check_button.isEnabled()


def test_worker_cannot_see_cases(qtbot, ui_station):
    w = make(qtbot, ui_station, "worker1")
    assert not w.isEnabled() and w.denied.isVisible()
    assert w.case_model.ids == []


def test_below_the_ui_a_worker_is_refused(ui_station):
    from app.errors import AccessDenied
    from app.storage.records.isolation import IsolationRegistry
    with pytest.raises(AccessDenied):
        IsolationRegistry(ui_station.station).register(ui_station.session("worker1"), NewCase(
            "王五", "某地", "home", "close_contact", "2026-12-01", "2026-12-14", "worker1"))


def test_lock_keeps_half_typed_check(qtbot, ws, ui_station):
    case_id = register(qtbot, ws)
    ws.check_temp.setText("37.9")
    ws.check_symptoms.setText("发热")
    draft = ws.save_draft()
    assert draft is not None and draft["case"] == case_id
    w2 = make(qtbot, ui_station)
    qtbot.waitUntil(lambda: w2.loads > 0)
    w2.restore_draft(draft)
    qtbot.waitUntil(lambda: w2.current_case == case_id)
    assert w2.check_temp.text() == "37.9" and w2.check_symptoms.text() == "发热"
    with wait_changed(qtbot, w2, "check"):
        w2.record_check()
    assert ui_station.rows("SELECT temperature FROM health_checks") == [(37.9,)]

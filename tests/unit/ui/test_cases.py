"""The isolation-and-aid workspace: registration, checks, aid life cycle, release and
transfer, filters, roles and drafts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.storage.records.isolation import NewCase
from app.ui.cases.dialogs import EndCaseDialog
from app.ui.cases.workspace import CasesWorkspace
from tests.helpers import ui_station as fx
from tests.helpers.ui_station import UiStation

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station


def make(qtbot, env: UiStation, user: str = "clinic1") -> CasesWorkspace:
    w = CasesWorkspace(env.services, env.session(user))
    qtbot.addWidget(w)
    w.changed_count = 0
    w.changed.connect(lambda _op: setattr(w, "changed_count", w.changed_count + 1))
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


def confirm_end(qtbot, w: CasesWorkspace, button) -> EndCaseDialog:
    """Press release or transfer; the question appears, window-modal, nothing written yet."""
    before = w.changed_count
    button.click()
    qtbot.waitUntil(lambda: w.end_dialog is not None and w.end_dialog.isVisible())
    dlg = w.end_dialog
    assert [d for d in w.findChildren(EndCaseDialog) if d.isVisible()] == [dlg]
    assert dlg.windowModality() == Qt.WindowModality.WindowModal
    qtbot.waitUntil(dlg.confirm_button.hasFocus)  # Enter answers "yes", Esc "no"
    assert dlg.confirm_button.isDefault()
    assert w.changed_count == before
    return dlg


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
    confirm_end(qtbot, ws, ws.release_button)
    with wait_changed(qtbot, ws, "release"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
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
    assert not any(isinstance(w, EndCaseDialog) and w.isVisible()
                   for w in ws.findChildren(EndCaseDialog))
    ws.end_note.setText("广西医科大学第一附属医院")
    dlg = confirm_end(qtbot, ws, ws.transfer_button)
    assert "广西医科大学第一附属医院" in dlg.question.text()
    with wait_changed(qtbot, ws, "transfer"):
        dlg.confirm_button.click()
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


def test_release_asks_first_and_esc_keeps_the_case(qtbot, ws, ui_station):
    case_id = register(qtbot, ws, "覃小燕")
    ws.case_model.fetch_all()
    qtbot.waitUntil(lambda: ws.case_model.cached(case_id) is not None)
    ws.select_case(case_id)
    written = ws.changed_count
    dlg = confirm_end(qtbot, ws, ws.release_button)
    text = dlg.question.text()
    assert "覃**" in text and "解除" in text and "覃小燕" not in text  # named, masked
    assert "450***********0159" in text
    assert dlg.confirm_button.text() == "解除隔离"
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dlg.isVisible())
    qtbot.wait(200)  # a write would have been answered by now
    assert ws.changed_count == written
    assert ui_station.rows("SELECT status FROM isolation_cases") == [("active",)]
    assert ws.current_case == case_id and ws.release_button.isEnabled()


def test_transfer_question_names_person_and_hospital(qtbot, ws, ui_station):
    case_id = register(qtbot, ws, "韦大山")
    ws.case_model.fetch_all()
    qtbot.waitUntil(lambda: ws.case_model.cached(case_id) is not None)
    ws.select_case(case_id)
    ws.end_note.setText("南宁市第四人民医院")
    ws.end_case("transfer")
    dlg = ws.end_dialog
    assert dlg is not None and dlg.isVisible()  # the row was cached: asked at once
    assert "韦**" in dlg.question.text() and "南宁市第四人民医院" in dlg.question.text()
    assert "转" in dlg.windowTitle()
    dlg.reject()
    assert ui_station.rows("SELECT status FROM isolation_cases") == [("active",)]
    ws.case_model.refresh_rows()  # not cached now: the row is read before asking
    ws.end_case("transfer")
    qtbot.waitUntil(lambda: ws.end_dialog is not dlg and ws.end_dialog.isVisible())
    dlg = ws.end_dialog
    assert "韦**" in dlg.question.text()
    with wait_changed(qtbot, ws, "transfer"):
        qtbot.keyClick(dlg, Qt.Key.Key_Enter)
    assert ui_station.rows("SELECT status, end_note FROM isolation_cases") == [
        ("transferred", "南宁市第四人民医院")]


def test_case_columns_fit_their_text_and_tooltips_carry_it(qtbot, ws):
    case_id = register(qtbot, ws, grid="南湖街道/第12网格")
    ws.resize(1400, 800)
    qtbot.wait(50)
    model, header = ws.case_model, ws.table.horizontalHeader()
    model.fetch_all()
    qtbot.waitUntil(lambda: model.cached(case_id) is not None)
    row = model.row_of(case_id)
    fm = ws.table.fontMetrics()
    for col in range(model.columnCount()):
        text = model.data(model.index(row, col))
        assert model.data(model.index(row, col), Qt.ItemDataRole.ToolTipRole) == text
        assert fm.horizontalAdvance(text) + 8 <= header.sectionSize(col), (col, text)
        title = model.headerData(col, Qt.Orientation.Horizontal)
        assert header.fontMetrics().horizontalAdvance(title) < header.sectionSize(col)
    # the longest reason fits too, whichever case is shown
    from app.ui.cases import labels
    longest = max(labels.reasons().values(), key=len)
    assert fm.horizontalAdvance(longest) + 8 <= header.sectionSize(4)
    # the stretch column (grid) takes the spare width but never drops below its text
    ws.table.resize(300, 400)
    qtbot.wait(20)
    assert header.sectionSize(2) >= fm.horizontalAdvance("南湖街道/第12网格")


def test_both_tables_show_every_column_at_a_common_window_width(qtbot, ws):
    ws.resize(1400, 860)
    qtbot.wait(50)
    for table in (ws.table, ws.aid_table):
        header = table.horizontalHeader()
        used = sum(header.sectionSize(i) for i in range(header.count()))
        assert used <= table.viewport().width(), table.objectName()
    left, right = ws.splitter.sizes()
    ws.splitter.splitterMoved.emit(left - 100, 1)  # the user drags: their split stays
    ws.splitter.setSizes([left - 100, right + 100])
    ws.resize(1300, 860)
    qtbot.wait(20)
    assert ws.splitter.sizes()[0] < left - 100

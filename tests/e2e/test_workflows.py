"""End-to-end workflows on a real encrypted station, offscreen: sign-in through the login
page, the checkpoint from recorded frames and scanner keystrokes, isolation from
registration to release with checks and aid, role boundaries, and the idle lock."""

from __future__ import annotations

import queue
from collections.abc import Iterator

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.scanner.sources import RecordedFrameSource
from app.storage.roles import Session
from app.ui.cases.workspace import CasesWorkspace
from app.ui.checkpoint.workspace import CheckpointWorkspace
from app.ui.idle import IdleWatcher
from app.ui.login import LoginPage
from app.ui.reports.workspace import ReportsWorkspace
from tests.helpers import ui_station as fx
from tests.helpers.station_fixtures import PASSWORDS
from tests.helpers.ui_station import UiStation, code_cases, frame_with

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station
CASES = code_cases()
BLANK = np.full((720, 960, 3), 190, np.uint8)


class FrameQueue:
    """A camera stand-in: shows the frames put in, a blank scene otherwise."""

    def __init__(self) -> None:
        self.frames: queue.Queue[np.ndarray | None] = queue.Queue()

    def show(self, text: str, count: int = 3) -> None:
        for _ in range(count):
            self.frames.put(frame_with(text))

    def stream(self) -> Iterator[np.ndarray]:
        while True:
            try:
                frame = self.frames.get(timeout=0.03)
            except queue.Empty:
                frame = BLANK
            if frame is None:
                return
            yield frame


def login(qtbot, env: UiStation, user: str) -> Session:
    page = LoginPage(env.services)
    qtbot.addWidget(page)
    page.show()
    page.username.setText(user)
    page.password.setText(PASSWORDS[user])
    with qtbot.waitSignal(page.unlocked, timeout=10000) as sig:
        qtbot.keyClick(page.password, Qt.Key.Key_Return)
    return sig.args[0]


def test_checkpoint_shift(qtbot, ui_station):
    camera = FrameQueue()
    ui_station.services.make_frame_source = lambda: RecordedFrameSource(camera.stream, fps=None)
    session = login(qtbot, ui_station, "worker1")
    ws = CheckpointWorkspace(ui_station.services, session)
    qtbot.addWidget(ws)
    ws.show()
    ws.activate()
    qtbot.waitUntil(lambda: ws.rules is not None and ws.feed is not None)
    verdicts = []
    ws.verdict_shown.connect(verdicts.append)

    def by_wedge(text: str) -> None:
        with qtbot.waitSignal(ws.verdict_shown, timeout=10000):
            qtbot.keyClicks(ws, text)
            qtbot.keyClick(ws, Qt.Key.Key_Return)

    def by_camera(text: str) -> None:
        with qtbot.waitSignal(ws.verdict_shown, timeout=10000):
            camera.show(text)

    def decide(temperature: str = "", override: str | None = None, reason: str = "") -> None:
        if temperature:
            ws.form.temperature.setText(temperature)
        if override:
            ws.form.decision.setCurrentIndex(ws.form.decision.findData(override))
            ws.form.reason.setText(reason)
        with qtbot.waitSignal(ws.saved, timeout=10000):
            qtbot.keyClick(ws.form.temperature, Qt.Key.Key_Return)

    by_wedge(CASES["valid-green-es256"])
    decide("36.5")
    ui_station.clock.advance(600)  # past the duplicate window
    by_camera(CASES["valid-yellow-eddsa"])
    decide("36.6")
    ui_station.clock.advance(600)
    by_camera(CASES["valid-red-card"])
    decide()
    ui_station.clock.advance(600)
    by_wedge(CASES["expired-at-exp"])
    decide()
    by_camera(CASES["bad-signature-bitflip"])
    decide()
    with qtbot.waitSignal(ws.verdict_shown):
        ws.id_edit.setFocus()
        ws.id_edit.setText("450203194709301129")
        qtbot.keyClick(ws.id_edit, Qt.Key.Key_Return)
    decide("36.4", "refuse", "名单黄码，劝返居家")
    qtbot.waitUntil(lambda: "共 6 人" in ws.counters_label.text())
    camera.frames.put(None)
    ws.shutdown()

    rows = ui_station.rows("SELECT source, result, colour, proposal, decision, worker,"
                           " duplicate_of IS NOT NULL FROM screenings ORDER BY clock_ts, rowid")
    assert [r[:5] for r in rows] == [
        ("wedge", "VALID", "green", "pass", "pass"),
        ("camera", "VALID", "yellow", "refuse", "refuse"),
        ("camera", "VALID", "red", "notify", "notify"),
        ("wedge", "EXPIRED", None, "refuse", "refuse"),
        ("camera", "BAD_SIGNATURE", None, "refuse", "refuse"),
        ("manual_id", "ID_LISTED", "yellow", "refuse", "refuse"),
    ]
    assert all(r[5] == "worker1" for r in rows)
    assert [v.tone for v in verdicts] == ["green", "yellow", "red", "invalid", "invalid",
                                          "yellow"]
    outbox = ui_station.rows("SELECT COUNT(*) FROM outbox WHERE kind = 'screening'")
    assert outbox == [(6,)]


def test_isolation_case_from_registration_to_release(qtbot, ui_station):
    session = login(qtbot, ui_station, "clinic1")
    ws = CasesWorkspace(ui_station.services, session)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.loads > 0)
    dlg = ws.open_register_dialog()
    dlg.name.setText("黄阿婆")
    dlg.address.setText("兴宁区朝阳路 8 号")
    dlg.grid.setText("朝阳街道/第3网格")
    before = ws.loads
    qtbot.keyClick(dlg.address, Qt.Key.Key_Return)  # Enter accepts the form
    qtbot.waitUntil(lambda: ws.loads > before and ws.current_case is not None)
    case_id = ws.current_case

    def changed(op: str):
        return qtbot.waitSignal(ws.changed, timeout=5000, check_params_cb=lambda o: o == op)

    for slot, temp in (("am", "36.6"), ("pm", "36.9")):
        ws.check_slot.setCurrentIndex(ws.check_slot.findData(slot))
        ws.check_temp.setText(temp)
        with changed("check"):
            qtbot.keyClick(ws.check_temp, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: ws.check_temp.text() == "")
    aid = ws.open_aid_dialog()
    aid.description.setText("买菜：大米 10 斤")
    with changed("aid_open"):
        qtbot.keyClick(aid.description, Qt.Key.Key_Return)
    aid_id = ws.current_aid
    for status, who in (("assigned", "志愿者小刘"), ("delivered", ""), ("closed", "")):
        qtbot.waitUntil(lambda: ws.aid_model.cached(aid_id) is not None)
        ws.select_aid(aid_id)
        ws.assignee.setText(who)
        with changed(f"aid_{status}"):
            ws.aid_buttons[status].click()
    ws.select_case(case_id)
    ws.release_button.click()  # asks first: "release 黄** ?" with the confirm button focused
    qtbot.waitUntil(lambda: ws.end_dialog is not None and ws.end_dialog.isVisible())
    question = ws.end_dialog
    assert "黄**" in question.question.text()
    qtbot.waitUntil(question.confirm_button.hasFocus)
    assert ui_station.rows("SELECT status FROM isolation_cases") == [("active",)]
    with changed("release"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)

    assert ui_station.rows("SELECT status, ended_by FROM isolation_cases") == [
        ("released", "clinic1")]
    assert ui_station.rows("SELECT slot, temperature FROM health_checks ORDER BY slot") == [
        ("am", 36.6), ("pm", 36.9)]
    assert ui_station.rows("SELECT to_status, actor FROM aid_events ORDER BY at, rowid") == [
        ("open", "clinic1"), ("assigned", "clinic1"), ("delivered", "clinic1"),
        ("closed", "clinic1")]
    assert ui_station.rows("SELECT assignee, status FROM aid_requests") == [
        ("志愿者小刘", "closed")]
    kinds = dict(ui_station.rows("SELECT kind, COUNT(*) FROM outbox GROUP BY kind"))
    assert (kinds["aid_event"], kinds["case_event"], kinds["health_check"]) == (4, 2, 2)


def test_role_boundaries_in_the_ui(qtbot, ui_station):
    worker = login(qtbot, ui_station, "worker1")
    clinic = login(qtbot, ui_station, "clinic1")
    shown = []
    for cls, session in ((CasesWorkspace, worker), (ReportsWorkspace, worker),
                         (CheckpointWorkspace, clinic), (ReportsWorkspace, clinic)):
        ws = cls(ui_station.services, session)
        qtbot.addWidget(ws)
        shown.append(ws)
    cases_w, reports_w, checkpoint_c, reports_c = shown
    assert not cases_w.isEnabled()
    assert not reports_w.can_view and not reports_c.can_view
    assert not checkpoint_c.form.isEnabled() and not checkpoint_c.id_edit.isEnabled()
    for ws in shown:
        ws.shutdown()


def test_idle_lock_keeps_unsaved_input(qtbot, ui_station):
    session = login(qtbot, ui_station, "worker1")
    ws = CheckpointWorkspace(ui_station.services, session)
    qtbot.addWidget(ws)
    ws.show()
    qtbot.waitUntil(lambda: ws.rules is not None)
    with qtbot.waitSignal(ws.verdict_shown):
        ws.handle_scan(CASES["valid-green-es256"], "wedge")
    ws.form.temperature.setText("36.8")
    drafts: dict[str, object] = {}

    def lock() -> None:
        drafts["checkpoint"] = ws.save_draft()
        ws.shutdown()
        ui_station.station.lock(session, "idle")

    watcher = IdleWatcher(150, check_ms=50)
    watcher.idle.connect(lock)
    with qtbot.waitSignal(watcher.idle, timeout=5000):
        watcher.start()
    watcher.shutdown()
    assert ui_station.rows("SELECT COUNT(*) FROM screenings") == [(0,)]
    again = login(qtbot, ui_station, "worker1")
    ws2 = CheckpointWorkspace(ui_station.services, again)
    qtbot.addWidget(ws2)
    ws2.show()
    qtbot.waitUntil(lambda: ws2.rules is not None)
    with qtbot.waitSignal(ws2.verdict_shown):
        ws2.restore_draft(drafts["checkpoint"])  # type: ignore[arg-type]
    assert ws2.form.temperature.text() == "36.8"
    with qtbot.waitSignal(ws2.saved):
        qtbot.keyClick(ws2.form.temperature, Qt.Key.Key_Return)
    assert ui_station.rows("SELECT decision, temperature FROM screenings") == [("pass", 36.8)]
    ws2.shutdown()

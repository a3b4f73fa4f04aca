"""The reports workspace: the daily report with charts, exports with delayed progress and
cancel, masking and reveal, and who may see it."""

from __future__ import annotations

import threading
from pathlib import Path

from app.storage.records.screenings import NewScreening, ScreeningLog
from app.ui.ops import Progress
from app.ui.reports.chart_widget import BarChart
from app.ui.reports.workspace import ReportsWorkspace
from tests.helpers import ui_station as fx
from tests.helpers.ui_station import UiStation

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station


def seed(env: UiStation) -> None:
    log = ScreeningLog(env.station)
    worker = env.session("worker1")
    for colour, decision, temp in (("green", "pass", 36.5), ("green", "refer", 38.2),
                                   ("yellow", "refuse", 36.6), ("red", "notify", 36.7)):
        log.save(worker, NewScreening(source="camera", format="GX1", result="VALID",
                                      proposal=decision, decision=decision, colour=colour,
                                      rules_version="t", temperature=temp,
                                      fever=temp >= 37.3, holder_name="张三丰"))
        env.clock.advance(60)


def make(qtbot, env: UiStation, user: str = "super1") -> ReportsWorkspace:
    w = ReportsWorkspace(env.services, env.session(user))
    qtbot.addWidget(w)
    w.show()
    return w


def test_report_on_screen_with_charts(qtbot, ui_station):
    seed(ui_station)
    w = make(qtbot, ui_station)
    qtbot.waitUntil(lambda: w.report is not None and w.report.screenings.total == 4)
    assert w.report.screenings.fevers == 1
    assert w.summary.rowCount() > 10
    assert all(c.spec is not None for c in w.charts)
    assert not w.grab().isNull()


def test_chart_draws_every_kind(qtbot, ui_station):
    seed(ui_station)
    w = make(qtbot, ui_station)
    qtbot.waitUntil(lambda: w.report is not None)
    for chart in w.charts:
        standalone = BarChart(chart.spec)
        qtbot.addWidget(standalone)
        standalone.resize(400, 240)
        assert not standalone.grab().isNull()


def test_quick_export_shows_no_progress(qtbot, ui_station, tmp_path: Path):
    seed(ui_station)
    w = make(qtbot, ui_station)
    target = tmp_path / "day.csv"
    with qtbot.waitSignal(w.export_finished, timeout=20000) as sig:
        w.export("csv", target)
    assert sig.args[0].rows == 4 and target.exists()
    assert not w.progress_box.isVisible()
    text = target.read_text("utf-8-sig")
    assert "张三丰" not in text  # masked by default
    actions = ui_station.rows("SELECT action FROM audit_log")
    assert any("export" in a[0] for a in actions)


def test_long_export_shows_progress_and_cancels(qtbot, ui_station, tmp_path: Path):
    seed(ui_station)
    w = make(qtbot, ui_station)
    gate = threading.Event()
    progress = Progress()
    plain_update = progress.update

    def slow_update(done: int, total: int | None = None, label: str | None = None) -> None:
        gate.wait(10)
        plain_update(done, total, label)

    progress.update = slow_update  # type: ignore[method-assign]
    target = tmp_path / "day.xlsx"
    w.export("xlsx", target, progress)
    qtbot.waitUntil(lambda: w.progress_box.isVisible(), timeout=3000)
    assert not all(b.isEnabled() for b in w.export_buttons.values())
    with qtbot.waitSignal(w.export_failed, timeout=20000) as sig:
        w.cancel_button.click()
        gate.set()
    assert type(sig.args[0]).__name__ == "Cancelled"
    assert not target.exists() and not w.progress_box.isVisible()
    assert w.export_buttons["csv"].isEnabled()


def test_reveal_needs_a_reason_and_is_audited(qtbot, ui_station, tmp_path: Path):
    seed(ui_station)
    w = make(qtbot, ui_station)
    assert w.reveal.isVisibleTo(w)
    w.reveal.setChecked(True)
    w.export("csv", tmp_path / "a.csv")
    assert any("原因" in t for _, t in ui_station.messages)
    assert not (tmp_path / "a.csv").exists()
    w.reveal_reason.setText("疾控流调需要完整名单")
    with qtbot.waitSignal(w.export_finished, timeout=20000):
        w.export("csv", tmp_path / "a.csv")
    assert "张三丰" in (tmp_path / "a.csv").read_text("utf-8-sig")
    assert ui_station.rows("SELECT 1 FROM audit_log WHERE action = 'personal_data_revealed'")


def test_admin_may_export_but_worker_and_clinic_see_nothing(qtbot, ui_station):
    for user in ("worker1", "clinic1"):
        w = make(qtbot, ui_station, user)
        assert not w.can_view and not any(b.isEnabled() for b in w.export_buttons.values())
        assert "无权" in w.status.text()
    admin = make(qtbot, ui_station, "admin")
    qtbot.waitUntil(lambda: admin.report is not None)
    assert admin.export_buttons["pdf"].isEnabled()

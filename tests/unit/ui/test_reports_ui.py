"""The reports workspace: the daily report with charts, exports with delayed progress and
cancel, masking and reveal, and who may see it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

from app.reports.charts import ChartSpec, Series
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


AID_SPEC = ChartSpec(
    "aid", "column", "救助请求（按类别）",
    ("食品与生活物资", "药品", "就医", "心理疏导", "政策咨询", "其他"),
    (Series("新增", (5, 3, 2, 1, 1, 2), "#1565C0"),
     Series("送达", (4, 0, 1, 0, 1, 2), "#2E7D32"),
     Series("逾期", (1, 0, 0, 0, 0, 0), "#C62828")))
HOURS_SPEC = ChartSpec(
    "by_hour", "stacked_column", "分时段筛查（按颜色）", tuple(f"{h:02d}" for h in range(24)),
    (Series("绿码", tuple(range(24)), "#2E7D32"),
     Series("无颜色/未核验", tuple(24 - h for h in range(24)), "#9E9E9E")))


def check_fits(chart: BarChart) -> None:
    """Labels inside the widget, in their own slots, legible; the legend above every bar
    and number."""
    layout = chart.chart_layout()
    assert layout is not None
    area = QRectF(chart.rect())
    fm = QFontMetricsF(chart.font())
    assert layout.labels
    for label in layout.labels:
        assert area.contains(label.rect), (label.full, label.rect, area)
        assert label.rect.top() >= layout.plot.bottom()
        assert len(label.lines) * fm.height() <= label.rect.height() + 0.5
        for line in label.lines:
            assert fm.horizontalAdvance(line) <= label.rect.width() + 0.5, line
        if label.shortened:  # cut short on screen: the tooltip has it whole
            assert label.full in chart.tooltip_at(label.rect.center())
    for a, b in zip(layout.labels, layout.labels[1:], strict=False):
        assert not a.rect.intersects(b.rect), (a.full, b.full)
    legend = layout.legend_rect
    for rect, _ in layout.bars:
        assert not legend.intersects(rect)
    for rect, text in layout.values:
        assert not legend.intersects(rect), text
        assert not layout.title.intersects(rect), text
        assert rect.top() >= layout.title.bottom()


def test_aid_chart_labels_fit_and_legend_stays_clear(qtbot):
    chart = BarChart(AID_SPEC)
    qtbot.addWidget(chart)
    for width, height in ((400, 340), (300, 200), (260, 180)):
        chart.resize(width, height)
        check_fits(chart)
    chart.resize(400, 340)
    layout = chart.chart_layout()
    food = layout.labels[0]
    assert food.full == "食品与生活物资"
    assert "".join(food.lines).rstrip("…") in food.full  # wrapped (or cut), not overflowing
    assert len(layout.legend) == 3
    assert "食品与生活物资" in chart.tooltip_at(food.rect.center())
    assert "新增 5" in chart.tooltip_at(food.rect.center())


def test_narrow_chart_shortens_and_tells_the_full_name(qtbot):
    chart = BarChart(AID_SPEC)
    qtbot.addWidget(chart)
    big = QFont(chart.font())
    big.setPointSizeF(big.pointSizeF() * 1.6)  # large-font mode
    chart.setFont(big)
    chart.resize(260, 180)
    check_fits(chart)
    assert any(label.shortened for label in chart.chart_layout().labels)


def test_many_hour_labels_thin_out_instead_of_colliding(qtbot):
    chart = BarChart(HOURS_SPEC)
    qtbot.addWidget(chart)
    chart.resize(260, 200)
    check_fits(chart)
    shown = [label.full for label in chart.chart_layout().labels]
    assert "00" in shown and len(shown) < 24
    chart.resize(1200, 300)
    assert len(chart.chart_layout().labels) == 24


def test_wrap_label_keeps_to_two_lines():
    from app.ui.reports.chart_widget import wrap_label

    fm = QFontMetricsF(QFont())
    width = fm.horizontalAdvance("食品与") + 1
    lines = wrap_label("食品与生活物资食品与生活物资", width, fm)
    assert len(lines) == 2 and lines[0] == "食品与" and lines[1].endswith("…")
    assert all(fm.horizontalAdvance(x) <= width for x in lines)
    english = wrap_label("food and daily necessities", fm.horizontalAdvance("food and") + 1, fm)
    assert english[0] == "food and"


def test_report_day_label_has_a_buddy_and_time_is_local(qtbot, ui_station):
    seed(ui_station)
    w = make(qtbot, ui_station)
    qtbot.waitUntil(lambda: w.report is not None)
    from PySide6.QtWidgets import QLabel

    day_labels = [lb for lb in w.findChildren(QLabel) if lb.text() == "日期(&D)"]
    assert day_labels and day_labels[0].buddy() is w.day
    assert "T" not in w.status.text().split("截至")[-1]  # no raw ISO time
    assert not w.status.text().rstrip().endswith("Z")

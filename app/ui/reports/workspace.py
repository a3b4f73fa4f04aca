"""Reports: the daily report on screen with charts, and its XLSX / PDF / CSV exports.

The report is computed in the core (``app.reports``) on the DB thread; exports run on a
worker thread with a :class:`Progress` the UI polls; the progress bar and its cancel button
appear only when an export takes longer than ``PROGRESS_DELAY_MS``. Exports are masked; a
supervisor may reveal personal data with a reason, which the core audits.

Signals: ``report_shown(object)`` (a ``DailyReport``), ``export_finished(object)`` (an
``ExportResult``), ``export_failed(object)`` (the exception).
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from app.errors import Cancelled
from app.reports.charts import chart_specs
from app.reports.daily import grids_present
from app.reports.export import FORMATS, export_report, load_report
from app.reports.labels import summary_lines
from app.reports.localday import ZONE
from app.reports.model import DailyReport, Scope
from app.storage.roles import Permission, Session
from app.ui.busy import BusyBar
from app.ui.ops import Progress, ProgressPoller, background_op, db_op
from app.ui.reports.chart_widget import BarChart
from app.ui.services import Services
from app.ui.workspace import Workspace

FORMAT_FILTERS = {"xlsx": "Excel (*.xlsx)", "pdf": "PDF (*.pdf)", "csv": "CSV (*.csv)"}


def local_minute(iso: str) -> str:
    """A stored UTC time (``…Z``) as China time to the minute; other text as it is."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except (AttributeError, ValueError):
        return str(iso)
    if when.tzinfo is None:
        return str(iso)
    return when.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")


class ReportsWorkspace(Workspace):
    """See the module docstring."""

    workspace_id = "reports"
    report_shown = Signal(object)
    export_finished = Signal(object)
    export_failed = Signal(object)

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, session, parent)
        self.station = services.station
        self.can_view = session.may(Permission.VIEW_REPORTS)
        self.can_export = session.may(Permission.EXPORT)
        self.can_reveal = session.may(Permission.REVEAL)
        self.report: DailyReport | None = None
        self.progress: Progress | None = None
        self._poller: ProgressPoller | None = None
        self._export_future: Any = None
        self._build()
        if self.can_view:
            self.refresh()
            db_op(self.station, grids_present, self._grids, lambda exc: None)
        else:
            self.status.setText(self.tr("当前用户无权查看报表。"))
            for w in (self.day, self.scope, self.refresh_button, *self.export_buttons.values()):
                w.setEnabled(False)

    def title(self) -> str:
        """The tab title."""
        return self.tr("日报")

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        today = datetime.fromtimestamp(self.station.clock.now(), ZONE).date()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.setCalendarPopup(True)
        self.scope = QComboBox()
        self.scope.addItem(self.tr("本站"), "station")
        self.refresh_button = QPushButton(self.tr("刷新 (F5)"))
        self.refresh_button.setShortcut("F5")
        day_label = QLabel(self.tr("日期(&D)"))
        day_label.setBuddy(self.day)
        scope_label = QLabel(self.tr("范围(&W)"))
        scope_label.setBuddy(self.scope)
        top = QHBoxLayout()
        top.addWidget(day_label)
        top.addWidget(self.day)
        top.addWidget(scope_label)
        top.addWidget(self.scope)
        top.addWidget(self.refresh_button)
        top.addStretch(1)

        self.export_buttons: dict[str, QPushButton] = {}
        for fmt, text in (("xlsx", self.tr("导出 Excel")), ("pdf", self.tr("导出 PDF")),
                          ("csv", self.tr("导出 CSV"))):
            b = QPushButton(text)
            b.clicked.connect(lambda _=False, f=fmt: self.choose_file(f))
            b.setEnabled(self.can_export)
            self.export_buttons[fmt] = b
            top.addWidget(b)
        self.reveal = QCheckBox(self.tr("导出完整个人信息"))
        self.reveal_reason = QLineEdit()
        self.reveal_reason.setPlaceholderText(self.tr("查看完整信息的原因（将记入审计日志）"))
        self.reveal.setVisible(self.can_reveal)
        self.reveal_reason.setVisible(self.can_reveal)
        self.reveal_reason.setEnabled(False)
        self.reveal.toggled.connect(self.reveal_reason.setEnabled)
        reveal_row = QHBoxLayout()
        reveal_row.addWidget(self.reveal)
        reveal_row.addWidget(self.reveal_reason, 1)

        self.progress_bar = BusyBar()
        self.progress_label = QLabel()
        self.cancel_button = QPushButton(self.tr("取消导出"))
        self.cancel_button.clicked.connect(self.cancel_export)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress_label)
        progress_row.addWidget(self.progress_bar, 1)
        progress_row.addWidget(self.cancel_button)
        self.progress_box = QWidget()
        self.progress_box.setLayout(progress_row)
        self.progress_box.hide()

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.summary = QTableWidget(0, 3)
        self.summary.setObjectName("report-summary")
        self.summary.setHorizontalHeaderLabels([self.tr("类别"), self.tr("项目"), self.tr("数值")])
        header = self.summary.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.summary.verticalHeader().hide()
        self.summary.setWordWrap(False)
        self.summary.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.charts: list[BarChart] = [BarChart() for _ in range(4)]
        chart_grid = QGridLayout()
        for i, chart in enumerate(self.charts):
            chart_grid.addWidget(chart, i // 2, i % 2)
        body = QHBoxLayout()
        body.addWidget(self.summary, 2)
        charts = QWidget()
        charts.setLayout(chart_grid)
        body.addWidget(charts, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(reveal_row)
        layout.addWidget(self.progress_box)
        layout.addWidget(self.status)
        layout.addLayout(body, 1)

        self.refresh_button.clicked.connect(self.refresh)
        self.day.dateChanged.connect(lambda _: self.refresh())
        self.scope.currentIndexChanged.connect(lambda _: self.refresh())

    def _grids(self, grids: list[str]) -> None:
        if not Shiboken.isValid(self):
            return
        townships = sorted({g.split("/", 1)[0] for g in grids if "/" in g})
        for t_name in townships:
            self.scope.addItem(self.tr("街道：{n}").format(n=t_name), f"township:{t_name}")
        for g in grids:
            self.scope.addItem(self.tr("网格：{n}").format(n=g), f"grid:{g}")

    # ------------------------------------------------------------------ report
    def selected_day(self) -> date:
        """The chosen date."""
        d = self.day.date()
        return date(d.year(), d.month(), d.day())

    def selected_scope(self) -> Scope:
        """The chosen scope."""
        return Scope.parse(str(self.scope.currentData() or "station"))

    def refresh(self) -> None:
        """Compute the report for the chosen day and scope (on the DB thread)."""
        if not self.can_view:
            return
        day, scope, now = self.selected_day(), self.selected_scope(), self.station.clock.now()
        self.status.setText(self.tr("正在计算…"))
        db_op(self.station, lambda c: load_report(self.station, self.session, day, scope, now),
              self._show, self._failed)

    def _failed(self, exc: BaseException) -> None:
        if Shiboken.isValid(self):
            self.status.setText(str(exc))
            self.services.messages.show_error(exc)

    def _show(self, report: DailyReport) -> None:
        if not Shiboken.isValid(self):
            return
        self.report = report
        self.status.setText(self.tr("{scope}　{day}　截至 {as_of}").format(
            scope=report.scope_label, day=report.date, as_of=local_minute(report.as_of)))
        lines = summary_lines(report)
        self.summary.setRowCount(len(lines))
        for row, line in enumerate(lines):
            for col, text in enumerate((line.section, line.label, str(line.value))):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if col == 2:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.summary.setItem(row, col, item)
        for chart, spec in zip(self.charts, chart_specs(report), strict=False):
            chart.set_spec(spec)
        self.report_shown.emit(report)

    def value(self, key: str) -> Any:
        """A number of the shown report by its summary key (``None`` when absent)."""
        if self.report is None:
            return None
        return next((line.value for line in summary_lines(self.report) if line.key == key),
                    None)

    # ------------------------------------------------------------------ export
    def choose_file(self, fmt: str) -> None:
        """Ask where to save (non-blocking dialog), then export."""
        name = f"griddesk-{self.selected_day().isoformat()}.{fmt}"
        dlg = QFileDialog(self, self.tr("导出日报"), str(Path.home() / name),
                          FORMAT_FILTERS[fmt])
        dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dlg.setDefaultSuffix(fmt)
        dlg.fileSelected.connect(lambda path: self.export(fmt, Path(path)))
        dlg.open()

    def export(self, fmt: str, path: Path, progress: Progress | None = None) -> None:
        """Export the chosen day to ``path`` on a worker thread (one export at a time)."""
        if fmt not in FORMATS or self._export_future is not None or not self.can_export:
            return
        reason = None
        if self.can_reveal and self.reveal.isChecked():
            reason = self.reveal_reason.text().strip()
            if not reason:
                self.services.messages.warning(self.tr("显示完整个人信息必须填写原因"))
                self.reveal_reason.setFocus()
                return
        day, scope = self.selected_day(), self.selected_scope()
        self.progress = progress or Progress()
        prog = self.progress
        station, session = self.station, self.session
        for b in self.export_buttons.values():
            b.setEnabled(False)
        self._poller = ProgressPoller(prog, self)
        self._poller.show_progress.connect(self._show_progress)
        self._poller.tick.connect(self._tick)
        self._export_future = background_op(
            lambda: export_report(station, session, day, fmt, path, reason, prog, scope,
                                  station.clock.now),
            self._exported, self._export_error)

    def _show_progress(self) -> None:
        self.progress_bar.reset_busy()
        self.progress_label.setText(self.tr("正在导出…"))
        self.progress_box.show()

    def _tick(self, done: int, total: int, label: str) -> None:
        if total > 0:
            self.progress_bar.set_total(done, total)
        if label:
            self.progress_label.setText(label)

    def cancel_export(self) -> None:
        """Ask the running export to stop (it leaves no partial file)."""
        if self.progress is not None:
            self.progress.cancel()

    def _export_done(self) -> None:
        if self._poller is not None:
            self._poller.stop()
            self._poller.deleteLater()
            self._poller = None
        self._export_future = None
        self.progress_box.hide()
        for b in self.export_buttons.values():
            b.setEnabled(self.can_export)

    def _exported(self, result: Any) -> None:
        if not Shiboken.isValid(self):
            return
        self._export_done()
        self.services.messages.info(self.tr("已导出：{path}").format(path=result.path))
        self.export_finished.emit(result)

    def _export_error(self, exc: BaseException) -> None:
        if not Shiboken.isValid(self):
            return
        self._export_done()
        if isinstance(exc, Cancelled):
            self.services.messages.info(self.tr("导出已取消"))
        else:
            self.services.messages.show_error(exc)
        self.export_failed.emit(exc)

    def activate(self) -> None:
        """Shown: recompute (the day moves on)."""
        self.refresh()

    def shutdown(self) -> None:
        """Cancel a running export and wait for it briefly."""
        if self._export_future is not None and self.progress is not None:
            self.progress.cancel()
            with contextlib.suppress(Exception):  # closing anyway
                self._export_future.exception(timeout=5)

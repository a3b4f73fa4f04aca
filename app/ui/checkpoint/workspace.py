"""The checkpoint screen: scan → verdict → temperature and ticks → Enter → saved.

Every verification, look-up and save runs on the DB thread through ``db_op``; camera
capture and decoding run in the decode worker; the GUI thread paints and proposes (the
decision rules are a pure in-memory table). A screening's ``record_id`` is fixed when its
draft starts, so a save retried after an error, a lock or a restart never doubles it.

Signals: ``verdict_shown(object)`` (a :class:`Verdict`), ``saved(str)`` (record id),
``cleared()``.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from concurrent.futures import wait as wait_futures
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from app.codes.idnumber import normalise
from app.errors import KnownError
from app.masking import mask_name
from app.reports.localday import ZONE
from app.storage.queries.checkpoint import screening_exists
from app.storage.records.screenings import ScreeningLog
from app.storage.roles import Permission, Session
from app.ui.checkpoint import verdict as v
from app.ui.checkpoint.camera import CameraFeed, PreviewWidget
from app.ui.checkpoint.engine import CheckpointEngine, StationRules
from app.ui.checkpoint.form import ScreeningForm
from app.ui.checkpoint.panel import VerdictPanel
from app.ui.checkpoint.sounds import PASS, REFUSE, VerdictSounds
from app.ui.checkpoint.wedge import WedgeKeyFilter
from app.ui.ops import db_op
from app.ui.services import Services
from app.ui.workspace import Workspace

log = logging.getLogger(__name__)
SAVE_WAIT_S = 5.0


def looks_like_id_number(text: str) -> bool:
    """An 18-character ID number (ID-card readers type the number like a scanner)."""
    value = normalise(text)
    return len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X")


class CheckpointWorkspace(Workspace):
    """See the module docstring."""

    workspace_id = "checkpoint"
    verdict_shown = Signal(object)
    saved = Signal(str)
    cleared = Signal()

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, session, parent)
        self.station = services.station
        engine = services.extras.get("checkpoint_engine")
        self.engine: CheckpointEngine = engine or CheckpointEngine(self.station)
        self.screenings = ScreeningLog(self.station)
        self.rules: StationRules | None = None
        self.draft: v.ScreeningDraft | None = None
        self.saving: set[str] = set()
        self._futures: set[Future[Any]] = set()
        self._queued_scan: tuple[str, str] | None = None
        self._verify_seq = 0
        self._suspended = False
        self._repair: str | None = None
        self._id_enter = False
        self.feed: CameraFeed | None = None
        self.allowed = session.may(Permission.SCREEN)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._build()
        self.sounds = VerdictSounds(self)
        self.wedge = WedgeKeyFilter(self)
        self.wedge.scanned.connect(lambda text: self.handle_scan(text, "wedge"))
        self.wedge.layout_problem.connect(self._layout_problem)
        if self.allowed:
            self.wedge.install()
            self._track(db_op(self.station, self.engine.station_rules, self._rules_loaded,
                              self.services.messages.show_error))
            self.refresh_today()
        else:
            self._show_denied()

    # ------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.preview = PreviewWidget()
        self.panel = VerdictPanel()
        self.form = ScreeningForm()
        self.id_edit = QLineEdit()
        self.id_edit.setObjectName("id-number")
        self.id_edit.setPlaceholderText(self.tr("无码人员：身份证号 (F6)"))
        self.id_edit.setToolTip(self.tr("无码人员：输入身份证号后按 Enter 查询状态名单 (F6)"))
        self.id_edit.setMaxLength(24)
        self.lookup_button = QPushButton(self.tr("查询名单"))
        self.no_code_button = QPushButton(self.tr("无码无证件 (F8)"))
        self.repair_button = QPushButton(self.tr("按修复后的内容核验"))
        self.repair_button.hide()
        self.counters_label = QLabel()
        self.counters_label.setObjectName("counters")
        self.counters_label.setWordWrap(True)
        self.recent = QListWidget()
        self.recent.setObjectName("recent-scans")
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.denied_label = QLabel()
        self.denied_label.hide()

        id_row = QHBoxLayout()
        id_row.addWidget(self.id_edit, 1)
        id_row.addWidget(self.lookup_button)
        id_row.addWidget(self.no_code_button)
        left = QVBoxLayout()
        left.addWidget(self.preview, 3)
        left.addLayout(id_row)
        left.addWidget(QLabel(self.tr("今日统计")))
        left.addWidget(self.counters_label)
        left.addWidget(QLabel(self.tr("最近登记")))
        left.addWidget(self.recent, 2)
        right = QVBoxLayout()
        right.addWidget(self.denied_label)
        right.addWidget(self.panel)
        right.addWidget(self.repair_button)
        right.addWidget(self.form)
        right.addStretch(1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 3)

        self.form.changed.connect(self._input_changed)
        self.form.confirm_button.clicked.connect(self.confirm)
        self.form.clear_button.clicked.connect(self.clear)
        self.lookup_button.clicked.connect(self.lookup_id)
        self.id_edit.returnPressed.connect(self._id_return)
        self.no_code_button.clicked.connect(self.no_code)
        self.repair_button.clicked.connect(self._verify_repaired)
        keys = {"F2": self.form.temperature.setFocus, "F3": self.form.symptoms.toggle,
                "F4": self.form.risk_travel.toggle, "F6": self.id_edit.setFocus,
                "F8": self.no_code, "F9": self.form.decision.setFocus}
        for key, slot in keys.items():
            sc = QShortcut(QKeySequence(key), self)
            sc.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            sc.activated.connect(slot)

    def title(self) -> str:
        """The tab title."""
        return self.tr("卡口筛查")

    def _show_denied(self) -> None:
        self.denied_label.setText(self.tr("当前用户无权登记筛查，请由网格员登录。"))
        self.denied_label.show()
        for w in (self.form, self.id_edit, self.lookup_button, self.no_code_button):
            w.setEnabled(False)

    def _track(self, fut: Future[Any]) -> Future[Any]:
        self._futures.add(fut)
        fut.add_done_callback(self._futures.discard)
        return fut

    def _rules_loaded(self, rules: StationRules) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        self.rules = rules
        self.sounds.enabled = rules.sound_enabled
        self._input_changed()

    # ------------------------------------------------------------------ camera
    def start_camera(self) -> None:
        """Start the preview and decoding (no-op without a frame source or permission)."""
        if self.feed is not None or not self.allowed:
            return
        factory = self.services.make_frame_source
        if factory is None:
            self.preview.show_message(self.tr("本机未配置摄像头，可使用扫码枪或输入身份证号"))
            return
        try:
            source = factory()
        except KnownError as exc:
            self.preview.show_message(str(exc))
            return
        if source is None:
            self.preview.show_message(self.tr("本机未配置摄像头，可使用扫码枪或输入身份证号"))
            return
        feed = CameraFeed(source, self, self.services.extras.get("reader_factory"))
        self.preview.attach(feed)
        feed.scanned.connect(lambda event: self.handle_scan(event.text, "camera"))
        feed.start()
        self.feed = feed

    def activate(self) -> None:
        """Shown: resume, start the camera, refresh today's numbers."""
        self._suspended = False
        self.start_camera()
        if self.allowed:
            self.refresh_today()

    # ------------------------------------------------------------------ scanning
    def handle_scan(self, text: str, source: str) -> None:
        """A code from the camera or a handheld scanner (an ID number goes to the look-up)."""
        if self._suspended or not self.allowed or not self.isVisible():
            return  # locked, not permitted, or another tab is in front
        if self.draft is not None and self._has_input():
            if self.draft.verdict.raw_text == text or self._queued_scan == (text, source):
                return
            self._queued_scan = (text, source)
            self.services.messages.warning(
                self.tr("已扫到下一个码：请先按 Enter 保存或按 Esc 清除当前记录"))
            return
        if looks_like_id_number(text):
            self._run_verification(lambda c: self.engine.lookup(c, text))
            return
        self._run_verification(lambda c: self.engine.verify(c, text, source))

    def lookup_id(self) -> None:
        """Look up the typed ID number (the number is checked first)."""
        text = self.id_edit.text().strip()
        if not text or not self.allowed:
            return
        if self.draft is not None and self._has_input():
            self.services.messages.warning(self.tr("请先按 Enter 保存或按 Esc 清除当前记录"))
            return
        self._run_verification(lambda c: self.engine.lookup(c, text))

    def no_code(self) -> None:
        """A person with neither a code nor an ID number: the manual procedure."""
        if not self.allowed or (self.draft is not None and self._has_input()):
            return
        self._run_verification(self.engine.no_code)

    def _run_verification(self, fn: Any) -> None:
        self._verify_seq += 1
        seq = self._verify_seq
        self.panel.show_busy()
        self._track(db_op(self.station, fn, lambda res: self._verified(seq, res),
                          lambda exc: self._verify_failed(seq, exc)))

    def _verified(self, seq: int, result: tuple[v.Verdict, StationRules]) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        if seq != self._verify_seq:
            return  # a newer scan replaced this one
        verdict, rules = result
        self._rules_loaded(rules)
        self.show_verdict(v.ScreeningDraft(verdict))

    def _verify_failed(self, seq: int, exc: BaseException) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        if seq != self._verify_seq:
            return
        self._restore_panel()
        self.services.messages.show_error(exc)

    def _restore_panel(self) -> None:
        if self.draft is not None:
            self.panel.show_verdict(self.draft.verdict)
        else:
            self.panel.clear()

    def show_verdict(self, draft: v.ScreeningDraft) -> None:
        """Show a verdict and start (or resume) its draft."""
        self.draft = draft
        verdict = draft.verdict
        self._repair = None
        self.repair_button.hide()
        self.panel.show_verdict(verdict)
        self.form.set_values(draft.temperature_text, draft.symptoms, draft.risk_travel,
                             draft.decision, draft.reason)
        self.form.set_active(True)
        self.id_edit.clear()
        self._input_changed()
        self.form.temperature.setFocus()
        if verdict.tone == v.TONE_GREEN:
            self.sounds.play(PASS)
        elif verdict.tone in (v.TONE_YELLOW, v.TONE_RED, v.TONE_INVALID):
            self.sounds.play(REFUSE)
        self.verdict_shown.emit(verdict)

    def _layout_problem(self, diagnosis: Any) -> None:
        self.panel.block.show_tone(v.TONE_MANUAL, self.tr("扫码枪输入有误"), diagnosis.message)
        self.panel.set_warnings([diagnosis.message])
        self._repair = diagnosis.repaired
        self.repair_button.setVisible(bool(diagnosis.repaired))
        self.services.messages.warning(diagnosis.message)

    def _verify_repaired(self) -> None:
        if self._repair:
            text, self._repair = self._repair, None
            self.repair_button.hide()
            self.handle_scan(text, "wedge")

    # ------------------------------------------------------------------ decision
    def _has_input(self) -> bool:
        d = self.draft
        return d is not None and bool(d.temperature_text.strip() or d.symptoms or d.risk_travel
                                      or d.decision or d.reason.strip())

    def _input_changed(self) -> None:
        d = self.draft
        if d is None:
            return
        d.temperature_text = self.form.temperature.text()
        d.symptoms = self.form.symptoms.isChecked()
        d.risk_travel = self.form.risk_travel.isChecked()
        d.decision = self.form.chosen_decision()
        d.reason = self.form.reason.text()
        if self.rules is None:
            return
        try:
            decision = d.decide(self.rules.rules, self.rules.fever_threshold)
        except ValueError:
            self.form.show_proposal(None, None, self.tr("体温格式不正确，例如 36.5"))
            return
        self.form.show_proposal(decision, self.rules.fever_threshold, "")

    def confirm(self) -> None:
        """Save the screening as proposed or overridden (Enter)."""
        d = self.draft
        if d is None or self.rules is None or d.record_id in self.saving:
            return
        self._input_changed()
        try:
            decision = d.decide(self.rules.rules, self.rules.fever_threshold)
        except ValueError:
            self.services.messages.warning(self.tr("体温格式不正确，例如 36.5"))
            self.form.temperature.setFocus()
            return
        if d.chosen(decision.proposal) is None:
            self.services.messages.warning(self.tr("需要人工核验：请选择处置结果并填写理由"))
            self.form.decision.setFocus()
            return
        rec = d.to_record(decision, self.rules.grid)
        try:
            rec.check()
        except KnownError as exc:
            self.services.messages.show_error(exc)
            (self.form.reason if "原因" in str(exc) or "reason" in str(exc)
             else self.form.temperature).setFocus()
            return
        record_id = d.record_id
        self.saving.add(record_id)
        self.form.set_active(False)
        self._track(db_op(self.station, lambda c: self.screenings.save(self.session, rec),
                          lambda rid: self._saved(record_id, rid),
                          lambda exc: self._save_failed(record_id, exc)))

    def _saved(self, record_id: str, stored_id: str) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        self.saving.discard(record_id)
        if self.draft is not None and self.draft.record_id == record_id:
            self.draft = None
            self.panel.clear()
            self.form.reset()
        self.saved.emit(stored_id)
        self.refresh_today()
        self._next_scan()

    def _save_failed(self, record_id: str, exc: BaseException) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        self.saving.discard(record_id)
        if self.draft is not None and self.draft.record_id == record_id:
            self.form.set_active(True)
        self.services.messages.show_error(exc)

    def clear(self) -> None:
        """Esc: forget the current verdict and input, ready for the next person."""
        if self.draft is not None and self.draft.record_id in self.saving:
            return  # its save is running; it clears itself when done
        self._verify_seq += 1
        self.draft = None
        self._repair = None
        self.repair_button.hide()
        self.panel.clear()
        self.form.reset()
        self.id_edit.clear()
        self.setFocus()
        self.cleared.emit()
        self._next_scan()

    def _next_scan(self) -> None:
        queued, self._queued_scan = self._queued_scan, None
        if queued is not None and self.draft is None:
            self.handle_scan(*queued)

    def _id_return(self) -> None:
        self._id_enter = True
        self.lookup_id()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._id_enter:  # the ID field's own Enter, passed on after its look-up
                self._id_enter = False
            else:
                self.confirm()
            event.accept()
        elif key == Qt.Key.Key_Escape:
            self.clear()
            event.accept()
        else:
            super().keyPressEvent(event)

    # ------------------------------------------------------------------ today
    def refresh_today(self) -> None:
        """Reload today's counters and the last scans."""
        self._track(db_op(self.station, self.engine.today, self._show_today,
                          lambda exc: log.warning("today's counters: %s", exc)))

    def _show_today(self, today: dict[str, Any]) -> None:
        if not Shiboken.isValid(self):
            return  # closed meanwhile
        c = today["counters"]
        text = self.tr("共 {total} 人 · 放行 {p} · 劝返 {r} · 转诊 {f} · 上报 {n} · 发热 {fv} · 重复 {d}")  # noqa: E501
        self.counters_label.setText(text.format(
            total=c["total"], p=c["pass"], r=c["refuse"], f=c["refer"], n=c["notify"],
            fv=c["fever"], d=c["duplicate"]))
        self.today_counters = c
        self.recent.clear()
        for row in today["recent"]:
            when = datetime.fromtimestamp(row["clock_ts"], ZONE).strftime("%H:%M")
            what = v.stored_result_label(row["result"], row["colour"])
            name = mask_name(row["holder_name"]) or "—"
            self.recent.addItem(f"{when}  {what}  {name}  {v.decision_label(row['decision'])}")

    # ------------------------------------------------------------------ lock / close
    def save_draft(self) -> dict[str, Any] | None:
        """Unsaved input (and a save still running) survive a lock."""
        self._suspended = True
        if self.draft is None:
            return None
        self._input_changed()
        return {"screening": self.draft.to_dict(),
                "saving": self.draft.record_id in self.saving}

    def restore_draft(self, draft: dict[str, Any]) -> None:
        """Put back a draft; dropped if its screening was saved meanwhile."""
        self._suspended = False
        data = draft.get("screening")
        if not data:
            return
        restored = v.ScreeningDraft.from_dict(data)

        def back(exists: bool) -> None:
            if not Shiboken.isValid(self):
                return
            if exists:
                self.services.messages.info(self.tr("上一条筛查记录已保存"))
                return
            self.show_verdict(restored)

        self._track(db_op(self.station, lambda c: screening_exists(c, restored.record_id), back,
                          self.services.messages.show_error))

    def pending_saves(self) -> int:
        """Saves sent to the DB thread and not yet answered."""
        return len(self.saving)

    def shutdown(self) -> None:
        """Stop the camera and the key filter; wait (bounded) for saves still running."""
        self.wedge.remove()
        if self.feed is not None:
            self.feed.stop()
            self.feed = None
        pending = [f for f in list(self._futures) if not f.done()]
        if pending:
            done, not_done = wait_futures(pending, timeout=SAVE_WAIT_S)
            if not_done:
                log.error("%d checkpoint operations still running at shutdown", len(not_done))

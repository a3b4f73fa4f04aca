"""The checkpoint workspace: verdicts, proposals, overrides, manual ID, duplicates, the
clock floor, drafts across a lock, and saves that survive closing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt

from app.storage.records.screenings import NewScreening, ScreeningLog
from app.timeutil import parse_iso
from app.ui.checkpoint import verdict as v
from app.ui.checkpoint.sounds import PASS, REFUSE
from app.ui.checkpoint.workspace import CheckpointWorkspace, looks_like_id_number
from tests.helpers import ui_station as fx
from tests.helpers.ui_station import UiStation, code_cases

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station
CASES = code_cases()
ROW = ("SELECT source, format, result, colour, proposal, decision, temperature, fever,"
       " override_reason, duplicate_of, below_floor FROM screenings ORDER BY clock_ts, rowid")


@pytest.fixture
def ws(qtbot, ui_station: UiStation) -> Iterator[CheckpointWorkspace]:
    w = CheckpointWorkspace(ui_station.services, ui_station.session("worker1"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.rules is not None)
    yield w
    w.shutdown()


def scan(qtbot, w: CheckpointWorkspace, text: str, source: str = "wedge") -> v.Verdict:
    with qtbot.waitSignal(w.verdict_shown, timeout=5000) as sig:
        w.handle_scan(text, source)
    return sig.args[0]


def save(qtbot, w: CheckpointWorkspace) -> str:
    with qtbot.waitSignal(w.saved, timeout=5000) as sig:
        qtbot.keyClick(w, Qt.Key.Key_Return)
    return sig.args[0]


def set_temperature(w: CheckpointWorkspace, text: str) -> None:
    w.form.temperature.setText(text)


@pytest.mark.parametrize(("case", "temp", "tone", "proposal"), [
    ("valid-green-es256", "36.5", v.TONE_GREEN, "pass"),
    ("valid-green-es256", "38.1", v.TONE_GREEN, "refer"),
    ("valid-yellow-eddsa", "36.5", v.TONE_YELLOW, "refuse"),
    ("valid-red-card", "", v.TONE_RED, "notify"),
    ("expired-at-exp", "", v.TONE_INVALID, "refuse"),
    ("bad-signature-bitflip", "", v.TONE_INVALID, "refuse"),
    ("revoked", "", v.TONE_INVALID, "refuse"),
    ("unknown-key", "", v.TONE_INVALID, "refuse"),
])
def test_verdict_proposal_and_record(qtbot, ws, ui_station, case, temp, tone, proposal):
    verdict = scan(qtbot, ws, CASES[case])
    assert verdict.tone == tone
    assert ws.panel.tone == tone and ws.panel.block.headline  # words, not colour alone
    set_temperature(ws, temp)
    save(qtbot, ws)
    rows = ui_station.rows(ROW)
    assert len(rows) == 1
    assert rows[0][4] == proposal and rows[0][5] == proposal
    assert ws.draft is None and ws.panel.tone == "idle"


def test_green_needs_a_temperature_first(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    assert "测量体温" in ws.form.proposal_label.text()
    qtbot.keyClick(ws, Qt.Key.Key_Return)
    assert any("人工核验" in text for _, text in ui_station.messages)
    assert ui_station.rows(ROW) == []


def test_keypad_temperature_forms(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "375")  # keypad without the dot: 37.5 → fever
    assert "发热" in ws.form.fever_label.text()
    save(qtbot, ws)
    row = ui_station.rows(ROW)[0]
    assert row[6] == 37.5 and row[7] == 1 and row[5] == "refer"


def test_override_needs_a_reason(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "36.4")
    ws.form.decision.setCurrentIndex(ws.form.decision.findData("refuse"))
    qtbot.keyClick(ws, Qt.Key.Key_Return)
    assert ui_station.rows(ROW) == []
    assert ws.form.reason.hasFocus()
    ws.form.reason.setText("持码人与证件不符")
    save(qtbot, ws)
    row = ui_station.rows(ROW)[0]
    assert row[4:6] == ("pass", "refuse") and row[8] == "持码人与证件不符"


def test_no_code_is_a_manual_check_with_reason(qtbot, ws, ui_station):
    with qtbot.waitSignal(ws.verdict_shown):
        qtbot.keyClick(ws, Qt.Key.Key_F8)
    assert ws.panel.tone == v.TONE_MANUAL
    qtbot.keyClick(ws, Qt.Key.Key_Return)
    assert ui_station.rows(ROW) == []
    ws.form.decision.setCurrentIndex(ws.form.decision.findData("pass"))
    ws.form.reason.setText("老人无智能手机，核对身份证后放行")
    set_temperature(ws, "36.6")
    save(qtbot, ws)
    row = ui_station.rows(ROW)[0]
    assert row[:3] == ("none", "NONE", "MANUAL") and row[4:6] == ("manual", "pass")


def test_manual_id_lookup_listed_and_invalid(qtbot, ws, ui_station):
    ws.id_edit.setFocus()
    ws.id_edit.setText("450103195802142310")  # wrong check character
    qtbot.keyClick(ws.id_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any("身份证号无效" in t for _, t in ui_station.messages))
    assert ws.draft is None
    ws.id_edit.setText("45010319580214231X")
    with qtbot.waitSignal(ws.verdict_shown) as sig:
        qtbot.keyClick(ws.id_edit, Qt.Key.Key_Return)
    verdict = sig.args[0]
    assert verdict.result == "ID_LISTED" and verdict.colour == "red"
    assert verdict.masked_doc == "450***********231X"
    save(qtbot, ws)
    row = ui_station.rows(ROW)[0]
    assert row[:3] == ("manual_id", "ID", "ID_LISTED") and row[5] == "refuse"


def test_id_number_from_a_wedge_goes_to_the_lookup(qtbot, ws):
    assert looks_like_id_number("450305199001010159")
    verdict = scan(qtbot, ws, "450305199001010159")
    assert verdict.result == "ID_NOT_LISTED" and "无不良记录" in verdict.detail


def test_duplicate_scan_is_flagged_and_stored(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "36.5")
    first = save(qtbot, ws)
    ui_station.clock.advance(60)
    verdict = scan(qtbot, ws, CASES["valid-green-es256"])
    assert "duplicate_scan" in verdict.warning_codes and verdict.duplicate_of == first
    assert "扫过" in ws.panel.warnings_label.text()
    set_temperature(ws, "36.5")
    save(qtbot, ws)
    assert ui_station.rows(ROW)[1][9] == first
    qtbot.waitUntil(lambda: "重复 1" in ws.counters_label.text())


def test_clock_wound_back_is_flagged_and_cannot_revive(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "36.5")
    save(qtbot, ws)
    ui_station.clock.advance(3 * 86400)  # the green code has expired by now
    scan(qtbot, ws, CASES["valid-red-card"])
    save(qtbot, ws)  # a record raises the trusted floor
    ui_station.clock.now -= 3 * 86400 + 3600  # wound back
    verdict = scan(qtbot, ws, CASES["valid-green-es256"])
    assert verdict.result == "EXPIRED"
    assert "clock_below_floor" in verdict.warning_codes
    save(qtbot, ws)
    wound_back = [r for r in ui_station.rows(ROW) if r[10] == 1]
    assert len(wound_back) == 1 and wound_back[0][2] == "EXPIRED"


def test_stale_trust_asks_for_a_manual_check(qtbot, ws, ui_station):
    ui_station.clock.now = parse_iso("2026-12-10T08:01:00Z")
    verdict = scan(qtbot, ws, CASES["stale-trust-past-grace"])
    assert verdict.result == "STALE_TRUST" and verdict.tone == v.TONE_MANUAL
    assert "trust_list_stale" in verdict.warning_codes
    assert "人工核验" in ws.form.proposal_label.text()
    ws.form.decision.setCurrentIndex(ws.form.decision.findData("pass"))
    ws.form.reason.setText("电话核实绿码")
    set_temperature(ws, "36.5")
    save(qtbot, ws)
    assert ui_station.rows(ROW)[0][2:6] == ("STALE_TRUST", None, "manual", "pass")


def test_escape_clears_for_the_next_person(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-yellow-eddsa"])
    set_temperature(ws, "36.5")
    with qtbot.waitSignal(ws.cleared):
        qtbot.keyClick(ws.form.temperature, Qt.Key.Key_Escape)
    assert ws.draft is None and ws.form.temperature.text() == ""
    assert ui_station.rows(ROW) == []


def test_next_scan_waits_while_input_is_unsaved(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "36.5")
    ws.handle_scan(CASES["valid-yellow-eddsa"], "camera")
    assert ws.draft.verdict.colour == "green"
    with qtbot.waitSignal(ws.verdict_shown) as sig:
        save(qtbot, ws)
    assert sig.args[0].colour == "yellow"


def test_sounds_distinguish_pass_and_refuse(qtbot, ws):
    scan(qtbot, ws, CASES["valid-green-es256"])
    ws.clear()
    scan(qtbot, ws, CASES["bad-signature-bitflip"])
    assert ws.sounds.played[-2:] == [PASS, REFUSE]
    assert not ws.sounds.available  # no QtMultimedia here: silent, never an error


def test_panel_paints_every_tone(qtbot, ws):
    for case in ("valid-green-es256", "valid-yellow-eddsa", "valid-red-card", "revoked"):
        scan(qtbot, ws, CASES[case])
        assert not ws.grab().isNull()
        ws.clear()
    with qtbot.waitSignal(ws.verdict_shown):
        ws.no_code()
    assert not ws.grab().isNull()


def test_lock_keeps_unsaved_input(qtbot, ui_station):
    worker = ui_station.session("worker1")
    w1 = CheckpointWorkspace(ui_station.services, worker)
    qtbot.addWidget(w1)
    w1.show()
    qtbot.waitUntil(lambda: w1.rules is not None)
    scan(qtbot, w1, CASES["valid-green-es256"])
    set_temperature(w1, "36.7")
    w1.form.symptoms.setChecked(True)
    draft = w1.save_draft()
    w1.shutdown()
    w1.close()
    ui_station.station.lock(worker, "idle")
    again = ui_station.station.unlock("worker1", "worker-pass-1")
    w2 = CheckpointWorkspace(ui_station.services, again)
    qtbot.addWidget(w2)
    w2.show()
    qtbot.waitUntil(lambda: w2.rules is not None)
    with qtbot.waitSignal(w2.verdict_shown):
        w2.restore_draft(draft)
    assert w2.form.temperature.text() == "36.7" and w2.form.symptoms.isChecked()
    save(qtbot, w2)
    rows = ui_station.rows(ROW)
    assert len(rows) == 1 and rows[0][5] == "refer"  # symptoms → refer
    w2.shutdown()


def test_save_running_at_lock_is_not_doubled(qtbot, ui_station):
    worker = ui_station.session("worker1")
    w1 = CheckpointWorkspace(ui_station.services, worker)
    qtbot.addWidget(w1)
    w1.show()
    qtbot.waitUntil(lambda: w1.rules is not None)
    scan(qtbot, w1, CASES["valid-green-es256"])
    set_temperature(w1, "36.5")
    with qtbot.waitSignal(w1.saved):
        w1.confirm()
        draft = w1.save_draft()
        assert draft is not None and draft["saving"]
    w1.shutdown()
    w2 = CheckpointWorkspace(ui_station.services, worker)
    qtbot.addWidget(w2)
    w2.restore_draft(draft)
    qtbot.waitUntil(lambda: any("已保存" in t for _, t in ui_station.messages))
    assert w2.draft is None
    assert len(ui_station.rows(ROW)) == 1
    # and a retried save with the same record id is a no-op in the store
    ScreeningLog(ui_station.station).save(worker, NewScreening(
        source="wedge", format="GX1", result="VALID", proposal="pass", decision="pass",
        rules_version="x", record_id=draft["screening"]["record_id"]))
    assert len(ui_station.rows(ROW)) == 1
    w2.shutdown()


def test_shutdown_waits_for_a_running_save(qtbot, ws, ui_station):
    scan(qtbot, ws, CASES["valid-green-es256"])
    set_temperature(ws, "36.5")
    ws.confirm()
    ws.shutdown()  # no event processing in between
    assert len(ui_station.rows(ROW)) == 1


def test_a_worker_without_screening_rights_sees_a_locked_screen(qtbot, ui_station):
    w = CheckpointWorkspace(ui_station.services, ui_station.session("clinic1"))
    qtbot.addWidget(w)
    w.show()
    assert not w.form.isEnabled() and not w.id_edit.isEnabled()
    assert w.denied_label.isVisible()
    w.handle_scan(CASES["valid-green-es256"], "wedge")
    assert w.draft is None
    w.shutdown()


def test_recent_list_words_not_codes():
    from app.ui.checkpoint.verdict import stored_result_label

    assert stored_result_label("VALID", "green") == "绿码"
    assert stored_result_label("EXPIRED") == "已过期"
    assert stored_result_label("ID_NOT_LISTED") == "无不良记录"
    assert stored_result_label("MANUAL") == "人工核验"
    assert stored_result_label("SOMETHING_NEW") == "SOMETHING_NEW"

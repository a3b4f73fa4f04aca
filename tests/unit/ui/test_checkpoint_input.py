"""Checkpoint input paths: recorded camera frames, handheld-scanner keystrokes, a person
typing at the same time, and scanner layout problems."""

from __future__ import annotations

import time
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import Qt

from app.scanner.sources import RecordedFrameSource
from app.ui.checkpoint.camera import frame_to_qimage
from app.ui.checkpoint.workspace import CheckpointWorkspace
from tests.helpers import ui_station as fx
from tests.helpers.ui_station import UiStation, code_cases, frame_with

checkpoint_template = fx.checkpoint_template  # fixtures
ui_station = fx.ui_station
CASES = code_cases()


def make_ws(qtbot, env: UiStation) -> CheckpointWorkspace:
    w = CheckpointWorkspace(env.services, env.session("worker1"))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.rules is not None)
    return w


@pytest.fixture
def ws(qtbot, ui_station: UiStation) -> Iterator[CheckpointWorkspace]:
    w = make_ws(qtbot, ui_station)
    yield w
    w.shutdown()


def test_recorded_frames_reach_the_verdict_once(qtbot, ui_station):
    blank = np.full((720, 960, 3), 190, np.uint8)
    green = frame_with(CASES["valid-green-es256"])
    frames = [blank, blank, green, green, green, blank]
    source = RecordedFrameSource(frames, fps=30)
    ui_station.services.make_frame_source = lambda: source
    w = make_ws(qtbot, ui_station)
    verdicts = []
    w.verdict_shown.connect(verdicts.append)
    w.activate()
    qtbot.waitUntil(lambda: len(verdicts) == 1, timeout=10000)
    assert verdicts[0].source == "camera" and verdicts[0].tone == "green"
    qtbot.waitUntil(lambda: w.preview.frames_painted > 0)
    qtbot.waitUntil(lambda: not w.feed.running, timeout=10000)
    assert len(verdicts) == 1  # one event per presentation
    w.shutdown()
    assert w.feed is None


def test_no_camera_says_so(qtbot, ws):
    ws.activate()
    assert "扫码枪" in ws.preview.message


def test_frame_wrapping_formats():
    for shape in ((4, 6), (4, 6, 3), (4, 6, 4)):
        img = frame_to_qimage(np.zeros(shape, np.uint8))
        assert (img.width(), img.height()) == (6, 4)


def test_scanner_keystrokes_into_the_temperature_field_become_a_scan(qtbot, ws, ui_station):
    ws.form.temperature.setEnabled(True)
    ws.form.temperature.setFocus()
    with qtbot.waitSignal(ws.verdict_shown, timeout=5000) as sig:
        qtbot.keyClicks(ws.form.temperature, CASES["valid-yellow-eddsa"])
        qtbot.keyClick(ws.form.temperature, Qt.Key.Key_Return)
    assert sig.args[0].source == "wedge" and sig.args[0].colour == "yellow"
    assert ws.form.temperature.text() == ""  # no scanner text leaked into the field


def test_a_person_typing_reaches_the_field_and_enter_saves(qtbot, ws, ui_station):
    with qtbot.waitSignal(ws.verdict_shown, timeout=5000):
        qtbot.keyClicks(ws, CASES["valid-green-es256"])
        qtbot.keyClick(ws, Qt.Key.Key_Return)
    assert ws.form.temperature.hasFocus()
    for ch in "36.6":  # a person: 120 ms between keys
        qtbot.keyClick(ws.form.temperature, ch)
        time.sleep(0.12)
        qtbot.wait(1)
    qtbot.waitUntil(lambda: ws.form.temperature.text() == "36.6")
    with qtbot.waitSignal(ws.saved, timeout=5000):
        qtbot.keyClick(ws.form.temperature, Qt.Key.Key_Enter, Qt.KeyboardModifier.KeypadModifier)
    row = ui_station.rows("SELECT source, temperature, decision FROM screenings")
    assert row == [("wedge", 36.6, "pass")]


def test_fast_short_typing_is_not_taken_for_a_scan(qtbot, ws, ui_station):
    with qtbot.waitSignal(ws.verdict_shown, timeout=5000):
        ws.handle_scan(CASES["valid-green-es256"], "wedge")
    with qtbot.waitSignal(ws.saved, timeout=5000):
        qtbot.keyClicks(ws.form.temperature, "36.5")  # fast, but far too short for a code
        qtbot.keyClick(ws.form.temperature, Qt.Key.Key_Return)
    assert ui_station.rows("SELECT temperature FROM screenings") == [(36.5,)]


def test_caps_lock_burst_is_diagnosed_and_repaired(qtbot, ws, ui_station):
    altered = CASES["valid-green-es256"].swapcase()
    qtbot.keyClicks(ws, altered)
    qtbot.keyClick(ws, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: ws.repair_button.isVisible())
    assert ws.draft is None
    assert any(level == "warning" for level, _ in ui_station.messages)
    with qtbot.waitSignal(ws.verdict_shown, timeout=5000) as sig:
        ws.repair_button.click()
    assert sig.args[0].colour == "green"

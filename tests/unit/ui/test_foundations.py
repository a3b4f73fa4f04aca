"""The UI foundations: callbacks always arrive later on the GUI thread; Qt bindings that leak
references on every signal are refused; collection runs on the GUI thread."""

from __future__ import annotations

import gc
import sys
import threading

import PySide6
from PySide6.QtCore import QObject, Signal

from app.ui.collector import GuiThreadCollector
from app.ui.ops import background_op, db_op
from tests.helpers.station_fixtures import OpenStation


class _Emitter(QObject):
    fired = Signal()
    carried = Signal(object)


def test_signal_emits_do_not_leak_references(qapp) -> None:  # noqa: ANN001
    emitter = _Emitter()
    emitter.fired.connect(lambda: None)
    emitter.carried.connect(lambda value: None)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for i in range(500):
        emitter.fired.emit()
        emitter.carried.emit(i)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert [b - a for a, b in zip(before, after, strict=True)] == [0, 0], (
        f"PySide6 {PySide6.__version__} loses references on signal emits")


def test_db_op_callback_is_never_synchronous(qtbot, open_station: OpenStation) -> None:  # noqa: ANN001
    fut = open_station.station.db.submit(lambda c: 1)
    fut.result()
    seen: list[tuple[str, object]] = []
    db_op(open_station.station, lambda c: 41 + 1,
          on_done=lambda v: seen.append((threading.current_thread().name, v)))
    assert seen == []  # not inside db_op, even when the DB thread is quick
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen == [(threading.main_thread().name, 42)]


def test_background_op_reports_errors_on_the_gui_thread(qtbot) -> None:  # noqa: ANN001
    errors: list[BaseException] = []

    def boom() -> None:
        raise ValueError("磁盘已满")

    background_op(boom, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors), timeout=5000)
    assert isinstance(errors[0], ValueError)


def test_collector_turns_automatic_collection_off_and_collects(qtbot) -> None:  # noqa: ANN001
    collector = GuiThreadCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        for _ in range(3000):
            a: list[object] = []
            a.append(a)  # a cycle only the collector frees
        qtbot.waitUntil(lambda: gc.get_count()[0] < 700, timeout=5000)
    finally:
        collector.stop()
    assert gc.isenabled()

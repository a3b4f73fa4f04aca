"""Background operations with success, failure and progress callbacks on the GUI thread.

``db_op`` runs a function of the connection on the store's DB thread; ``background_op``
runs any function on a Qt thread pool (network, exports, decoding). Either way the GUI
thread never waits: callbacks arrive through a queued signal. Long work publishes progress
through a :class:`Progress` object that the worker updates and the UI polls on a timer;
the progress display appears only after ``PROGRESS_DELAY_MS``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal

from app.errors import Cancelled
from app.storage.station import Station

PROGRESS_DELAY_MS = 500


@dataclass
class Progress:
    """Shared between a worker (writes) and the UI (reads); ``cancel()`` asks it to stop."""

    done: int = 0
    total: int = 0
    label: str = ""
    started: float = field(default_factory=time.monotonic)
    _cancel: threading.Event = field(default_factory=threading.Event)

    def update(self, done: int, total: int | None = None, label: str | None = None) -> None:
        """Worker side: publish progress and stop here if cancelled."""
        self.done = done
        if total is not None:
            self.total = total
        if label is not None:
            self.label = label
        self.check()

    def cancel(self) -> None:
        """UI side: ask the worker to stop."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """Whether cancellation was asked for."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise Cancelled if asked to stop."""
        if self._cancel.is_set():
            raise Cancelled()


class _Deliver(QObject):
    """Lives in the GUI thread; a queued signal hops results over to it.

    Always queued, also when the work finished before the callback was attached and the
    signal is emitted from the GUI thread itself: a caller never sees its callback run
    inside ``db_op``.
    """

    done = Signal(object, object)  # (callback, value)

    def __init__(self) -> None:
        super().__init__()
        self.done.connect(self._call, Qt.ConnectionType.QueuedConnection)

    @staticmethod
    def _call(callback: Callable[[Any], None], value: Any) -> None:
        callback(value)


_deliver: _Deliver | None = None
_live: set[Any] = set()


def _bridge() -> _Deliver:
    global _deliver
    if _deliver is None:
        _deliver = _Deliver()
    return _deliver


def _on_future(fut: Future[Any], on_done: Callable[[Any], None] | None,
               on_error: Callable[[BaseException], None] | None) -> None:
    bridge = _bridge()

    def finished(f: Future[Any]) -> None:
        exc = f.exception()
        if exc is None:
            if on_done is not None:
                bridge.done.emit(on_done, f.result())
        elif on_error is not None:
            bridge.done.emit(on_error, exc)

    fut.add_done_callback(finished)


def db_op(station: Station, fn: Callable[[Any], Any],
          on_done: Callable[[Any], None] | None = None,
          on_error: Callable[[BaseException], None] | None = None) -> Future[Any]:
    """Run ``fn(conn)`` on the DB thread; callbacks arrive on the GUI thread."""
    fut = station.db.submit(fn)
    _on_future(fut, on_done, on_error)
    return fut


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[[], Any], fut: Future[Any]) -> None:
        super().__init__()
        self.fn = fn
        self.fut = fut

    def run(self) -> None:
        if not self.fut.set_running_or_notify_cancel():
            return
        try:
            self.fut.set_result(self.fn())
        except BaseException as exc:  # noqa: BLE001 - delivered to on_error
            self.fut.set_exception(exc)


def background_op(fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None,
                  pool: QThreadPool | None = None) -> Future[Any]:
    """Run ``fn()`` on a worker thread; callbacks arrive on the GUI thread."""
    fut: Future[Any] = Future()
    _on_future(fut, on_done, on_error)
    (pool or QThreadPool.globalInstance()).start(_Runnable(fn, fut))
    return fut


class ProgressPoller(QObject):
    """Polls a Progress on a timer; ``show_progress`` fires only after the delay.

    Signals: ``show_progress()`` once the work has run longer than the delay,
    ``tick(done, total, label)`` on every poll after that.
    """

    show_progress = Signal()
    tick = Signal(int, int, str)

    def __init__(self, progress: Progress, parent: QObject | None = None,
                 delay_ms: int = PROGRESS_DELAY_MS, interval_ms: int = 100) -> None:
        super().__init__(parent)
        self.progress = progress
        self._shown = False
        self._delay = delay_ms / 1000
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._poll)
        self._timer.start()

    def _poll(self) -> None:
        if not self._shown and time.monotonic() - self.progress.started >= self._delay:
            self._shown = True
            self.show_progress.emit()
        if self._shown:
            p = self.progress
            self.tick.emit(p.done, p.total, p.label)

    def stop(self) -> None:
        """Stop polling (call when the work has finished)."""
        self._timer.stop()

"""Automatic lock after idle time, watched through an application-wide event filter.

Any key, mouse button, wheel or touch event anywhere in the application counts as
activity. A coarse timer compares the time since the last activity with the limit (the
station setting ``IDLE_LOCK_MINUTES``), so a stream of mouse moves costs one timestamp each.

Signals: ``idle()`` once when the limit is reached (then the watcher pauses until
``start`` is called again).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

ACTIVITY_EVENTS = frozenset({
    QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease, QEvent.Type.MouseButtonDblClick, QEvent.Type.MouseMove,
    QEvent.Type.Wheel, QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate,
    QEvent.Type.InputMethod,
})


class IdleWatcher(QObject):
    """Emits ``idle`` after ``timeout_ms`` without user input while started."""

    idle = Signal()

    def __init__(self, timeout_ms: int, parent: QObject | None = None,
                 check_ms: int | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__(parent)
        self._monotonic = monotonic
        self._timeout_s = timeout_ms / 1000
        self._last = monotonic()
        self._timer = QTimer(self)
        self._timer.setInterval(check_ms if check_ms is not None
                                else max(50, min(5000, timeout_ms // 10)))
        self._timer.timeout.connect(self._check)
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @staticmethod
    def minutes_to_ms(minutes: float) -> int:
        """A setting in minutes as a timeout."""
        return int(minutes * 60_000)

    @property
    def timeout_ms(self) -> int:
        """The current limit."""
        return int(self._timeout_s * 1000)

    def set_timeout_ms(self, timeout_ms: int) -> None:
        """Change the limit (takes effect at the next check)."""
        self._timeout_s = timeout_ms / 1000
        interval = max(50, min(5000, timeout_ms // 10))
        if self._timer.isActive():
            # restart explicitly: changing the interval of a running timer is not reliable
            self._timer.stop()
            self._timer.start(interval)
        else:
            self._timer.setInterval(interval)

    def start(self) -> None:
        """Watch from now on."""
        self._last = self._monotonic()
        self._timer.start()

    def stop(self) -> None:
        """Stop watching (while locked or signed out)."""
        self._timer.stop()

    @property
    def active(self) -> bool:
        """Whether the watcher is running."""
        return self._timer.isActive()

    def poke(self) -> None:
        """Count as activity now."""
        self._last = self._monotonic()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        """Note user input; never consumes the event."""
        if event.type() in ACTIVITY_EVENTS:
            self._last = self._monotonic()
        return False

    def _check(self) -> None:
        if self._monotonic() - self._last >= self._timeout_s:
            self._timer.stop()
            self.idle.emit()

    def shutdown(self) -> None:
        """Remove the event filter (before the application ends)."""
        self._timer.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

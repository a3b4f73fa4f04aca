"""A busy indicator for work of unknown length.

A plain ``QProgressBar`` with range (0, 0) lets the style run an animation that crashed
the app here when the bar's window was torn down mid-animation (seen with Qt 6.11 during
sign-in). This bar is determinate and moves itself on a timer while it is visible, so no
style animation is involved.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import QProgressBar, QWidget

STEPS = 40


class BusyBar(QProgressBar):
    """A thin bar that sweeps while shown; ``set_total`` turns it into a real progress bar."""

    def __init__(self, parent: QWidget | None = None, interval_ms: int = 50) -> None:
        super().__init__(parent)
        self.setRange(0, STEPS)
        self.setTextVisible(False)
        self._sweeping = True
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._step)

    def _step(self) -> None:
        self.setValue((self.value() + 1) % (STEPS + 1))

    def set_total(self, done: int, total: int) -> None:
        """Show real progress from now on (``total`` > 0)."""
        self._sweeping = False
        self._timer.stop()
        self.setRange(0, total)
        self.setValue(min(done, total))

    def reset_busy(self) -> None:
        """Back to sweeping (work of unknown length)."""
        self._sweeping = True
        self.setRange(0, STEPS)
        self.setValue(0)
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        if self._sweeping:
            self._timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self._timer.stop()
        super().hideEvent(event)

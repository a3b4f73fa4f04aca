"""Python's cyclic garbage collection, run on the GUI thread only.

The store's DB thread, the scanner's threads and the sync scheduler all allocate Python
objects; if automatic collection happens to run on one of them it may free a Qt object
that belongs to the GUI thread, which Qt does not allow. So automatic collection is off
and a timer on the GUI thread collects whenever a generation has passed its threshold.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    """Turns automatic collection off and collects from a GUI-thread timer."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_if_due)
        self._timer.start()

    def collect_if_due(self) -> int:
        """Collect the oldest generation whose count has passed its threshold."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                return gc.collect(generation)
        return 0

    def stop(self) -> None:
        """Stop the timer and give collection back to Python."""
        self._timer.stop()
        gc.enable()

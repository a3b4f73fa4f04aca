"""Runtime hook of the packaged programs: times the desktop app's first window.

Inactive unless ``GRIDDESK_FIRST_WINDOW=1`` (set only by ``installer/time_first_window.py``).
Then the QApplication the app creates is a subclass that watches for the first top-level
window that becomes exposed (shown on screen, or on the offscreen platform), prints
``GRIDDESK_FIRST_WINDOW ms=<since the interpreter started> title=<window title>`` on
standard output and ends the event loop. The app's own code is not changed.
"""

import os
import sys


def _griddesk_watch_first_window() -> None:
    import threading
    import time

    from PySide6 import QtCore, QtGui, QtWidgets

    started = time.perf_counter()
    base = QtWidgets.QApplication

    class FirstWindowWatch(QtCore.QObject):
        def __init__(self, qapp: "QtWidgets.QApplication") -> None:
            super().__init__()
            self.qapp = qapp
            self.seen = False

        def eventFilter(self, obj: QtCore.QObject, event: QtCore.QEvent) -> bool:
            if (not self.seen and event.type() == QtCore.QEvent.Type.Expose
                    and isinstance(obj, QtGui.QWindow) and obj.isExposed()):
                self.seen = True
                ms = (time.perf_counter() - started) * 1000
                title = obj.title().replace(" ", "_") or type(obj).__name__
                sys.stdout.write(f"GRIDDESK_FIRST_WINDOW ms={ms:.0f} title={title}\n")
                sys.stdout.flush()
                # Let the window finish its first paint, then leave without closing it.
                QtCore.QTimer.singleShot(200, lambda: self.qapp.exit(0))
                watchdog = threading.Timer(15.0, lambda: os._exit(0))
                watchdog.daemon = True
                watchdog.start()
            return False

    class TimedApplication(base):  # type: ignore[misc, valid-type]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._griddesk_watch = FirstWindowWatch(self)
            self.installEventFilter(self._griddesk_watch)

    QtWidgets.QApplication = TimedApplication  # type: ignore[misc]


if (os.environ.get("GRIDDESK_FIRST_WINDOW") == "1"
        and os.path.basename(sys.executable).startswith("griddesk-desktop")):
    _griddesk_watch_first_window()

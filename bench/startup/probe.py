"""One timed start of the app (run by ``measure.py``; not useful alone).

Starts exactly like ``main.py`` (``app.ui.app``), prints JSON lines with wall-clock times:
``login`` when the sign-in page first paints, ``submit`` when the password is submitted,
``unlocked`` when the password check (Argon2id) and opening the store are done, ``ready``
when the first workspace (the checkpoint for a worker) first paints after
sign-in. Then quits.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def emit(event: str) -> None:
    print(json.dumps({"event": event, "t": time.time()}), flush=True)


def main() -> int:
    data_dir, user, password, typing_ms = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    from PySide6.QtCore import QEvent, QObject, QTimer

    from app.ui.app import build

    class FirstPaint(QObject):
        def __init__(self, name: str, then: object = None) -> None:
            super().__init__()
            self.name, self.then, self.fired = name, then, False

        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if not self.fired and event.type() == QEvent.Type.Paint:
                self.fired = True
                emit(self.name)
                if callable(self.then):
                    self.then()
            return False

    shell = build(["--data-dir", data_dir])
    keep: list[QObject] = []

    def on_window(window: object) -> None:
        w = window  # MainWindow

        def submit() -> None:
            w.login.username.setText(user)  # type: ignore[attr-defined]
            w.login.password.setText(password)  # type: ignore[attr-defined]
            emit("submit")
            w.login.submit.click()  # type: ignore[attr-defined]

        login_paint = FirstPaint("login", lambda: QTimer.singleShot(typing_ms, submit))
        w.login.installEventFilter(login_paint)  # type: ignore[attr-defined]
        keep.append(login_paint)

        def on_ready(workspace_id: str) -> None:
            widget = w.tabs.workspace(workspace_id)  # type: ignore[attr-defined]
            ready = FirstPaint("ready", lambda: QTimer.singleShot(0, shell.qapp.quit))
            keep.append(ready)
            widget.installEventFilter(ready)
            widget.update()

        w.workspace_ready.connect(on_ready)  # type: ignore[attr-defined]
        station = w.services.station  # type: ignore[attr-defined]
        unlock = station.unlock

        def timed_unlock(*args: object) -> object:  # runs on the worker thread
            session = unlock(*args)
            emit("unlocked")
            return session

        station.unlock = timed_unlock

    shell.window_ready.connect(on_window)
    shell.start()
    QTimer.singleShot(30000, shell.qapp.quit)
    try:
        return shell.qapp.exec()
    finally:
        shell.shutdown()


if __name__ == "__main__":
    sys.exit(main())

"""One entry point for user-facing messages.

Core code raises; the UI calls ``messages.show_error(exc)`` or ``messages.info(text)``. Every
message is logged and emitted as a signal, so widgets decide how to show it (status bar,
dialog, the record itself) and tests can capture messages without a screen.

Signals: ``message(level: str, text: str)`` with level ``info`` | ``warning`` | ``error``.
"""

from __future__ import annotations

import logging
import traceback

from PySide6.QtCore import QObject, Signal

from app.errors import BugError, Cancelled, KnownError

log = logging.getLogger("griddesk.messages")


class MessageBus(QObject):
    """Logs and broadcasts messages for the person at the screen."""

    message = Signal(str, str)

    def info(self, text: str) -> None:
        """A neutral message."""
        log.info("%s", text)
        self.message.emit("info", text)

    def warning(self, text: str) -> None:
        """Something the person should notice."""
        log.warning("%s", text)
        self.message.emit("warning", text)

    def error(self, text: str) -> None:
        """Something failed."""
        log.error("%s", text)
        self.message.emit("error", text)

    def show_error(self, exc: BaseException) -> None:
        """Dispatch an exception: known faults by their message, bugs with a plea to report."""
        if isinstance(exc, Cancelled):
            self.info(self.tr("已取消"))
        elif isinstance(exc, KnownError):
            self.error(str(exc))
        else:
            detail = "".join(traceback.format_exception(exc))
            log.error("unexpected error\n%s", detail)
            kind = "BugError" if isinstance(exc, BugError) else type(exc).__name__
            self.error(self.tr("程序内部错误（{kind}），已记录日志，请联系技术支持。").format(kind=kind))

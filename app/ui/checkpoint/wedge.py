"""Feeds the keys typed into the checkpoint screen to the keyboard-wedge assembler.

A handheld scanner types into whichever field has focus. This application-wide event
filter takes every character key aimed at the screen, hands it with its time to
:class:`app.scanner.wedge.WedgeAssembler`, and acts on the answer: a scan is emitted as a
signal (and never reaches the field), a layout problem is emitted with its diagnosis, and a
person's typing is replayed to the focused field in the original order. Keys are held back
at most the assembler's gap (50 ms) plus one poll.

Signals: ``scanned(str)``, ``layout_problem(object)`` (a ``LayoutDiagnosis``).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QWidget

from app.scanner.wedge import WedgeAssembler, WedgeLayoutProblem, WedgeOutput, WedgeScan

_TERMINATOR_KEYS = {Qt.Key.Key_Return: "\r", Qt.Key.Key_Enter: "\r", Qt.Key.Key_Tab: "\t"}


def key_char(event: QKeyEvent) -> str | None:
    """The character a key press contributes to a burst, or None for other keys."""
    key = Qt.Key(event.key())
    if key in _TERMINATOR_KEYS:
        return _TERMINATOR_KEYS[key]
    mods = event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier
                                 | Qt.KeyboardModifier.KeypadModifier)
    if mods != Qt.KeyboardModifier.NoModifier:
        return None
    text = event.text()
    if len(text) == 1 and text.isprintable():
        return text
    return None


def _key_for(char: str) -> int:
    if char == "\r":
        return int(Qt.Key.Key_Return.value)
    if char == "\t":
        return int(Qt.Key.Key_Tab.value)
    code = ord(char.upper()) if char.isascii() else 0
    return code if 0x20 <= code <= 0x7E else int(Qt.Key.Key_unknown.value)


class WedgeKeyFilter(QObject):
    """Splits scanner bursts from typing for the widgets under ``root`` (see module doc)."""

    scanned = Signal(str)
    layout_problem = Signal(object)

    def __init__(self, root: QWidget, assembler: WedgeAssembler | None = None,
                 poll_ms: int = 20, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(root)
        self.root = root
        self.assembler = assembler or WedgeAssembler()
        self.enabled = True
        self._clock = clock
        self._replaying = False
        self._target: QWidget | None = None
        self._installed = False
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self._poll)

    def install(self) -> None:
        """Start filtering (application-wide; only keys aimed at ``root`` are touched)."""
        app = QCoreApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True

    def remove(self) -> None:
        """Stop filtering; keys held back are delivered as typing."""
        self._poll(force=True)
        app = QCoreApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False
        self._timer.stop()

    def _ours(self, obj: QObject) -> bool:
        if not isinstance(obj, QWidget):
            return False
        return obj is self.root or self.root.isAncestorOf(obj)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (self._replaying or not self.enabled or event.type() != QEvent.Type.KeyPress
                or not self._ours(obj)):
            return False
        assert isinstance(event, QKeyEvent)
        char = key_char(event)
        if char is None:
            # Another key (arrows, Backspace, Esc, F-keys): deliver held keys first, in order.
            if self.assembler.pending:
                self._handle(self.assembler.poll(float("inf")))
            return False
        was_pending = self.assembler.pending
        now = self._clock()
        if not was_pending:
            self._target = obj if isinstance(obj, QWidget) else None
        outputs = self.assembler.feed(char, now)
        if not was_pending and char in ("\r", "\t") and not self.assembler.pending:
            return False  # a lone Enter or Tab: let the original event through untouched
        self._handle(outputs)
        if self.assembler.pending:
            self._timer.start()
        return True

    def _poll(self, force: bool = False) -> None:
        now = float("inf") if force else self._clock()
        self._handle(self.assembler.poll(now))
        if not self.assembler.pending:
            self._timer.stop()

    def _handle(self, outputs: list[WedgeOutput]) -> None:
        for out in outputs:
            if isinstance(out, WedgeScan):
                self.scanned.emit(out.text)
            elif isinstance(out, WedgeLayoutProblem):
                self.layout_problem.emit(out.diagnosis)
            else:
                self._replay(out.text)

    def _replay(self, text: str) -> None:
        focus = QApplication.focusWidget()
        target = focus if focus is not None and self._ours(focus) else self._target
        if target is None:
            target = self.root
        self._replaying = True
        try:
            for ch in text:
                key = _key_for(ch)
                for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                    ev = QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier,
                                   "" if ch in "\r\t" else ch)
                    QCoreApplication.sendEvent(target, ev)
                # Enter or Tab may move the focus: later characters follow it.
                focus = QApplication.focusWidget()
                if focus is not None and self._ours(focus):
                    target = focus
        finally:
            self._replaying = False

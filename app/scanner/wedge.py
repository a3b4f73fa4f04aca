"""Keyboard-wedge (USB handheld) scanners: telling a scanner's key burst from a person typing.

A handheld scanner types the code as keystrokes a few milliseconds apart and usually ends
with Enter; a person types 100 ms or more apart. :class:`WedgeAssembler` is pure: the
checkpoint screen feeds it every key character with the event's timestamp and calls
:meth:`WedgeAssembler.poll` from a timer (every ~20 ms); it answers with

- :class:`WedgeScan`: one scan, to be handled exactly like a camera scan;
- :class:`WedgeLayoutProblem`: a burst that a layout or input-method setting altered, with
  the message telling the worker how to fix it (see :mod:`app.scanner.layouts`);
- :class:`WedgeTyping`: keys a person typed, to be delivered to the focused field as is.

Keys are held back at most ``max_gap_s`` (plus the poll period) before they are released
as typing, which a person does not notice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.scanner.layouts import LayoutDiagnosis, check_wedge_text

TERMINATORS = frozenset({"\r", "\n", "\t"})


@dataclass(frozen=True)
class WedgeScan:
    """A complete scan typed by a handheld scanner."""

    text: str
    started_at: float
    ended_at: float


@dataclass(frozen=True)
class WedgeLayoutProblem:
    """A scanner burst whose characters show a layout or input-method problem."""

    diagnosis: LayoutDiagnosis
    started_at: float
    ended_at: float


@dataclass(frozen=True)
class WedgeTyping:
    """Characters a person typed (including a terminator such as Enter), in order."""

    text: str


WedgeOutput = WedgeScan | WedgeLayoutProblem | WedgeTyping


@dataclass
class WedgeAssembler:
    """Groups (character, timestamp) key events into scanner bursts; see the module doc.

    ``max_gap_s``: the longest pause between two keys of one burst (scanners: 1–20 ms;
    people rarely sustain under 60 ms). ``min_length``: the shortest text taken as a scan
    (every known code is far longer; a person's fast "36.5" + Enter stays typing).
    """

    max_gap_s: float = 0.05
    min_length: int = 8
    _chars: list[str] = field(default_factory=list, init=False)
    _first: float = field(default=0.0, init=False)
    _last: float = field(default=0.0, init=False)

    def feed(self, char: str, at: float) -> list[WedgeOutput]:
        """One key's text (one character, or ``"\\r"`` for Enter) at time ``at`` (seconds)."""
        out: list[WedgeOutput] = []
        if self._chars and at - self._last > self.max_gap_s:
            out.extend(self._flush(terminator=""))
        if char in TERMINATORS:
            if self._chars:
                self._last = at
                out.extend(self._flush(terminator=char))
            else:
                out.append(WedgeTyping(char))
            return out
        if not char:
            return out
        if not self._chars:
            self._first = at
        self._chars.append(char)
        self._last = at
        return out

    def poll(self, now: float) -> list[WedgeOutput]:
        """Call from a timer: ends a burst after a pause (scanners set to send no Enter)."""
        if self._chars and now - self._last > self.max_gap_s:
            return self._flush(terminator="")
        return []

    @property
    def pending(self) -> bool:
        """Whether keys are being held back."""
        return bool(self._chars)

    def _flush(self, terminator: str) -> list[WedgeOutput]:
        text = "".join(self._chars)
        self._chars = []
        if len(text) < self.min_length:
            return [WedgeTyping(text + terminator)]
        diagnosis = check_wedge_text(text)
        if diagnosis is not None:
            return [WedgeLayoutProblem(diagnosis, self._first, self._last)]
        return [WedgeScan(text, self._first, self._last)]

"""The few exception classes the app raises on purpose, dispatched in one place.

- :class:`KnownError`: a fault we can explain to the person in front of the screen
  (wrong password, disk full, server down, bad file). Carries the message to show.
- :class:`AccessDenied`: a role boundary; a KnownError, and always audited by the caller.
- :class:`Cancelled`: the user or a shutdown asked a long operation to stop.
- :class:`BugError`: an internal inconsistency; shown as "please report" and logged in full.
"""

from __future__ import annotations


class KnownError(Exception):
    """A fault with a plain-language explanation (Simplified Chinese first)."""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}（{self.hint}）" if self.hint else self.message


class AccessDenied(KnownError):
    """The current user's role does not allow the requested action."""


class Cancelled(Exception):
    """A long-running operation stopped because it was asked to."""


class BugError(Exception):
    """Something that cannot happen did; never caused by the user's input."""

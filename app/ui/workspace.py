"""The base of every workspace (checkpoint, isolation and aid, reports, admin).

A workspace is given the services and the signed-in session. The window calls
``activate`` when it is shown, and before a lock or user switch asks ``save_draft`` so
half-typed input survives (``restore_draft`` after the next unlock).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

from app.storage.roles import Session
from app.ui.services import Services


class Workspace(QWidget):
    """Base class; subclasses set ``workspace_id`` and implement ``title``."""

    workspace_id = "base"

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.session = session
        self.setObjectName(f"workspace-{self.workspace_id}")

    def title(self) -> str:
        """The tab title (translated)."""
        raise NotImplementedError

    def activate(self) -> None:
        """Called when the workspace becomes visible; refresh lists here."""

    def save_draft(self) -> dict[str, Any] | None:
        """Unsaved input to keep across a lock (None when there is none)."""
        return None

    def restore_draft(self, draft: dict[str, Any]) -> None:
        """Put back what ``save_draft`` returned."""

    def shutdown(self) -> None:
        """Stop timers, threads and cameras before the window closes."""

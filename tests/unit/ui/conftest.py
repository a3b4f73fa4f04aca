"""Fixtures for the shell, set-up and administration tests: a locked station copy behind
real services, and stand-in workspaces that keep a draft."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from app.preferences import Preferences
from app.storage.roles import Role, Session
from app.storage.station import Station
from app.ui.messages import MessageBus
from app.ui.services import Services
from app.ui.workspace import Workspace
from tests.helpers.station_fixtures import FAST, PASSWORDS


class DraftWorkspace(Workspace):
    """A workspace with one text field whose content is its draft."""

    workspace_id = "fake"
    built: list[DraftWorkspace] = []

    def __init__(self, services: Services, session: Session,
                 parent: QWidget | None = None) -> None:
        super().__init__(services, session, parent)
        self.entry = QLineEdit()
        self.entry.setObjectName(f"entry-{self.workspace_id}")
        QVBoxLayout(self).addWidget(self.entry)
        self.shut = False
        DraftWorkspace.built.append(self)

    def title(self) -> str:
        return f"T-{self.workspace_id}"

    def save_draft(self) -> dict[str, Any] | None:
        return {"text": self.entry.text()} if self.entry.text() else None

    def restore_draft(self, draft: dict[str, Any]) -> None:
        self.entry.setText(draft["text"])

    def shutdown(self) -> None:
        self.shut = True


def _kind(name: str) -> type[DraftWorkspace]:
    return type(f"Fake{name.title()}", (DraftWorkspace,), {"workspace_id": name})


FAKE_PATHS = {name: _kind(name) for name in ("checkpoint", "cases", "reports")}


@dataclass
class Shelled:
    """A locked station behind services, ready for a main window."""

    station: Station
    services: Services
    path: Path

    def workspace_paths(self, admin: bool = True) -> dict[str, Any]:
        """Stand-in workspaces for checkpoint, cases and reports; the real admin workspace."""
        paths: dict[str, Any] = dict(FAKE_PATHS)
        paths["admin"] = "app.ui.admin.workspace:AdminWorkspace" if admin else _kind("admin")
        return paths


@pytest.fixture
def shelled(station_dir: Path, tmp_path: Path) -> Iterator[Shelled]:
    """A fresh station copy, locked, with services (no sync, no camera)."""
    DraftWorkspace.built.clear()
    station = Station.open(station_dir, kdf=FAST)
    prefs = Preferences(path=tmp_path / "prefs" / "preferences.json")
    services = Services(station=station, preferences=prefs, messages=MessageBus())
    yield Shelled(station, services, station_dir)
    station.close()


@pytest.fixture
def unlocked(shelled: Shelled) -> Shelled:
    """The same, with the store open (one admin unlock, then locked again)."""
    session = shelled.station.unlock("admin", PASSWORDS["admin"])
    shelled.station.lock(session, "test")
    return shelled


ROLE_USERS = {Role.WORKER: "worker1", Role.CLINIC: "clinic1", Role.SUPERVISOR: "super1",
              Role.ADMIN: "admin"}


@pytest.fixture(scope="session")
def english_built() -> None:
    """The English catalogue compiled (the set-up script normally does this)."""
    from app.ui import i18n_build

    qm = i18n_build.TS_DIR / "griddesk_en.qm"
    ts = i18n_build.TS_DIR / "griddesk_en.ts"
    if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
        i18n_build.release()

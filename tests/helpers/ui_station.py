"""A checkpoint-ready station for the UI tests: GX1 trust material installed from the shared
vectors, a controllable clock set to the vectors' moment, one user per role, and the
``Services`` a workspace is given. (Shared by the workflow and workspace tests; holds no
tests itself.)"""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app.codes.checkpoint import install_files
from app.preferences import Preferences
from app.storage.roles import Session
from app.storage.station import Station
from app.storage.users import add_user
from app.timeutil import parse_iso
from app.ui.messages import MessageBus
from app.ui.services import Services
from tests.helpers.frames import code_image
from tests.helpers.station_fixtures import FAST, PASSWORDS, ROLES

VECTORS = Path(__file__).resolve().parents[3] / "shared" / "specs" / "vectors" / "gx1"
T0 = parse_iso("2026-12-01T08:00:00Z")


class FakeTime:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move on."""
        self.now += seconds


def code_cases() -> dict[str, str]:
    """``name → qr_text`` of the shared GX1 vectors."""
    doc = json.loads((VECTORS / "cases.json").read_text("utf-8"))
    return {c["name"]: c["qr_text"] for c in doc["code_cases"]}


def frame_with(text: str, ppm: float = 4.0) -> np.ndarray:
    """A 960×720 camera frame showing the code on a grey background."""
    frame = np.full((720, 960, 3), 200, np.uint8)
    code = code_image(text, ppm)
    h, w = code.shape[:2]
    y, x = (720 - h) // 2, (960 - w) // 2
    frame[y:y + h, x:x + w] = code
    return cv2.GaussianBlur(frame, (3, 3), 0.6)


def build_template(path: Path) -> Path:
    """A closed station created one hour before the vectors' moment, trust installed."""
    clock = FakeTime(T0 - 3600)
    station, _ = Station.create(path, name="青秀区卡口", division="450103", admin="admin",
                                password=PASSWORDS["admin"], kdf=FAST, time_source=clock)
    admin = station.unlock("admin", PASSWORDS["admin"])
    for user, role in ROLES.items():
        add_user(station, admin, user, role, PASSWORDS[user])
    texts = [(VECTORS / "anchors.json").read_text("utf-8")]
    texts += [(VECTORS / name).read_text("utf-8")
              for name in ("trust-list-v2.jws", "revocations-v1.jws", "status-list-v1.jws")]
    outcomes = station.db.transaction(lambda c: install_files(c, texts, clock()))
    assert all(o.accepted for o in outcomes), outcomes
    station.close()
    return path


@dataclass
class UiStation:
    """An open station, its clock, sessions and services, and the messages shown."""

    station: Station
    clock: FakeTime
    sessions: dict[str, Session]
    services: Services
    messages: list[tuple[str, str]] = field(default_factory=list)

    def session(self, user: str) -> Session:
        """A live session of a template user."""
        return self.sessions[user]

    def rows(self, sql: str, *args: Any) -> list[Any]:
        """Rows of a query (as tuples), run on the DB thread."""
        return self.station.db.run(lambda c: [tuple(r) for r in c.execute(sql, args)])


@pytest.fixture(scope="session")
def checkpoint_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template folder (copy it)."""
    return build_template(tmp_path_factory.mktemp("cp-template") / "station")


@pytest.fixture
def ui_station(checkpoint_template: Path, tmp_path: Path) -> Iterator[UiStation]:
    """A fresh copy, opened at the vectors' moment and unlocked by every user.

    Python's cyclic garbage collector may run on any thread; a Qt object it frees on the
    DB thread crashes the process. The app collects on the GUI thread only; so do we.
    """
    gc.collect()
    gc.disable()
    path = tmp_path / "station"
    shutil.copytree(checkpoint_template, path)
    clock = FakeTime(T0)
    station = Station.open(path, kdf=FAST, time_source=clock)
    sessions = {u: station.unlock(u, p) for u, p in PASSWORDS.items()}
    bus = MessageBus()
    services = Services(station=station, preferences=Preferences(), messages=bus)
    shown: list[tuple[str, str]] = []
    bus.message.connect(lambda level, text: shown.append((level, text)))
    env = UiStation(station, clock, sessions, services, shown)
    try:
        yield env
    finally:
        station.close()
        gc.collect()
        gc.enable()

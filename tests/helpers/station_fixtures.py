"""Encrypted stations for tests: a template is built once per run and copied per test,
which also skips the key derivation of set-up."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from app.storage.keyslots import KdfParams
from app.storage.roles import Session
from app.storage.station import Station
from app.storage.users import add_user

FAST = KdfParams.fast_for_tests()
PASSWORDS = {
    "admin": "admin-pass-1",
    "worker1": "worker-pass-1",
    "clinic1": "clinic-pass-1",
    "super1": "super-pass-1",
}
ROLES = {"worker1": "worker", "clinic1": "clinic", "super1": "supervisor"}


@dataclass
class StationTemplate:
    """A closed station folder and what it takes to open it."""

    path: Path
    recovery_code: str


@dataclass
class OpenStation:
    """A test's own station copy, unlocked once per role."""

    station: Station
    path: Path
    recovery_code: str
    sessions: dict[str, Session]

    def session(self, username: str) -> Session:
        """The live session of a template user (admin, worker1, clinic1, super1)."""
        return self.sessions[username]


def build_template(path: Path) -> StationTemplate:
    """Create a station with one user per role, then close it."""
    station, code = Station.create(path, name="青秀区测试站", division="450103", admin="admin",
                                   password=PASSWORDS["admin"], kdf=FAST)
    admin = station.unlock("admin", PASSWORDS["admin"])
    for user, role in ROLES.items():
        add_user(station, admin, user, role, PASSWORDS[user])
    station.close()
    return StationTemplate(path, code)


@pytest.fixture(scope="session")
def station_template(tmp_path_factory: pytest.TempPathFactory) -> StationTemplate:
    """The template station folder (do not modify; copy it)."""
    return build_template(tmp_path_factory.mktemp("template") / "station")


def copy_station(template: StationTemplate, dest: Path) -> Path:
    """Copy the template folder to ``dest``."""
    shutil.copytree(template.path, dest)
    return dest


@pytest.fixture
def station_dir(station_template: StationTemplate, tmp_path: Path) -> Path:
    """A fresh closed copy of the template station."""
    return copy_station(station_template, tmp_path / "station")


@pytest.fixture
def open_station(station_template: StationTemplate, station_dir: Path) -> Iterator[OpenStation]:
    """A fresh station copy, unlocked by every template user."""
    station = Station.open(station_dir, kdf=FAST)
    sessions = {u: station.unlock(u, p) for u, p in PASSWORDS.items()}
    yield OpenStation(station, station_dir, station_template.recovery_code, sessions)
    station.close()

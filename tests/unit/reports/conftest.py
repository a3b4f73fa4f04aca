"""A station seeded once per module with a known distribution (``demo seed`` with a seed)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from app.demo.seed import SeedPlan, seed_station
from app.storage.roles import Session
from app.storage.station import Station
from tests.helpers.station_fixtures import FAST, PASSWORDS, StationTemplate, copy_station

PLAN = SeedPlan(screenings=1500, days=3, cases=30, seed=7, end_date=date(2026, 12, 4))
DAY = date(2026, 12, 3)
# A moment after the seeded span, so "today" does not cut the last day short.
LATER = 1_797_000_000.0  # 2026-12-11


@dataclass
class Seeded:
    """An open seeded station with a session per template user."""

    station: Station
    sessions: dict[str, Session]
    folder: Path


@pytest.fixture(scope="module")
def seeded(station_template: StationTemplate,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    """The seeded station (read-only for tests that share it)."""
    folder = tmp_path_factory.mktemp("seeded")
    station = Station.open(copy_station(station_template, folder / "station"), kdf=FAST)
    sessions = {u: station.unlock(u, p) for u, p in PASSWORDS.items()}
    seed_station(station, sessions["super1"], PLAN)
    yield Seeded(station, sessions, folder)
    station.close()

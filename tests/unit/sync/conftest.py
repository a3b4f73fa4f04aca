"""Fixtures for the station sync engine: a plain station database and a live server."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.sync.engine import RetryPolicy, SyncEngine
from app.sync.enrolment import enrol_station
from server.enrolment import issue_code
from tests.helpers.server_fixtures import PlainStationDb, ServerThread

FAST_RETRY = RetryPolicy(attempts=5, base=0.01, cap=0.05)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerThread]:
    """A sync server on the embedded SQLite database."""
    with ServerThread(f"sqlite:///{tmp_path / 'central.db'}") as srv:
        yield srv


@pytest.fixture
def station(tmp_path: Path) -> Iterator[PlainStationDb]:
    """A station database (plain SQLite, the station schema)."""
    db = PlainStationDb(tmp_path / "station.db")
    yield db
    db.close()


@pytest.fixture
def enrolled(station: PlainStationDb, server: ServerThread) -> PlainStationDb:
    """The station, enrolled with the server."""
    code, _ = issue_code(server.db, station.division, dt.timedelta(hours=1))
    enrol_station(station, server.url, code)
    return station


def engine(db: PlainStationDb, **kwargs: object) -> SyncEngine:
    """An engine with quick retries."""
    kwargs.setdefault("retry", FAST_RETRY)
    return SyncEngine(db, **kwargs)  # type: ignore[arg-type]

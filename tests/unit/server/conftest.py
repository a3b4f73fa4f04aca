"""Fixtures for the central server: a database of each kind, an API on loopback."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from server.db import Database, open_database
from server.enrolment import StationIdentity, enrol, issue_code
from server.schema import migrate
from tests.helpers.server_fixtures import ServerThread, pg_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh central database URL: embedded SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'central.db'}"
    else:
        with pg_database() as url:
            yield url


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    """An open, migrated central database."""
    database = open_database(db_url)
    migrate(database)
    yield database
    database.close()


@pytest.fixture
def server(db_url: str) -> Iterator[ServerThread]:
    """The API on a free loopback port."""
    with ServerThread(db_url) as srv:
        yield srv


def enrolled(db: Database, station_id: str = "st-1", division: str = "450103"
             ) -> tuple[StationIdentity, str]:
    """Enrol a station directly in the database; returns its identity and credential."""
    code, _ = issue_code(db, division, dt.timedelta(hours=1))
    credential = enrol(db, code, station_id, division, f"station {station_id}")
    return StationIdentity(station_id, division, f"station {station_id}"), credential

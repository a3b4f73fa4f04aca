"""Sync through a fault-injecting proxy, and with the station process killed mid-run.

After every scenario: every record on the server exactly once, nothing lost, every local
entry answered. The figures (faults by type, lost, duplicated) are printed with ``-s``
and gathered by ``bench/sync/faults.py`` for larger runs.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.sync import outbox_queue as oq
from app.sync.engine import RetryPolicy, SyncEngine
from app.sync.enrolment import enrol_station
from app.sync.transport import Transport
from server.db import Database
from server.enrolment import issue_code
from tests.helpers.faultproxy import ALL_FAULTS, FaultPlan, FaultProxy
from tests.helpers.server_fixtures import (
    ROOT,
    PlainStationDb,
    ServerThread,
    add_screenings,
    pg_database,
)
from tests.helpers.station_fixtures import FAST, PASSWORDS

FIGURES: collections.Counter[str] = collections.Counter()
RETRY = RetryPolicy(attempts=30, base=0.01, cap=0.1)


def check_invariants(station: Any, server_db: Database) -> dict[str, int]:
    """Lost and duplicated records of one station; asserts both are zero.

    ``station`` is a plain station database or ``Station.db`` of an encrypted one.
    """
    local = dict(station.run(lambda c: [tuple(r) for r in c.execute(
        "SELECT record_id, body_hash FROM outbox").fetchall()]))
    states = station.run(oq.counts)
    station_id = station.run(lambda c: c.execute("SELECT station_id FROM station").fetchone()[0])
    with server_db.transaction() as tx:
        rows = tx.query("SELECT record_id, body_hash FROM records WHERE station_id = ?",
                        (station_id,))
    server: dict[str, str] = dict(rows)
    lost = len(set(local) - set(server))
    duplicated = len(rows) - len(server)
    wrong = sum(1 for rid, h in local.items() if server.get(rid, h) != h)
    assert (lost, duplicated, wrong) == (0, 0, 0)
    assert states.pending == 0 and states.quarantined == 0 and states.sent == len(local)
    FIGURES["records"] += len(local)
    return {"lost": lost, "duplicated": duplicated}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerThread]:
    if request.param == "sqlite":
        with ServerThread(f"sqlite:///{tmp_path / 'central.db'}") as srv:
            yield srv
    else:
        with pg_database() as url, ServerThread(url) as srv:
            yield srv


def enrolled_station(path: Path, server: ServerThread, division: str = "450103"
                     ) -> PlainStationDb:
    station = PlainStationDb(path, division=division)
    code, _ = issue_code(server.db, division, dt.timedelta(hours=1))
    enrol_station(station, server.url, code)
    return station


def through(proxy: FaultProxy, station: PlainStationDb, **kwargs: Any) -> SyncEngine:
    credential = station.run(lambda c: oq.get_state(c, "credential"))["credential"]
    kwargs.setdefault("retry", RETRY)
    return SyncEngine(station, transport_factory=lambda c: Transport(
        proxy.url, credential, timeout=(1.0, 0.5)), **kwargs)


def sync_until_done(engine: SyncEngine, station: PlainStationDb, runs: int = 20) -> None:
    for _ in range(runs):
        report = engine.run()
        if report.outcome == "ok" and report.pending_after == 0:
            return
    raise AssertionError(f"not done after {runs} runs: {station.run(oq.counts)}")


@pytest.mark.postgres
@pytest.mark.parametrize("fault", ALL_FAULTS)
def test_each_fault_loses_and_doubles_nothing(fault: str, tmp_path: Path) -> None:
    with pg_database() as url, ServerThread(url) as server:
        station = enrolled_station(tmp_path / "st.db", server)
        add_screenings(station, 150, seed=hash(fault) % 1000)
        plan = FaultPlan(script=[fault, None, fault, fault])
        with FaultProxy(server.port, plan, delay=0.8, refuse_for=0.2) as proxy:
            sync_until_done(through(proxy, station, batch_count=40, reconcile=False), station)
            FIGURES.update(proxy.injected)
            assert proxy.injected[fault] == 3
        check_invariants(station, server.db)


def test_random_faults_with_a_server_restart(central: ServerThread, tmp_path: Path) -> None:
    station = enrolled_station(tmp_path / "st.db", central)
    add_screenings(station, 600, seed=7)
    with FaultProxy(central.port, FaultPlan(rate=0.3, seed=11), delay=0.8,
                    refuse_for=0.2) as proxy:
        engine = through(proxy, station, batch_count=60)
        engine.run()
        central.stop()  # the server goes away mid-backlog, then comes back
        report = engine.run()
        assert report.outcome == "failed"
        central.start()
        proxy.upstream_port = central.port
        add_screenings(station, 200, seed=8)
        sync_until_done(engine, station)
        FIGURES.update(proxy.injected)
        assert sum(proxy.injected.values()) >= 5
    check_invariants(station, central.db)


def _sent(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(str(path), timeout=30) as conn:
        return int(conn.execute("SELECT count(*) FROM outbox WHERE state = 'sent'")
                   .fetchone()[0])


def test_station_killed_mid_sync_resumes(central: ServerThread, tmp_path: Path) -> None:
    path = tmp_path / "st.db"
    station = enrolled_station(path, central)
    add_screenings(station, 400, seed=3)
    station.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kills = 0
    for _ in range(3):
        before = _sent(path)
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.server_fixtures", "sync", str(path), "40",
             "0.15"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while _sent(path) <= before + 40 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.07)  # land somewhere inside a batch: committed on the server, not here
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(10)
        assert proc.stderr is not None
        proc.stderr.close()
    FIGURES["station_killed"] += kills
    assert kills >= 2
    station = PlainStationDb(path)
    with FaultProxy(central.port) as proxy:
        report = through(proxy, station).run()
    assert report.outcome == "ok"
    assert report.duplicates >= 1  # the server had committed what the dead station never marked
    check_invariants(station, central.db)
    station.close()


def _pump(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def test_encrypted_station_killed_mid_sync_resumes(central: ServerThread, station_dir: Path
                                                   ) -> None:
    """The same, with a real encrypted station (SQLCipher, key slots) in the killed process."""
    from app.storage.station import Station

    station = Station.open(station_dir, kdf=FAST)
    station.unlock("admin", PASSWORDS["admin"])
    code, _ = issue_code(central.db, "450103", dt.timedelta(hours=1))
    enrol_station(station.db, central.url, code)
    add_screenings(station.db, 400, seed=4)
    station.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "GRIDDESK_TEST_FAST_KDF": "1"}
    kills = 0
    for _ in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.server_fixtures", "sync-encrypted",
             str(station_dir), "40", "0.15"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        lines: queue.Queue[str] = queue.Queue()
        assert proc.stdout is not None
        reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        batches = 0
        while batches < 2 and proc.poll() is None and time.monotonic() < deadline:
            try:
                if "sent" in json.loads(lines.get(timeout=0.2)):
                    batches += 1
            except queue.Empty:
                continue
        time.sleep(0.07)  # land somewhere inside a batch: committed on the server, not here
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.wait(10)
        reader.join(10)
        assert proc.stderr is not None
        proc.stderr.close()
        proc.stdout.close()
    FIGURES["encrypted_station_killed"] += kills
    assert kills >= 2
    station = Station.open(station_dir, kdf=FAST)
    station.unlock("worker1", PASSWORDS["worker1"])
    try:
        credential = station.db.run(lambda c: oq.get_state(c, "credential"))["credential"]
        with FaultProxy(central.port) as proxy:
            report = SyncEngine(station.db, retry=RETRY, transport_factory=lambda c: Transport(
                proxy.url, credential, timeout=(1.0, 5.0))).run()
        assert report.outcome == "ok", report.error
        assert report.duplicates >= 1  # committed on the server, never marked by the dead run
        check_invariants(station.db, central.db)
    finally:
        station.close()

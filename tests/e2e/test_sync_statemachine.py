"""A hypothesis state machine: record writes, sync runs, faults, crashes and restarts of
the station and the server, interleaved. Nothing may be lost or doubled at any step."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from app.sync import outbox_queue as oq
from app.sync.engine import RetryPolicy, SyncEngine
from app.sync.enrolment import enrol_station
from app.sync.transport import Transport
from server.enrolment import issue_code
from tests.helpers.faultproxy import FaultPlan, FaultProxy
from tests.helpers.server_fixtures import PlainStationDb, ServerThread, add_screenings


class PowerCut(Exception):
    """The station lost power inside a transaction."""


class FlakyDb:
    """A station runner whose next answer-recording transaction can be made to die."""

    def __init__(self, inner: PlainStationDb) -> None:
        self.inner = inner
        self.cut_next = False

    def run(self, fn: Any) -> Any:
        return self.inner.run(fn)

    def transaction(self, fn: Any) -> Any:
        if self.cut_next and getattr(fn, "__name__", "") == "<lambda>":
            def dying(conn: Any) -> Any:
                fn(conn)
                raise PowerCut()
            self.cut_next = False
            return self.inner.transaction(dying)
        return self.inner.transaction(fn)


class SyncMachine(RuleBasedStateMachine):
    """Station and server with a proxy between them."""

    server_url_factory: Any = None

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="gdsm-"))
        self.server = ServerThread(type(self).server_url_factory(self.tmp)).start()
        self.station = PlainStationDb(self.tmp / "station.db")
        code, _ = issue_code(self.server.db, "450103", dt.timedelta(hours=1))
        enrol_station(self.station, self.server.url, code)
        self.credential = self.station.run(lambda c: oq.get_state(c, "credential"))["credential"]
        self.plan = FaultPlan()
        self.proxy = FaultProxy(self.server.port, self.plan, delay=0.6, refuse_for=0.1)
        self.flaky = FlakyDb(self.station)
        self.seed = 0
        self.written = 0

    def engine(self) -> SyncEngine:
        return SyncEngine(self.flaky, transport_factory=lambda c: Transport(
            self.proxy.url, self.credential, timeout=(1.0, 0.4)), batch_count=25,
            retry=RetryPolicy(attempts=3, base=0.01, cap=0.05), reconcile=False)

    @rule(n=st.integers(1, 60))
    def write_records(self, n: int) -> None:
        self.seed += 1
        add_screenings(self.station, n, seed=self.seed)
        self.written += n

    @rule(rate=st.sampled_from([0.0, 0.3, 0.7]), seed=st.integers(0, 1000),
          power_cut=st.booleans())
    def sync(self, rate: float, seed: int, power_cut: bool) -> None:
        self.plan.rate, self.plan.rng = rate, __import__("random").Random(seed)
        self.flaky.cut_next = power_cut
        # a PowerCut: the run died with the station; its transaction never committed
        with contextlib.suppress(PowerCut):
            self.engine().run()
        self.flaky.cut_next = False

    @rule()
    def restart_station(self) -> None:
        self.station.close()
        self.station = PlainStationDb(self.tmp / "station.db")
        self.flaky = FlakyDb(self.station)

    @precondition(lambda self: self.server is not None)
    @rule()
    def restart_server(self) -> None:
        self.server.stop()
        self.server.start()
        self.proxy.upstream_port = self.server.port

    @invariant()
    def nothing_doubled_nothing_wrong(self) -> None:
        local = dict(self.station.run(lambda c: c.execute(
            "SELECT record_id, body_hash FROM outbox").fetchall()))
        sent = {r[0] for r in self.station.run(lambda c: c.execute(
            "SELECT record_id FROM outbox WHERE state = 'sent'").fetchall())}
        with self.server.db.transaction() as tx:
            rows = tx.query("SELECT record_id, body_hash FROM records")
        server = dict(rows)
        assert len(rows) == len(server), "a record is on the server twice"
        assert sent <= set(server), "a record marked sent is not on the server"
        assert all(local.get(rid) == h for rid, h in server.items())
        assert len(local) == self.written

    def teardown(self) -> None:
        try:
            self.plan.rate = 0.0
            for _ in range(5):
                report = self.engine().run()
                if report.outcome == "ok" and report.pending_after == 0:
                    break
            self.nothing_doubled_nothing_wrong()
            counts = self.station.run(oq.counts)
            assert counts.pending == 0 and counts.quarantined == 0
            assert counts.sent == self.written
        finally:
            self.proxy.close()
            self.server.stop()
            self.station.close()
            shutil.rmtree(self.tmp, ignore_errors=True)


def _sqlite_url(tmp: Path) -> str:
    return f"sqlite:///{tmp / 'central.db'}"


class SqliteSyncMachine(SyncMachine):
    server_url_factory = staticmethod(_sqlite_url)


TestSyncStateMachine = SqliteSyncMachine.TestCase
TestSyncStateMachine.settings = settings(
    max_examples=4, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@pytest.mark.postgres
def test_state_machine_on_postgres_long() -> None:
    from hypothesis.stateful import run_state_machine_as_test

    from tests.helpers.server_fixtures import pg_database

    dbs: list[Any] = []

    def pg_url(tmp: Path) -> str:
        ctx = pg_database("gdsm")
        dbs.append(ctx)
        return str(ctx.__enter__())

    class PgMachine(SyncMachine):
        server_url_factory = staticmethod(pg_url)

    try:
        run_state_machine_as_test(PgMachine, settings=settings(
            max_examples=25, stateful_step_count=25, deadline=None,
            suppress_health_check=list(HealthCheck)))
    finally:
        for ctx in dbs:
            ctx.__exit__(None, None, None)

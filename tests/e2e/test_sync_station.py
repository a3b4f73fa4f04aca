"""A real encrypted station: `griddesk enrol` and `griddesk sync` against the server."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path

import pytest

from app.cli.main import main
from app.storage.outbox import enqueue
from server.enrolment import issue_code
from server.stats import collect
from tests.helpers.server_fixtures import ServerThread, screening_body
from tests.helpers.station_fixtures import PASSWORDS


def run_cli(monkeypatch: pytest.MonkeyPatch, argv: list[str], stdin: str) -> int:
    import app.cli.auth as auth

    monkeypatch.setattr(auth, "_stdin_lines", None)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    return main(argv)


def test_enrol_and_sync_an_encrypted_station(station_dir: Path, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GRIDDESK_TEST_FAST_KDF", "1")
    with ServerThread(f"sqlite:///{tmp_path / 'central.db'}") as srv:
        code, _ = issue_code(srv.db, "450103", dt.timedelta(hours=1))
        common = ["--data-dir", str(station_dir), "--password-stdin", "--json"]
        assert run_cli(monkeypatch, ["enrol", "--server", srv.url, "--code", code, "--user",
                                     "worker1", *common], PASSWORDS["worker1"] + "\n") == 1
        assert run_cli(monkeypatch, ["enrol", "--server", srv.url, "--code", code, "--user",
                                     "admin", *common], PASSWORDS["admin"] + "\n") == 0
        capsys.readouterr()

        import random

        from app.storage.station import Station
        from tests.helpers.station_fixtures import FAST
        station = Station.open(station_dir, kdf=FAST)
        station.unlock("admin", PASSWORDS["admin"])
        rng = random.Random(1)
        station.db.transaction(lambda c: [enqueue(c, "screening", f"s{i}",
                                                  screening_body(rng, f"s{i}"))
                                          for i in range(25)])
        station.close()

        assert run_cli(monkeypatch, ["sync", "--once", "--user", "worker1", *common],
                       PASSWORDS["worker1"] + "\n") == 0
        report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert report["outcome"] == "ok" and report["pending_after"] == 0
        stats = collect(srv.db)
        # the audit entries of enrolment and unlocks travel too
        assert stats["records_by_kind"]["screening"] == 25
        assert stats["duplicate_record_ids"] == 0
        assert stats["stations"][0]["audit_head_seq"] is not None

"""Power cuts: a process killed with SIGKILL mid-write or mid-slot-rewrite loses nothing."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.storage.keyslots import WrongSecret
from app.storage.station import Station
from tests.helpers.station_fixtures import FAST, PASSWORDS

CHILD = Path(__file__).resolve().parents[2] / "helpers" / "crash_child.py"


@pytest.mark.parametrize("kill_after", [1, 37, 150])
def test_sigkill_in_a_write_loop_keeps_every_committed_row(station_dir: Path,
                                                           kill_after: int) -> None:
    proc = subprocess.Popen([sys.executable, str(CHILD), "write-loop", str(station_dir)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    committed = []
    deadline = time.monotonic() + 60
    while len(committed) < kill_after and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # Lines printed after our last read were committed too; collect them.
    committed += [ln.strip() for ln in proc.stdout.read().splitlines() if ln.strip()]
    proc.stdout.close()
    assert len(committed) >= kill_after
    assert (station_dir / "station.db-wal").exists()

    station = Station.open(station_dir, kdf=FAST)
    station.unlock("admin", PASSWORDS["admin"])
    integrity = station.db.run(lambda c: [r[0] for r in c.execute("PRAGMA integrity_check")])
    cipher = station.db.run(lambda c: c.execute("PRAGMA cipher_integrity_check").fetchall())
    present = station.db.run(lambda c: {r[0] for r in c.execute("SELECT id FROM screenings")})
    outboxed = station.db.run(lambda c: {r[0] for r in c.execute(
        "SELECT record_id FROM outbox WHERE kind = 'screening'")})
    station.close()
    assert integrity == ["ok"]
    assert cipher == []
    assert set(committed) <= present
    assert present == outboxed  # record and outbox row always together


@pytest.mark.parametrize("step", ["mid-write", "before-replace", "after-replace"])
def test_kill_during_a_slot_rewrite_leaves_old_or_new_password(station_dir: Path,
                                                               step: str) -> None:
    proc = subprocess.run([sys.executable, str(CHILD), "slot-rewrite", str(station_dir), step],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert "ready" in proc.stdout and "finished" not in proc.stdout
    station = Station.open(station_dir, kdf=FAST)  # the slot file still parses
    opened = []
    for password in (PASSWORDS["worker1"], "rewritten-pass-1"):
        try:
            station.unlock("worker1", password)
            opened.append(password)
        except WrongSecret:
            pass
    expected = ["rewritten-pass-1"] if step == "after-replace" else [PASSWORDS["worker1"]]
    assert opened == expected
    station.unlock("admin", PASSWORDS["admin"])  # every other slot intact
    station.close()

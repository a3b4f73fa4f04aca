"""A station process that tests kill with SIGKILL.

``write-loop DIR``: saves screenings forever, printing each id after its commit.
``slot-rewrite DIR STEP``: changes worker1's password and kills itself at STEP of the
atomic slot-file write (``mid-write``, ``before-replace``, ``after-replace``).
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.storage import atomic  # noqa: E402
from app.storage.records.screenings import NewScreening, ScreeningLog  # noqa: E402
from app.storage.station import Station  # noqa: E402
from app.storage.users import change_password  # noqa: E402
from tests.helpers.station_fixtures import FAST, PASSWORDS  # noqa: E402


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def write_loop(folder: Path) -> None:
    station = Station.open(folder, kdf=FAST)
    session = station.unlock("worker1", PASSWORDS["worker1"])
    log = ScreeningLog(station)
    i = 0
    while True:
        i += 1
        rec_id = log.save(session, NewScreening(
            source="typed", format="GX1", result="VALID", proposal="pass", decision="pass",
            rules_version="default-1", colour="green", holder_name=f"测试{i}",
            evidence={"pad": "x" * (i % 500)}))
        sys.stdout.write(rec_id + "\n")
        sys.stdout.flush()


def slot_rewrite(folder: Path, step: str) -> None:
    station = Station.open(folder, kdf=FAST)
    session = station.unlock("worker1", PASSWORDS["worker1"])
    real_replace = os.replace

    def fdopen_hook(fd: int, mode: str = "r") -> object:
        fh = os.fdopen(fd, mode)
        return _HalfWriter(fh) if step == "mid-write" else fh

    def replace_hook(src: str, dst: str) -> None:
        if step == "before-replace":
            _die()
        real_replace(src, dst)
        if step == "after-replace":
            _die()

    atomic.os = _OsProxy(fdopen_hook, replace_hook)  # type: ignore[attr-defined]
    print("ready", flush=True)
    change_password(station, session, "worker1", "rewritten-pass-1",
                    old_password=PASSWORDS["worker1"])
    print("finished", flush=True)


class _HalfWriter:
    """A file that writes half of what it is given, syncs, and kills the process."""

    def __init__(self, fh: object) -> None:
        self.fh = fh

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()  # type: ignore[attr-defined]

    def write(self, data: bytes) -> int:
        self.fh.write(data[: len(data) // 2])  # type: ignore[attr-defined]
        self.fh.flush()  # type: ignore[attr-defined]
        os.fsync(self.fh.fileno())  # type: ignore[attr-defined]
        _die()
        return 0


class _OsProxy:
    """``os`` as seen by app.storage.atomic, with two functions replaced."""

    def __init__(self, fdopen: object, replace: object) -> None:
        self.fdopen = fdopen
        self.replace = replace

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)


if __name__ == "__main__":
    mode, folder = sys.argv[1], Path(sys.argv[2])
    if mode == "write-loop":
        write_loop(folder)
    else:
        slot_rewrite(folder, sys.argv[3])

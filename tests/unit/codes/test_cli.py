"""``griddesk verify``, ``lookup-id`` and ``trust install`` against a stand-in station."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

import pytest

from app.cli import auth, codes_cmds
from app.cli.main import main
from app.storage.roles import Role, Session
from tests.unit.codes.conftest import GX1_VECTORS, gx1_cases

CASES = {c["name"]: c for c in gx1_cases()["code_cases"]}


class _Db:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def run(self, fn: Callable[[Any], Any]) -> Any:
        return fn(self.conn)

    def transaction(self, fn: Callable[[Any], Any]) -> Any:
        with self.conn:
            return fn(self.conn)


class _Station:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.db = _Db(conn)

    def close(self) -> None:
        pass


@pytest.fixture
def cli(station_db: sqlite3.Connection, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    holder: dict[str, Any] = {"role": Role.SUPERVISOR}
    monkeypatch.setattr(auth, "open_session", lambda args: (
        _Station(station_db), Session("sup", holder["role"])))
    return holder


def _install(capsys: pytest.CaptureFixture[str], *names: str) -> int:
    code = main(["trust", "install", *[str(GX1_VECTORS / n) for n in names], "--json"])
    capsys.readouterr()
    return code


def test_install_verify_lookup(cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert _install(capsys, "anchors.json", "trust-list-v2.jws", "revocations-v1.jws",
                    "status-list-v1.jws") == 0
    at = "--at=2026-12-01T08:00:00Z"
    assert main(["verify", CASES["valid-red-card"]["qr_text"], at, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["result"] == "VALID" and out["colour"] == "red"
    assert out["holder"]["name_masked"].endswith("*") and "name" not in out["holder"]
    assert main(["verify", CASES["revoked"]["qr_text"], at]) == codes_cmds.EXIT_NOT_VALID
    assert "REVOKED" in capsys.readouterr().out
    assert main(["lookup-id", "45010319580214231X", at, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["colour"] == "red"
    assert main(["lookup-id", "12345", at]) == 1
    assert capsys.readouterr().err.startswith("griddesk: ")


def test_rollback_refused_exit_1(cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert _install(capsys, "anchors.json", "trust-list-v2.jws") == 0
    assert main(["trust", "install", str(GX1_VECTORS / "trust-list-v1-again.jws")]) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_worker_may_not_install(cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    cli["role"] = Role.WORKER
    assert main(["trust", "install", str(GX1_VECTORS / "anchors.json")]) == 1
    assert capsys.readouterr().err.startswith("griddesk: ")


def test_bad_at_and_usage(cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "x", "--at", "yesterday"]) == 1
    with pytest.raises(SystemExit) as exc:
        main(["verify", "--bogus"])
    assert exc.value.code == 2


def test_make_verifier(cli: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    _install(capsys, "anchors.json", "trust-list-v2.jws")
    args = main.__globals__["build_parser"]().parse_args(["verify", "--at", "2026-12-01T08:00:00Z"])
    verify = codes_cmds.make_verifier(args)
    assert verify(CASES["valid-green-es256"]["qr_text"])["result"] == "VALID"
    assert verify("\x00garbage")["result"] == "UNSUPPORTED"

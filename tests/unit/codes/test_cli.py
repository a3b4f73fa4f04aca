"""``griddesk verify``, ``lookup-id`` and ``trust install`` on a real encrypted station."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.cli import auth, codes_cmds
from app.cli.main import build_parser
from app.storage.station import Station
from tests.helpers.cli import griddesk
from tests.helpers.station_fixtures import FAST, PASSWORDS
from tests.unit.codes.conftest import GX1_VECTORS, gx1_cases

CASES = {c["name"]: c for c in gx1_cases()["code_cases"]}
AT = "--at=2026-12-01T08:00:00Z"


def _as(folder: Path, user: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", user, "--password-stdin"]


def _install(folder: Path, *names: str, user: str = "super1") -> int:
    out = griddesk("trust", "install", *[str(GX1_VECTORS / n) for n in names], "--json",
                   *_as(folder, user), stdin=PASSWORDS[user] + "\n")
    return out.returncode


def test_install_verify_lookup(station_dir: Path) -> None:
    assert _install(station_dir, "anchors.json", "trust-list-v2.jws", "revocations-v1.jws",
                    "status-list-v1.jws") == 0
    w = _as(station_dir, "worker1")
    pw = PASSWORDS["worker1"] + "\n"
    out = griddesk("verify", CASES["valid-red-card"]["qr_text"], AT, "--json", *w, stdin=pw)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["result"] == "VALID" and doc["colour"] == "red"
    assert doc["holder"]["name_masked"].endswith("*") and "name" not in doc["holder"]
    out = griddesk("verify", CASES["revoked"]["qr_text"], AT, *w, stdin=pw)
    assert out.returncode == codes_cmds.EXIT_NOT_VALID and "REVOKED" in out.stdout
    out = griddesk("lookup-id", "45010319580214231X", AT, "--json", *w, stdin=pw)
    assert out.returncode == 0 and json.loads(out.stdout)["colour"] == "red"
    out = griddesk("lookup-id", "12345", AT, *w, stdin=pw)
    assert out.returncode == 1 and out.stderr.startswith("griddesk: ")
    # Every install is in the audit log.
    station = Station.open(station_dir, kdf=FAST)
    station.unlock("admin", PASSWORDS["admin"])
    actions = station.db.run(lambda c: [tuple(r) for r in c.execute(
        "SELECT action, target FROM audit_log WHERE action LIKE 'trust_%' ORDER BY seq")])
    station.close()
    assert [a for a, _ in actions] == ["trust_installed"] * 4


def test_rollback_refused_exit_1_and_audited(station_dir: Path) -> None:
    assert _install(station_dir, "anchors.json", "trust-list-v2.jws") == 0
    out = griddesk("trust", "install", str(GX1_VECTORS / "trust-list-v1-again.jws"),
                   *_as(station_dir, "super1"), stdin=PASSWORDS["super1"] + "\n")
    assert out.returncode == 1
    assert len(out.stderr.strip().splitlines()) == 1


def test_worker_may_not_install(station_dir: Path) -> None:
    assert _install(station_dir, "anchors.json", user="worker1") == 1


def test_bad_at_and_usage(station_dir: Path) -> None:
    out = griddesk("verify", "x", "--at", "yesterday", *_as(station_dir, "worker1"),
                   stdin=PASSWORDS["worker1"] + "\n")
    assert out.returncode == 1 and "--at" in out.stderr
    assert griddesk("verify", "--bogus").returncode == 2


def test_make_verifier(station_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _install(station_dir, "anchors.json", "trust-list-v2.jws") == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORDS["worker1"] + "\n"))
    monkeypatch.setattr(auth, "_stdin_lines", None)
    monkeypatch.setenv("GRIDDESK_TEST_FAST_KDF", "1")
    args = build_parser().parse_args(["verify", AT, *_as(station_dir, "worker1")])
    verify = codes_cmds.make_verifier(args)
    assert verify(CASES["valid-green-es256"]["qr_text"])["result"] == "VALID"
    assert verify("\x00garbage")["result"] == "UNSUPPORTED"

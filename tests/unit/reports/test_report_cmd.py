"""`griddesk demo seed` and `griddesk report` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import auth
from app.cli.main import main
from tests.helpers.station_fixtures import PASSWORDS


def _run(monkeypatch: pytest.MonkeyPatch, user: str, *argv: str) -> int:
    monkeypatch.setattr(auth, "_stdin_lines", [PASSWORDS[user]])
    monkeypatch.setenv("GRIDDESK_TEST_FAST_KDF", "1")
    return main([*argv, "--user", user, "--password-stdin"])


def test_seed_then_report(station_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    data = ["--data-dir", str(station_dir)]
    assert _run(monkeypatch, "super1", "demo", "seed", *data, "--screenings", "300", "--days",
                "2", "--cases", "6", "--seed", "4", "--end-date", "2026-12-04", "--json") == 0
    seeded = json.loads(capsys.readouterr().out)
    assert seeded["screenings"] == 300 and seeded["last_date"] == "2026-12-04"
    out = tmp_path / "r.xlsx"
    assert _run(monkeypatch, "super1", "report", *data, "--date", "2026-12-04", "--format",
                "xlsx", "--out", str(out), "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert out.exists() and result["revealed"] is False and result["rows"] > 100
    assert _run(monkeypatch, "super1", "report", *data, "--date", "2026-12-04", "--format",
                "json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["screenings"]["total"] > 0
    assert report["date"] == "2026-12-04"


def test_worker_is_refused(station_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.csv"
    code = _run(monkeypatch, "worker1", "report", "--data-dir", str(station_dir), "--format",
                "csv", "--out", str(out))
    assert code == 1 and not out.exists()
    assert "无权导出报表" in capsys.readouterr().err


def test_reveal_needs_reason(station_dir: Path, tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(monkeypatch, "super1", "report", "--data-dir", str(station_dir), "--format",
                "csv", "--out", str(tmp_path / "r.csv"), "--reveal")
    assert code == 1 and "--reason" in capsys.readouterr().err

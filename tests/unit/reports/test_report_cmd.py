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


def test_division_aggregate_download(station_dir: Path, tmp_path: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import csv
    import datetime as dt

    from app.storage.station import Station
    from server.enrolment import StationIdentity, enrol, issue_code
    from server.reports import store_report
    from tests.helpers.server_fixtures import ServerThread, store_credential
    from tests.helpers.station_fixtures import FAST
    from tests.unit.server.test_reports import station_report

    data = ["--data-dir", str(station_dir)]
    day = "2026-12-04"
    with ServerThread(f"sqlite:///{tmp_path / 'central.db'}") as srv:
        station = Station.open(station_dir, kdf=FAST)
        station.unlock("super1", PASSWORDS["super1"])
        sid, division = station.db.run(
            lambda c: c.execute("SELECT station_id, division FROM station").fetchone())
        code, _ = issue_code(srv.db, division, dt.timedelta(hours=1))
        store_credential(station.db, srv.url, enrol(srv.db, code, sid, division, "本站"))
        station.close()
        other = "450200" if division != "450200" else "450300"
        for who, n in ((StationIdentity(sid, division, "本站"), 120),
                       (StationIdentity("st-b", division, "乙站"), 30),
                       (StationIdentity("st-x", other, "外站"), 9)):
            store_report(srv.db, who, station_report(who, n, fevers=2, day=day))

        out = tmp_path / "agg.json"
        assert _run(monkeypatch, "super1", "report", *data, "--division", "--date", day,
                    "--format", "json", "--out", str(out), "--json") == 0
        assert json.loads(capsys.readouterr().out)["scope"] == f"division:{division}"
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert sorted(s["station_id"] for s in doc["stations"]) == sorted([sid, "st-b"])
        assert doc["report"]["screenings"]["total"] == 150
        assert doc["report"]["screenings"]["fevers"] == 4

        csv_out = tmp_path / "agg.csv"
        assert _run(monkeypatch, "super1", "report", *data, "--division", "--date", day,
                    "--format", "csv", "--out", str(csv_out)) == 0
        rows = list(csv.reader(csv_out.read_text(encoding="utf-8-sig").splitlines()))
        values = {r[3]: r[2] for r in rows if len(r) == 4}
        assert values["screenings.total"] == "150" and values["screenings.fevers"] == "4"
        assert not any(r and r[0].startswith("【") for r in rows)  # no detail blocks
        for fmt in ("xlsx", "pdf"):
            target = tmp_path / f"agg.{fmt}"
            assert _run(monkeypatch, "super1", "report", *data, "--division", "--date", day,
                        "--format", fmt, "--out", str(target)) == 0
            assert target.stat().st_size > 1000
        capsys.readouterr()

        refused = tmp_path / "w.csv"
        assert _run(monkeypatch, "worker1", "report", *data, "--division", "--date", day,
                    "--format", "csv", "--out", str(refused)) == 1
        assert not refused.exists()
        missing = _run(monkeypatch, "super1", "report", *data, "--division", "--date",
                       "2026-11-01", "--format", "csv", "--out", str(refused))
        assert missing == 1 and not refused.exists()
        assert "2026-11-01" in capsys.readouterr().err

    station = Station.open(station_dir, kdf=FAST)
    station.unlock("super1", PASSWORDS["super1"])
    try:
        actions = station.db.run(lambda c: c.execute(
            "SELECT action, target FROM audit_log WHERE action = 'report_exported'"
        ).fetchall())
    finally:
        station.close()
    assert [tuple(a) for a in actions] == [("report_exported", f"division-report:{day}")] * 4

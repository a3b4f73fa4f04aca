"""`griddesk-server` commands per specs/cli.md."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from server.cli import main

ROOT = Path(__file__).resolve().parents[3]


def test_migrate_code_stats_publish_revoke(db_url: str, capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    assert main(["migrate", "--db", db_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"schema_version": 4}
    assert main(["enrolment-code", "--db", db_url, "--division", "450103", "--expires", "2h",
                 "--json"]) == 0
    issued = json.loads(capsys.readouterr().out)
    assert len(issued["code"]) == 19 and issued["division"] == "450103"
    rules = tmp_path / "rules.json"
    rules.write_text('{"rules": []}', encoding="utf-8")
    assert main(["publish", "--db", db_url, "--kind", "decision-rules", "--version", "2",
                 str(rules), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"seq": 1}
    assert main(["stats", "--db", db_url, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["tables"]["enrolment_codes"] == 1 and stats["tables"]["changes"] == 1
    assert main(["revoke", "--db", db_url, "--station", "nobody"]) == 1
    assert main(["enrolment-code", "--db", db_url, "--division", "45", "--json"]) == 1
    assert main(["enrolment-code", "--db", db_url, "--division", "450103",
                 "--expires", "soon"]) == 2


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        main(["enrolment-code"])
    assert exc.value.code == 2
    assert main([]) == 2


def test_openapi_document_in_docs_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    current = capsys.readouterr().out
    kept = (ROOT / "docs" / "openapi.json").read_text(encoding="utf-8")
    assert json.loads(kept) == json.loads(current), \
        "run: griddesk-server openapi --out docs/openapi.json"
    assert "UploadRequest" in json.loads(current)["components"]["schemas"]

"""The issuer kit: keygen, issue (PNG, PDF sheet), publish; its output installs and verifies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.codes.repository import MemoryTrustRepository
from app.codes.results import Result
from app.codes.status import lookup_id
from app.codes.trust import install_text
from app.codes.verifier import CodeVerifier
from app.timeutil import parse_iso
from server.issuer.cli import main

AT = "2026-12-01T08:00:00Z"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_full_kit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "issuer", "keygen", "--alg", "EdDSA", "--out", str(tmp_path / "anchor"),
         "--anchor", "--label", "test anchor")
    _run(capsys, "issuer", "keygen", "--alg", "ES256", "--out", str(tmp_path / "gx"))
    _run(capsys, "issuer", "keygen", "--alg", "EdDSA", "--out", str(tmp_path / "gxed"))
    assert (tmp_path / "anchor.key.pem").stat().st_mode & 0o077 == 0
    anchor = str(tmp_path / "anchor.key.pem")
    _run(capsys, "issuer", "publish", "trust-list", "--anchor", anchor, "--version", "3",
         "--at", AT, "--issuer", f"CN-GX=广西健康码={tmp_path / 'gx.pub.json'}",
         "--issuer", f"CN-GX=广西健康码={tmp_path / 'gxed.pub.json'}=dyn",
         "--out", str(tmp_path / "trust.jws"))
    text = _run(capsys, "issuer", "issue", "--key", str(tmp_path / "gx.key.pem"), "--id", "c-9",
                "--kind", "card", "--colour", "red", "--name", "李四", "--person", "p-9",
                "--doc-masked", "450***********0019", "--at", AT,
                "--png", str(tmp_path / "c9.png")).strip()
    sheet = json.loads(_run(capsys, "issuer", "issue", "--key", str(tmp_path / "gx.key.pem"),
                            "--at", AT, "--training-sheet", str(tmp_path / "sheet.pdf")))
    codes = ["--code", *sheet["revoke"]]
    _run(capsys, "issuer", "publish", "revocations", "--anchor", anchor, "--version", "1",
         "--at", AT, *codes, "--out", str(tmp_path / "revs.jws"))
    (tmp_path / "people.csv").write_text("45010319580214231X,red\n450305199001010159,green\n")
    _run(capsys, "issuer", "publish", "status", "--anchor", anchor, "--version", "1", "--at", AT,
         "--people", str(tmp_path / "people.csv"), "--out", str(tmp_path / "status.jws"))

    now = parse_iso(AT) + 60
    repo = MemoryTrustRepository()
    _, state = install_text((tmp_path / "anchors.json").read_text(), repo, now)
    for name in ("trust.jws", "revs.jws", "status.jws"):
        outcomes, state = install_text((tmp_path / name).read_text(), repo, now, state)
        assert outcomes[0].accepted, outcomes
    verifier = CodeVerifier(state)
    result = verifier.verify(text, now)
    assert result.result is Result.VALID and result.colour == "red" and result.kind == "card"
    got = {s["expected"]: verifier.verify(s["text"], now).result.value for s in sheet["samples"]}
    assert got == {"VALID · green": "VALID", "VALID · yellow": "VALID", "VALID · red": "VALID",
                   "EXPIRED": "EXPIRED", "BAD_SIGNATURE": "BAD_SIGNATURE", "REVOKED": "REVOKED"}
    assert lookup_id("45010319580214231X", state, now).colour == "red"
    assert lookup_id("450305199001010159", state, now).outcome.value == "not_listed"
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")
    png = tmp_path / "c9.png"
    assert png.read_bytes().startswith(b"\x89PNG")
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    decoded = zxingcpp.read_barcodes(Image.open(png))
    assert [d.text for d in decoded] == [text]


def test_bad_issuer_spec_fails_cleanly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "issuer", "keygen", "--alg", "EdDSA", "--out", str(tmp_path / "a"))
    assert main(["issuer", "publish", "trust-list", "--anchor", str(tmp_path / "a.key.pem"),
                 "--version", "1", "--issuer", "nonsense"]) == 1
    assert "griddesk-server:" in capsys.readouterr().err

"""`griddesk scan`: one JSON line per code, decode time, a null verification without a verifier."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from app.cli.main import main
from tests.helpers import frames as F


def write_png(path: Path, image: np.ndarray) -> None:
    ok, buf = cv2.imencode(".png", image)
    assert ok
    path.write_bytes(buf.tobytes())


def lines(out: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_scan_images_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, blank = F.generate("medium", 5), F.generate("blank", 1)
    write_png(tmp_path / "a.png", a.image)
    write_png(tmp_path / "blank.png", blank.image)
    assert main(["scan", str(tmp_path), "--no-verify"]) == 0
    rows = lines(capsys.readouterr().out)
    assert len(rows) == 1
    row = rows[0]
    assert row["text"] == a.payload and row["frame"] == 0 and row["verify"] is None
    assert row["file"] == str(tmp_path / "a.png")
    assert isinstance(row["decode_ms"], float)


def test_scan_video_reports_each_presentation_once(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    a = F.generate("medium", 6)
    blank = F.generate("blank", 2).image
    path = tmp_path / "gate.avi"
    w = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30, (F.WIDTH, F.HEIGHT))
    for img in [blank] * 2 + [a.image] * 5 + [blank] * 2:
        w.write(img)
    w.release()
    assert main(["scan", str(path), "--no-verify"]) == 0
    rows = lines(capsys.readouterr().out)
    assert [(r["text"], r["frame"]) for r in rows] == [(a.payload, 2)]
    assert main(["scan", str(path), "--no-verify", "--every-frame"]) == 0
    assert len(lines(capsys.readouterr().out)) == 5


def test_missing_file_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(tmp_path / "nope.png"), "--no-verify"]) == 1
    assert "nope.png" in capsys.readouterr().err

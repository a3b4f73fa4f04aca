"""Exports: masked by default, audited reveal, refused for workers, formula injection
neutralised, CSV with BOM, PDF with embedded Chinese fonts, cancellation leaves no file."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from app.errors import AccessDenied, Cancelled, KnownError
from app.reports.cells import mask_address, neutralise
from app.reports.export import export_report
from app.storage import activity
from tests.unit.reports.conftest import DAY, LATER, Seeded

ID_FULL = re.compile(r"(?<![0-9*])45\d{15}[\dX](?![0-9])")
PHONE_FULL = re.compile(r"(?<![0-9*])1[3-9]\d{9}(?![0-9])")


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path, read_only=True)
    text = "\n".join("\t".join("" if v is None else str(v) for v in row)
                     for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    wb.close()
    return text


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def _text(path: Path) -> str:
    if path.suffix == ".xlsx":
        return _xlsx_text(path)
    if path.suffix == ".pdf":
        return _pdf_text(path)
    return path.read_text(encoding="utf-8-sig")


def _audit(seeded: Seeded, action: str) -> list[Any]:
    return seeded.station.db.run(lambda c: c.execute(
        "SELECT actor, target, detail FROM audit_log WHERE action = ? ORDER BY seq",
        (action,)).fetchall())


def _known_ids(seeded: Seeded) -> set[str]:
    return set(seeded.station.db.run(lambda c: [r[0] for r in c.execute(
        "SELECT holder_doc FROM screenings WHERE source = 'manual_id'"
        " UNION SELECT id_number FROM isolation_cases")]))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_masked_by_default_in_every_format(seeded: Seeded, fmt: str) -> None:
    path = seeded.folder / f"masked.{fmt}"
    result = export_report(seeded.station, seeded.sessions["super1"], DAY, fmt, path,
                           now=lambda: LATER)
    text = _text(path)
    assert not ID_FULL.search(text) and not PHONE_FULL.search(text)
    assert not any(number in text for number in _known_ids(seeded))
    assert "已脱敏" in text
    assert not result.revealed and len(result.sha256) == 64
    exported = [r for r in _audit(seeded, "report_exported") if f'"format":"{fmt}"' in r[2]]
    assert exported and f'"sha256":"{result.sha256}"' in exported[-1][2]


def test_pdf_embeds_a_chinese_font_and_shows_the_numbers(seeded: Seeded) -> None:
    path = seeded.folder / "fonts.pdf"
    export_report(seeded.station, seeded.sessions["super1"], DAY, "pdf", path, now=lambda: LATER)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    text = re.sub(r"\s", "", _pdf_text(path))
    assert "每日报表" in text and "第1/" in text and "分时段筛查" in text


def test_reveal_needs_a_reason_and_is_audited(seeded: Seeded) -> None:
    session = seeded.sessions["super1"]
    with pytest.raises(KnownError):
        export_report(seeded.station, session, DAY, "csv", seeded.folder / "x.csv",
                      reveal_reason="  ")
    path = seeded.folder / "revealed.csv"
    result = export_report(seeded.station, session, DAY, "csv", path,
                           reveal_reason="区防控办核查密接名单", now=lambda: LATER)
    text = path.read_text(encoding="utf-8-sig")
    assert result.revealed and ID_FULL.search(text) and PHONE_FULL.search(text)
    reveals = _audit(seeded, "personal_data_revealed")
    assert reveals[-1][0] == "super1" and "区防控办核查密接名单" in reveals[-1][2]
    assert reveals[-1][1] == f"report:{DAY.isoformat()}"


@pytest.mark.parametrize("user", ["worker1", "clinic1"])
def test_worker_and_clinic_may_not_export(seeded: Seeded, user: str) -> None:
    path = seeded.folder / f"{user}.csv"
    with pytest.raises(AccessDenied):
        export_report(seeded.station, seeded.sessions[user], DAY, "csv", path)
    assert not path.exists()
    denied = _audit(seeded, "access_denied")
    assert (user, "export") in [(r[0], r[1]) for r in denied]


def test_formula_injection_is_neutralised(seeded: Seeded) -> None:
    descriptions = seeded.station.db.run(lambda c: [r[0] for r in c.execute(
        "SELECT description FROM aid_requests")])
    assert any(d[0] in "=+-" for d in descriptions)  # the seed writes such text
    path = seeded.folder / "inject.xlsx"
    export_report(seeded.station, seeded.sessions["super1"], DAY, "xlsx", path,
                  now=lambda: LATER)
    csv_path = seeded.folder / "inject.csv"
    export_report(seeded.station, seeded.sessions["super1"], DAY, "csv", csv_path,
                  now=lambda: LATER)
    for text in (_xlsx_text(path), csv_path.read_text(encoding="utf-8-sig")):
        for cell in re.split(r"[\t\n,]", text):
            assert not cell.startswith(("=", "+", "@")) and not re.match(r"-\D", cell), cell
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("36.5") == "36.5"


def test_csv_has_a_bom(seeded: Seeded) -> None:
    path = seeded.folder / "bom.csv"
    export_report(seeded.station, seeded.sessions["super1"], DAY, "csv", path, now=lambda: LATER)
    assert path.read_bytes()[:3] == b"\xef\xbb\xbf"


class _CancelAfter:
    def __init__(self, calls: int) -> None:
        self.calls = calls
        self.seen: list[tuple[int, int, str]] = []

    def update(self, done: int, total: int, label: str) -> None:
        self.seen.append((done, total, label))
        if len(self.seen) >= self.calls:
            raise Cancelled()


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "pdf"])
def test_cancel_leaves_no_file(seeded: Seeded, fmt: str, monkeypatch: pytest.MonkeyPatch,
                               ) -> None:
    monkeypatch.setattr("app.reports.details.CHUNK", 100)
    path = seeded.folder / f"cancelled.{fmt}"
    with pytest.raises(Cancelled):
        export_report(seeded.station, seeded.sessions["super1"], DAY, fmt, path,
                      progress=_CancelAfter(1), now=lambda: LATER)
    assert not path.exists()
    assert not [p for p in seeded.folder.iterdir() if p.name.startswith(".cancelled")]
    lines = seeded.station.db.run(lambda c: activity.recent(c, 5, "export"))
    assert lines[0].outcome == "warning"


def test_unknown_format_and_missing_folder(seeded: Seeded) -> None:
    with pytest.raises(KnownError):
        export_report(seeded.station, seeded.sessions["super1"], DAY, "docx",
                      seeded.folder / "x.docx")
    with pytest.raises(KnownError):
        export_report(seeded.station, seeded.sessions["super1"], DAY, "csv",
                      seeded.folder / "nowhere" / "x.csv")


def test_address_masking_keeps_the_street() -> None:
    assert mask_address("南宁市民族大道12号新竹小区3栋1201") == "南宁市民族大道******"
    assert mask_address("") == ""

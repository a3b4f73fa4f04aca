"""An export reads the day once: its summary (counted from the rows it writes) must equal
the report on screen (grouped by SQLite) and the independent count, in every scope, masked
or revealed, whatever the upload state; the XLSX rows survive markup, control characters
and spaces; a late cancel still leaves no file; rare-character fonts load when needed."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from app.errors import Cancelled
from app.reports.daily import compute_daily_report
from app.reports.export import export_report
from app.reports.labels import summary_lines
from app.reports.model import Scope
from app.reports.xlsx_rows import MAX_TEXT, rows_xml
from tests.unit.reports.conftest import DAY, LATER, Seeded
from tests.unit.reports.independent import count_day

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _csv_numbers(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return {r[3]: r[2] for r in csv.reader(fh) if len(r) == 4 and "." in r[3]}


def _screen_numbers(seeded: Seeded, scope: Scope) -> dict[str, str]:
    report = seeded.station.db.run(lambda c: compute_daily_report(c, DAY, scope, LATER))
    return {ln.key: str(ln.value) for ln in summary_lines(report)
            if not ln.key.startswith("sync.")}


@pytest.mark.parametrize("scope", ["station", "township:新竹街道", "grid:南湖街道/第1网格"])
@pytest.mark.parametrize("reveal", [None, "核对密接人员"])
def test_export_summary_equals_the_report_on_screen(seeded: Seeded, scope: str,
                                                   reveal: str | None) -> None:
    path = seeded.folder / "scan.csv"
    result = export_report(seeded.station, seeded.sessions["super1"], DAY, "csv", path,
                           reveal_reason=reveal, scope=Scope.parse(scope), now=lambda: LATER)
    numbers = {k: v for k, v in _csv_numbers(path).items() if not k.startswith("sync.")}
    assert numbers == _screen_numbers(seeded, Scope.parse(scope))
    expected = seeded.station.db.run(lambda c: count_day(c, DAY, scope))
    for key, value in numbers.items():
        if key.startswith(("screenings.", "unverified.")):
            assert int(value) == expected.get(key, 0), key
    assert result.rows > 0 and result.revealed == bool(reveal)


def test_upload_state_of_unverified_codes_is_counted(seeded: Seeded) -> None:
    def mark(conn: Any) -> None:
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM screenings WHERE result IN ('DEFERRED', 'STALE_TRUST')"
            " ORDER BY id")]
        assert len(ids) >= 4
        conn.execute("UPDATE outbox SET state = 'sent' WHERE record_id IN (?, ?)", ids[:2])
        conn.execute("UPDATE outbox SET state = 'quarantined' WHERE record_id = ?", ids[2:3])
    seeded.station.db.transaction(mark)
    expected = seeded.station.db.run(lambda c: count_day(c, DAY))
    screen = _screen_numbers(seeded, Scope())
    path = seeded.folder / "uploaded.csv"
    export_report(seeded.station, seeded.sessions["super1"], DAY, "csv", path, now=lambda: LATER)
    exported = _csv_numbers(path)
    for key in ("unverified.not_yet_uploaded", "unverified.total"):
        assert int(screen[key]) == int(exported[key]) == expected.get(key, 0), key
    assert int(screen["unverified.not_yet_uploaded"]) < int(screen["unverified.total"])


def _cells(xml: bytes, ncols: int) -> list[list[Any]]:
    sheet = ET.fromstring(b'<sheetData xmlns="http://schemas.openxmlformats.org/'
                          b'spreadsheetml/2006/main">' + xml + b"</sheetData>")
    rows = []
    for row in sheet:
        values: list[Any] = [None] * ncols
        for cell in row:
            col = ord(cell.get("r", "A")[0]) - 65
            text, number = cell.find(f"{MAIN}is/{MAIN}t"), cell.find(f"{MAIN}v")
            if text is not None:
                values[col] = text.text
            elif number is not None and number.text is not None:
                values[col] = float(number.text)
        rows.append(values)
    return rows


def test_xlsx_rows_escape_markup_and_keep_spaces() -> None:
    plain = [("a", 36.5, "", None, "'=1+1")]
    tricky = [("a & b <c>", 7, " lead", "trail ", "bell\x07x"), ("x" * (MAX_TEXT + 5), 1.0,
                                                                  "y", "z", "\ufffe")]
    seen: list[int] = []
    blocks = list(rows_xml([plain, tricky], 5, 2, seen.append))
    assert seen == [1, 2]
    assert b"xml:space" not in blocks[0] and b"xml:space" in blocks[1]
    assert _cells(blocks[0], 5) == [["a", 36.5, None, None, "'=1+1"]]
    rows = _cells(blocks[1], 5)
    assert rows[0] == ["a & b <c>", 7.0, " lead", "trail ", "bellx"]
    assert rows[1][0] == "x" * MAX_TEXT and not rows[1][4]  # cut to the limit; U+FFFE dropped
    assert b'<row r="3">' in blocks[1] and b'<row r="4">' in blocks[1]


class _CancelAt:
    def __init__(self, call: int) -> None:
        self.call, self.calls = call, 0

    def update(self, done: int, total: int, label: str) -> None:
        self.calls += 1
        if self.calls == self.call:
            raise Cancelled()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cancel_at_the_last_moment_leaves_no_file(seeded: Seeded, fmt: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.reports.details.CHUNK", 100)
    counter = _CancelAt(0)
    export_report(seeded.station, seeded.sessions["super1"], DAY, fmt,
                  seeded.folder / f"count.{fmt}", progress=counter, now=lambda: LATER)
    assert counter.calls >= 2  # the first chunk, …, the finished file
    path = seeded.folder / f"late.{fmt}"
    with pytest.raises(Cancelled):
        export_report(seeded.station, seeded.sessions["super1"], DAY, fmt, path,
                      progress=_CancelAt(counter.calls), now=lambda: LATER)
    assert not path.exists()
    assert not [p for p in seeded.folder.iterdir() if p.name.startswith((".late", ".report-"))]


def test_rare_character_fonts_load_when_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.reports import fonts

    monkeypatch.setattr(fonts, "_cache", {})
    chain = fonts.load_fonts()
    if not chain.fallbacks:
        pytest.skip("no fallback font for rare characters is installed")
    loaded = len(chain.names)
    assert [font for font, _ in chain.runs("张三")] == [chain.body]
    assert len(chain.names) == loaded  # nothing loaded for common characters
    runs = chain.runs("吉𠮷")
    if "𠮷" not in chain.missing:
        assert runs[-1][0] != chain.body and len(chain.names) > loaded

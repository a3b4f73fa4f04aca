"""Fast rows for the XLSX detail sheets.

xlsxwriter (in constant-memory mode) lays out the workbook: the summary sheet, native
charts, styles, column widths, frozen headers and filters. Writing 100,000 detail rows cell
by cell through it takes far longer than the report budget, so the detail rows are streamed
as worksheet XML straight into the package afterwards: the workbook is re-zipped, and each
detail sheet gets its rows inserted before ``</sheetData>`` with the dimension corrected.
Cells are inline strings or numbers, the same markup xlsxwriter writes in constant-memory
mode.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DIMENSION = re.compile(r'<dimension ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"/>')
MAX_TEXT = 32767
ROW_LIMIT = 1_048_576


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _escape(value: str) -> str:
    value = _CONTROL.sub("", value)[:MAX_TEXT]
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _careful_cells(letters: list[str], row: tuple[Any, ...] | list[Any], r: str) -> str:
    cells = []
    for col, v in zip(letters, row, strict=False):
        if v is None or v == "":
            continue
        if isinstance(v, str):
            cells.append(f'<c r="{col}{r}" t="inlineStr"><is><t xml:space="preserve">'
                         f'{_escape(v)}</t></is></c>')
        else:
            cells.append(f'<c r="{col}{r}"><v>{float(v)!r}</v></c>')
    return "".join(cells)


def rows_xml(chunks: Iterable[list[tuple[Any, ...]]], ncols: int, first_row: int,
             on_chunk: Callable[[int], None]) -> Iterator[bytes]:
    """Worksheet ``<row>`` markup for the rows, one encoded block per chunk."""
    letters = [column_letter(i) for i in range(ncols)]
    r_num = first_row
    for chunk in chunks:
        parts: list[str] = []
        for row in chunk:  # detail rows come neutralised (app.reports.details)
            r = str(r_num)
            texts = [v for v in row if v.__class__ is str]
            if _NEEDS_CARE.search("\x01".join(texts)) or any(len(v) > MAX_TEXT for v in texts):
                cells = _careful_cells(letters, row, r)
            else:
                cells = "".join([
                    f'<c r="{c}{r}" t="inlineStr"><is><t>{v}</t></is></c>'
                    if v.__class__ is str else f'<c r="{c}{r}"><v>{v}</v></c>'
                    for c, v in zip(letters, row, strict=False)
                    if v is not None and v != "" and v is not True and v is not False])
            parts.append(f'<row r="{r}">{cells}</row>')
            r_num += 1
        on_chunk(len(chunk))
        yield "".join(parts).encode("utf-8")


def inject_rows(source: Path, target: Path,
                sheets: Mapping[str, tuple[int, Iterable[bytes]]]) -> None:
    """Copy the package ``source`` to ``target``, adding rows to the named sheet parts.

    ``sheets`` maps a part name (``xl/worksheets/sheet2.xml``) to (the last row number,
    1-based, and the row markup blocks).
    """
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(
            target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename not in sheets:
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            last_row, blocks = sheets[info.filename]
            text = data.decode("utf-8").replace("<sheetData/>", "<sheetData></sheetData>")
            cut = text.rindex("</sheetData>")
            head, tail = text[:cut], text[cut:]
            ref = _DIMENSION.search(head)
            if ref:
                end_col = ref.group(1) or "A"
                head = head.replace(ref.group(0), f'<dimension ref="A1:{end_col}{last_row}"/>', 1)
            with zout.open(info.filename, "w", force_zip64=last_row > 1_000_000) as out:
                out.write(head.encode("utf-8"))
                for block in blocks:
                    out.write(block)
                out.write(tail.encode("utf-8"))

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

Row = tuple[Any, ...]

_NEEDS_CARE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EDGE_SPACE = re.compile(r"\s\x1f|\x1f\s")  # a space next to the separator of joined texts
_DIMENSION = re.compile(r'<dimension ref="[A-Z]+\d+(?::([A-Z]+)\d+)?"/>')
MAX_TEXT = 32767
ROW_LIMIT = 1_048_576
BLOCK_ROWS = 1000


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


def _escaped(row: Row) -> Row:
    return tuple(_escape(v) if v.__class__ is str else v for v in row)


class _RowTemplates(dict[tuple[Any, ...], str]):
    """``<row>`` markup with placeholders, one per shape of row (which cells are text,
    numbers or empty), so a row is one ``str.format`` call: ``{0}`` is the row number,
    ``{i + 1}`` cell ``i``. ``preserve``: text keeps leading and trailing spaces."""

    def __init__(self, letters: list[str], preserve: bool) -> None:
        super().__init__()
        self.letters = letters
        self.text = '<t xml:space="preserve">' if preserve else "<t>"

    def __missing__(self, shape: tuple[Any, ...]) -> str:
        cells = []
        for i, (col, kind) in enumerate(zip(self.letters, shape, strict=False), start=1):
            if kind is str:
                cells.append(f'<c r="{col}{{0}}" t="inlineStr"><is>{self.text}'
                             f'{{{i}}}</t></is></c>')
            elif kind in (int, float):
                cells.append(f'<c r="{col}{{0}}"><v>{{{i}}}</v></c>')
        self[shape] = template = '<row r="{0}">' + "".join(cells) + "</row>"
        return template


def rows_xml(chunks: Iterable[list[Row]], ncols: int, first_row: int,
             on_chunk: Callable[[int], None]) -> Iterator[bytes]:
    """Worksheet ``<row>`` markup for the rows, in encoded blocks of up to ``BLOCK_ROWS``.

    Text is written as inline strings, numbers as numbers; empty cells (``None`` or ``""``)
    are left out. A chunk whose text has no ``&``, ``<``, ``>``, control characters or
    over-long values (the usual case) is written as it is; otherwise its text is escaped.
    Text cells say ``xml:space="preserve"`` in a chunk where some text starts or ends with
    a space (checked once per chunk, not per cell)."""
    letters = [column_letter(i) for i in range(ncols)]
    plain, preserved = _RowTemplates(letters, False), _RowTemplates(letters, True)
    r_num = first_row
    for chunk in chunks:  # detail rows come neutralised (app.reports.details)
        texts = [v for row in chunk for v in row if v.__class__ is str and v]
        careful = bool(_NEEDS_CARE.search("".join(texts))) or max(
            map(len, texts), default=0) > MAX_TEXT
        joined = "\x1f".join(texts)
        templates = preserved if joined[:1].isspace() or joined[-1:].isspace() or (
            _EDGE_SPACE.search(joined)) else plain
        for first in range(0, len(chunk), BLOCK_ROWS):  # small blocks: little memory
            parts: list[str] = []
            for r, row in enumerate(chunk[first:first + BLOCK_ROWS], start=r_num + first):
                shape = tuple([None if v == "" else v.__class__ for v in row])
                parts.append(templates[shape].format(str(r), *(_escaped(row) if careful
                                                               else row)))
            yield "".join(parts).encode("utf-8")
        r_num += len(chunk)
        on_chunk(len(chunk))


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

"""Table models that hold ids and fetch rows lazily, in batches, on the DB thread.

A view asks for a cell; a row not yet in the cache shows "…" and its batch (the ids around
it) is fetched through ``db_op``; when the batch arrives the rows are cached and
``dataChanged`` repaints them. ``set_ids`` replaces the list (a new filter) and drops the
cache. Columns are declared once as (title, cell function, widest sample, stretch);
:func:`app.ui.cases.columns.fit_columns` sizes a view's columns from the samples without
reading any row, so the lazy fetch stays lazy and widths do not jump while rows arrive.
Every cell's full text is also its tooltip, for a column the user made narrow.

Signals: ``rows_loaded()`` after each batch arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import Shiboken

from app.storage.station import Station
from app.ui.ops import db_op

BATCH = 50
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: its title, how a cached row becomes the cell's text, the widest text
    it usually shows (for its width) and whether it takes the space left over."""

    title: str
    cell: Callable[[dict[str, Any]], str]
    sample: str = ""
    stretch: bool = False


class LazyRowModel(QAbstractTableModel):
    """Ids in order; rows fetched by ``fetch(conn, ids) -> {id: row}`` when first shown."""

    rows_loaded = Signal()

    def __init__(self, station: Station, columns: Sequence[Column],
                 fetch: Callable[[Any, list[str]], dict[str, dict[str, Any]]],
                 parent: QWidget | None = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        super().__init__(parent)
        self.station = station
        self.columns = list(columns)
        self.fetch = fetch
        self._ids: list[str] = []
        self._cache: dict[str, dict[str, Any]] = {}
        self._pending: set[str] = set()
        self._generation = 0
        self._on_error = on_error

    # ------------------------------------------------------------- ids
    def set_ids(self, ids: list[str]) -> None:
        """Show these ids (cache dropped)."""
        self.beginResetModel()
        self._generation += 1
        self._ids = list(ids)
        self._cache.clear()
        self._pending.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """Drop cached rows so they are fetched again (after a change)."""
        self._generation += 1
        self._cache.clear()
        self._pending.clear()
        if self._ids:
            self.dataChanged.emit(self.index(0, 0),
                                  self.index(len(self._ids) - 1, len(self.columns) - 1))

    def id_at(self, row: int) -> str | None:
        """The id shown in ``row``."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, record_id: str) -> int:
        """The row showing ``record_id`` (-1 when absent)."""
        try:
            return self._ids.index(record_id)
        except ValueError:
            return -1

    def cached(self, record_id: str) -> dict[str, Any] | None:
        """The row if fetched."""
        return self._cache.get(record_id)

    @property
    def ids(self) -> list[str]:
        """All ids in order."""
        return list(self._ids)

    # ------------------------------------------------------------- Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal
                and 0 <= section < len(self.columns)):
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        record_id = self._ids[index.row()]
        row = self._cache.get(record_id)
        if row is None:
            if role == Qt.ItemDataRole.ToolTipRole:
                return None
            self._request(index.row())
            return "…"
        return self.columns[index.column()].cell(row)

    # ------------------------------------------------------------- fetching
    def _request(self, row: int) -> None:
        start = max(0, row - BATCH // 4)
        wanted = [i for i in self._ids[start:start + BATCH]
                  if i not in self._cache and i not in self._pending]
        if not wanted:
            return
        self._pending.update(wanted)
        generation = self._generation
        fetch = self.fetch
        db_op(self.station, lambda conn: fetch(conn, wanted),
              lambda rows: self._arrived(generation, wanted, rows), self._failed)

    def fetch_all(self) -> None:
        """Ask for every row now (small lists, tests)."""
        for row in range(0, len(self._ids), BATCH):
            self._request(row + BATCH // 4)

    def _arrived(self, generation: int, wanted: list[str],
                 rows: dict[str, dict[str, Any]]) -> None:
        if not Shiboken.isValid(self) or generation != self._generation:
            return
        self._pending.difference_update(wanted)
        self._cache.update(rows)
        positions = [self.row_of(i) for i in rows]
        positions = [p for p in positions if p >= 0]
        if positions:
            self.dataChanged.emit(self.index(min(positions), 0),
                                  self.index(max(positions), len(self.columns) - 1))
        self.rows_loaded.emit()

    def _failed(self, exc: BaseException) -> None:
        if not Shiboken.isValid(self):
            return
        self._pending.clear()
        if self._on_error is not None:
            self._on_error(exc)

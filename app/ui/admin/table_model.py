"""A small read-only table model over a list of rows, with columns given as functions.

For the administration lists, which hold tens of rows; large record lists use lazy models.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Column = tuple[str, Callable[[Any], Any]]
Index = QModelIndex | QPersistentModelIndex


def local_time(ts: float | None) -> str:
    """Epoch seconds as local ``YYYY-MM-DD HH:MM`` ('—' when unknown)."""
    if not ts:
        return "—"
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(ts)))


def local_iso(text: str | None) -> str:
    """A stored UTC ISO time as local ``YYYY-MM-DD HH:MM``."""
    if not text:
        return "—"
    from app.timeutil import parse_iso

    try:
        return local_time(parse_iso(text))
    except ValueError:
        return str(text)


class RowsModel(QAbstractTableModel):
    """Rows and columns; ``colour`` optionally gives a text colour per row."""

    def __init__(self, columns: Sequence[Column],
                 colour: Callable[[Any], str | None] | None = None) -> None:
        super().__init__()
        self.columns = list(columns)
        self.rows: list[Any] = []
        self._colour = colour

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_headers(self, headers: Sequence[str]) -> None:
        """Rename the columns (after a language change)."""
        self.columns = [(h, c[1]) for h, c in zip(headers, self.columns, strict=True)]
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def row(self, index: int) -> Any:
        """The row object at ``index``."""
        return self.rows[index]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of rows."""
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        """Number of columns."""
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text (and colour)."""
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self.columns[index.column()][1](row)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ForegroundRole and self._colour is not None:
            from PySide6.QtGui import QColor

            colour = self._colour(row)
            return QColor(colour) if colour else None
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 - Qt API
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section][0]
        return None

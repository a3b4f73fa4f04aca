"""Column widths for the lazy tables, taken from each column's declared sample text.

Reading every row to size the columns would fetch them all; instead each column is as wide
as its title or its widest usual text in the view's font. A stretch column takes what is
left of the view's width but never gets narrower than its own sample, so a narrow window
scrolls sideways instead of cutting the text. The user may drag any column.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QHeaderView, QTableView

from app.ui.cases.models import Column

CELL_PADDING = 16  # the cell's margins and the grid line, in pixels


class ColumnFitter(QObject):
    """Sizes the columns of ``view`` now (and after a font change) and gives the spare
    width to the stretch columns whenever the view is resized."""

    def __init__(self, view: QTableView, columns: Sequence[Column]) -> None:
        super().__init__(view)
        self.view = view
        self.columns = list(columns)
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(36)
        for i in range(len(self.columns)):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Interactive)
        self.widths: list[int] = []
        self.reset()
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)

    def reset(self) -> None:
        """Back to the natural widths (again after a font change), then fit."""
        header = self.view.horizontalHeader()
        self.widths = self.natural_widths()
        for i, width in enumerate(self.widths):
            header.resizeSection(i, width)
        self.fit()

    def natural_widths(self) -> list[int]:
        """Each column's width for its title and sample in the current fonts."""
        cell = self.view.fontMetrics()
        title = self.view.horizontalHeader().fontMetrics()
        return [max(title.horizontalAdvance(c.title) + CELL_PADDING // 2,
                    cell.horizontalAdvance(c.sample)) + CELL_PADDING for c in self.columns]

    def wanted_width(self) -> int:
        """The view's width that shows every column at its natural width."""
        v = self.view
        return (sum(self.widths) + v.verticalScrollBar().sizeHint().width()
                + 2 * v.frameWidth() + 2)

    def fit(self) -> None:
        """Give the width left over to the stretch columns (none below their own width)."""
        stretch = [i for i, c in enumerate(self.columns) if c.stretch]
        if not stretch:
            return
        header = self.view.horizontalHeader()
        fixed = sum(header.sectionSize(i) for i in range(len(self.columns)) if i not in stretch)
        spare = self.view.viewport().width() - fixed
        share = spare // len(stretch)
        for i in stretch:
            header.resizeSection(i, max(self.widths[i], share))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.Resize and watched is self.view.viewport():
            self.fit()
        elif kind == QEvent.Type.FontChange and watched is self.view:
            self.reset()
        return False


def fit_columns(view: QTableView, columns: Sequence[Column]) -> ColumnFitter:
    """Size ``view``'s columns from ``columns`` and keep the stretch columns filling it."""
    return ColumnFitter(view, columns)

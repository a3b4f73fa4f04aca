"""The list of isolation cases: a lazy id model behind a table sized from its columns.

Each column declares its widest usual text, so every name, ID, grid and reason fits
without reading all rows first; the full text of each cell is also its tooltip.
Personal data is masked in every cell.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from app.masking import mask_id_number, mask_name
from app.storage.station import Station
from app.ui.cases import labels
from app.ui.cases.columns import fit_columns
from app.ui.cases.models import Column, LazyRowModel


def _masked(fn: Callable[[str | None], str | None], value: str | None) -> str:
    return fn(value) or "—"


def _longest(words: dict[str, str]) -> str:
    return max(words.values(), key=len)


class CaseTable(QTableView):
    """See the module docstring; ``case_model`` holds the ids, ``columns`` sizes them."""

    def __init__(self, station: Station,
                 fetch: Callable[[Any, list[str]], dict[str, dict[str, Any]]],
                 on_error: Callable[[BaseException], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case-table")
        self.case_model = LazyRowModel(station, [
            Column(self.tr("姓名"), lambda r: _masked(mask_name, r["person_name"]),
                   sample="欧阳***"),
            Column(self.tr("证件号"), lambda r: _masked(mask_id_number, r["id_number"]),
                   sample="450***********000X"),
            Column(self.tr("网格"), lambda r: r["grid"], sample="新竹街道/第12网格",
                   stretch=True),
            Column(self.tr("方式"), lambda r: labels.word(labels.kinds(), r["kind"]),
                   sample=_longest(labels.kinds())),
            Column(self.tr("原因"), lambda r: labels.word(labels.reasons(), r["reason"]),
                   sample=_longest(labels.reasons())),
            Column(self.tr("计划解除"), lambda r: r["planned_end"], sample="2026-12-31"),
            Column(self.tr("今日监测"), self._checks_cell, sample=" ".join(
                "✓" + text for text in labels.slots().values())),
            Column(self.tr("救助"), self._aid_cell,
                   sample=self.tr("{n} 件办理中").format(n=10)),
            Column(self.tr("状态"), lambda r: labels.word(labels.statuses(), r["status"]),
                   sample=_longest(labels.statuses())),
        ], fetch, self, on_error)
        self.setModel(self.case_model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.columns = fit_columns(self, self.case_model.columns)

    def _checks_cell(self, r: dict[str, Any]) -> str:
        if r["status"] != "active":
            return ""
        done = set(r["checks_today"])
        return " ".join(("✓" if s in done else "✗") + text for s, text in labels.slots().items())

    def _aid_cell(self, r: dict[str, Any]) -> str:
        if r["aid_overdue"]:
            return self.tr("{n} 件超期").format(n=r["aid_overdue"])
        return self.tr("{n} 件办理中").format(n=r["aid_open"]) if r["aid_open"] else ""

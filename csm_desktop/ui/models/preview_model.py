"""Table models of the import dialogs: the preview of a usage file and the rejected rows.

``PreviewModel`` shows the rows under the header as the file holds them, with the column
each one is mapped to in the header, and tints the cells the import would reject (the
reason in the tooltip) so a CSM sees what will be skipped before anything is stored.
``RejectedRowsModel`` lists what an import could not use, for the summaries. Both are fed
with plain values (``set_rows``) and never read a file or the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from csm_desktop.services.usage_files import Cell, CellProblem, Row
from csm_desktop.ui.palette import current

Index = QModelIndex | QPersistentModelIndex
ProblemRole = Qt.ItemDataRole.UserRole + 1  # the reason a cell would be rejected, or None


def problem_background() -> QBrush:
    """A cell the import rejects."""
    return QBrush(QColor(current().problem_bg))


def skipped_background() -> QBrush:
    """A blank or total row, skipped quietly."""
    return QBrush(QColor(current().skipped_bg))


FILLED_TIP = "blank in the file: filled from the group label above (a grouped report)"


def muted_foreground() -> QBrush:
    """Ignored columns, skipped rows."""
    return QBrush(QColor(current().faint))


def cell_text(cell: Cell) -> str:
    """A cell as the CSM typed it: whole floats without ".0", dates as ISO."""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.datetime) and cell.time() == dt.time():
        return cell.date().isoformat()
    if isinstance(cell, dt.date | dt.datetime | dt.time):
        return cell.isoformat(sep=" ") if isinstance(cell, dt.datetime) else cell.isoformat()
    return str(cell)


class PreviewModel(QAbstractTableModel):
    """The data rows of a usage preview; vertical headers are the sheet's row numbers."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._headers: list[str] = []
        self._mapped: list[str] = []
        self._rows: list[tuple[int, Row]] = []
        self._cells: Mapping[tuple[int, int], CellProblem] = {}
        self._whole_rows: Mapping[int, CellProblem] = {}
        self._filled: Mapping[tuple[int, int], str] = {}

    def set_rows(
        self,
        headers: Sequence[str],
        mapped: Sequence[str],
        rows: Sequence[tuple[int, Row]],
        cells: Mapping[tuple[int, int], CellProblem],
        whole_rows: Mapping[int, CellProblem],
        filled: Mapping[tuple[int, int], str] | None = None,
    ) -> None:
        """Show ``rows`` as (sheet row number, cells) under ``headers``.

        ``mapped`` names what each column is imported as ("" for an ignored column);
        ``cells`` and ``whole_rows`` are the problems, keyed like ``PreviewCheck``'s;
        ``filled`` the blank group-label cells the import fills, with their label (shown
        in italics, so the CSM sees what will be stored).
        """
        self.beginResetModel()
        width = max([len(headers), *(len(cells_) for _number, cells_ in rows)])
        self._headers = [*headers, *([""] * (width - len(headers)))]
        self._mapped = [*mapped, *([""] * (width - len(mapped)))]
        self._rows = list(rows)
        self._cells = dict(cells)
        self._whole_rows = dict(whole_rows)
        self._filled = dict(filled or {})
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def problem(self, row: int, column: int) -> CellProblem | None:
        """The problem shown at a view position: the cell's own, else its row's."""
        number = self._rows[row][0]
        return self._cells.get((number, column)) or self._whole_rows.get(number)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        number, cells = self._rows[index.row()]
        column = index.column()
        label = self._filled.get((number, column))
        if role == Qt.ItemDataRole.DisplayRole:
            if label is not None:
                return label
            return cell_text(cells[column]) if column < len(cells) else ""
        if role == Qt.ItemDataRole.FontRole and label is not None:
            font = QFont()
            font.setItalic(True)
            return font
        problem = self.problem(index.row(), column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if label is not None and problem is None:
                return FILLED_TIP
            return problem.reason if problem else None
        if role == ProblemRole:
            return problem.reason if problem else None
        if role == Qt.ItemDataRole.BackgroundRole and problem is not None:
            return problem_background() if problem.blocking else skipped_background()
        if role == Qt.ItemDataRole.ForegroundRole:
            row_problem = self._whole_rows.get(number)
            if not self._mapped[column] or (row_problem and not row_problem.blocking):
                return muted_foreground()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(self._rows[section][0]) if 0 <= section < len(self._rows) else None
        if not 0 <= section < len(self._headers):
            return None
        mapped = self._mapped[section] or "ignored"
        return f"{self._headers[section] or '(no header)'}\n→ {mapped}"


class Rejected(Protocol):
    """A rejected row of either import (usage rows have no sheet, book rows no ``blocking``)."""

    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def reason(self) -> str: ...


class RejectedColumn(IntEnum):
    SHEET = 0
    ROW = 1
    COLUMN = 2
    VALUE = 3
    REASON = 4


REJECTED_HEADERS = ("Sheet", "Row", "Column", "Value", "Reason")


class RejectedRowsModel(QAbstractTableModel):
    """Rejected rows as the rejected-rows CSV lists them; Sheet only where there are sheets."""

    def __init__(self, *, with_sheet: bool = False, parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = [c for c in RejectedColumn if with_sheet or c != RejectedColumn.SHEET]
        self._rows: list[Rejected] = []

    def set_rows(self, rows: Sequence[Rejected]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rejected = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == RejectedColumn.SHEET:
                return str(getattr(rejected, "sheet", ""))
            if column == RejectedColumn.ROW:
                return str(rejected.row)
            if column == RejectedColumn.COLUMN:
                return rejected.column
            if column == RejectedColumn.VALUE:
                return rejected.value
            return rejected.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == RejectedColumn.ROW:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and not getattr(rejected, "blocking", True):
            return muted_foreground()
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        if not 0 <= section < len(self._columns):
            return None
        return REJECTED_HEADERS[self._columns[section]]

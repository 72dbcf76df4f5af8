"""Table model of the Today list: one row per nudge, fed with ``set_rows`` (never queries).

Rows arrive ranked; ``ItemRole`` gives the whole ``TodayItem`` to the view. The rank shown
is the line's rank in the whole list, also when one owner's lines are shown. The view shows
this model itself: a proxy between them would ask ``data`` once per role (see
``multiData``).
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QColor, QFont

from csm_desktop.domain.nudges import NudgeKind
from csm_desktop.ui.models.cell_roles import answer_delegate, answer_roles, cell_font
from csm_desktop.ui.palette import current

if TYPE_CHECKING:  # the service (and the ORM behind it) loads when Today first fills
    from csm_desktop.services.today import TodayItem

ItemRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    RANK = 0
    KIND = 1
    ACCOUNT = 2
    MILESTONE = 3
    REASON = 4
    DUE = 5
    OWNER = 6


_COLUMNS = tuple(Column)
_RANK, _KIND, _ACCOUNT, _MILESTONE, _REASON, _DUE, _OWNER = _COLUMNS
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_ROLES = frozenset({_DISPLAY, ItemRole, _FOREGROUND, _FONT, _TOOLTIP, _ALIGNMENT})
"""The roles ``data`` answers, as plain numbers. Painting the list asks seven roles of each
visible cell, on the UI thread while Today streams in (issue 17: every millisecond of a
refill is one the window cannot answer in); reading a member off a Qt or Python enum costs
~0.3 µs each time, so they are read once here."""
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

HEADERS = {
    Column.RANK: "#",
    Column.KIND: "What",
    Column.ACCOUNT: "Account",
    Column.MILESTONE: "Milestone",
    Column.REASON: "Why",
    Column.DUE: "Due",
    Column.OWNER: "Owner",
}

KIND_LABELS = {
    NudgeKind.OVERDUE: "Overdue",
    NudgeKind.DUE_SOON: "Due soon",
    NudgeKind.CRITERION_MET: "Confirm achieved",
    NudgeKind.STALLED: "Stalled",
    NudgeKind.UNUSED_UNLOCK: "Unlock unused",
    NudgeKind.RENEWAL: "Renewal",
}


def kind_colour(kind: NudgeKind) -> QColor:
    """The text colour of a nudge's kind in the scheme in use."""
    c = current()
    return QColor(
        {
            NudgeKind.OVERDUE: c.bad,
            NudgeKind.DUE_SOON: c.warn,
            NudgeKind.CRITERION_MET: c.good,
            NudgeKind.STALLED: c.purple,
            NudgeKind.UNUSED_UNLOCK: c.info,
            NudgeKind.RENEWAL: c.pink,
        }[kind]
    )


class NudgeModel(QAbstractTableModel):
    """The ranked lines, filtered to one owner's here (a Python filter in a proxy would be
    called back once per line: 100,000 calls at 50,000 accounts, a stall on every reset)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[TodayItem] = []
        self.owner: str | None = None
        """Whose lines are on show (None: everybody's)."""
        self._shown: list[int] | None = None  # the lines of the owner on show; None: all
        self.open_count = 0
        """Lines on show that are not handled yet."""
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(
        self, rows: Sequence[TodayItem], owner: str | None = None, open_count: int | None = None
    ) -> None:
        """New lines, and whose of them to show (None: everybody's), in one reset.
        ``open_count``, when known, is how many of all lines are not handled (counting
        100,000 lines here took a tenth of a second of the UI thread)."""
        self.beginResetModel()
        self.owner = owner
        self._rows = list(rows)
        self._filter(open_count)
        self.endResetModel()

    def set_owner(self, owner: str | None) -> None:
        """Show only ``owner``'s lines (None: everybody's); ranks stay the book's."""
        self.beginResetModel()
        self.owner = owner
        self._filter()
        self.endResetModel()

    def _filter(self, open_count: int | None = None) -> None:
        owner, rows = self.owner, self._rows
        if owner is None:
            self._shown = None
            self.open_count = (
                sum(1 for item in rows if not item.nudge.handled)
                if open_count is None
                else open_count
            )
        else:
            self._shown = [n for n, item in enumerate(rows) if item.nudge.owner == owner]
            self.open_count = sum(1 for n in self._shown if not rows[n].nudge.handled)

    def items(self) -> list[TodayItem]:
        """Every line, whoever owns it."""
        return self._rows

    def line(self, row: int) -> int:
        """The line's rank in the whole list, from 0."""
        return row if self._shown is None else self._shown[row]

    def row_at(self, row: int) -> TodayItem:
        return self._rows[self.line(row)]

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        if parent.isValid():
            return 0
        return len(self._rows) if self._shown is None else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        line = self._line_at(index) if role in _ROLES else None
        if line is None:
            return None
        return self._value(self._rows[line], line, _COLUMNS[index.column()], role)

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of one cell in one call (``cell_roles``: painting the list after each
        snapshot took ~40 ms of the UI thread through ``data``; issue 17)."""
        line = self._line_at(index)
        if line is None:
            answer_roles(roles, None)
            return
        item, column = self._rows[line], _COLUMNS[index.column()]
        text = self.display(item, line, column)
        if not answer_delegate(
            roles,
            text,
            cell_font(text, self._font(item, column)),
            _RIGHT if column is _RANK else None,
            self._foreground(item, column),
        ):
            answer_roles(
                roles,
                lambda role: self._value(item, line, column, role) if role in _ROLES else None,
            )

    def _line_at(self, index: Index) -> int | None:
        """The line (rank in the whole list) shown at ``index``, or None."""
        if not index.isValid():
            return None
        row, shown = index.row(), self._shown
        if not 0 <= row < (len(self._rows) if shown is None else len(shown)):
            return None
        return row if shown is None else shown[row]

    def _value(self, item: TodayItem, line: int, column: Column, role: int) -> Any:
        """What ``data`` answers for ``role`` of ``column`` of ``item`` (rank ``line``)."""
        nudge = item.nudge
        if role == _DISPLAY:
            return self.display(item, line, column)
        if role == ItemRole:
            return item
        if role == _FOREGROUND:
            return self._foreground(item, column)
        if role == _FONT:
            return cell_font(self.display(item, line, column), self._font(item, column))
        if role == _TOOLTIP:
            if nudge.handled and nudge.contacted_on is not None:
                return f"Contacted on {nudge.contacted_on.isoformat()}: probably handled"
            return nudge.reason
        if role == _ALIGNMENT and column is _RANK:
            return _RIGHT
        return None

    @staticmethod
    def _foreground(item: TodayItem, column: Column) -> QColor | None:
        """A colour, not a QBrush: Qt paints it the same, and the first QBrush a process
        makes costs ~40 ms of PySide's type set-up (issue 17)."""
        if item.nudge.handled:
            return QColor(current().handled)
        if column is _KIND:
            return kind_colour(item.nudge.kind)
        return None

    def _font(self, item: TodayItem, column: Column) -> QFont | None:
        return self._bold if column is _KIND and not item.nudge.handled else None

    @staticmethod
    def display(item: TodayItem, row: int, column: Column) -> str:
        nudge = item.nudge
        if column is _RANK:
            return str(row + 1)
        if column is _KIND:
            return KIND_LABELS[nudge.kind] + (" ✓" if nudge.handled else "")
        if column is _ACCOUNT:
            return nudge.account
        if column is _MILESTONE:
            return nudge.milestone or ""
        if column is _DUE:
            return nudge.due.isoformat() if nudge.due else ""
        if column is _REASON:
            return nudge.reason
        return nudge.owner or ""  # _OWNER

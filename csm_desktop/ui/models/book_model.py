"""Table model of the Book: one row per account, fed with ``set_rows`` (never queries).

``SortRole`` gives raw values (dates, numbers). The model sorts and filters itself: it holds
every account and shows the rows that match the search, segment and owner, picked in one
pass over precomputed search texts; the view shows it with no proxy between. A proxy that
sorts calls a Python ``lessThan`` thousands of times whenever the filter changes (clearing
the search over 5,000 accounts took half a second), one that filters calls a Python
``filterAcceptsRow`` once per account per keystroke (about 2 µs each: 90 ms at 50,000
accounts, past the 50 ms a keystroke may take), and any proxy asks ``data`` role by role
where the view would ask ``multiData`` once per cell (``cell_roles``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
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
from PySide6.QtGui import QColor

from csm_desktop.domain.metrics.long_term import arr_figure
from csm_desktop.domain.text import fold, name_order
from csm_desktop.domain.vocabulary import Health
from csm_desktop.ui.models.cell_roles import answer_delegate, answer_roles, cell_font
from csm_desktop.ui.palette import current

if TYPE_CHECKING:  # the service (and the metrics behind it) loads with the Book's rows
    from csm_desktop.services.book import BookRow

SortRole = Qt.ItemDataRole.UserRole + 1
AccountIdRole = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


class Column(IntEnum):
    NAME = 0
    SEGMENT = 1
    OWNER = 2
    KICKOFF = 3
    AGE = 4
    PHASE = 5
    COMPLETION = 6
    HEALTH = 7
    NEXT_MILESTONE = 8
    NEXT_DUE = 9
    OVERDUE = 10
    ARR = 11
    RENEWAL = 12


_COLUMNS = tuple(Column)
_COLUMN_COUNT = len(_COLUMNS)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ROLES = frozenset({_DISPLAY, SortRole, AccountIdRole, _FOREGROUND, _TOOLTIP, _ALIGNMENT, _FONT})
"""The roles ``data`` answers, as plain numbers. Painting a screenful of the Book asks
about 2,000 times (six roles or so for each visible cell) at every filter keystroke;
reading a member off a Qt or Python enum costs ~0.3 µs each time, so they are read once
here (the keystroke's target is 50 ms at 5,000 accounts)."""
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_RIGHT_ALIGNED = frozenset({Column.AGE, Column.COMPLETION, Column.OVERDUE, Column.ARR})
_OVERDUE_COLOURED = frozenset({Column.OVERDUE, Column.NEXT_DUE})

HEADERS = {
    Column.NAME: "Account",
    Column.SEGMENT: "Segment",
    Column.OWNER: "Owner",
    Column.KICKOFF: "Kickoff",
    Column.AGE: "Age",
    Column.PHASE: "Phase",
    Column.COMPLETION: "Ladder",
    Column.HEALTH: "Health",
    Column.NEXT_MILESTONE: "Next milestone",
    Column.NEXT_DUE: "Due",
    Column.OVERDUE: "Overdue",
    Column.ARR: "ARR",
    Column.RENEWAL: "Renewal",
}


def health_colour(health: Health) -> QColor:
    """The text colour of a health value in the scheme in use."""
    c = current()
    return QColor(
        {Health.ON_TRACK: c.good, Health.AT_RISK: c.warn, Health.OFF_TRACK: c.bad}[health]
    )


HEALTH_ORDER = {Health.OFF_TRACK: 0, Health.AT_RISK: 1, Health.ON_TRACK: 2}


def format_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def format_money(value: float | None) -> str:
    return arr_figure(value, "")


@dataclass(frozen=True)
class Replacement:
    """Fresh lines for some accounts, with where they go (``BookModel.replacement``)."""

    fresh: dict[int, BookRow]  # account id -> its fresh line
    texts: dict[int, str]  # account id -> the fresh line's search text
    places: dict[int, int]  # account id -> its place among every account
    in_place: bool  # every line stays on show or hidden as it was


class BookModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._all: list[BookRow] = []  # every account, in the sort order
        self._all_text: list[str] = []  # what the search matches, folded once per row
        self._rows: list[BookRow] = []  # the accounts on show
        self._where: dict[int, int] = {}  # account id -> its place in ``_all``
        self._segments: Counter[str | None] = Counter()  # accounts per segment
        self._owners: Counter[str | None] = Counter()  # accounts per owner
        self._filter: tuple[str, str | None, str | None] = ("", None, None)
        self._sort: tuple[int, Qt.SortOrder] | None = None

    def set_rows(self, rows: Sequence[BookRow]) -> None:
        self.beginResetModel()
        self._set_all(self._sorted(list(rows)))
        self.endResetModel()

    def replace_rows(self, changed: Collection[int], rows: Sequence[BookRow]) -> bool:
        """Put the fresh ``rows`` of the ``changed`` accounts where their old lines are
        (``replacement`` then ``apply``); False, with nothing changed, when the whole Book
        must be read again."""
        replacement = self.replacement(changed, rows)
        if replacement is None:
            return False
        self.apply(replacement)
        return True

    def replacement(self, changed: Collection[int], rows: Sequence[BookRow]) -> Replacement | None:
        """How the fresh ``rows`` of the ``changed`` accounts go where their old lines are.
        Every other line keeps its place and its search text: a teammate's edit to a few
        accounts of a 50,000-account Book costs well under a millisecond, not a re-read.
        None when a line would move in the sort order, is new, or leaves (deleted,
        archived: the Book's counts change): read the whole Book then."""
        fresh = {row.account_id: row for row in rows}
        # An account named but neither in the Book nor read (archived, say) changes nothing.
        if fresh.keys() != {i for i in changed if i in self._where}:
            return None
        places = {account_id: self._where[account_id] for account_id in fresh}
        if any(self._place_key(fresh[i]) != self._place_key(self._all[places[i]]) for i in fresh):
            return None
        texts = {account_id: _search_text(row) for account_id, row in fresh.items()}
        in_place = all(
            self._shows(fresh[i], texts[i]) == self._shows(self._all[n], self._all_text[n])
            for i, n in places.items()
        )
        return Replacement(fresh, texts, places, in_place)

    def apply(self, replacement: Replacement) -> None:
        """Put a ``replacement`` in. In place (every line stays on show or hidden as it
        was): only those lines' cells change (``dataChanged``; the selection and scroll stay
        as they are). Otherwise the lines on show are picked again (a model reset)."""
        fresh, places = replacement.fresh, replacement.places
        if not replacement.in_place:
            self.beginResetModel()
            self._put(replacement)
            self._rows = self._matching()
            self.endResetModel()
            return
        on_show = {i for i in fresh if self._shows(fresh[i], replacement.texts[i])}
        # with a filter on, a pass over the lines on show only when a changed one is there
        shown = places if self._rows_are_all() else self.shown_rows_of(on_show) if on_show else {}
        self._put(replacement)
        last = len(Column) - 1
        for account_id, number in shown.items():
            self._rows[number] = fresh[account_id]
            self.dataChanged.emit(self.index(number, 0), self.index(number, last))

    def _put(self, replacement: Replacement) -> None:
        for account_id, number in replacement.places.items():
            row = replacement.fresh[account_id]
            old = self._all[number]
            self._all[number] = row
            self._all_text[number] = replacement.texts[account_id]
            self._segments.update((row.segment,))
            self._segments.subtract((old.segment,))
            self._owners.update((row.owner,))
            self._owners.subtract((old.owner,))

    def segments(self) -> list[str]:
        """The segments of the book's accounts, sorted (for the filter)."""
        return sorted(value for value, count in self._segments.items() if value and count > 0)

    def owners(self) -> list[str]:
        """The owners of the book's accounts, sorted (for the filter)."""
        return sorted(value for value, count in self._owners.items() if value and count > 0)

    def _rows_are_all(self) -> bool:
        """Whether every account is on show, line for line (no filter)."""
        return not any(self._filter)

    def _shows(self, row: BookRow, searched: str) -> bool:
        """Whether the filters let this line be on show."""
        text, segment, owner = self._filter
        return (
            text in searched
            and (segment is None or row.segment == segment)
            and (owner is None or row.owner == owner)
        )

    def _place_key(self, row: BookRow) -> Any:
        """What decides a line's place: the sorted column's value, then its name (as read:
        a whole read orders ties by name, so a rename may move a line among its ties)."""
        if self._sort is None:
            return row.name
        return self._sort_value(row, Column(self._sort[0])), row.name

    def set_search(self, text: str) -> None:
        """Show the accounts whose name, external id, owner, next milestone or segment
        contain ``text`` (case and accents ignored), with the segment and owner chosen."""
        self.set_filter(fold(text.strip()), self._filter[1], self._filter[2])

    def set_segment(self, segment: str | None) -> None:
        """Show one segment's accounts (None: every segment's), with the search and owner."""
        self.set_filter(self._filter[0], segment, self._filter[2])

    def set_owner(self, owner: str | None) -> None:
        """Show one owner's accounts (None: everybody's), with the search and segment."""
        self.set_filter(self._filter[0], self._filter[1], owner)

    def set_filter(self, text: str, segment: str | None, owner: str | None) -> None:
        """Show the accounts whose search text contains ``text`` (folded) and whose segment
        and owner are the given ones (None: any)."""
        if (text, segment, owner) == self._filter:
            return
        self.beginResetModel()
        self._filter = (text, segment, owner)
        self._rows = self._matching()
        self.endResetModel()

    def total(self) -> int:
        """Accounts in the book, shown or not."""
        return len(self._all)

    def _set_all(self, rows: list[BookRow]) -> None:
        self._all = rows
        self._all_text = [_search_text(row) for row in rows]
        self._where = {row.account_id: number for number, row in enumerate(rows)}
        self._segments = Counter(row.segment for row in rows)
        self._owners = Counter(row.owner for row in rows)
        self._rows = self._matching()

    def _matching(self) -> list[BookRow]:
        text, segment, owner = self._filter
        if not (text or segment or owner):
            return list(self._all)
        return [
            row
            for row, searched in zip(self._all, self._all_text, strict=True)
            if text in searched  # inline, as in _shows: one pass per keystroke at 50,000
            and (segment is None or row.segment == segment)
            and (owner is None or row.owner == owner)
        ]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column < 0:  # Qt's "no sort column": the rows stay in the order they are
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_rows = [self._rows[index.row()] for index in old_persistent]
        self._set_all(self._sorted(self._all))
        position = {id(row): number for number, row in enumerate(self._rows)}
        self.changePersistentIndexList(
            old_persistent,
            [
                self.index(position[id(row)], index.column())
                for row, index in zip(old_rows, old_persistent, strict=True)
            ],
        )
        self.layoutChanged.emit()

    def sort_order(self) -> tuple[Column | None, Qt.SortOrder]:
        """The column the rows are sorted by (None: as read, in name order) and the order."""
        if self._sort is None:
            return None, Qt.SortOrder.AscendingOrder
        return Column(self._sort[0]), self._sort[1]

    def _sorted(self, rows: list[BookRow]) -> list[BookRow]:
        if self._sort is None:
            return rows
        column, order = Column(self._sort[0]), self._sort[1]
        present = [r for r in rows if self._sort_value(r, column) is not None]
        empty = [r for r in rows if self._sort_value(r, column) is None]
        present.sort(
            key=lambda r: self._sort_value(r, column),
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        return present + empty  # empty cells last whichever way the column is sorted

    def row_at(self, row: int) -> BookRow:
        """The account on show in ``row``."""
        return self._rows[row]

    def shown_rows_of(self, account_ids: Collection[int]) -> dict[int, int]:
        """Where each of these accounts is on show: account id to row (those filtered out
        are left out). One pass, for putting a selection back on a 50,000-row Book."""
        return {
            row.account_id: number
            for number, row in enumerate(self._rows)
            if row.account_id in account_ids
        }

    def rows(self) -> list[BookRow]:
        """Every account of the book, shown or not, in the sort order."""
        return list(self._all)

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:
        """As Qt's own, in one Python call: its check asks ``rowCount`` and ``columnCount``,
        two calls into Python for each of the ~2,400 cells the view asks for per keystroke."""
        if parent.isValid() or not (0 <= row < len(self._rows) and 0 <= column < _COLUMN_COUNT):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else _COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[Column(section)]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            if section == Column.COMPLETION:
                return "Ladder completion: achieved ÷ (all − skipped) milestones"
            if section == Column.OVERDUE:
                return "Open milestones past their due date"
            if section == Column.AGE:
                return "Days since kickoff (or since signing on, when no kickoff is logged)"
            if section == Column.HEALTH:
                return (
                    "Off track: first value more than 14 days late. At risk: something overdue, "
                    "or no usage in the last 14 days."
                )
        return None

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        number = index.row()
        if role not in _ROLES or not 0 <= number < len(self._rows):  # invalid: row -1
            return None
        return self._value(self._rows[number], _COLUMNS[index.column()], role)

    def multiData(self, index: Index, roles: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of one cell in one call (``cell_roles``: a keystroke's repaint asked
        ``data`` ~2,000 times through a proxy; issue 17)."""
        number = index.row()
        if not 0 <= number < len(self._rows):
            answer_roles(roles, None)
            return
        row, column = self._rows[number], _COLUMNS[index.column()]
        alignment = _RIGHT if column in _RIGHT_ALIGNED else None
        text = self._display(row, column)
        if not answer_delegate(
            roles, text, cell_font(text), alignment, self._foreground(row, column)
        ):
            answer_roles(
                roles, lambda role: self._value(row, column, role) if role in _ROLES else None
            )

    def _value(self, row: BookRow, column: Column, role: int) -> Any:
        """What ``data`` answers for ``role`` of ``column`` of ``row``."""
        if role == _DISPLAY:
            return self._display(row, column)
        if role == SortRole:
            return self._sort_value(row, column)
        if role == AccountIdRole:
            return row.account_id
        if role == _ALIGNMENT:
            return _RIGHT if column in _RIGHT_ALIGNED else None
        if role == _FOREGROUND:
            return self._foreground(row, column)
        if role == _FONT:
            return cell_font(self._display(row, column))
        if column is Column.NAME:  # the tooltip
            parts = [row.name, row.external_id or "", row.playbook or ""]
            return " · ".join(p for p in parts if p)
        return None

    @staticmethod
    def _foreground(row: BookRow, column: Column) -> QColor | None:
        """A colour, not a QBrush: painted the same, and the first QBrush a process makes
        costs ~40 ms of PySide's type set-up (issue 17)."""
        if column is Column.HEALTH and row.health:
            return health_colour(row.health)
        if column in _OVERDUE_COLOURED and row.overdue:
            return QColor(current().bad)
        return None

    @staticmethod
    def _display(row: BookRow, column: Column) -> str:
        match column:
            case Column.NAME:
                return row.name
            case Column.SEGMENT:
                return row.segment or ""
            case Column.OWNER:
                return row.owner or ""
            case Column.KICKOFF:
                return format_date(row.kickoff_on)
            case Column.AGE:
                return "" if row.age_days is None else str(row.age_days)
            case Column.PHASE:
                return row.phase.value if row.phase else ""
            case Column.COMPLETION:
                return "" if row.completion is None else f"{row.completion:.0%}"
            case Column.HEALTH:
                return f"● {row.health.value}" if row.health else ""
            case Column.NEXT_MILESTONE:
                return row.next_milestone or "—"
            case Column.NEXT_DUE:
                return format_date(row.next_due_on)
            case Column.OVERDUE:
                return str(row.overdue) if row.overdue else ""
            case Column.ARR:
                return format_money(row.arr)
            case Column.RENEWAL:
                return format_date(row.renewal_on)

    @staticmethod
    def _sort_value(row: BookRow, column: Column) -> Any:
        match column:
            case Column.NAME:
                return name_order(row.name)
            case Column.KICKOFF:
                return row.kickoff_on
            case Column.AGE:
                return row.age_days
            case Column.COMPLETION:
                return row.completion
            case Column.HEALTH:
                return HEALTH_ORDER[row.health] if row.health else None
            case Column.NEXT_DUE:
                return row.next_due_on
            case Column.OVERDUE:
                return row.overdue
            case Column.ARR:
                return row.arr
            case Column.RENEWAL:
                return row.renewal_on
            case _:
                return BookModel._display(row, column).casefold()


def _search_text(row: BookRow) -> str:
    parts = (row.name, row.external_id, row.owner, row.next_milestone, row.segment)
    return fold(" ".join(part for part in parts if part))

"""Answering every role of one cell in one call (``QAbstractItemModel.multiData``).

A table's delegate asks about seven roles of each cell it paints. Through ``data`` that is
seven calls from Qt into Python per cell, each costing microseconds of the UI thread: a
repaint of the Today list or a Book keystroke at 5,000 accounts spent most of its time
there (issue 17). A model that answers ``multiData`` is asked once per cell, but only when
the view shows it directly: a proxy in between asks ``data`` role by role again.

Even in one call, each role asked costs PySide a wrapper for its slot and a call for its
number: seven of each per cell, and a call to fill or clear each slot. ``answer_delegate``
answers the request of Qt's own item delegate, whose roles and their order are fixed,
touching only the slots a cell of ours may fill.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan, Qt
from PySide6.QtGui import QFont

DELEGATE_ROLES = tuple(
    int(role)
    for role in (
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.BackgroundRole,
    )
)
"""What ``QStyledItemDelegate.initStyleOption`` asks of each cell it paints, in its order
(Qt 6). The delegate keeps one set of slots for every cell it paints: each still holds what
the last cell put there, so a slot a cell may fill is filled or cleared for every cell."""
_FONT_AT, _ALIGNMENT_AT, _FOREGROUND_AT, _DISPLAY_AT = 0, 1, 2, 5
_DISPLAY = DELEGATE_ROLES[_DISPLAY_AT]


def answer_delegate(
    roles: QModelRoleDataSpan | QModelRoleData,
    display: str,
    font: Any = None,
    alignment: int | None = None,
    foreground: Any = None,
) -> bool:
    """Answer the delegate's request (``DELEGATE_ROLES``) with these values (None: no data
    for that role). Its other roles (check state, decoration, background) no cell of ours
    answers, so their slots stay empty. False, with nothing answered, when ``roles`` is
    another request: answer it with ``answer_roles``. Ten calls into PySide per cell
    instead of twenty-two (a Book keystroke's repaint: ~300 cells)."""
    if isinstance(roles, QModelRoleData):
        return False
    slots = cast(_Slots, roles)
    if len(slots) != len(DELEGATE_ROLES):
        return False
    slot = slots[_DISPLAY_AT]
    if slot.role() != _DISPLAY:
        return False
    slot.setData(display)
    for at, value in ((_FONT_AT, font), (_ALIGNMENT_AT, alignment), (_FOREGROUND_AT, foreground)):
        if value is None:
            slots[at].clearData()
        else:
            slots[at].setData(value)
    return True


_NEEDS_SHAPING = re.compile("[\u0300-\u036f\u0590-\U0010ffff]").search
"""Text whose layout needs shaping: combining marks, and every script from Hebrew on
(Arabic joins its letters and runs right to left, Indic scripts reorder them; emoji and
joiners too). Latin, Greek and Cyrillic letters, precomposed accents included, do not."""


def cell_font(text: str, font: QFont | None = None) -> QFont | None:
    """The font to answer for a cell showing ``text`` in a table that lays its text out
    unshaped (``ui.views.delegates.paint_text_unshaped``): ``font`` (None: the table's),
    shaped when ``text`` needs it."""
    if _NEEDS_SHAPING(text) is None:
        return font
    if font is None:
        return _shaped()
    shaped = QFont(font)
    shaped.setStyleStrategy(QFont.StyleStrategy.PreferDefault)
    return shaped


@functools.cache
def _shaped() -> QFont:
    """Only the strategy set: the rest comes from the table's font."""
    font = QFont()
    font.setStyleStrategy(QFont.StyleStrategy.PreferDefault)
    return font


def answer_roles(
    roles: QModelRoleDataSpan | QModelRoleData, value: Callable[[int], Any] | None
) -> None:
    """Fill each role Qt asked for with ``value(role)`` (None: no data for that role);
    ``value`` None: the cell has no data at all."""
    slots = (roles,) if isinstance(roles, QModelRoleData) else cast(_Slots, roles)
    for slot in slots:
        answer = None if value is None else value(slot.role())
        if answer is None:
            slot.clearData()
        else:
            slot.setData(answer)


_Slots = Sequence[QModelRoleData]  # a QModelRoleDataSpan: its stubs do not say it iterates

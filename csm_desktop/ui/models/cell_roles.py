"""Answering every role of one cell in one call (``QAbstractItemModel.multiData``).

A table's delegate asks about seven roles of each cell it paints. Through ``data`` that is
seven calls from Qt into Python per cell, each costing microseconds of the UI thread: a
repaint of the Today list or a Book keystroke at 5,000 accounts spent most of its time
there (issue 17). A model that answers ``multiData`` is asked once per cell, but only when
the view shows it directly: a proxy in between asks ``data`` role by role again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QModelRoleData, QModelRoleDataSpan


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

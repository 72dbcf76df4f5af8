"""List model of one playbook version's ladder, reordered by drag and drop.

Fed with ``set_steps`` (never queries). ``moveRows`` is what a ``QListView`` in
``InternalMove`` mode calls on a drop; after a move the model emits ``order_changed`` with
the template ids in their new order, and the editor stores it through the playbook service.
A locked version's rows cannot be dragged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from csm_desktop.services.playbooks import TemplateDetail
from csm_desktop.ui.palette import current

Index = QModelIndex | QPersistentModelIndex

TemplateIdRole = Qt.ItemDataRole.UserRole + 1
RoleNameRole = Qt.ItemDataRole.UserRole + 2
PhaseRole = Qt.ItemDataRole.UserRole + 3
TargetDayRole = Qt.ItemDataRole.UserRole + 4
FirstValueRole = Qt.ItemDataRole.UserRole + 5


class PlaybookStepsModel(QAbstractListModel):
    order_changed = Signal(list)  # template ids in the new ladder order, after a move

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._steps: list[TemplateDetail] = []
        self._editable = False

    # --- feeding -----------------------------------------------------------------------

    def set_steps(self, steps: Sequence[TemplateDetail], *, editable: bool) -> None:
        self.beginResetModel()
        self._steps = list(steps)
        self._editable = editable
        self.endResetModel()

    def step(self, row: int) -> TemplateDetail:
        return self._steps[row]

    def template_ids(self) -> list[int]:
        return [step.id for step in self._steps]

    def row_of(self, template_id: int) -> int | None:
        for row, step in enumerate(self._steps):
            if step.id == template_id:
                return row
        return None

    @property
    def editable(self) -> bool:
        return self._editable

    # --- reading -----------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._steps)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._steps):
            return None
        step = self._steps[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return step.title
        if role == Qt.ItemDataRole.ToolTipRole:
            shared = f"\nAlso in: {', '.join(step.used_in)}" if len(step.used_in) > 1 else ""
            return (
                f"{step.title}\n{step.role} · day {step.target_day} ({step.phase.value})"
                f"{' · first value' if step.step.first_value else ''}{shared}"
            )
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(current().role(step.role))
        if role == TemplateIdRole:
            return step.id
        if role == RoleNameRole:
            return step.role
        if role == PhaseRole:
            return step.phase.value
        if role == TargetDayRole:
            return step.target_day
        if role == FirstValueRole:
            return step.step.first_value
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            # Drops land between rows (on the root), never on a row.
            return Qt.ItemFlag.ItemIsDropEnabled if self._editable else Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
        if self._editable:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    # --- moving ------------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def moveRows(
        self,
        sourceParent: Index,
        sourceRow: int,
        count: int,
        destinationParent: Index,
        destinationChild: int,
    ) -> bool:
        """Move ``count`` rows to before ``destinationChild`` (Qt's convention)."""
        if not self._editable or sourceParent.isValid() or destinationParent.isValid():
            return False
        if count < 1 or sourceRow < 0 or sourceRow + count > len(self._steps):
            return False
        if not 0 <= destinationChild <= len(self._steps):
            return False
        if sourceRow <= destinationChild <= sourceRow + count:
            return False  # a move onto itself changes nothing
        if not self.beginMoveRows(
            QModelIndex(), sourceRow, sourceRow + count - 1, QModelIndex(), destinationChild
        ):
            return False
        moving = self._steps[sourceRow : sourceRow + count]
        del self._steps[sourceRow : sourceRow + count]
        insert_at = destinationChild - count if destinationChild > sourceRow else destinationChild
        self._steps[insert_at:insert_at] = moving
        self.endMoveRows()
        self.order_changed.emit(self.template_ids())
        return True

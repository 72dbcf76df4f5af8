"""The account page's QBR story tab, "Risks & asks".

``RisksAsksPanel`` lists what the CSM needs from the customer (open first) with Add…,
Resolve and Remove. Its controller, ``ui.controllers.account_story``, loads it and runs the
edits and the Re-plan action in workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.review import day_text
from csm_desktop.services.account_story import AskEntry
from csm_desktop.services.accounts import AccountDetail
from csm_desktop.ui.palette import current
from csm_desktop.ui.read_only import writes

ID_ROLE = Qt.ItemDataRole.UserRole + 42


class RisksAsksPanel(QWidget):
    """The account's risks and asks: kind, what, owner, by; resolved ones greyed."""

    load_requested = Signal(int)  # account id whose risks and asks to read
    add_requested = Signal()
    resolve_requested = Signal(int)  # ask id to mark resolved (or open again)
    remove_requested = Signal(int)  # ask id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.entries: dict[int, AskEntry] = {}
        self.list = QTreeWidget()
        self.list.setHeaderLabels(["", "What", "Owner", "By"])
        self.list.setRootIsDecorated(False)
        self.list.setWordWrap(True)
        self.list.setAccessibleName("Risks and asks")
        header = self.list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for column in (0, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        add = QPushButton("Add…")
        add.setToolTip("Keep a risk or an ask for the QBR; a blocked milestone's reason can "
                       "be the starting point")  # fmt: skip
        add.clicked.connect(self.add_requested)
        self.resolve = QPushButton("Resolved")
        self.resolve.clicked.connect(lambda: self._emit(self.resolve_requested))
        remove = QPushButton("Remove")
        remove.clicked.connect(lambda: self._emit(self.remove_requested))
        writes(add, self.resolve, remove)
        buttons = QHBoxLayout()
        for button in (add, self.resolve, remove):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def set_account(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.load_requested.emit(detail.id)

    def show_entries(self, entries: Sequence[AskEntry]) -> None:
        self.list.clear()
        self.entries = {e.id: e for e in entries}
        for entry in entries:
            what = entry.text + (f" (for “{entry.milestone}”)" if entry.milestone else "")
            item = QTreeWidgetItem(
                ["Risk" if entry.kind == "risk" else "Ask", what, entry.owner,
                 day_text(entry.due_on, "")]
            )  # fmt: skip
            item.setToolTip(1, entry.text)
            item.setData(0, ID_ROLE, entry.id)
            if entry.resolved_on is not None:
                grey = QBrush(QColor(current().faint))
                for column in range(4):
                    item.setForeground(column, grey)
                item.setText(3, f"resolved {day_text(entry.resolved_on)}")
            self.list.addTopLevelItem(item)

    def _emit(self, signal: Any) -> None:
        item = self.list.currentItem()
        if item is not None:
            signal.emit(int(item.data(0, ID_ROLE)))

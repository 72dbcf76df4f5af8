"""The account page's learning-loop tabs: "After day 90" (renewals and advocacy) and
"Feedback" (what the customer said).

The panels are layout: lists and buttons that emit what the CSM asked for. Their controller,
``ui.controllers.account_learning``, runs the services in workers and opens the dialogs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.feedback import Remark
from csm_desktop.domain.metrics.long_term import arr_after, arr_figure
from csm_desktop.services.accounts import AccountDetail
from csm_desktop.services.renewals import AdvocacyEntry, RenewalEntry
from csm_desktop.ui.read_only import writes

ID_ROLE = Qt.ItemDataRole.UserRole + 40
WHOLE_ROLE = Qt.ItemDataRole.UserRole + 41  # a remark in full, for the line under the list
SENTIMENT_MARKS = {"positive": "＋", "neutral": "○", "negative": "－"}


def _tree(headers: Sequence[str], name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(headers))
    tree.setRootIsDecorated(False)
    tree.setAccessibleName(name)
    return tree


def _selected_id(tree: QTreeWidget) -> int | None:
    item = tree.currentItem()
    value = item.data(0, ID_ROLE) if item is not None else None
    return int(value) if value is not None else None


class AfterDay90Panel(QWidget):
    """Renewal outcomes and advocacy of one account."""

    load_requested = Signal(int)  # account id whose renewals and advocacy to read
    renewal_add_requested = Signal()
    renewal_edit_requested = Signal(int)  # renewal id
    renewal_remove_requested = Signal(int)  # renewal id
    advocacy_add_requested = Signal()
    advocacy_remove_requested = Signal(int)  # advocacy id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.renewals_by_id: dict[int, RenewalEntry] = {}
        self.renewals = _tree(["Renewal on", "Outcome", "ARR before", "ARR after"], "Renewals")
        self.renewals.itemDoubleClicked.connect(lambda *_: self._edit_renewal())
        self.advocacy = _tree(["On", "Advocacy", "Note"], "Advocacy")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(QLabel("<b>Renewals</b> — outcome and ARR either side"))
        layout.addWidget(self.renewals, 2)
        layout.addLayout(
            self._buttons(
                ("Add renewal…", self.renewal_add_requested.emit),
                ("Edit…", self._edit_renewal),
                ("Remove", lambda: self._remove(self.renewals, self.renewal_remove_requested)),
            )
        )
        layout.addWidget(QLabel("<b>Advocacy</b> — references, case studies, reviews"))
        layout.addWidget(self.advocacy, 1)
        layout.addLayout(
            self._buttons(
                ("Add advocacy…", self.advocacy_add_requested.emit),
                ("Remove", lambda: self._remove(self.advocacy, self.advocacy_remove_requested)),
            )
        )

    @staticmethod
    def _buttons(*specs: tuple[str, Callable[[], Any]]) -> QHBoxLayout:
        row = QHBoxLayout()
        for text, slot in specs:
            button = QPushButton(text)
            writes(button)
            button.clicked.connect(lambda _=False, slot=slot: slot())
            row.addWidget(button)
        row.addStretch(1)
        return row

    def set_account(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.load_requested.emit(detail.id)

    def show_entries(self, renewals: Sequence[RenewalEntry], acts: Sequence[AdvocacyEntry]) -> None:
        self.renewals.clear()
        self.renewals_by_id = {r.id: r for r in renewals}
        for r in renewals:
            before, after = r.arr_before, arr_after(r.outcome, r.arr_after)
            item = QTreeWidgetItem(
                [
                    r.renewal_on.isoformat(),
                    r.outcome.value,
                    arr_figure(before, "–"),
                    arr_figure(after, "–"),
                ]
            )
            item.setData(0, ID_ROLE, r.id)
            self.renewals.addTopLevelItem(item)
        self.advocacy.clear()
        for act in acts:
            item = QTreeWidgetItem([act.happened_on.isoformat(), act.kind, act.note])
            item.setData(0, ID_ROLE, act.id)
            self.advocacy.addTopLevelItem(item)

    def _edit_renewal(self) -> None:
        chosen = _selected_id(self.renewals)
        if chosen is not None:
            self.renewal_edit_requested.emit(chosen)

    @staticmethod
    def _remove(tree: QTreeWidget, signal: Any) -> None:
        chosen = _selected_id(tree)
        if chosen is not None:
            signal.emit(chosen)


class FeedbackPanel(QWidget):
    """What the customer said, newest first, with sentiment and whether it may be quoted."""

    load_requested = Signal(int)  # account id whose feedback to read
    add_requested = Signal()
    remove_requested = Signal(int)  # feedback id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.detail: AccountDetail | None = None
        self.list = _tree(["Date", "", "Who / milestone", "They said"], "Customer feedback")
        self.list.setColumnWidth(0, 90)
        self.list.setColumnWidth(1, 28)
        self.list.setColumnWidth(2, 150)
        self.list.currentItemChanged.connect(self._show_whole)
        # A long remark is cut short in its row; the selected one is shown whole below.
        self.whole = QLabel()
        self.whole.setObjectName("feedbackWhole")
        self.whole.setWordWrap(True)
        self.whole.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        add = QPushButton("Add feedback…")
        add.clicked.connect(self.add_requested)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.whole)
        layout.addLayout(buttons)

    def set_account(self, detail: AccountDetail) -> None:
        self.detail = detail
        self.load_requested.emit(detail.id)

    def show_remarks(self, remarks: Sequence[Remark]) -> None:
        self.list.clear()
        self.whole.clear()
        for r in remarks:
            who = " · ".join(part for part in (r.contact, r.milestone) if part)
            quoted = "  (may be quoted)" if r.quotable else ""
            item = QTreeWidgetItem(
                [r.given_on.isoformat(), SENTIMENT_MARKS[r.sentiment.value], who, r.text + quoted]
            )
            item.setToolTip(1, r.sentiment.value)
            item.setToolTip(3, r.text)
            said_by = ", ".join(p for p in (r.contact, r.given_on.isoformat()) if p)
            item.setData(3, WHOLE_ROLE, f"“{r.text}” — {said_by} ({r.sentiment.value}){quoted}")
            item.setData(0, ID_ROLE, r.id)
            self.list.addTopLevelItem(item)

    def _show_whole(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        self.whole.setText(str(current.data(3, WHOLE_ROLE) or "") if current is not None else "")

    def _remove(self) -> None:
        chosen = _selected_id(self.list)
        if chosen is not None:
            self.remove_requested.emit(chosen)

"""The list of accounts behind a clicked bar, cell or tile, grouped as the figure counts them.

Plain Qt. It shows a ``DrillDown`` and says which account the user opened (double-click or
Enter); group headings cannot be selected.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.domain.metrics.drilldown import DrillDown
from csm_desktop.ui.charts import theme
from csm_desktop.ui.palette import card_style, current

ACCOUNT_ID_ROLE = Qt.ItemDataRole.UserRole + 20
HINT = "Click a bar, a heat-map cell or a tile to list the accounts behind it."


class DrillList(QFrame):
    account_activated = Signal(int)  # id of the account the user chose to open

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chartCard")
        self.setStyleSheet(
            card_style() + "QListWidget { border: none; font-size: 9.5pt; }"
            "QListWidget::item { padding: 3px 2px; }"
        )
        self.heading = QLabel("Accounts")
        self.heading.setFont(theme.font(11, bold=True))
        self.title_label = QLabel(HINT)
        self.title_label.setWordWrap(True)
        self.title_label.setStyleSheet(f"color: {current().muted};")
        self.list = QListWidget()
        self.list.setAccessibleName("Accounts behind the chosen figure")
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListView.ResizeMode.Adjust)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.itemActivated.connect(self._activated)
        self.hint = QLabel("Double-click or press Enter to open an account.")
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet(f"color: {current().faint}; font-size: 8.5pt;")
        self.hint.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.addWidget(self.heading)
        layout.addWidget(self.title_label)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.drilldown: DrillDown | None = None

    def clear(self) -> None:
        self.drilldown = None
        self.list.clear()
        self.title_label.setText(HINT)
        self.hint.setVisible(False)

    def show_drilldown(self, drilldown: DrillDown) -> None:
        self.drilldown = drilldown
        self.list.clear()
        self.title_label.setText(drilldown.title)
        for group in drilldown.groups:
            heading = QListWidgetItem(group.label)
            heading.setFlags(Qt.ItemFlag.NoItemFlags)
            heading.setFont(theme.font(9.5, bold=True))
            heading.setForeground(QBrush(QColor(current().ink)))
            heading.setBackground(QBrush(QColor(current().page)))
            self.list.addItem(heading)
            if not group.accounts:
                none = QListWidgetItem("   none")
                none.setFlags(Qt.ItemFlag.NoItemFlags)
                none.setForeground(QBrush(QColor(current().faint)))
                self.list.addItem(none)
            for account in group.accounts:
                item = QListWidgetItem(f"{account.name}\n{account.note}")
                item.setToolTip(f"{account.name}: {account.note}")
                item.setData(ACCOUNT_ID_ROLE, account.account_id)
                self.list.addItem(item)
        self.hint.setVisible(bool(drilldown.accounts))

    def account_names(self) -> list[str]:
        """The account lines shown, in order (headings left out)."""
        return [
            self.list.item(row).text().split("\n")[0]
            for row in range(self.list.count())
            if self.list.item(row).data(ACCOUNT_ID_ROLE) is not None
        ]

    def _activated(self, item: QListWidgetItem) -> None:
        account_id = item.data(ACCOUNT_ID_ROLE)
        if account_id is not None:
            self.account_activated.emit(int(account_id))

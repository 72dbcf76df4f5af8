"""What a page shows when it has nothing to show: what this is, what to do, buttons that do it.

Every empty page (an empty book, an empty Today, a search that matched nothing, a dashboard
with no accounts) uses this one widget so they read and behave alike. The text block has a
fixed reading width and no alignment flag on the wrapped label, so Qt computes its height
from that width and never clips the text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from csm_desktop.ui.palette import current
from csm_desktop.ui.read_only import writes

READING_WIDTH = 560


class EmptyState(QWidget):
    """A title, a paragraph and a row of buttons, centred on the page."""

    def __init__(
        self,
        title: str,
        text: str,
        buttons: Sequence[tuple[str, Callable[[], object]]] = (),
        parent: QWidget | None = None,
        *,
        writing: bool = False,
    ) -> None:
        """``writing``: the buttons change the book (switched off in a read-only window)."""
        super().__init__(parent)
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setStyleSheet(f"color: {current().muted};")
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        row.setSpacing(8)
        for number, (label, slot) in enumerate(buttons):
            button = QPushButton(label)
            button.setDefault(number == 0)
            button.clicked.connect(lambda _=False, act=slot: act())
            if writing:
                writes(button)
            row.addWidget(button)
            self.buttons[label.rstrip("…")] = button
        row.addStretch(1)

        block = QWidget()
        block.setFixedWidth(READING_WIDTH)
        inner = QVBoxLayout(block)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        inner.addWidget(self.title)
        inner.addWidget(self.text)
        inner.addLayout(row)

        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(block)
        centre.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(centre)
        layout.addStretch(2)
        self.set_text(title, text)

    def set_text(self, title: str, text: str) -> None:
        self.title.setText(f"<h2 style='margin:0'>{title}</h2>")
        self.text.setText(text)


class StartActions(QObject):
    """The four ways to fill an empty book; the window connects them to its actions."""

    import_tracker = Signal()  # import a book workbook (a spreadsheet tracker)
    import_usage = Signal()  # import a product-usage export
    new_account = Signal()  # type in one account
    open_demo = Signal()  # fill the book with the demo data

    def buttons(self) -> list[tuple[str, Callable[[], object]]]:
        return [
            ("Import tracker…", self.import_tracker.emit),
            ("Import usage…", self.import_usage.emit),
            ("New account…", self.new_account.emit),
            ("Open demo book", self.open_demo.emit),
        ]


def empty_book_state(starts: StartActions, page: str) -> EmptyState:
    """The empty-book page for ``page`` ("Book", "Today", "Dashboard", …)."""
    what = {
        "Book": "Every account will be listed here with its ladder, health and next milestone.",
        "Today": "Once the book has accounts, this page ranks what needs you each morning.",
        "Dashboard": "Portfolio figures, the milestone funnel and cohorts appear once the "
        "book has accounts.",
        "Experiments": "A/B tests of ladder order and timing need accounts to assign.",
    }.get(page, "")
    return EmptyState(
        "Your book is empty",
        f"{what} Bring your accounts in from your spreadsheet tracker (a book workbook "
        "with an <i>Accounts</i> sheet), import a product-usage export, type in a first "
        "account, or explore with the demo book: 48 accounts with ladders, usage, value "
        "and renewals.",
        starts.buttons(),
        writing=True,
    )

"""My accounts: on a team server's book the Book and Today open on the signed-in CSM's own
accounts, with the whole team one click away.

The signed-in CSM's name is the one every change records (``services.opening.signed_in_name``:
their role's team_member name, else the owner the role spells). It is asked in a worker when
a server book opens; once the rows are on show, the Book's and Today's owner filters are set
to it if it is an owner (the dashboard follows the Book's); a button in the status bar
switches both between "mine" and the team. A choice the CSM makes in a filter afterwards is
kept. On a book file, or when the name is no owner's, nothing changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QComboBox, QPushButton

from csm_desktop.services.opening import signed_in_name
from csm_desktop.ui import workers

if TYPE_CHECKING:
    from csm_desktop.ui.main_window import MainWindow
    from csm_desktop.ui.views.book_view import BookView

ALL_BOOK, ALL_TODAY = "All", "Everyone"  # the filters' "no owner" entries


class MyAccounts:
    """The owner filters' default on a server book, and the Mine/Team button."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.owner: str | None = None  # the signed-in CSM, when they own accounts here
        self.name: str | None = None  # who is signed in (a server book), once known
        self.book_set = self.today_set = False
        self.button = QPushButton()
        self.button.setFlat(True)
        self.button.setVisible(False)
        self.button.clicked.connect(self.toggle)
        window.statusBar().addPermanentWidget(self.button)
        # Later, once the filters are refilled; never once the window is gone (its context).
        window.today_controller.settled.connect(
            lambda: QTimer.singleShot(0, window, self._today_rows)
        )
        self.reset()

    def watch(self, book: BookView) -> None:
        """Follow the Book page's rows and owner filter (the window builds the page when it
        is first needed, after Today's first lines)."""
        window = self.window
        book.model.modelReset.connect(lambda: QTimer.singleShot(0, window, self._book_rows))
        book.owner_filter.currentTextChanged.connect(lambda _t: self._show_button())

    def reset(self) -> None:
        """Another book is on show: ask who is signed in to it (a server book only)."""
        self.owner = self.name = None
        self.book_set = self.today_set = False
        self.button.setVisible(False)
        database = self.window.database
        if database.on_server:
            workers.run(
                lambda progress: signed_in_name(database),
                # An answer for a book no longer on show (switched meanwhile) is dropped.
                lambda name: self._signed_in(name) if self.window.database is database else None,
                what="Reading who is signed in",
                owner=self.window,
            )

    def _signed_in(self, name: str | None) -> None:
        self.name = name
        self._book_rows()
        self._today_rows()

    def _owners(self, combo: QComboBox, everyone: str) -> list[str]:
        return [t for t in (combo.itemText(i) for i in range(combo.count())) if t != everyone]

    def _book_rows(self) -> None:
        combo = self.window.book_view.owner_filter
        owners = self._owners(combo, ALL_BOOK)
        # The first screenful (shown while the Book loads) names only some owners: the
        # choice waits for every row.
        if self.book_set or not self.name or not owners or self.window.loading:
            return
        self.book_set = True
        if self.name in owners:
            self.owner = self.name
            combo.setCurrentText(self.name)
        self._show_button()

    def _today_rows(self) -> None:
        """Today shows the CSM's lines once their name is among its owners. The list streams
        in (the first 500 accounts first): an owner missing from an early part may come in a
        later one, so only the complete list settles that they own none."""
        combo = self.window.today_view.owner_filter
        owners = self._owners(combo, ALL_TODAY)
        if self.today_set or not self.name or not owners:
            return
        if self.name in owners:
            self.today_set = True
            combo.setCurrentText(self.name)
        elif not self.window.today_controller.loading:
            self.today_set = True

    def showing_mine(self) -> bool:
        return self.owner is not None and (
            self.window.book_view.owner_filter.currentText() == self.owner
        )

    def toggle(self) -> None:
        """Mine ↔ the team, on the Book (and so the dashboard) and on Today at once."""
        w = self.window
        mine = not self.showing_mine()
        w.book_view.owner_filter.setCurrentText(self.owner if mine and self.owner else ALL_BOOK)
        today = w.today_view.owner_filter
        if mine and self.owner and today.findText(self.owner) >= 0:
            today.setCurrentText(self.owner)
        elif not mine:
            today.setCurrentText(ALL_TODAY)
        self._show_button()

    def _show_button(self) -> None:
        if self.owner is None or not self.window.database.on_server:
            self.button.setVisible(False)
            return
        self.button.setVisible(True)
        self.button.setText(
            f"My accounts ({self.owner}) · Show the team"
            if self.showing_mine()
            else f"The team · Show only mine ({self.owner})"
        )

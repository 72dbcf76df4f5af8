"""The Book view's proxy: it passes the search, segment and owner on to ``BookModel``.

The model sorts and filters itself (``book_model``'s docstring says why); the proxy keeps the
view's API (``QTableView`` sorts through it) and shows its source as it is.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt

from csm_desktop.domain.text import fold
from csm_desktop.ui.models.book_model import BookModel


class FilterProxy(QSortFilterProxyModel):
    """The view's face of the Book model: search text (name, external id, owner, next
    milestone, segment), segment and owner go to the model, which sorts and filters itself
    (see the module docstring); the proxy shows its source as it is.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._segment: str | None = None
        self._owner: str | None = None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, BookModel) and column >= 0:
            model.sort(column, order)

    def set_search(self, text: str) -> None:
        self._text = fold(text.strip())
        self._apply()

    def set_segment(self, segment: str | None) -> None:
        self._segment = segment
        self._apply()

    def set_owner(self, owner: str | None) -> None:
        self._owner = owner
        self._apply()

    def _apply(self) -> None:
        model = self.sourceModel()
        assert isinstance(model, BookModel)
        model.set_filter(self._text, self._segment, self._owner)

"""A table model painted two ways, for tests that ``multiData`` answers as ``data`` does."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QIdentityProxyModel
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QTableView


def painted_both_ways(  # type: ignore[no-untyped-def]
    qtbot, model: QAbstractItemModel, width: int, height: int
) -> tuple[QImage, QImage]:
    """``model`` in a table as the views show it (asked ``multiData``, one call per cell),
    then behind a proxy (which asks ``data`` once per role)."""
    proxy = QIdentityProxyModel()
    proxy.setSourceModel(model)
    grabs = []
    for shown in (model, proxy):
        table = QTableView()
        qtbot.addWidget(table)
        table.setModel(shown)
        table.resize(width, height)
        table.show()
        grabs.append(table.grab().toImage())
    return grabs[0], grabs[1]

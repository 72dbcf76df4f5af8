"""A window that may only read its book: every write switched off, a banner saying why.

A second window on a book that another window is writing (or a book in a folder that cannot
be written) opens read-only. Controls that change the book are marked with ``writes(...)``
where they are built; ``set_writes_enabled`` switches all marked controls under a widget at
once, so a page added later only has to mark its own buttons. The banner offers "Try again",
which becomes the obvious next step as soon as the other window lets go of the book.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from csm_desktop.ui.palette import current

WRITES = "writesBook"  # dynamic property on every control that changes the book


def writes(*controls: QObject) -> None:
    """Mark ``controls`` (widgets or actions) as changing the book."""
    for control in controls:
        control.setProperty(WRITES, True)


def set_writes_enabled(root: QObject, enabled: bool) -> int:
    """Enable or disable every marked control under ``root``; returns how many."""
    found = [obj for obj in root.findChildren(QObject) if obj.property(WRITES)]
    for obj in found:
        obj.setEnabled(enabled)  # type: ignore[attr-defined]
    return len(found)


class ReadOnlyBanner(QFrame):
    """ "Read-only: <why>. [Try again]" across the top of the window."""

    try_again_requested = Signal()  # the user wants to take over the book for writing

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readOnlyBanner")
        c = current()
        self.setStyleSheet(
            f"QFrame#readOnlyBanner {{ background: {c.banner_bg};"
            f" border-bottom: 1px solid {c.banner_border}; }}"
            f" QFrame#readOnlyBanner QLabel {{ color: {c.ink}; }}"
        )
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.try_again = QPushButton("Try again")
        self.try_again.setToolTip("Open the book for changes if no other window holds it")
        self.try_again.clicked.connect(self.try_again_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 6, 12, 6)
        row.addWidget(self.text, 1)
        row.addWidget(self.try_again)
        self.setVisible(False)

    def show_reason(self, reason: str, *, free: bool = False) -> None:
        """Say why the book is read-only; ``free``: the other window has let go of it."""
        if free:
            self.text.setText(
                "<b>Read-only.</b> The other window has closed the book: choose "
                "<b>Try again</b> to make changes here."
            )
            self.try_again.setDefault(True)
        else:
            self.text.setText(
                f"<b>Read-only: changes are switched off in this window.</b> {reason}"
            )
        self.setVisible(True)

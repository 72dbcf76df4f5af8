"""View → Features…: the book's one vocabulary of features, editable.

Every feature the book knows or has usage for, with the name people read, the other
spellings exports use, and how many usage rows carry it. The CSM names a feature, lists
its aliases, or maps a key found in usage ("User Invited") to an existing feature, which
moves its usage rows there in one transaction and keeps the spelling as an alias
(``services.feature_catalog``). Reading and merging run in a worker: a book may hold
millions of usage rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.services.feature_catalog import FeatureInfo, feature_catalog, merge_feature
from csm_desktop.services.features import save_feature
from csm_desktop.services.opening import Database
from csm_desktop.ui import workers

KEY_ROLE = Qt.ItemDataRole.UserRole + 60
HEADERS = ("Feature (key)", "Display name", "Aliases", "Usage rows", "")


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


class FeaturesDialog(QDialog):
    """The vocabulary as a list, with an editor for the selected feature."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Features")
        self.resize(980, 580)
        self.database = database
        self.rows: list[FeatureInfo] = []
        self.busy = False
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(list(HEADERS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAccessibleName("Features")
        self.tree.setSortingEnabled(False)
        header = self.tree.header()
        for column in (0, 1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.currentItemChanged.connect(lambda *_: self._show_selected())

        self.editor = QGroupBox("Selected feature")
        form = QFormLayout(self.editor)
        self.key = QLabel()
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Key", self.key)
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("what people and customer reports read")
        form.addRow("Display name", self.display_name)
        self.aliases = QLineEdit()
        self.aliases.setPlaceholderText("other spellings in exports, separated by ;")
        form.addRow("Aliases", self.aliases)
        self.save_button = QPushButton("Save")
        self.save_button.clicked.connect(self.save_selected)
        form.addRow("", self.save_button)
        merge_row = QHBoxLayout()
        self.merge_target = QComboBox()
        self.merge_target.setAccessibleName("Existing feature")
        self.merge_button = QPushButton("Map to this feature")
        self.merge_button.clicked.connect(self.merge_selected)
        merge_row.addWidget(self.merge_target, 1)
        merge_row.addWidget(self.merge_button)
        self.merge_label = QLabel("Same as an existing feature")
        form.addRow(self.merge_label, merge_row)

        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # No minimum-size constraint from the layout: the window's own size rules (and the
        # offscreen platform of the tests cannot propagate size hints).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        intro = QLabel(
            "One name per feature: usage files may spell it differently; list those "
            "spellings as aliases and the import maps them. Keys found in usage that no "
            "feature knows come first, marked “not named”: map each to an existing feature "
            "or keep it as a new one."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.editor)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._show_selected()
        self.reload()

    # --- loading -------------------------------------------------------------------------

    def reload(self, select: str | None = None, done: str = "") -> None:
        """Read the list again, then select ``select`` and say ``done``."""
        database = self.database
        self._set_busy(True, "Reading the features…")

        def show(rows: list[FeatureInfo]) -> None:
            self._set_busy(False, done)
            self.show_rows(rows, select)

        workers.run(
            lambda progress: feature_catalog(database),
            show,
            what="Reading the features",
            owner=self,
            on_failure=lambda exc: self._failed("Reading the features", exc),
        )

    def show_rows(self, rows: Sequence[FeatureInfo], select: str | None = None) -> None:
        shown = self.selected()
        current = select or (shown.key if shown is not None else None)
        self.rows = list(rows)
        self.tree.clear()
        # What needs a decision first: keys found in usage that no feature knows.
        for row in sorted(rows, key=lambda r: r.known):
            if row.known:
                note = ""
            elif row.spelling_of:
                note = f"not named: a spelling of {row.spelling_of}?"
            else:
                note = "not named"
            item = QTreeWidgetItem(
                [row.key, row.display_name, "; ".join(row.aliases), f"{row.usage_rows:,}", note]
            )
            item.setData(0, KEY_ROLE, row.key)
            item.setTextAlignment(3, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
            if row.key == current:
                self.tree.setCurrentItem(item)
        self._show_selected()

    # --- the editor ----------------------------------------------------------------------

    def selected(self) -> FeatureInfo | None:
        item = self.tree.currentItem()
        key = item.data(0, KEY_ROLE) if item is not None else None
        return next((row for row in self.rows if row.key == key), None)

    def select(self, key: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(item)

    def _show_selected(self) -> None:
        row = self.selected()
        self.editor.setEnabled(row is not None and not self.busy)
        self.key.setText(row.key if row else "")
        self.display_name.setText(row.display_name if row else "")
        self.display_name.setPlaceholderText(row.label if row else "")
        self.aliases.setText("; ".join(row.aliases) if row else "")
        self.merge_target.clear()
        if row is None:
            return
        known = [r.key for r in self.rows if r.known and r.key != row.key]
        self.merge_target.addItems(known)
        if row.spelling_of in known:
            self.merge_target.setCurrentText(row.spelling_of)
        self.save_button.setText("Save" if row.known else "Keep as a new feature")
        for widget in (self.merge_target, self.merge_button, self.merge_label):
            widget.setVisible(not row.known)

    def save_selected(self) -> None:
        row = self.selected()
        if row is None:
            return
        database, name, aliases = (
            self.database,
            self.display_name.text(),
            _split(self.aliases.text()),
        )
        self._run(
            "Saving the feature",
            lambda: save_feature(database, row.key, name, aliases),
            f"{row.key} saved.",
            row.key,
        )

    def merge_selected(self) -> None:
        row, target = self.selected(), self.merge_target.currentText()
        if row is None or not target:
            return
        database = self.database
        self._run(
            "Mapping the feature",
            lambda: merge_feature(database, row.key, target),
            f"{row.key} is now a spelling of {target}; its usage rows moved there.",
            target,
        )

    def _run(self, what: str, work: Callable[[], Any], done: str, select: str) -> None:
        self._set_busy(True, f"{what}…")

        def finished(_result: Any) -> None:
            self.reload(select, done)

        workers.run(
            lambda progress: work(),
            finished,
            what=what,
            owner=self,
            on_failure=lambda exc: self._failed(what, exc),
        )

    def _failed(self, what: str, exc: BaseException) -> None:
        from csm_desktop.ui.dialogs.messages import show_failure

        self._set_busy(False, "")
        show_failure(self, what, exc)

    def _set_busy(self, busy: bool, text: str) -> None:
        self.busy = busy
        self.message.setText(text)
        self.tree.setEnabled(not busy)
        self.editor.setEnabled(not busy and self.selected() is not None)


def open_features_dialog(parent: QWidget, database: Database) -> FeaturesDialog:
    """Show the Features dialog over ``parent``, window-modal (the book cannot change under
    it) without blocking the event loop."""
    dialog = FeaturesDialog(database, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

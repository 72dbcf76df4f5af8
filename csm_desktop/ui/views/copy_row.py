"""One copyable text of Today's message panel: the filled preview, its template editor and Copy.

Today shows one per channel part (in-app message, e-mail subject and body, help link); the
template editor stays hidden until the CSM asks to edit, and edits apply to this message only.
"""

from __future__ import annotations

import html

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.ui.palette import current


class CopyRow(QWidget):
    """A read-only text with its template editor (hidden until asked) and a Copy button."""

    def __init__(self, label: str, multiline: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.multiline = multiline
        self.template_edit: QPlainTextEdit | QLineEdit
        self.preview: QPlainTextEdit | QLineEdit
        if multiline:
            self.template_edit = QPlainTextEdit()
            self.template_edit.setMaximumHeight(110)
            self.preview = QPlainTextEdit()
            self.preview.setReadOnly(True)
        else:
            self.template_edit = QLineEdit()
            self.preview = QLineEdit()
            self.preview.setReadOnly(True)
        self.template_edit.setAccessibleName(f"{label} template")
        self.template_edit.setToolTip(
            "The template with its {placeholders}; the preview below updates as you type. "
            "Changes here are for this message only."
        )
        self.template_edit.setVisible(False)
        self.template_hint = QLabel("Template (edit freely; the preview below follows):")
        self.template_hint.setStyleSheet(f"color: {current().muted}")
        self.template_hint.setVisible(False)
        self.copy_button = QPushButton(f"Copy {label.lower()}")
        self.copy_button.clicked.connect(self.copy)
        heading = QHBoxLayout()
        heading.addWidget(QLabel(f"<b>{html.escape(label)}</b>"))
        heading.addStretch(1)
        heading.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(heading)
        layout.addWidget(self.template_hint)
        layout.addWidget(self.template_edit)
        layout.addWidget(self.preview, 1 if multiline else 0)

    def text(self) -> str:
        if isinstance(self.preview, QPlainTextEdit):
            return self.preview.toPlainText()
        return self.preview.text()

    def template_text(self) -> str:
        if isinstance(self.template_edit, QPlainTextEdit):
            return self.template_edit.toPlainText()
        return self.template_edit.text()

    def set_template(self, template: str) -> None:
        self.template_edit.blockSignals(True)
        if isinstance(self.template_edit, QPlainTextEdit):
            self.template_edit.setPlainText(template)
        else:
            self.template_edit.setText(template)
        self.template_edit.blockSignals(False)

    def set_preview(self, text: str) -> None:
        if isinstance(self.preview, QPlainTextEdit):
            self.preview.setPlainText(text)
        else:
            self.preview.setText(text)
            self.preview.setCursorPosition(0)
        self.copy_button.setEnabled(bool(text))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())

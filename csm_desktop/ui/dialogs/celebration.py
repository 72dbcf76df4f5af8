"""A milestone was achieved: say so, and offer the congratulations / what's next message.

Non-blocking: the notification opens beside the work (``show()``, never ``exec()``), carries
the message filled in for the account's contact, and a Copy button; it closes itself after a
while unless the CSM is using it.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QEnterEvent, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.services.today import Celebration
from csm_desktop.ui.palette import warning_style

CLOSE_AFTER_MS = 20_000


class CelebrationNotice(QDialog):
    """ "Milestone achieved" with the ready message; non-modal, deletes itself on close."""

    def __init__(self, celebration: Celebration, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.celebration = celebration
        self.setWindowTitle("Milestone achieved")
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumSize(440, 320)
        self.resize(520, 380)
        e = html.escape
        message = celebration.filled.message
        when = f" on {celebration.achieved_on.isoformat()}" if celebration.achieved_on else ""
        self.title = QLabel(
            f"<h2 style='margin:0'>✔ {e(celebration.milestone)}</h2>"
            f"{e(celebration.account)} achieved it{when}. Tell them, and say what's next:"
        )
        self.title.setWordWrap(True)
        self.in_app = QPlainTextEdit(message.in_app.text)
        self.in_app.setReadOnly(True)
        self.email = QPlainTextEdit(f"{message.email_subject.text}\n\n{message.email_body.text}")
        self.email.setReadOnly(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.in_app, "In-app")
        self.tabs.addTab(self.email, "E-mail")
        self.tabs.setCurrentIndex(1)
        self.warnings = QLabel("⚠ " + "\n⚠ ".join(message.warnings))
        self.warnings.setStyleSheet(warning_style())
        self.warnings.setWordWrap(True)
        self.warnings.setVisible(bool(message.warnings))
        self.copy_button = QPushButton("Copy message")
        self.copy_button.setDefault(True)
        self.copy_button.clicked.connect(self.copy)
        close = QPushButton("Close")
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.warnings)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(buttons)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.close)
        self.timer.start(CLOSE_AFTER_MS)

    def text(self) -> str:
        """The message of the tab on show."""
        editor = self.tabs.currentWidget()
        assert isinstance(editor, QPlainTextEdit)
        return editor.toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.timer.stop()
        self.copy_button.setText("Copied")

    def enterEvent(self, event: QEnterEvent) -> None:
        self.timer.stop()  # the CSM is reading it: do not pull it away
        super().enterEvent(event)


def show_celebration(celebration: Celebration, parent: QWidget | None = None) -> CelebrationNotice:
    """Open the notification without blocking and return it."""
    notice = CelebrationNotice(celebration, parent)
    notice.show()
    return notice

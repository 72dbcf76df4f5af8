"""File → Connect to team server…: where the team book is, and the password prompt.

Layout and reading the fields only. The address is built and checked by
``services.opening.team_address``; connecting, asking for a password and keeping it in the
keychain are the controller's (``ui/controllers/team_server.py``). No password is ever put in
the address or in the settings: it is typed into the prompt when neither the system keychain
nor libpq's password file has it, and kept in the keychain only when the box is ticked.
"""

from __future__ import annotations

import getpass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from csm_desktop.errors import UserError
from csm_desktop.services.opening import SSL_MODES, is_team_address, team_address
from csm_desktop.ui.dialogs.dialog_parts import ok_cancel
from csm_desktop.ui.palette import current

REMEMBER = "Remember the password in the system keychain"


class ConnectDialog(QDialog):
    """The team book's server, port, database and user, or a pasted address."""

    def __init__(self, parent: QWidget | None = None, *, remember: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to team server")
        self.setMinimumWidth(460)
        column = QVBoxLayout(self)
        intro = QLabel(
            "Open the team's book on its PostgreSQL server. Your admin gives you the server, "
            "the database and your user name; the password is asked for when needed."
        )
        intro.setWordWrap(True)
        column.addWidget(intro)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setPlaceholderText("e.g. db.example.com")
        form.addRow("Server", self.host)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        form.addRow("Port", self.port)
        self.database = QLineEdit()
        self.database.setPlaceholderText("e.g. csm_book")
        form.addRow("Database", self.database)
        self.user = QLineEdit(getpass.getuser())
        form.addRow("User", self.user)
        self.sslmode = QComboBox()
        self.sslmode.addItems(list(SSL_MODES))
        form.addRow("Encryption (SSL)", self.sslmode)
        self.url = QLineEdit()
        self.url.setPlaceholderText("or paste postgresql+psycopg://user@server:5432/database")
        form.addRow("Address", self.url)
        column.addLayout(form)
        self.remember = QCheckBox(REMEMBER)
        self.remember.setChecked(remember)
        column.addWidget(self.remember)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {current().bad}")
        self.problem.setVisible(False)
        column.addWidget(self.problem)
        column.addWidget(ok_cancel(self, "Connect"))

    def address(self) -> str:
        """The address the fields name (the pasted one wins); ``UserError`` when incomplete."""
        pasted = self.url.text().strip()
        if pasted:
            if not is_team_address(pasted):
                raise UserError(
                    f"{pasted!r} is not a team server's address; it starts with postgresql://"
                    " or postgresql+psycopg://."
                )
            return pasted
        return team_address(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text(),
            self.sslmode.currentText(),
        )

    def accept(self) -> None:
        """Close only with an address that can be tried; else say what is missing."""
        try:
            self.address()
        except UserError as exc:
            self.problem.setText(str(exc))
            self.problem.setVisible(True)
            return
        super().accept()


class PasswordDialog(QDialog):
    """The password of one login, typed; kept in the keychain only when the box is ticked."""

    def __init__(
        self, login: str, *, wrong: bool, remember: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Team server password")
        self.setMinimumWidth(420)
        column = QVBoxLayout(self)
        text = (
            f"The password for {login} was not accepted. Type it again."
            if wrong
            else f"The team server asks for the password of {login}."
        )
        message = QLabel(text)
        message.setWordWrap(True)
        column.addWidget(message)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Password", self.password)
        column.addLayout(form)
        self.remember = QCheckBox(REMEMBER)
        self.remember.setChecked(remember)
        column.addWidget(self.remember)
        column.addWidget(ok_cancel(self, "Connect"))
        self.password.setFocus()

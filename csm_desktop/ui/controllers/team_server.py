"""Opening the team's book on a PostgreSQL server: File → Connect to team server… and start-up.

The connection is tried off the UI thread (a server that does not answer takes up to the
connect timeout). When the server wants a password that neither the system keychain nor
libpq's password file gave, or refuses the one given, the password prompt asks for it and
the attempt is made again; the password lives only in the open book's engine, and in the
keychain when the user ticks the box. Nothing else is written: the settings keep the
address without a password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QMessageBox, QWidget

from csm_desktop.errors import UserError
from csm_desktop.services.opening import (
    Database,
    PasswordNeeded,
    open_team_book_for_window,
    remember_team_password,
    shown_address,
)
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.messages import show_failure

if TYPE_CHECKING:  # the dialogs are imported when asked for, not at start-up (issue 17)
    from csm_desktop.ui.dialogs.team_server_dialog import ConnectDialog, PasswordDialog
    from csm_desktop.ui.main_window import MainWindow

WHAT = "Connecting to the team server"
LAST_ADDRESS = "team/last_address"


class TeamServer:
    """File → Connect to team server…: the dialog, the password prompt, the switch."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dialog: ConnectDialog | None = None
        self.prompt: PasswordDialog | None = None

    def connect(self) -> None:
        """Ask where the team book is, then connect (the dialog stays until it is right)."""
        from csm_desktop.ui.dialogs.team_server_dialog import ConnectDialog

        w = self.window
        dialog = ConnectDialog(w)
        last = w.settings.value(LAST_ADDRESS)
        if last:
            dialog.url.setText(str(last))
        dialog.accepted.connect(
            lambda: self.attempt(dialog.address(), None, dialog.remember.isChecked())
        )
        self.dialog = dialog
        dialog.open()

    def attempt(self, address: str, password: str | None, remember: bool) -> workers.Task:
        """Try to open the book at ``address`` in a worker; ask for a password if needed."""
        w = self.window
        w.statusBar().showMessage(f"Connecting to {shown_address(address)}…")
        return workers.run(
            lambda progress: open_team_book_for_window(address, password),
            lambda database: self._connected(database, address, password, remember),
            what=WHAT,
            owner=w,
            on_failure=lambda exc: self._refused(exc, address, remember),
        )

    def _refused(self, exc: BaseException, address: str, remember: bool) -> None:
        w = self.window
        w.statusBar().clearMessage()
        if not isinstance(exc, PasswordNeeded):
            show_failure(w, WHAT, exc)
            return
        from csm_desktop.ui.dialogs.team_server_dialog import PasswordDialog

        prompt = PasswordDialog(exc.login, wrong=exc.wrong, remember=remember, parent=w)
        prompt.accepted.connect(
            lambda: self.attempt(address, prompt.password.text(), prompt.remember.isChecked())
        )
        self.prompt = prompt
        prompt.open()

    def _connected(
        self, database: Database, address: str, password: str | None, remember: bool
    ) -> None:
        w = self.window
        w.settings.setValue(LAST_ADDRESS, database.where)
        w.files.use_opened(database, None)
        problem = keep_password(address, password, remember)
        if problem is not None:
            QMessageBox.warning(w, "Keeping the password", problem)


def keep_password(address: str, password: str | None, remember: bool) -> str | None:
    """Keep a typed password in the keychain when asked; why it could not be kept, if so."""
    if not (remember and password):
        return None
    try:
        remember_team_password(address, password)
    except UserError as exc:
        return str(exc)
    return None


def open_at_start(
    address: str,
    parent: QWidget | None = None,
    ask: Callable[[PasswordNeeded, bool], tuple[str, bool] | None] | None = None,
) -> Database | None:
    """The team book at ``address`` before the window exists (``csm-desktop --db URL``),
    asking for the password as often as the server refuses it. None when the user gives
    up; any other failure is shown and None returned."""
    ask = ask or _ask_password
    password: str | None = None
    remember = False
    while True:
        try:
            database = open_team_book_for_window(address, password)
        except PasswordNeeded as exc:
            answer = ask(exc, remember)
            if answer is None:
                return None
            password, remember = answer
            continue
        except UserError as exc:
            show_failure(parent, WHAT, exc)
            return None
        keep_password(address, password, remember)
        return database


def _ask_password(exc: PasswordNeeded, remember: bool) -> tuple[str, bool] | None:
    from csm_desktop.ui.dialogs.team_server_dialog import PasswordDialog

    prompt = PasswordDialog(exc.login, wrong=exc.wrong, remember=remember)
    if prompt.exec() != PasswordDialog.DialogCode.Accepted:
        return None
    return prompt.password.text(), prompt.remember.isChecked()


__all__ = ["LAST_ADDRESS", "TeamServer", "keep_password", "open_at_start"]

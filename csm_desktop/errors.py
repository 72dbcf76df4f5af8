"""Errors a CSM can act on, kept apart from bugs.

A ``UserError`` carries a message that says what happened and what to do next; the CLI
prints it on one line and exits 2, the window shows it in a dialog. Any other exception is
a bug: it is logged with its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Literal

Vanished = Literal[
    "milestone", "contact", "criterion", "risk or ask", "renewal",
    "milestone template", "playbook", "experiment",
]  # fmt: skip
"""The rows besides an account that a screen can still show after a teammate (or another
window) deleted them: ``BadInput.gone`` names each."""

_REFRESH: dict[Vanished, str] = {
    "milestone": "refresh the account",
    "contact": "refresh the account",
    "criterion": "refresh the account",
    "risk or ask": "refresh the account",
    "renewal": "refresh the account",
    "milestone template": "refresh the list",
    "playbook": "refresh the playbook list",
    "experiment": "refresh the list",
}


def _gone(what: str, row_id: int, then: str) -> str:
    """The one wording of a vanished row: which one, and what to do."""
    return f"{what} #{row_id} no longer exists; {then}."


class UserError(Exception):
    """A failure caused by input or environment that the user can fix."""

    exit_code = 2


class BadFile(UserError):
    """A file that cannot be read or does not have the expected shape."""


class BadInput(UserError):
    """A value typed or passed by the user that is not valid."""

    @classmethod
    def gone(cls, what: Vanished, row_id: int, then: str | None = None) -> BadInput:
        """The row ``row_id`` the screen showed was deleted since it read it; ``then`` says
        what to do where the screen differs from the row's usual one (a playbook picked in
        a dialog: "pick another one")."""
        return cls(_gone(what.capitalize(), row_id, then or _REFRESH[what]))

    @classmethod
    def metric_gone(cls, account: str, metric: str) -> BadInput:
        """The value metric the page showed by name is gone (deleted, renamed)."""
        return cls(f"{account} has no value metric “{metric}”; refresh the page.")


class UnknownAccount(UserError):
    """No account matches the given name or external id, or the account was deleted."""

    @classmethod
    def gone(cls, account_id: int) -> UnknownAccount:
        """The account ``account_id`` a screen (or a command) read was deleted since: the
        window's account page knows this class and goes back to the Book."""
        return cls(_gone("Account", account_id, "refresh the Book"))


class DatabaseLocked(UserError):
    """Another program holds the database's write lock."""


class DatabaseUnreadable(UserError):
    """The database file is missing, corrupt, or not an SQLite database."""


class ConnectionLost(UserError):
    """The team server's connection broke mid-work (a server restart, a dropped network):
    the transaction was rolled back, and the next attempt connects afresh."""


class ChangeUncertain(ConnectionLost):
    """The team server's connection broke while the transaction was committing: the server
    may have stored the change or not, and only a reload tells (never retry blindly)."""


class ServerBusy(UserError):
    """The team server stopped this transaction because it collided with a colleague's at
    the same moment (a deadlock, a serialization failure, a lock that could not be had):
    it was rolled back whole, and the same change tried again normally succeeds."""


class NotPermitted(UserError):
    """The team server refused a change the signed-in role has no right to make (missing
    grants, or row-level security protecting another CSM's account); nothing was stored."""


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the app."""


class DatabaseReadOnly(UserError):
    """The database (or its folder) cannot be written, or the disk is full."""


class OfflineCopy(DatabaseReadOnly):
    """A book file copied off a team server (``take-offline``): it opens only read-only,
    since its changes would never reach the server."""


class DatabaseFull(DatabaseReadOnly):
    """The disk holding the database is full (or failing): nothing more can be saved."""


class OutputNotWritten(UserError):
    """A file the user asked for (report, export, backup) could not be written; any file
    that was there before is unchanged."""


class Cancelled(UserError):
    """The user cancelled long work at a point where stopping was safe: nothing was stored,
    or, for a batch of files, only whole files were written (listed in ``written``).

    The one cancellation error of every long job; a worker recognises it by type.
    """

    def __init__(
        self, message: str = "Cancelled; nothing was changed.", written: Iterable[Path] = ()
    ) -> None:
        super().__init__(message)
        self.written = list(written)

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (str(self), self.written))


class ConflictError(UserError):
    """Someone else saved the same row since it was read (team mode, issue 16): this save
    was refused so their change is not overwritten, and the user's edit is kept to retry.

    ``what`` names the row ("“Admin trained”"), ``changed_by`` and ``changed_at`` (local
    time) say whose change it was, ``version`` is the row's version now (a retry after a
    reload expects it). ``yours``: the change was made under the user's own name (an import
    while the page showed the row, another window, an earlier save whose answer was lost:
    ``ChangeUncertain``); the refusal says "you", not just a name that reads as a teammate's.
    """

    def __init__(
        self,
        what: str,
        changed_by: str | None,
        changed_at: datetime | None,
        version: int | None,
        yours: bool = False,
        *,
        today: date | None = None,
    ) -> None:
        who = changed_by or "someone else"
        when = ""
        if changed_at is not None:
            day = today or date.today()
            when = f" at {changed_at:%H:%M}"
            if changed_at.date() != day:
                when += f" on {changed_at:%Y-%m-%d}"
        if yours and changed_by:
            told = (
                f"{what} was changed by you ({changed_by}){when}, after this screen read it "
                "— reload to see it."
            )
        else:
            told = f"{what} was changed by {who}{when} — reload to see it."
        super().__init__(told)
        self.what, self.changed_by, self.changed_at, self.version = (
            what,
            changed_by,
            changed_at,
            version,
        )
        self.yours = yours

    def __reduce__(self) -> tuple[object, ...]:
        args = (self.what, self.changed_by, self.changed_at, self.version, self.yours)
        return (type(self), args)


class AlreadyCreated(ConflictError):
    """Someone else created the same row (the same account name, the kickoff of the same
    account, the same-named value metric) at the same moment, and the server's unique
    constraint refused the second: a conflict like any other, the user's edit is kept.

    ``version`` is the version the other's row has when just created (1) for a row that
    carries one, so a retry after the reload saves over exactly what was shown.
    """

    def __init__(self, what: str, version: int | None = None) -> None:
        UserError.__init__(self, f"{what} was just created by someone else — reload to see it.")
        self.what, self.changed_by, self.changed_at, self.version = what, None, None, version
        self.yours = False

    def __reduce__(self) -> tuple[object, ...]:
        return (type(self), (self.what, self.version))

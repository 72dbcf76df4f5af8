"""Errors a CSM can act on, kept apart from bugs.

A ``UserError`` carries a message that says what happened and what to do next; the CLI
prints it on one line and exits 2, the window shows it in a dialog. Any other exception is
a bug: it is logged with its traceback.
"""


class UserError(Exception):
    """A failure caused by input or environment that the user can fix."""

    exit_code = 2


class BadFile(UserError):
    """A file that cannot be read or does not have the expected shape."""


class BadInput(UserError):
    """A value typed or passed by the user that is not valid."""


class UnknownAccount(UserError):
    """No account matches the given name or external id."""


class DatabaseLocked(UserError):
    """Another program holds the database's write lock."""


class DatabaseUnreadable(UserError):
    """The database file is missing, corrupt, or not an SQLite database."""


class DatabaseTooNew(UserError):
    """The database was written by a newer version of the app."""


class DatabaseReadOnly(UserError):
    """The database (or its folder) cannot be written, or the disk is full."""


class OutputNotWritten(UserError):
    """A file the user asked for (report, export, backup) could not be written; any file
    that was there before is unchanged."""

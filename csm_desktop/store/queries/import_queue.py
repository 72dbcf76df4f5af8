"""One import at a time into a book, on a file and on a team server alike.

On a file the book's lock file already admits one writer. On a team server several CSMs
(and scripts) import at once; each import is one transaction, and two of them storing at the
same time would both add the same new account or feature (the second then fails on the
unique name) and would count each other's rows as their own "new" ones. So the storing
transaction of every import first takes a PostgreSQL advisory lock held until it commits or
rolls back: imports queue one after another, while every other change (editing a milestone,
logging a touchpoint, reading) goes on beside them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.orm import Session

from csm_desktop.store.queries.fast_path import on_server

# The advisory lock's key: "csm-imp" in ASCII, so that it is recognisable in pg_locks.
IMPORT_LOCK_KEY = 0x63736D2D696D70
POLL_S = 0.25
# What a progress bar shows meanwhile.
WAITING = "Waiting for another import into the team book to finish…"


def one_import_at_a_time(session: Session, waiting: Callable[[], None] | None = None) -> None:
    """Hold the book's import lock in ``session``'s transaction, waiting for it if another
    import holds it; ``waiting()`` is called while it waits (it may raise ``Cancelled`` to
    give up). Does nothing on a book file."""
    connection = session.connection()
    if not on_server(connection):
        return
    try_lock = text("SELECT pg_try_advisory_xact_lock(:key)").bindparams(key=IMPORT_LOCK_KEY)
    while not connection.execute(try_lock).scalar_one():
        if waiting is not None:
            waiting()
        time.sleep(POLL_S)

"""A team book's window stays current: what changed on the server since the last look.

The window asks ``listen_for_changes`` for a feed when it opens a server book and refreshes
what is on screen when the feed names accounts (``store.live_changes``: PostgreSQL's
``LISTEN/NOTIFY``, fed by the triggers of migration 0008). A file book has nobody else
writing to it while the window holds its lock, so it has no feed.
"""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError

from csm_desktop.store.database import Database
from csm_desktop.store.live_changes import EVERYTHING, ChangeFeed, Changes

__all__ = ["EVERYTHING", "ChangeFeed", "Changes", "listen_for_changes"]

log = logging.getLogger(__name__)


def listen_for_changes(database: Database) -> ChangeFeed | None:
    """A feed of the team's changes to the server book ``database``; None for a file book,
    or when the server cannot be reached now (the window tries again later, quietly: the
    next save says it in one line if the server is really gone)."""
    if not database.on_server:
        return None
    try:
        return ChangeFeed(database.engine)
    except (DBAPIError, OSError) as exc:
        log.info("No change notices from %s for now: %s", database.where, exc)
        return None

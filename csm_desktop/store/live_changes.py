"""Change notices from a team server: which accounts did someone else just change?

Migration 0008 makes PostgreSQL send ``NOTIFY csm_desktop_changes`` with the ids of the
accounts each committed statement touched (``*`` when it may touch all of them). A window
listens on a connection of its own (``ChangeFeed``) and refreshes what is on screen.

Changes made through this app's own engine are left out: the window that made them has
refreshed already. A notice carries the server process that sent it, so the engine
remembers the process of every connection it opens (``remember_own_connections``). A
command or another window on the same laptop has connections of its own, and counts as
someone else.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event

if TYPE_CHECKING:  # psycopg is imported when a feed opens, not when a file book starts
    import psycopg

CHANNEL = "csm_desktop_changes"

_OWN_PROCESSES: weakref.WeakKeyDictionary[Engine, set[int]] = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Changes:
    """What changed: some accounts by id, or possibly every account (``everything``)."""

    accounts: frozenset[int] = frozenset()
    everything: bool = False

    def __bool__(self) -> bool:
        return self.everything or bool(self.accounts)

    def __or__(self, other: Changes) -> Changes:
        return Changes(self.accounts | other.accounts, self.everything or other.everything)

    def touches(self, account_id: int) -> bool:
        return self.everything or account_id in self.accounts


EVERYTHING = Changes(everything=True)


def parse_notice(payload: str) -> Changes:
    """A notice's payload (``"3,17"`` or ``"*"``) as ``Changes``; anything else counts as
    everything, so an unreadable notice refreshes too much rather than too little."""
    if payload == "*":
        return EVERYTHING
    try:
        return Changes(frozenset(int(part) for part in payload.split(",")))
    except ValueError:
        return EVERYTHING


def remember_own_connections(engine: Engine) -> None:
    """Note the server process of every connection ``engine`` has open, from now on.

    Server processes are numbered by the operating system and numbers come back: a process
    is forgotten as soon as its connection is closed, broken or handed over (the feed's
    own), so a teammate's later process with the same number is never taken for ours.
    """
    own = _OWN_PROCESSES.setdefault(engine, set())

    def connected(dbapi_connection: Any, record: Any) -> None:
        pid = int(dbapi_connection.info.backend_pid)
        record.info["backend_pid"] = pid
        own.add(pid)

    def gone(_dbapi_connection: Any, record: Any, *_reason: Any) -> None:
        pid = record.info.pop("backend_pid", None)
        if pid is not None:
            own.discard(pid)

    event.listen(engine, "connect", connected)
    for ended in ("close", "detach", "invalidate", "soft_invalidate"):
        event.listen(engine.pool, ended, gone)


def own_processes(engine: Engine) -> frozenset[int]:
    """The server processes whose notices count as this app's own changes, now."""
    return frozenset(_OWN_PROCESSES.get(engine, ()))


class ChangeFeed:
    """A listening connection to a team server, read without waiting.

    ``fileno`` is its socket, for the window's event loop to watch; ``read`` takes the
    notices that arrived. A broken connection raises ``ConnectionError`` from ``read``; the
    caller opens a new feed later and treats everything as changed meanwhile.
    """

    def __init__(self, engine: Engine) -> None:
        import psycopg

        self._own = _OWN_PROCESSES.get(engine, set())
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()  # ours for as long as the feed lives; the pool opens another
        if not isinstance(connection, psycopg.Connection):
            raise TypeError(f"change notices need a psycopg connection, not {connection!r}")
        self._connection: psycopg.Connection[Any] = connection
        try:
            self._connection.rollback()
            self._connection.autocommit = True
            self._forget_ended_processes()
            self._connection.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            self._connection.close()
            raise

    def _forget_ended_processes(self) -> None:
        """After a server restart the pool still holds connections to processes that are
        gone (found out only when next used): none of them counts as ours any longer."""
        if not self._own:
            return
        alive = {
            int(row[0])
            for row in self._connection.execute(
                "SELECT pid FROM pg_stat_activity WHERE pid = ANY(%s)", [sorted(self._own)]
            )
        }
        self._own.intersection_update(alive)

    def fileno(self) -> int:
        return int(self._connection.fileno())

    def read(self) -> Changes:
        """The changes announced since the last read by others than this app's engine."""
        import psycopg

        changes = Changes()
        try:
            for notice in self._connection.notifies(timeout=0):
                if notice.pid not in self._own:
                    changes = changes | parse_notice(notice.payload)
        except (psycopg.OperationalError, OSError) as exc:
            raise ConnectionError(f"The team server's change notices stopped: {exc}") from exc
        return changes

    def close(self) -> None:
        self._connection.close()

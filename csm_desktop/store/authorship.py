"""Who made a change, stamped on every flush (issue 16: every change records who made it).

One listener on every ORM session fills ``changed_by`` and ``changed_at`` (UTC) of each
versioned row it inserts or whose columns it updates (``models.base.Versioned``), and
``changed_by`` of each new status change and account event, unless the caller named
someone. So no edit path has to remember it, imports and undo included.

Who is asked once per engine (``author``):

- on a team server, the signed-in database role's name in ``team_member`` ("mc7" → "Maya
  Chen"); else the account owner the role names (``domain.owners.owner_for_login``:
  "maya_chen" → "Maya Chen", or "maya" when one owner is called Maya); else the role
  itself. "My accounts" (``services.opening``) asks this same rule;
- on a file book, the book's CSM: the ``csm_name`` setting when set, else the computer
  user's full name, else their login name.

``sign_as`` names the author outright (tests, and a second window of another person).
"""

from __future__ import annotations

import datetime as dt
import getpass
import weakref

from sqlalchemy import Engine, event, text
from sqlalchemy.orm import Session

from csm_desktop.domain.owners import owner_for_login
from csm_desktop.store.models.account import StatusChange
from csm_desktop.store.models.activity import AccountEvent
from csm_desktop.store.models.base import Versioned
from csm_desktop.store.queries.fast_path import on_server

CSM_NAME_SETTING = "csm_name"
_AUTHORS: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_NAMED: weakref.WeakSet[Engine] = weakref.WeakSet()  # named outright (``sign_as``)


def utc_now() -> dt.datetime:
    """Now in UTC without a zone: how ``changed_at`` is stored on both databases."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def sign_as(engine: Engine, name: str) -> None:
    """Record ``name`` as the author of every later change made through ``engine``."""
    _AUTHORS[engine] = name
    _NAMED.add(engine)


def ask_author_again(engine: Engine) -> None:
    """The next change through ``engine`` asks who makes it again: a teammate may have
    changed the names (``team_member``) or the book's ``csm_name``. A name given by
    ``sign_as`` stays."""
    if engine not in _NAMED:
        _AUTHORS.pop(engine, None)


def author(session: Session) -> str:
    """The name of whoever changes the book through this session's engine."""
    bind = session.get_bind()
    engine = bind if isinstance(bind, Engine) else bind.engine
    known = _AUTHORS.get(engine)
    if known is None:
        connection = session.connection()
        known = _server_name(connection) if on_server(engine) else _file_book_name(connection)
        _AUTHORS[engine] = known
    return known


def _server_name(connection: object) -> str:
    execute = connection.execute  # type: ignore[attr-defined]
    role = str(execute(text("SELECT current_user")).scalar_one())
    named = execute(text("SELECT name FROM team_member WHERE role = :r"), {"r": role}).scalar()
    if named:
        return str(named)
    owners = execute(text("SELECT DISTINCT owner FROM account WHERE owner IS NOT NULL"))
    return owner_for_login(role, [str(owner) for (owner,) in owners]) or role


def _file_book_name(connection: object) -> str:
    execute = connection.execute  # type: ignore[attr-defined]
    named = execute(
        text("SELECT value FROM setting WHERE key = :k"), {"k": CSM_NAME_SETTING}
    ).scalar()
    if named and str(named).strip():
        return str(named).strip()
    return _os_user_name()


def _os_user_name() -> str:
    login = getpass.getuser()
    try:
        import pwd  # POSIX only

        full = pwd.getpwnam(login).pw_gecos.split(",")[0].strip()
    except (ImportError, KeyError):
        full = ""
    return full or login


@event.listens_for(Session, "before_flush")
def _stamp(session: Session, _context: object, _instances: object) -> None:
    now = utc_now()
    for row in session.new:
        if isinstance(row, Versioned):
            row.changed_by = row.changed_by or author(session)
            row.changed_at = row.changed_at or now
        elif isinstance(row, StatusChange | AccountEvent) and row.changed_by is None:
            row.changed_by = author(session)
    for row in session.dirty:
        # Only a change of the row's own columns is an update of it (and bumps its version);
        # a child added to one of its collections is not.
        if isinstance(row, Versioned) and session.is_modified(row, include_collections=False):
            row.changed_by = author(session)
            row.changed_at = now

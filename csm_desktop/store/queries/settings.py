"""The book's settings: text values under text keys (``setting`` table).

Every setting of the book (its company name, currency, time zone, the auto-confirm switch of
usage evidence…) is read and written here; the services give the values their meaning.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.store.models import Setting
from csm_desktop.store.queries.tables import setting


def read_setting(session: Session, key: str) -> str | None:
    """The stored value of ``key``, or None when it was never set. Plain Core (``tables``):
    an import-usage reads its settings without configuring the ORM's mappers."""
    return session.execute(select(setting.c.value).where(setting.c.key == key)).scalar()


def read_settings_under(session: Session, prefix: str) -> dict[str, str]:
    """Every setting whose key starts with ``prefix``, by key without the prefix."""
    query = select(setting.c.key, setting.c.value).where(setting.c.key.startswith(prefix))
    return {key[len(prefix) :]: value for key, value in session.execute(query)}


def write_setting(session: Session, key: str, value: str) -> None:
    """Store ``value`` under ``key``, replacing what was there (flushed)."""
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    session.flush()

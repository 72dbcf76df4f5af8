"""Usage events, stored compactly (day numbers, feature ids), and the feature-key interning.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import ForeignKey, Table, event, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, column_property, mapped_column

from csm_desktop.store.chunks import chunks
from csm_desktop.store.day_numbers import DayNumber
from csm_desktop.store.models.base import Base


class UsageFeature(Base):
    """A feature key as usage rows store it, interned: rows hold this id, never the text.

    Not the vocabulary (``Feature``): every key ever imported gets a row here, known or not,
    so the Features page can still tell unknown spellings from named features."""

    __tablename__ = "usage_feature"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(unique=True)


class UsageEvent(Base):
    """One row of imported product usage: (account, day, feature) → count.

    Stored compactly (DESIGN §9, ≤ 60 bytes a row): the day as a day number, the feature as
    an id into ``usage_feature``, and on SQLite a table without rowid whose primary key is
    the only index. ``feature`` reads the key (a correlated lookup, for small reads; the
    queries in ``store.queries.usage_rows`` join instead); an object created with
    ``feature="key"`` gets its ``feature_id`` when it is inserted (``_intern_feature``).
    """

    __tablename__ = "usage_event"
    __table_args__ = ({"sqlite_with_rowid": False},)

    account_id: Mapped[int] = mapped_column(
        ForeignKey("account.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[dt.date] = mapped_column(DayNumber, primary_key=True)
    feature_id: Mapped[int] = mapped_column(ForeignKey("usage_feature.id"), primary_key=True)
    count: Mapped[int]
    active_users: Mapped[int | None]
    # Reads the key with a correlated lookup. Select it beside another usage_event column
    # (``select(UsageEvent.feature)`` alone has no usage_event to correlate with); code
    # that reads many rows uses ``store.queries.usage_rows``, which joins instead.
    feature: Mapped[str] = column_property(
        select(UsageFeature.key)
        .where(UsageFeature.id == feature_id)
        .correlate_except(UsageFeature)
        .scalar_subquery()
    )


@event.listens_for(UsageEvent, "before_insert")
def _intern_feature(_mapper: Any, connection: Connection, target: UsageEvent) -> None:
    """``UsageEvent(feature="sso_login", …)``: find or add the key's id before the insert."""
    key = target.__dict__.get("feature")
    if target.__dict__.get("feature_id") is None and key is not None:
        target.feature_id = intern_feature_keys(connection, [key])[key]


def intern_feature_keys(connection: Connection, keys: Iterable[str]) -> dict[str, int]:
    """The ``usage_feature`` id of each key, adding the keys not seen before."""
    wanted = set(keys)
    table = cast(Table, UsageFeature.__table__)
    found: dict[str, int] = {}
    for chunk in chunks(sorted(wanted), 500):
        rows = connection.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk)))
        found.update((key, id_) for key, id_ in rows)
    missing = sorted(wanted - found.keys())
    if missing:
        for chunk in chunks(missing, 500):  # one statement each: triggers fire once
            connection.execute(insert(table).values([{"key": key} for key in chunk]))
        for chunk in chunks(missing, 500):
            rows = connection.execute(select(table.c.key, table.c.id).where(table.c.key.in_(chunk)))
            found.update((key, id_) for key, id_ in rows)
    return found

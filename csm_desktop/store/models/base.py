"""The declarative base and the constraint naming convention every table shares.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Boolean, Date, DateTime, Float, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

# Stable constraint names so alembic batch migrations on SQLite can find them again.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        str: String(),
        dt.date: Date(),
        dt.datetime: DateTime(),
        float: Float(),
        bool: Boolean(),
    }


class Versioned:
    """A row two people may edit at once (issue 16: no lost updates).

    ``version`` is SQLAlchemy's ``version_id_col``: every UPDATE says ``WHERE version = the
    one read`` and adds one, so a save over a change made since the read touches no row and
    fails instead of overwriting it. ``changed_by`` (a CSM's name) and ``changed_at`` (UTC,
    without a zone) say whose change that was; ``store.authorship`` stamps them on every
    flush, and ``store.queries.edits`` turns a refused save into one line naming them.
    """

    version: Mapped[int] = mapped_column(default=1, server_default="1")
    changed_by: Mapped[str | None]
    changed_at: Mapped[dt.datetime | None]

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}  # type: ignore[attr-defined]

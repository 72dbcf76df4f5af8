"""The declarative base and the constraint naming convention every table shares.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import Boolean, Date, DateTime, Float, MetaData, String
from sqlalchemy.orm import DeclarativeBase

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

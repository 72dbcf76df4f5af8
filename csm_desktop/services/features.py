"""The book's feature vocabulary as a service: read it, edit it, resolve spellings.

The vocabulary is the ``feature`` table plus every feature a ladder's success criterion or
the stored usage names (those without a row get a readable name from their key), so a book
that never named its features still shows "Integration dashboard", never
``integration_dashboard``. Matching and naming rules live in ``domain.features``.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from csm_desktop.domain.features import (
    ALIAS_SEPARATOR,
    FeatureEntry,
    FeatureVocabulary,
    feature_match_key,
)
from csm_desktop.errors import UserError
from csm_desktop.store.database import Database
from csm_desktop.store.models import Feature
from csm_desktop.store.queries.features import criterion_features, feature_row, named_features


def read_vocabulary(session: Session) -> FeatureVocabulary:
    """Named features first, then criterion features nobody named yet."""
    vocabulary = FeatureVocabulary(
        [
            FeatureEntry(row.key, row.display_name, tuple(_aliases(row.aliases)))
            for row in named_features(session)
        ]
    )
    for key in criterion_features(session):
        if vocabulary.resolve(key) is None:
            vocabulary.add(FeatureEntry(key))
    return vocabulary


def _aliases(text: str) -> list[str]:
    return [alias.strip() for alias in text.split(ALIAS_SEPARATOR) if alias.strip()]


def write_feature(
    session: Session, key: str, display_name: str = "", aliases: Iterable[str] = ()
) -> FeatureEntry:
    """Add or change one feature. An alias that already names another feature is refused,
    because one spelling must resolve to one key."""
    key = key.strip()
    if not key:
        raise UserError("A feature needs a key (the name its usage rows store).")
    wanted = [a.strip() for a in aliases if a.strip()]
    for alias in wanted:
        if ALIAS_SEPARATOR in alias:
            raise UserError(f"Alias {alias!r} contains {ALIAS_SEPARATOR!r}; list aliases apart.")
    others = read_vocabulary(session)
    for spelling in [display_name, *wanted]:
        owner = others.resolve(spelling) if spelling.strip() else None
        if owner is not None and feature_match_key(owner) != feature_match_key(key):
            raise UserError(f"{spelling!r} already names the feature {owner!r}.")
    row = feature_row(session, key)
    if row is None:
        row = Feature(key=key)
        session.add(row)
    row.display_name = display_name.strip()
    row.aliases = f"{ALIAS_SEPARATOR} ".join(wanted)
    session.flush()
    return FeatureEntry(row.key, row.display_name, tuple(wanted))


def load_vocabulary(database: Database) -> FeatureVocabulary:
    with database.session() as session:
        return read_vocabulary(session)


def save_feature(
    database: Database, key: str, display_name: str = "", aliases: Iterable[str] = ()
) -> FeatureEntry:
    with database.session() as session:
        return write_feature(session, key, display_name, aliases)

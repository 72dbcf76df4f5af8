"""The Features page and ``csm-desktop features``: the vocabulary with its usage, and merging.

A CSM sees every feature the book knows or has usage for (key, display name, aliases, how
many usage rows carry it) and fixes the vocabulary there: names a feature, adds the
spellings exports use, or says that an unknown key found in usage ("User Invited") is an
existing feature ("user_invited"). That merge rewrites the usage rows and criteria in one
transaction and keeps the old spelling as an alias, so the next import maps it by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from csm_desktop.domain.features import feature_match_key
from csm_desktop.errors import BadInput
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.features import read_vocabulary, write_feature
from csm_desktop.store.database import Database
from csm_desktop.store.queries.features import feature_row, named_features, rename_in_ladders
from csm_desktop.store.queries.usage_rows import move_feature_usage, usage_rows_per_feature


@dataclass(frozen=True, slots=True)
class FeatureInfo:
    """One row of the Features page."""

    key: str
    display_name: str  # as stored; "" when nobody named it yet
    label: str  # what people read (display name, or a readable form of the key)
    aliases: tuple[str, ...]
    usage_rows: int
    known: bool  # in the vocabulary (named, or used by a ladder's criterion)
    # For an unknown usage key that is a spelling of a known feature ("User Invited" of
    # user_invited): that feature's key, the obvious one to merge it into.
    spelling_of: str | None = None


def feature_catalog(database: Database) -> list[FeatureInfo]:
    """Known features first (by key), then usage keys the vocabulary does not know."""
    with database.session() as session:
        vocabulary = read_vocabulary(session)
        counts = usage_rows_per_feature(session)
        named = {row.key: row.display_name for row in named_features(session)}
    rows: list[FeatureInfo] = []
    for entry in sorted(vocabulary.entries, key=lambda e: e.key.casefold()):
        rows.append(
            FeatureInfo(
                entry.key,
                named.get(entry.key, ""),
                entry.label,
                entry.aliases,
                counts.pop(entry.key, 0),
                True,
            )
        )
    for key in sorted(counts, key=str.casefold):
        label, spelling_of = vocabulary.display_name(key), vocabulary.resolve(key)
        rows.append(FeatureInfo(key, "", label, (), counts[key], False, spelling_of))
    return rows


def merge_feature(database: Database, old_key: str, into_key: str) -> int:
    """Make ``old_key`` a spelling of ``into_key``: its usage rows move to ``into_key`` (rows
    of the same account and day are added together), criteria naming it follow, and it
    becomes an alias. Returns the usage rows moved. One transaction."""
    old_key, into_key = old_key.strip(), into_key.strip()
    if old_key == into_key:
        raise BadInput(f"“{old_key}” cannot be merged into itself; choose another feature.")
    with database.session() as session:
        vocabulary = read_vocabulary(session)
        if into_key not in [e.key for e in vocabulary.entries]:
            raise BadInput(f"“{into_key}” is not a feature of this book; choose one from the list.")
        moved = move_feature_usage(session, old_key, into_key)
        rename_in_ladders(session, old_key, into_key)
        entry = next(e for e in vocabulary.entries if e.key == into_key)
        old = feature_row(session, old_key)
        old_aliases: tuple[str, ...] = ()
        if old is not None:
            old_entry = next((e for e in vocabulary.entries if e.key == old_key), None)
            old_aliases = old_entry.aliases if old_entry else ()
            session.delete(old)
            session.flush()
        spellings = [*entry.aliases]
        for spelling in (old_key, *old_aliases):
            if feature_match_key(spelling) not in {feature_match_key(s) for s in spellings}:
                spellings.append(spelling)
        into = feature_row(session, into_key)
        write_feature(session, into_key, into.display_name if into else "", spellings)
        session.flush()
        refresh_usage_evidence(session)
        return moved

"""Match a usage file's accounts and features to the book, and merge repeated rows.

Accounts match by external id, then by name ignoring case and surrounding space; a file
whose only account column holds ids also matches them against names, since exports call an
account "accountId" whatever it holds. ``--create-accounts`` adds the missing ones, but
never one account out of a list ("A;B", "A, B and C"): such cells are rejected with the
reason. Features are mapped to the book's vocabulary by ``FeatureVocabulary.resolve`` (the
one equality rule of ``domain.features``), so "User Invited" is stored as ``user_invited``
and counts for a criterion on it; features the book does not know are kept as spelled
(one spelling per feature within a file) and listed, with the nearest known feature.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, replace
from itertools import compress
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.features import FeatureEntry, FeatureVocabulary
from csm_desktop.services.features import read_vocabulary
from csm_desktop.spreadsheets.usage_accounts import ACCOUNT_LIST, KnownAccounts, why_unmatched
from csm_desktop.spreadsheets.usage_extract import RejectedRow, UsageRows
from csm_desktop.spreadsheets.usage_features import UnknownFeature, feature_keys
from csm_desktop.spreadsheets.usage_headers import ACCOUNT, EXTERNAL_ID
from csm_desktop.spreadsheets.usage_layout import UsageLayout
from csm_desktop.store.queries.usage_import import (
    account_keys,
    insert_account,
    unlocked_feature_names,
)


@dataclass(frozen=True, slots=True)
class Matched:
    """Usage rows whose account is known, as parallel columns ready to store."""

    rows: list[int]
    account_ids: list[int]
    days: list[str]
    features: list[str]
    counts: list[int]
    users: list[int | None]
    rejected: tuple[RejectedRow, ...]
    unmatched: tuple[str, ...]
    created: tuple[str, ...]
    user_ids: list[str | None] | None = None  # event log: who did each event


@dataclass(frozen=True, slots=True)
class Events:
    """One event per (account, day, feature), ready to store."""

    account_ids: list[int]
    days: list[str]
    features: list[str]
    counts: list[int]
    users: list[int | None]
    warnings: tuple[str, ...]


def import_vocabulary(session: Session) -> FeatureVocabulary:
    """The book's features, plus the features its ladders unlock, which adoption counts."""
    vocabulary = read_vocabulary(session)
    unlocked = unlocked_feature_names(session)
    for name in sorted({name.strip() for name in unlocked if name.strip()}):
        if vocabulary.resolve(name) is None:
            vocabulary.add(FeatureEntry(name))
    return vocabulary


def read_accounts(session: Session) -> KnownAccounts:
    """The book's accounts, for matching usage rows to them."""
    return KnownAccounts.from_rows(account_keys(session))


def match_accounts(
    session: Session, usage: UsageRows, layout: UsageLayout, create: bool
) -> Matched:
    """Account ids for every row (``usage_accounts`` says how), creating missing ones when
    asked, except from a cell that lists several accounts."""
    known = read_accounts(session)
    names = usage.names
    externals = usage.external_ids
    # One key per row: (external id, name) when the file has both columns, else the one it
    # has, paired with "" only for the few distinct values (per-row tuples cost time).
    keys: Sequence[Hashable]
    pairs: dict[Hashable, tuple[str, str]]
    if externals is not None and names is not None:
        both = list(zip(externals, names, strict=True))
        keys, pairs = both, {key: key for key in set(both)}
    elif externals is not None:
        keys, pairs = externals, {key: (key, "") for key in set(externals)}
    else:
        only = names or []
        keys, pairs = only, {key: ("", key) for key in set(only)}
    ids: dict[Hashable, int | None] = {
        key: known.find(
            external_id, name, file_has_ids=externals is not None, file_has_names=names is not None
        )
        for key, (external_id, name) in pairs.items()
    }
    lists = {
        key
        for key, found in ids.items()
        if found is None and why_unmatched(_label(pairs[key])) == ACCOUNT_LIST
    }
    created: list[str] = []
    if create:
        for key in sorted(
            (k for k, found in ids.items() if found is None and k not in lists), key=str
        ):
            external_id, name = pairs[key]
            label = name or external_id
            known_id = known.find("", label, file_has_ids=True, file_has_names=True)
            if known_id is None:
                known_id = insert_account(session, label, external_id or None)
                known.add(known_id, label, external_id)
                created.append(label)
            ids[key] = known_id
    row_ids = list(map(ids.__getitem__, keys))
    unknown = {key for key, found in ids.items() if found is None}
    if not unknown:
        return Matched(
            usage.rows, row_ids, usage.days, usage.features, usage.counts, usage.users,  # type: ignore[arg-type]
            (), (), tuple(created), usage.user_ids,
        )  # fmt: skip
    column = layout.column_name(layout.columns.get(ACCOUNT, layout.columns.get(EXTERNAL_ID, 0)))
    seen: set[int] = set()
    rejected: list[RejectedRow] = []
    unmatched: dict[str, str] = {}  # casefolded → first spelling in the file
    for row, key in zip(usage.rows, keys, strict=True):
        if key in unknown and row not in seen:
            seen.add(row)
            label = _label(pairs[key])
            if key not in lists:
                unmatched.setdefault(label.casefold(), label)
            rejected.append(RejectedRow(row, column, label, why_unmatched(label)))
    keep = [found is not None for found in row_ids]
    return Matched(
        list(compress(usage.rows, keep)),
        list(compress(row_ids, keep)),  # type: ignore[arg-type]  # None filtered out
        list(compress(usage.days, keep)),
        list(compress(usage.features, keep)),
        list(compress(usage.counts, keep)),
        list(compress(usage.users, keep)),
        tuple(rejected),
        tuple(sorted(unmatched.values(), key=str.casefold)),
        tuple(created),
        None if usage.user_ids is None else list(compress(usage.user_ids, keep)),
    )


def _label(pair: tuple[str, str]) -> str:
    external_id, name = pair
    return name or external_id


def resolve_features(
    vocabulary: FeatureVocabulary, matched: Matched
) -> tuple[Matched, tuple[UnknownFeature, ...]]:
    """Every feature in the book's key spelling; unknown ones listed, one spelling each."""
    spelled, unknown = feature_keys(vocabulary, set(matched.features))
    if any(spelled[f] != f for f in spelled):
        matched = replace(matched, features=[spelled[f] for f in matched.features])
    return matched, unknown


def merge_duplicates(matched: Matched, *, event_rows: bool) -> Events:
    """One event per (account, day, feature): repeated rows (e.g. one per user) add up.

    ``event_rows``: the file is an event log, each row one event, so adding up is the point;
    when it says who did each event, the active users are the distinct people per day.
    """
    if matched.user_ids is None and not _repeats(
        matched.account_ids, matched.days, matched.features
    ):
        rows = len(matched.days)
        said = (f"Each row counted as one event ({_events(rows)}).",) if event_rows else ()
        return Events(
            matched.account_ids, matched.days, matched.features, matched.counts, matched.users,
            said,
        )  # fmt: skip
    keys = list(zip(matched.account_ids, matched.days, matched.features, strict=True))
    if matched.user_ids is not None:
        return _events_with_users(keys, matched.user_ids)
    totals: dict[tuple[int, str, str], list[Any]] = {}
    repeated = 0
    for key, count, users in zip(keys, matched.counts, matched.users, strict=True):
        total = totals.get(key)
        if total is None:
            totals[key] = [count, users]
            continue
        repeated += 1
        total[0] += count
        if users is not None:
            total[1] = users if total[1] is None else total[1] + users
    if event_rows:
        warning = (
            f"Each row counted as one event: {_events(len(keys))} added up to "
            f"{len(totals):,} daily counts per account and feature."
        )
    else:
        warning = (
            f"{repeated:,} rows repeat an account, date and feature of an earlier row; their "
            "counts (and active users) were added up."
        )
    return Events(
        [key[0] for key in totals],
        [key[1] for key in totals],
        [key[2] for key in totals],
        [value[0] for value in totals.values()],
        [value[1] for value in totals.values()],
        (warning,),
    )


def _repeats(account_ids: list[int], days: list[str], features: list[str]) -> bool:
    """Whether some (account, day, feature) occurs twice. Each row's key is one whole number
    (the few distinct days and features numbered, ``account * days * features + day *
    features + feature``, one number per key): a set of 180,000 numbers costs a quarter
    less than a set of 180,000 tuples."""
    day_numbers = {day: number for number, day in enumerate(set(days))}
    feature_numbers = {feature: number for number, feature in enumerate(set(features))}
    width = len(feature_numbers)
    span = len(day_numbers) * width
    keys = {
        account * span + day * width + feature
        for account, day, feature in zip(
            account_ids,
            map(day_numbers.__getitem__, days),
            map(feature_numbers.__getitem__, features),
            strict=True,
        )
    }
    return len(keys) < len(account_ids)


def _events_with_users(keys: list[tuple[int, str, str]], user_ids: list[str | None]) -> Events:
    """An event log's rows counted per (account, day, feature), with the distinct users."""
    counts: dict[tuple[int, str, str], int] = {}
    people: dict[tuple[int, str, str], set[str]] = {}
    for key, user in zip(keys, user_ids, strict=True):
        counts[key] = counts.get(key, 0) + 1
        if user is not None:
            people.setdefault(key, set()).add(user)
    users = [len(people[key]) if key in people else None for key in counts]
    warning = (
        f"Each row counted as one event: {_events(len(keys))} added up to {len(counts):,} "
        "daily counts per account and feature; active users are the distinct users of each."
    )
    return Events(
        [key[0] for key in counts],
        [key[1] for key in counts],
        [key[2] for key in counts],
        list(counts.values()),
        users,
        (warning,),
    )


def _events(count: int) -> str:
    return f"{count:,} event" if count == 1 else f"{count:,} events"

"""Repeated (account, day, feature) rows of a usage file add up; distinct ones stay apart.

``merge_duplicates`` first asks whether any key repeats, with each key numbered as one whole
number (``services.usage_matching._repeats``): keys that differ in any part must never get the
same number, whatever the accounts' ids.
"""

from __future__ import annotations

import itertools

from csm_desktop.services.usage_matching import Matched, merge_duplicates


def matched(account_ids: list[int], days: list[str], features: list[str]) -> Matched:
    size = len(account_ids)
    return Matched(
        rows=list(range(2, size + 2)),
        account_ids=account_ids,
        days=days,
        features=features,
        counts=[1] * size,
        users=[None] * size,
        rejected=(),
        unmatched=(),
        created=(),
    )


def test_every_distinct_key_is_kept_as_it_came() -> None:
    # All combinations of 3 accounts (ids far apart), 4 days and 3 features: 36 distinct keys.
    keys = list(itertools.product([1, 7, 10_000_000], ["2026-03-01", "2026-03-02",
                                  "2026-03-03", "2026-04-30"], ["a", "b", "c"]))  # fmt: skip
    accounts, days, features = (list(column) for column in zip(*keys, strict=True))
    events = merge_duplicates(matched(accounts, days, features), event_rows=False)
    assert list(zip(events.account_ids, events.days, events.features, strict=True)) == keys
    assert events.counts == [1] * 36
    assert events.warnings == ()


def test_a_repeated_key_among_many_adds_up() -> None:
    accounts = [1, 2, 1, 2, 1]
    days = ["2026-03-01", "2026-03-01", "2026-03-02", "2026-03-01", "2026-03-01"]
    features = ["a", "a", "a", "b", "a"]  # the last row repeats the first
    events = merge_duplicates(matched(accounts, days, features), event_rows=False)
    assert list(zip(events.account_ids, events.days, events.features, strict=True)) == [
        (1, "2026-03-01", "a"),
        (2, "2026-03-01", "a"),
        (1, "2026-03-02", "a"),
        (2, "2026-03-01", "b"),
    ]
    assert events.counts == [2, 1, 1, 1]
    assert events.warnings == (
        "1 rows repeat an account, date and feature of an earlier row; their counts (and "
        "active users) were added up.",
    )

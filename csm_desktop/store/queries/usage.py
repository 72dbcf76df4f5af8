"""Usage as the metrics read it: a few values per account, never the usage rows themselves.

A book may hold millions of usage rows, so each window a metric reads is answered with one
value (a day or a week) per account, feature and window, driven from the account so that
every lookup is a seek on (account, day) of the usage table's primary key (days are day
numbers and features ids there, migration 0006). On SQLite the queries run as raw SQL
(``julianday()``, the DB-API cursor); the portable versions say the same in SQLAlchemy Core
and give identical facts. PostgreSQL reads the health facts in one pass over the accounts
(``_health_in_one_pass``), half the seeks of the portable two.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from csm_desktop.domain.metrics import (
    ADOPTION_WINDOW_DAYS,
    HEALTH_QUIET_DAYS,
    UsageFacts,
    last_complete_iso_weeks,
)
from csm_desktop.domain.vocabulary import Status
from csm_desktop.store.day_numbers import day_number, day_number_of, day_of_number
from csm_desktop.store.models import Account, AccountMilestone, UsageEvent
from csm_desktop.store.queries.fast_path import on_server, raw_rows, use_fast_path
from csm_desktop.store.queries.selection import AccountFilter

# Health's two facts in one pass over the accounts: the latest day with any use in the health
# window today−13 … today, and whether the account has usage on or before today at all
# (counts of 0 included: "has usage data"), asked only of an account without the first (an
# active account has usage). OFFSET 0 keeps the inner query whole, so its subquery runs once
# per account: 0.24-0.34 s against 0.34-0.50 s for the two passes at 50,000 accounts.
# With every fact (``full``), the same pass also reads each account's adoption days and
# weeks of use (below) as two short texts: one row per account in all. The query runs on a
# pool thread while the window's thread works in Python, and each row it sends waits for
# the GIL: 5,000 rows instead of ~30,000 (a row per unlock, per used feature) let it end
# with the ladders' read instead of ~0.3 s after it (issue 17).
_HEALTH = """
SELECT x.id, x.active, x.active IS NOT NULL OR EXISTS (
    SELECT 1 FROM usage_event e WHERE e.account_id = x.id AND e.day <= :today){more}
FROM (SELECT a.id AS id,
             (SELECT e.day FROM usage_event e
              WHERE e.account_id = a.id AND e.day BETWEEN :quiet_from AND :today
                AND e.count > 0 ORDER BY e.day DESC LIMIT 1) AS active{more_columns}
      FROM account a {playbook_join}
      WHERE {where} LIMIT -1 OFFSET 0) AS x
"""

# One day of use per unlock window U+1 … U+30, for windows that closed by today, as the text
# "feature id day, …" (a window without use adds nothing). The unlocked feature's id is
# joined once per milestone (a feature no usage row names has none: no use): as a scalar
# subquery in the usage WHERE it was run again for every usage row the window scans (0.45 s
# against 0.2 s at 5,000 accounts).
_ADOPTION_DAYS = """
       (SELECT group_concat(f.id || ' ' || (
            SELECT e.day FROM usage_event e
            WHERE e.account_id = m.account_id
              AND e.feature_id = f.id
              AND e.day > CAST(julianday(m.achieved_on) - 2440587.5 AS INTEGER)
              AND e.day <= CAST(julianday(m.achieved_on) - 2440587.5 AS INTEGER) + :window
              AND e.count > 0 ORDER BY e.day LIMIT 1))
        FROM account_milestone m CROSS JOIN usage_feature f ON f.key = m.unlocks
        WHERE m.account_id = a.id AND m.status = 'achieved' AND m.unlocks IS NOT NULL
          AND m.achieved_on IS NOT NULL AND m.achieved_on <= :adoption_closed_by) AS adopted"""

# Which features were used in which of the last four complete ISO weeks (consecutive, so
# one range of days): the distinct codes feature id × 4 + week (0 = oldest) of the account's
# uses, as one short text. Per account, the DISTINCT set stays small; the former DISTINCT
# per week over the whole book, then a GROUP BY, took 0.19-0.31 s against 0.11-0.19 s at
# 5,000 accounts.
_WEEK_USAGE = """
       (SELECT group_concat(DISTINCT e.feature_id * :weeks + (e.day - :first_monday) / 7)
        FROM usage_event e
        WHERE e.account_id = a.id AND e.day BETWEEN :first_monday AND :last_sunday
          AND e.count > 0) AS weeks"""

_Weeks = Sequence[tuple[dt.date, dt.date]]


def usage_facts(
    session: Session,
    chosen: AccountFilter,
    today: dt.date,
    *,
    full: bool,
    portable: bool = False,
) -> dict[int, UsageFacts]:
    """Per account the usage facts of ``UsageFacts``; only health's part unless ``full``.

    Accounts without any usage on record are left out (their facts are the empty default).
    """
    weeks = last_complete_iso_weeks(today)
    quiet_from = today - dt.timedelta(days=HEALTH_QUIET_DAYS - 1)
    closed_by = today - dt.timedelta(days=ADOPTION_WINDOW_DAYS)
    fast = use_fast_path(session, portable)
    server = not portable and on_server(session)
    feature_days: dict[int, dict[str, set[dt.date]]] = {}
    feature_weeks: dict[int, dict[str, frozenset[dt.date]]] = {}
    if fast and full:
        has_data, active = _fast_every_fact(
            session, chosen, today, quiet_from, closed_by, weeks, feature_days, feature_weeks
        )
    else:
        health = _fast_health if fast else _health_in_one_pass if server else _portable_health
        has_data, active = health(session, chosen, today, quiet_from)
    if full and not fast:
        for account_id, feature, used_on in _portable_adoption(session, chosen, closed_by):
            feature_days.setdefault(account_id, {}).setdefault(feature, set()).add(used_on)
        for account_id, feature, mondays in _portable_weeks(session, chosen, weeks):
            feature_weeks.setdefault(account_id, {})[feature] = mondays
    no_days: dict[str, set[dt.date]] = {}
    no_weeks: dict[str, frozenset[dt.date]] = {}
    return {
        account_id: UsageFacts(
            account_id in has_data,
            active.get(account_id, frozenset()),
            feature_days.get(account_id, no_days),
            feature_weeks.get(account_id, no_weeks),
        )
        for account_id in has_data | active.keys() | feature_days.keys() | feature_weeks.keys()
    }


# --- SQLite ---------------------------------------------------------------------------------


@cache
def _date(number: int) -> dt.date:
    return day_of_number(number)


def _fast_health(
    session: Session, chosen: AccountFilter, today: dt.date, quiet_from: dt.date
) -> tuple[set[int], dict[int, frozenset[dt.date]]]:
    params = {**chosen.where()[1], "today": day_number(today), "quiet_from": day_number(quiet_from)}
    has_data: set[int] = set()
    active: dict[int, frozenset[dt.date]] = {}
    sql = chosen.sql(_HEALTH, more="", more_columns="")
    for account_id, used_on, has_usage in raw_rows(session, sql, params):
        if has_usage:
            has_data.add(account_id)
        if used_on is not None:
            active[account_id] = frozenset({_date(used_on)})
    return has_data, active


def _fast_every_fact(
    session: Session,
    chosen: AccountFilter,
    today: dt.date,
    quiet_from: dt.date,
    closed_by: dt.date,
    weeks: _Weeks,
    feature_days: dict[int, dict[str, set[dt.date]]],
    feature_weeks: dict[int, dict[str, frozenset[dt.date]]],
) -> tuple[set[int], dict[int, frozenset[dt.date]]]:
    """Health's facts (returned) and the adoption days and weeks of use (into the two dicts)
    in one query, one row per account."""
    count = len(weeks)
    assert count and (weeks[-1][1] - weeks[0][0]).days == 7 * count - 1  # consecutive weeks
    params = {
        **chosen.where()[1],
        "today": day_number(today),
        "quiet_from": day_number(quiet_from),
        "window": ADOPTION_WINDOW_DAYS,
        "adoption_closed_by": closed_by.isoformat(),
        "weeks": count,
        "first_monday": day_number(weeks[0][0]),
        "last_sunday": day_number(weeks[-1][1]),
    }
    sql = chosen.sql(
        _HEALTH,
        more=", x.adopted, x.weeks",
        more_columns=f",{_ADOPTION_DAYS},{_WEEK_USAGE}",
    )
    mondays_of_mask = [
        frozenset(monday for i, (monday, _) in enumerate(weeks) if mask >> i & 1)
        for mask in range(1 << count)
    ]
    keys = dict(raw_rows(session, "SELECT id, key FROM usage_feature", {}))
    has_data: set[int] = set()
    active: dict[int, frozenset[dt.date]] = {}
    for account_id, used_on, has_usage, adopted, codes in raw_rows(session, sql, params):
        if has_usage:
            has_data.add(account_id)
        if used_on is not None:
            active[account_id] = frozenset({_date(used_on)})
        if adopted is not None:
            days: dict[str, set[dt.date]] = {}
            for pair in adopted.split(","):
                feature_text, day_text = pair.split(" ")
                days.setdefault(keys[int(feature_text)], set()).add(_date(int(day_text)))
            feature_days[account_id] = days
        if codes is not None:
            masks: dict[int, int] = {}
            for code in map(int, codes.split(",")):
                feature_id, week = divmod(code, count)
                masks[feature_id] = masks.get(feature_id, 0) | 1 << week
            feature_weeks[account_id] = {
                keys[feature_id]: mondays_of_mask[masks[feature_id]]
                for feature_id in sorted(masks)  # in id order, as the other forms
            }
    return has_data, active


# --- any database ---------------------------------------------------------------------------


def _portable_health(
    session: Session, chosen: AccountFilter, today: dt.date, quiet_from: dt.date
) -> tuple[set[int], dict[int, frozenset[dt.date]]]:
    e = UsageEvent
    has_data = set(
        session.scalars(
            select(Account.id).where(
                chosen.clause(), exists().where(e.account_id == Account.id, e.day <= today)
            )
        )
    )
    latest = (
        select(func.max(e.day))
        .where(e.account_id == Account.id, e.day.between(quiet_from, today), e.count > 0)
        .scalar_subquery()
    )
    active = {
        account_id: frozenset({used_on})
        for account_id, used_on in session.execute(
            select(Account.id, latest).where(chosen.clause())
        )
        if used_on is not None
    }
    return has_data, active


def _health_in_one_pass(
    session: Session, chosen: AccountFilter, today: dt.date, quiet_from: dt.date
) -> tuple[set[int], dict[int, frozenset[dt.date]]]:
    """``_portable_health``'s facts in one pass over the accounts (PostgreSQL's form).

    An account used in the health window has usage on record, so only the others are asked
    whether they have any: one seek per account, not two, where most accounts are active.
    ``OFFSET 0`` keeps the inner query whole, so its subquery runs once per account.
    50,000 accounts, 10 million usage rows (server CPU): 0.41 s against 0.35 + 0.42 s.
    """
    e = UsageEvent
    latest = (
        select(func.max(e.day))
        .where(e.account_id == Account.id, e.day.between(quiet_from, today), e.count > 0)
        .scalar_subquery()
    )
    accounts = select(Account.id, latest.label("active")).where(chosen.clause()).offset(0)
    each = accounts.subquery()
    any_usage = exists().where(e.account_id == each.c.id, e.day <= today)
    has_data: set[int] = set()
    active: dict[int, frozenset[dt.date]] = {}
    for account_id, used_on, has_usage in session.execute(
        select(each.c.id, each.c.active, or_(each.c.active.is_not(None), any_usage))
    ):
        if has_usage:
            has_data.add(account_id)
        if used_on is not None:
            active[account_id] = frozenset({used_on})
    return has_data, active


HEALTH_FORMS = {"two passes": _portable_health, "one pass": _health_in_one_pass}
"""The two Core forms of the health facts by name, for the test that compares them."""
SQLITE_HEALTH_FORM = _fast_health
"""SQLite's raw form of the health facts, which that test compares too."""


def _portable_adoption(
    session: Session, chosen: AccountFilter, closed_by: dt.date
) -> Iterable[tuple[int, str, dt.date]]:
    """The first use after the unlock, kept when it falls in U+1 … U+30: the first use in
    the window exists exactly when the first use after the unlock lies in it."""
    m, e = AccountMilestone, UsageEvent
    first_use = (
        select(func.min(e.day))
        .where(
            e.account_id == m.account_id,
            e.feature == m.unlocks,
            e.day > day_number_of(m.achieved_on),
            e.count > 0,
        )
        .scalar_subquery()
    )
    rows = session.execute(
        select(m.account_id, m.unlocks, m.achieved_on, first_use).where(
            m.account_id.in_(chosen.account_ids()),
            m.status == Status.ACHIEVED.value,
            m.unlocks.is_not(None),
            m.achieved_on.is_not(None),
            m.achieved_on <= closed_by,
        )
    )
    window = dt.timedelta(days=ADOPTION_WINDOW_DAYS)
    for account_id, feature, unlocked_on, used_on in rows:
        assert feature is not None and unlocked_on is not None  # both filtered above
        if used_on is not None and used_on <= unlocked_on + window:
            yield account_id, feature, used_on


def _portable_weeks(
    session: Session, chosen: AccountFilter, weeks: _Weeks
) -> Iterable[tuple[int, str, frozenset[dt.date]]]:
    if not weeks:
        return
    e = UsageEvent
    used: dict[tuple[int, str], set[dt.date]] = {}
    for account_id, feature, used_on in session.execute(
        select(e.account_id, e.feature, e.day)
        .distinct()
        .where(
            e.account_id.in_(chosen.account_ids()),
            e.day.between(weeks[0][0], weeks[-1][1]),
            e.count > 0,
        )
    ):
        monday = used_on - dt.timedelta(days=used_on.weekday())
        used.setdefault((account_id, feature), set()).add(monday)
    for (account_id, feature), mondays in used.items():
        yield account_id, feature, frozenset(mondays)

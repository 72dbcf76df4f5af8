"""The Book: one row of plain values per account, for the table, filters and exports.

The database counts each account's ladder (``store.queries.book_figures``: achieved,
counted and overdue milestones, its first-value and next open milestone), so a 50,000-account
book loads without handing 600,000 milestones to Python. Health and time to first value are
still judged by the domain functions the dashboard and ``metrics`` use
(``services.portfolio_summary.judged``), so the table's numbers are theirs;
``tests/store/test_book_figures.py`` proves the rows equal those computed from whole ladders.
"""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from csm_desktop.domain.ladder import as_of
from csm_desktop.domain.metrics import UsageFacts, time_to_first_value
from csm_desktop.domain.text import name_order
from csm_desktop.domain.vocabulary import Health, Phase, phase_of_day
from csm_desktop.services.gc_pause import gc_paused
from csm_desktop.services.opening import signed_in_name
from csm_desktop.services.portfolio_summary import judged
from csm_desktop.store.database import Database
from csm_desktop.store.queries.book_figures import (
    book_counts,
    book_figures,
    book_names,
    soonest_due_ids,
)
from csm_desktop.store.queries.playbooks import playbook_and_experiment_counts
from csm_desktop.store.queries.selection import AccountFilter
from csm_desktop.store.queries.usage import usage_facts

__all__ = [
    "FIRST_SCREENFUL",
    "BookRow",
    "FirstLines",
    "book_rows",
    "first_book_rows",
    "page_counts",
]

FIRST_SCREENFUL = 60
"""Lines the Book shows before the rest are read: more than a 1920x1080 screen holds."""


@dataclass(frozen=True, slots=True)
class BookRow:
    """One line of the Book table (DESIGN §4); None where a figure has nothing to count."""

    account_id: int
    name: str
    external_id: str | None
    segment: str | None
    owner: str | None
    playbook: str | None
    kickoff_on: dt.date | None  # K: the kickoff, else the signed-on date
    age_days: int | None
    phase: Phase | None
    completion: float | None
    next_milestone: str | None
    next_due_on: dt.date | None
    overdue: int
    health: Health | None
    ttfv_days: int | None
    arr: float | None
    renewal_on: dt.date | None


FirstLines = Literal["name", "next_due"]
"""The orders the Book can show its first screenful in before the rest is read."""


def first_book_rows(
    database: Database,
    today: dt.date,
    by: FirstLines,
    *,
    descending: bool = False,
    count: int | None = None,
    mine: bool = False,
) -> list[BookRow]:
    """The Book's first ``count`` lines sorted ``by`` a name (``domain.text.name_order``)
    or by the next due date (``book_figures.soonest_due_ids``), as ``book_rows`` makes
    them: what a big Book shows at once while the rest is read. Sorted as the Book sorts,
    they are the first lines of the whole Book (``tests/store/test_book_figures.py``).

    ``mine``: on a team server, the signed-in CSM's own first lines when they own any (the
    Book opens on "My accounts" once every row is in: ``ui.controllers.my_accounts``)."""
    count = count or FIRST_SCREENFUL
    owner = signed_in_name(database) if mine else None
    with database.session() as session:

        def first_ids(chosen: AccountFilter) -> list[int]:
            if by == "next_due":
                return soonest_due_ids(session, chosen, today, count, latest=descending)
            names = book_names(session, chosen)
            names.sort(key=lambda pair: name_order(pair[1]), reverse=descending)
            return [i for i, _name in names[:count]]

        ids = first_ids(AccountFilter(owner=owner)) if owner is not None else []
        ids = ids or first_ids(AccountFilter())
    return book_rows(database, today, only=tuple(ids))


def book_rows(
    database: Database,
    today: dt.date,
    *,
    include_archived: bool = False,
    only: tuple[int, ...] | None = None,
) -> list[BookRow]:
    """Every account's Book line on ``today`` (or those of the accounts ``only`` names), in
    name order; reads only what the table shows."""
    chosen = AccountFilter(include_archived=include_archived, only_ids=only)

    def counts_and_usage() -> tuple[dict[int, tuple[int, int, int]], dict[int, UsageFacts]]:
        with database.session() as session:
            return book_counts(session, chosen, today), usage_facts(
                session, chosen, today, full=False
            )

    # Two connections at once: the ladders are counted in a thread while this one picks
    # each account's first-value and next milestone (the database releases the GIL).
    with gc_paused(), ThreadPoolExecutor(max_workers=1) as pool:
        other = pool.submit(counts_and_usage)
        with database.session() as session:
            lines = book_figures(session, chosen, today)
        counts, usage = other.result()
    result = []
    for line in lines:
        achieved, counted, overdue = counts.get(line.id, (0, 0, 0))
        completion = achieved / counted if counted else None
        if line.kickoff is None:
            result.append(
                BookRow(
                    line.id, line.name, line.external_id, line.segment, line.owner,
                    line.playbook, None, None, None, completion, None, None, 0, None, None,
                    line.arr, line.renewal_on,
                )
            )  # fmt: skip
            continue
        first = None if line.first_value is None else as_of(line.first_value, today)
        facts, verdict = judged(line.name, line.kickoff, first, overdue, usage, line.id, today)
        age = facts.age(today)
        upcoming = line.upcoming
        result.append(
            BookRow(
                account_id=line.id,
                name=line.name,
                external_id=line.external_id,
                segment=line.segment,
                owner=line.owner,
                playbook=line.playbook,
                kickoff_on=line.kickoff,
                age_days=age,
                phase=phase_of_day(max(age, 0)),
                completion=completion,
                next_milestone=upcoming.title if upcoming else None,
                next_due_on=upcoming.due_on if upcoming else None,
                overdue=overdue,
                health=verdict,
                ttfv_days=time_to_first_value(facts),
                arr=line.arr,
                renewal_on=line.renewal_on,
            )
        )
    return result


def page_counts(database: Database) -> tuple[int, int]:
    """How many playbooks (by name, any version) and experiments the book holds.

    The window's navigation shows them beside the page names.
    """
    with database.session() as session:
        return playbook_and_experiment_counts(session)

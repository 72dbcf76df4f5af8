"""The Today list as a window shows it while a big book is read: snapshots, most urgent first.

At 50,000 accounts reading the whole book takes seconds; the CSM should see the most urgent
lines at once. ``today_snapshots`` reads the book page by page (``services.today``) and
hands out, after the first page and then less and less often (``every`` seconds after it,
then twice as long after each: 0.5, 1, 2 s …), the ``top`` most urgent lines read so far
(the head of a heap merge of the ranked pages, never a sort of everything), and at the end
the whole list, which is exactly ``today_list``. Counts and owners cover every line read so
far, so the page can say how far it is.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter

from csm_desktop.domain.nudges import DEFAULT_RULES, Nudge, NudgeRules, merge_ranked
from csm_desktop.services.gc_pause import collector_paused
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.services.today import (
    FIRST_PAGE,
    PAGE,
    TodayItem,
    TodayPage,
    ranked_together,
    today_pages,
)
from csm_desktop.store.database import Database

SHOWN_WHILE_READING = 1_000
"""Lines handed out before the book is read to the end (far more than a screen holds)."""


@dataclass(frozen=True, slots=True)
class TodaySnapshot:
    """What the Today page shows at one moment of reading the book."""

    items: list[TodayItem]
    """Ranked: the most urgent lines read so far, or every line once ``complete``."""
    complete: bool
    accounts_read: int
    accounts: int
    lines: int
    """Lines found so far (``items`` may hold only the first of them)."""
    open_lines: int
    """Of them, those not handled yet."""
    owners: tuple[str, ...]
    """The owners of the lines found so far, sorted."""


def today_snapshots(
    database: Database,
    today: dt.date,
    rules: NudgeRules = DEFAULT_RULES,
    *,
    top: int = SHOWN_WHILE_READING,
    every: float = 0.5,
    first: int = FIRST_PAGE,
    size: int = PAGE,
    progress: Progress = NO_PROGRESS,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[TodaySnapshot]:
    """Snapshots of the Today list while the book is read; the last one is complete.

    A cancelled ``progress`` stops between pages (``Cancelled``). The cyclic collector is
    paused meanwhile, and what was read is frozen out of its later passes
    (``gc_pause.collector_paused``).

    The gap between snapshots doubles after each: every snapshot holds the reading while
    the window shows and paints it (``ui.controllers.today``), ~50 ms, and each paint is
    the UI thread's longest step; the first lines show as soon as ever (issue 17)."""
    with collector_paused():
        pages: list[TodayPage] = []
        owners: set[str | None] = set()
        lines = open_lines = 0
        shown_at: float | None = None
        gap = every  # before the next snapshot; doubles after each but the first
        for page in today_pages(database, today, rules, first=first, size=size, progress=progress):
            pages.append(page)
            lines += len(page.ranked)
            # A page is ranked, handled lines last: its open ones are those before the first
            # handled key (``rank_key`` starts with ``handled``).
            open_lines += bisect_left(page.keys, (True,))
            owners.update(map(_owner, page.ranked))
            if not page.last and shown_at is not None and clock() - shown_at < gap:
                continue
            if page.last:
                items = ranked_together(pages)
            else:
                items = list(islice(merge_ranked((p.ranked for p in pages), key=_nudge), top))
            yield TodaySnapshot(
                items,
                page.last,
                page.accounts_read,
                page.accounts,
                lines,
                open_lines,
                tuple(sorted(owner for owner in owners if owner)),
            )
            if shown_at is not None:
                gap *= 2
            shown_at = clock()
        # The ranking keys (~100,000 tuples at 50,000 accounts) go a page at a time: let
        # go all at once, after the complete list was shown, they held the interpreter for
        # ~70 ms (the window froze meanwhile).
        for done in pages:
            done.keys.clear()


def _nudge(item: TodayItem) -> Nudge:
    return item.nudge


_owner = attrgetter("nudge.owner")

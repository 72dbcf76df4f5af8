"""The usage success criterion of a milestone (DESIGN §3), as a pure function.

A milestone may say "feature F used at least N times within W days". The criterion is met
on the first day D on or after the kickoff K on which the counts of F over the W days ending
on D (D−W+1 … D, both bounds inclusive) add up to at least N. Days before K still count
inside a window: usage during a trial that leads into kickoff is real usage. This is the
evidence a CSM confirms (or the book auto-confirms) to mark the milestone achieved.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from itertools import accumulate


def criterion_met_on(
    daily_counts: Mapping[dt.date, int], kickoff: dt.date, threshold: int, window_days: int
) -> dt.date | None:
    """First day D ≥ ``kickoff`` whose window D−W+1 … D sums to ≥ ``threshold``; else None.

    A threshold of 0 or less is met on the kickoff day itself. Raises ``ValueError`` for a
    window shorter than one day.
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    days = sorted(daily_counts)
    totals = [0, *accumulate(daily_counts[day] for day in days)]
    width = dt.timedelta(days=window_days)
    # A window's sum changes only on a day with a count (it enters) or W days after one (it
    # leaves), so those days and the kickoff itself are the only candidates.
    candidates = {kickoff}
    for day in days:
        if day > kickoff:
            candidates.add(day)
        if day + width > kickoff:
            candidates.add(day + width)
    for day in sorted(candidates):
        start = bisect_left(days, day - width + dt.timedelta(days=1))
        end = bisect_right(days, day)
        if totals[end] - totals[start] >= threshold:
            return day
    return None

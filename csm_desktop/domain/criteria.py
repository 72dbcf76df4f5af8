"""The usage success criterion of a milestone (DESIGN §3), as a pure function.

A milestone may say "feature F used at least N times within W days". The criterion is met
on the first day D on or after the kickoff K on which the counts of F over the W days ending
on D (D−W+1 … D, both bounds inclusive) add up to at least N. Days before K still count
inside a window: usage during a trial that leads into kickoff is real usage. This is the
evidence a CSM confirms (or the book auto-confirms) to mark the milestone achieved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from csm_desktop.domain.vocabulary import Evidence


def criterion_met_on(
    daily_counts: Mapping[dt.date, int], kickoff: dt.date, threshold: int, window_days: int
) -> dt.date | None:
    """First day D ≥ ``kickoff`` whose window D−W+1 … D sums to ≥ ``threshold``; else None.

    A threshold of 0 or less is met on the kickoff day itself. Raises ``ValueError`` for a
    window shorter than one day. ``criterion_met_day`` is the same rule on day numbers.
    """
    days = sorted(daily_counts)
    met = criterion_met_day(
        [day.toordinal() for day in days],
        [daily_counts[day] for day in days],
        kickoff.toordinal(),
        threshold,
        window_days,
    )
    return None if met is None else dt.date.fromordinal(met)


def criterion_met_day(
    days: Sequence[int], counts: Sequence[int], kickoff: int, threshold: int, window_days: int
) -> int | None:
    """``criterion_met_on`` with days as whole numbers (any epoch, one per calendar day):
    ``days`` ascending and distinct, ``counts`` the count of each (0 or more).

    The import's evidence runs it on the stored day numbers of thousands of milestones, so
    it works on two parallel lists and slides the window once instead of building dates.
    Counts must not be negative (usage counts never are).
    """
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    # Counts are never negative, so a window's sum grows only on a day with usage: the first
    # day it reaches the threshold is the kickoff or one of those days. One forward pass,
    # the window's start trailing behind, ending at the first day that meets it.
    entered = left = total = 0
    while entered < len(days) and days[entered] <= kickoff:
        total += counts[entered]
        entered += 1
    while left < entered and days[left] <= kickoff - window_days:
        total -= counts[left]
        left += 1
    if total >= threshold:
        return kickoff
    for day, count in zip(days[entered:], counts[entered:], strict=True):
        total += count
        while days[left] <= day - window_days:
            total -= counts[left]
            left += 1
        if total >= threshold:
            return day
    return None


def achieved_evidence(criterion_met_on: dt.date | None, achieved_on: dt.date) -> Evidence:
    """What proves a milestone the CSM marks achieved on ``achieved_on``: its usage when that
    is the day its usage criterion was met (DESIGN §3: "may be marked achieved on D with
    evidence usage"), else the CSM's word. The account page and Today both ask this."""
    return Evidence.USAGE if achieved_on == criterion_met_on else Evidence.MANUAL

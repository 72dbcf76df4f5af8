"""The review period of a QBR and the plan dates a customer reads (DESIGN §9: re-plan).

One owner for three rules the PDF, the deck and the account page share: which dates a review
covers (``--quarter 2026Q3``, ``--from/--to`` or, by default, the last full quarter up to
today), the date a milestone is planned for now (its re-planned date, else its due date), and
the words "moved from …" that tell a customer a date changed. ``due_on`` keeps the original
date, so on-time rate and overdue counts never improve by re-planning.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^\s*(\d{4})\s*-?\s*[Qq]\s*([1-4])\s*$")


class BadPeriod(ValueError):
    """A period the user typed cannot be used; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class ReviewPeriod:
    """The days a review covers, both ends inclusive."""

    start: dt.date
    end: dt.date
    label: str = ""
    """How people name it: ``2026 Q3``, or empty for a custom range."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def title(self) -> str:
        """``Q3 2026 (1 Jul – 30 Sep 2026)`` or ``3 Feb – 15 Apr 2026``."""
        span = date_span(self.start, self.end)
        return f"{self.label} ({span})" if self.label else span


def quarter_of(day: dt.date) -> tuple[int, int]:
    """(year, quarter 1–4) of ``day``."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_period(year: int, quarter: int) -> ReviewPeriod:
    """The calendar quarter as a review period: Q1 is 1 Jan – 31 Mar."""
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    following = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
    return ReviewPeriod(start, following - dt.timedelta(days=1), f"Q{quarter} {year}")


def parse_quarter(text: str) -> ReviewPeriod:
    """``2026Q3`` (also ``2026-Q3``, ``2026 q3``) as a review period; BadPeriod otherwise."""
    match = _QUARTER.match(text)
    if match is None:
        raise BadPeriod(f"{text!r} is not a quarter; write it as 2026Q3 (year, Q, 1 to 4).")
    return quarter_period(int(match.group(1)), int(match.group(2)))


def last_full_quarter(today: dt.date) -> ReviewPeriod:
    """The last calendar quarter that ended on or before ``today``.

    On 30 Sep 2026 that is Q3 2026 (it ends today); on 29 Sep it is Q2 2026.
    """
    year, quarter = quarter_of(today)
    current = quarter_period(year, quarter)
    if current.end <= today:
        return current
    return quarter_period(year - (quarter == 1), 4 if quarter == 1 else quarter - 1)


def review_period(
    today: dt.date,
    *,
    quarter: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> ReviewPeriod:
    """The period a QBR covers: a quarter, a range, or the last full quarter up to ``today``.

    ``start`` alone runs to ``today``; ``end`` alone starts a quarter (91 days) earlier. A
    period may not end after ``today`` (no figure exists yet for those days) nor start after
    it ends.
    """
    if quarter is not None and (start is not None or end is not None):
        raise BadPeriod("Give either --quarter or --from/--to, not both.")
    if quarter is not None:
        period = parse_quarter(quarter)
    elif start is None and end is None:
        period = last_full_quarter(today)
    else:
        last = end or today
        period = ReviewPeriod(start or last - dt.timedelta(days=90), last)
    if period.end > today:
        raise BadPeriod(
            f"The period {period.title()} ends after the reporting date {today.isoformat()}; "
            "choose an earlier period or a later --today."
        )
    if period.start > period.end:
        raise BadPeriod(
            f"The period starts on {period.start.isoformat()}, after it ends on "
            f"{period.end.isoformat()}; swap the dates."
        )
    return period


def day_text(day: dt.date | None, empty: str = "–") -> str:
    """A date as a CSM writes it for a customer: ``3 Feb 2026``."""
    return empty if day is None else f"{day.day} {day:%b %Y}"


def date_span(start: dt.date, end: dt.date) -> str:
    """``1 Jul – 30 Sep 2026``; the first year is written only when the years differ."""
    first = f"{start.day} {start:%b}" if start.year == end.year else day_text(start)
    return f"{first} – {day_text(end)}"


def plan_date(due_on: dt.date | None, replanned_on: dt.date | None) -> dt.date | None:
    """The date a milestone is planned for now: its re-planned date, else its due date."""
    return replanned_on or due_on


def moved_from(due_on: dt.date | None, replanned_on: dt.date | None) -> str:
    """``moved from 6 Mar 2026`` when a milestone was re-planned; empty otherwise."""
    if replanned_on is None or due_on is None or replanned_on == due_on:
        return ""
    return f"moved from {day_text(due_on)}"


def needs_replan(
    is_open: bool, due_on: dt.date | None, replanned_on: dt.date | None, today: dt.date
) -> bool:
    """An open milestone whose current plan date has passed: the CSM should give a new date."""
    planned = plan_date(due_on, replanned_on)
    return is_open and planned is not None and planned < today


def period_weeks(period: ReviewPeriod, today: dt.date) -> tuple[tuple[dt.date, dt.date], ...]:
    """(Monday, Sunday) of the ISO weeks a review's weekly charts show, oldest first.

    A week belongs to the period when its Sunday does; the week holding ``today`` is never
    complete (today's data may be partial), so it is left out even when the period ends today.
    """
    this_monday = today - dt.timedelta(days=today.weekday())
    sunday = period.start + dt.timedelta(days=(6 - period.start.weekday()))
    weeks = []
    while sunday <= period.end and sunday < this_monday:
        weeks.append((sunday - dt.timedelta(days=6), sunday))
        sunday += dt.timedelta(days=7)
    return tuple(weeks)

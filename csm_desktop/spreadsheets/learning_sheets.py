"""The book workbook's learning-loop sheets (issue #18): ``Renewals`` and ``Feedback``.

Row types and the cell kinds only these sheets have (a renewal outcome, a sentiment). The
sheets themselves are listed with the others in ``book_sheets.SHEETS``:

- ``Renewals``: Account, Renewal on, Outcome (renewed / churned / pending), ARR before,
  ARR after.
- ``Feedback``: Account, Date, Milestone, Contact, Sentiment (positive / neutral /
  negative), Text, Quotable (yes / no).

Pure: cells in, rows and ``CellError`` out.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any

from csm_desktop.domain.feedback import Sentiment
from csm_desktop.spreadsheets import book_cells as cell

SENTIMENTS: tuple[str, ...] = tuple(s.value for s in Sentiment)


@dataclass(slots=True)
class RenewalRow:
    account: str
    renewal_on: dt.date
    outcome: str
    arr_before: float | None = None
    arr_after: float | None = None
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class FeedbackRow:
    account: str
    given_on: dt.date
    milestone: str | None = None
    contact: str | None = None
    sentiment: str | None = None
    text: str | None = None
    quotable: bool | None = None
    row: int = field(default=0, compare=False)


def outcome(value: Any) -> str | None:
    """renewed, churned or pending (any case)."""
    return cell.one_of(value, _outcomes(), "a renewal outcome")


@functools.cache
def _outcomes() -> tuple[str, ...]:
    """RenewalOutcome's values, imported when a renewal is read: domain.metrics (the
    long-term figures it lives with) cost an import-book of a file without renewals ~25 ms."""
    from csm_desktop.domain.metrics.long_term import RenewalOutcome

    return tuple(o.value for o in RenewalOutcome)


def sentiment(value: Any) -> str | None:
    """positive, neutral or negative (any case)."""
    return cell.one_of(value, SENTIMENTS, "a sentiment")

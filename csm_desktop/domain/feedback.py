"""The customer's voice: feedback entries and how they are summarised.

The numbers say *whether* a milestone works; what customers say tells *why*. A feedback
entry is a dated remark from a contact, optionally about one milestone, with a sentiment
(positive / neutral / negative) and a flag saying whether it may be quoted to others (a QBR
slide, a case study). Summaries count sentiments and keep the newest few remarks, so the
playbook editor can show "what customers say at this step" and an experiment "what
customers say in this arm". Pure: no Qt, no SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

LATEST_SHOWN = 3


class Sentiment(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


@dataclass(frozen=True, slots=True)
class Remark:
    """One feedback entry as summaries and reports read it."""

    given_on: dt.date
    sentiment: Sentiment
    text: str
    account: str
    contact: str | None = None
    milestone: str | None = None
    quotable: bool = False
    id: int | None = None


@dataclass(frozen=True, slots=True)
class FeedbackSummary:
    """Sentiment counts over a set of remarks and the newest few of them."""

    positive: int
    neutral: int
    negative: int
    latest: tuple[Remark, ...]
    """Newest first, at most ``LATEST_SHOWN``."""

    @property
    def total(self) -> int:
        return self.positive + self.neutral + self.negative

    def counts_text(self) -> str:
        """e.g. "3 remarks: 2 positive, 1 negative" (sentiments with none left out)."""
        if not self.total:
            return "no feedback yet"
        parts = [
            f"{count} {name}"
            for count, name in (
                (self.positive, "positive"),
                (self.neutral, "neutral"),
                (self.negative, "negative"),
            )
            if count
        ]
        noun = "remark" if self.total == 1 else "remarks"
        return f"{self.total} {noun}: {', '.join(parts)}"


def newest_first(remarks: Iterable[Remark]) -> list[Remark]:
    """By date, newest first; ties keep the later-entered (higher id) first."""
    return sorted(remarks, key=lambda r: (r.given_on, r.id or 0), reverse=True)


def summarise(remarks: Iterable[Remark], latest: int = LATEST_SHOWN) -> FeedbackSummary:
    ordered = newest_first(remarks)
    return FeedbackSummary(
        positive=sum(r.sentiment is Sentiment.POSITIVE for r in ordered),
        neutral=sum(r.sentiment is Sentiment.NEUTRAL for r in ordered),
        negative=sum(r.sentiment is Sentiment.NEGATIVE for r in ordered),
        latest=tuple(ordered[:latest]),
    )


def best_quotes(remarks: Iterable[Remark], start: dt.date, end: dt.date) -> list[Remark]:
    """Remarks that may be quoted, given in start … end (inclusive): positive ones first, then
    neutral, newest first within each. A negative remark is for us to learn from, never a
    quote on the customer's own slides, even when the customer allowed quoting."""
    rank = {Sentiment.POSITIVE: 0, Sentiment.NEUTRAL: 1}
    chosen = [
        r
        for r in newest_first(remarks)
        if r.quotable and r.sentiment in rank and start <= r.given_on <= end
    ]
    return sorted(chosen, key=lambda r: rank[r.sentiment])  # stable: newest first per rank

"""The facts about one account that every metric of DESIGN §3 reads, and nothing more.

A loader (the store, a test, a workbook) builds these once; metric functions read only
them, so the dashboard, the reports and the command line all show the same numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from csm_desktop.domain.ladder import Milestone


@dataclass(frozen=True, slots=True)
class UsageFacts:
    """What the metrics need to know about an account's product usage, as of today.

    Every field holds facts about counts > 0 only, and each may be thinned by a loader to
    what the metrics read, so the store sends a handful of values per account instead of
    every usage row:

    - ``active_days``: days with a count > 0 of any feature; health only asks whether one
      falls on today−13 … today, so the latest such day is enough.
    - ``feature_days``: the same per feature; adoption only asks whether one falls on
      U+1 … U+30 after an unlock, so one day per unlock window is enough.
    - ``feature_weeks``: per feature, the Mondays of ISO weeks with a count > 0; repeat usage
      only reads the last four complete ISO weeks.
    """

    has_data: bool = False
    """The account has usage rows dated on or before today (counts of 0 included)."""
    active_days: AbstractSet[dt.date] = frozenset()
    feature_days: Mapping[str, AbstractSet[dt.date]] = field(default_factory=dict)
    feature_weeks: Mapping[str, AbstractSet[dt.date]] = field(default_factory=dict)

    @classmethod
    def from_counts(cls, rows: Iterable[tuple[dt.date, str, int]], today: dt.date) -> UsageFacts:
        """Facts from (day, feature, count) rows; rows dated after today are not known yet."""
        has_data = False
        active: set[dt.date] = set()
        by_feature: dict[str, set[dt.date]] = {}
        for day, feature, count in rows:
            if day > today:
                continue
            has_data = True
            if count > 0:
                active.add(day)
                by_feature.setdefault(feature, set()).add(day)
        return cls(
            has_data,
            frozenset(active),
            {feature: frozenset(days) for feature, days in by_feature.items()},
            {
                feature: frozenset(week_of(day) for day in days)
                for feature, days in by_feature.items()
            },
        )


NO_USAGE = UsageFacts()


def week_of(day: dt.date) -> dt.date:
    """The Monday that starts the ISO week holding ``day``."""
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True, slots=True)
class AccountFacts:
    """One account as the metrics see it: its K, its ladder in order, its usage."""

    name: str
    kickoff: dt.date
    """K of DESIGN §3: the kickoff date, or the signed-on date when no kickoff was logged."""
    milestones: tuple[Milestone, ...] = ()
    """The ladder in playbook order."""
    segment: str | None = None
    owner: str | None = None
    playbook: str | None = None
    variant: str | None = None
    usage: UsageFacts = NO_USAGE
    id: int | None = None

    def age(self, today: dt.date) -> int:
        """Days since K (negative before kickoff)."""
        return (today - self.kickoff).days

    @property
    def key_workflows(self) -> tuple[str, ...]:
        """Features the ladder names (unlocked or used as success criterion), in ladder order."""
        seen: dict[str, None] = {}
        for milestone in self.milestones:
            for feature in (milestone.unlocks, milestone.success_feature):
                if feature:
                    seen.setdefault(feature, None)
        return tuple(seen)

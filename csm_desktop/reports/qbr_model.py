"""What one account's QBR tells, as plain frozen data: the same story for the PDF and the deck.

``csm_desktop.services.qbr_story`` fills it from the book; ``reports.qbr`` lays it out on
A4 pages and ``reports.deck`` on slides. Every text here is already in the customer's words
(features by display name, capabilities as things they can now do); the documents only
choose how to show it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csm_desktop.domain.ladder import is_overdue
from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.review import ReviewPeriod, plan_date
from csm_desktop.domain.value_money import ValueRealized
from csm_desktop.domain.vocabulary import Health, Status


@dataclass(frozen=True, slots=True)
class Branding:
    """Who sends the review and how it looks (book settings) and the customer's logo."""

    company_name: str = ""
    accent_colour: str = "#2563EB"
    currency: str = "USD"
    vendor_logo: str = ""
    """Path of the vendor's logo image, or empty."""
    customer_logo: str = ""


@dataclass(frozen=True, slots=True)
class MilestoneLine:
    """One milestone of the ladder as the report prints it."""

    title: str
    role: str
    target_day: int
    due_on: dt.date | None
    status: Status
    achieved_on: dt.date | None = None
    evidence: str | None = None
    first_value: bool = False
    unlocks: str | None = None
    """The capability it unlocks, in the customer's words (never a raw feature key)."""
    definition_of_done: str = ""
    status_reason: str = ""
    """Why it is blocked or skipped; printed only in the internal edition."""
    replanned_on: dt.date | None = None
    """The new date of a re-planned milestone; ``due_on`` keeps the original."""
    customer_owner: str = ""
    """The customer's contact who holds the milestone's role, when there is one."""

    @property
    def planned_on(self) -> dt.date | None:
        """The date it is planned for now (re-planned date, else due date)."""
        return plan_date(self.due_on, self.replanned_on)

    def is_overdue(self, today: dt.date) -> bool:
        """Overdue against the original due date (DESIGN §3; re-planning never hides it)."""
        return is_overdue(self.status, self.due_on, today)


@dataclass(frozen=True, slots=True)
class FeatureWeeks:
    """Weekly use of one key feature: (Monday of the ISO week, sum of counts), oldest first."""

    feature: str
    """The feature's display name."""
    weeks: tuple[tuple[dt.date, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _monday, count in self.weeks)


@dataclass(frozen=True, slots=True)
class DoneCriterionLine:
    """One line of the kickoff's definition of done and when it was met."""

    text: str
    met_on: dt.date | None


@dataclass(frozen=True, slots=True)
class AdoptionLine:
    """An unlocked capability and whether it was used within 30 days (None: pending)."""

    milestone: str
    feature: str
    unlocked_on: dt.date
    adopted: bool | None


@dataclass(frozen=True, slots=True)
class ValueStory:
    """One outcome: its change, its money value and its measurements for a trend chart."""

    line: ValueLine
    money: ValueRealized | None = None
    measurements: tuple[tuple[dt.date, float], ...] = ()
    """Baseline first (when dated), then every measurement up to the report date."""
    money_per_unit: float | None = None
    rate_per: str | None = None


@dataclass(frozen=True, slots=True)
class AskLine:
    """A risk or an ask the CSM raises with the customer."""

    kind: str  # "ask" or "risk"
    text: str
    owner: str = ""
    due_on: dt.date | None = None
    milestone: str = ""
    """The title of the milestone it unblocks, when linked."""


@dataclass(frozen=True, slots=True)
class InternalFields:
    """What only the CSM's team may see: money, health and the CSM's own notes."""

    arr: float | None
    renewal_on: dt.date | None
    health: Health
    health_reasons: tuple[str, ...]
    overdue_count: int
    notes: tuple[tuple[dt.date, str], ...] = ()
    """Touchpoint notes, newest first."""


@dataclass(frozen=True, slots=True)
class CustomerQuote:
    """The customer's own words for the QBR, from feedback they allowed to be quoted."""

    text: str
    who: str
    """The person (and account) who said it; empty when nobody was named."""
    given_on: dt.date


@dataclass(frozen=True, slots=True)
class QbrData:
    """Everything one account's QBR shows, as of ``today`` for the review ``period``."""

    account: str
    external_id: str | None
    csm: str | None
    today: dt.date
    period: ReviewPeriod
    kickoff_on: dt.date
    playbook: str | None
    age_days: int
    milestones: tuple[MilestoneLine, ...]
    completion: float | None
    completion_by_role: tuple[tuple[str, float | None], ...]
    ttfv_days: int | None
    first_value: MilestoneLine | None
    adoptions: tuple[AdoptionLine, ...] = ()
    values: tuple[ValueStory, ...] = ()
    usage: tuple[FeatureWeeks, ...] = ()
    active_users: tuple[tuple[dt.date, int | None], ...] = ()
    """Per ISO week of the period (Monday): the most active users on one day; None: no data."""
    seats: int | None = None
    usage_until: dt.date | None = None
    """The last day with usage data on or before the period's end (None: no usage data)."""
    success_statement: str = ""
    done_criteria: tuple[DoneCriterionLine, ...] = ()
    asks: tuple[AskLine, ...] = ()
    prepared_for: str = ""
    """The customer's people the review is for (executive sponsor or first contacts)."""
    arr: float | None = None
    """The customer's annual subscription; the customer edition shows it only as a ratio."""
    segment: str | None = None
    branding: Branding = field(default_factory=Branding)
    internal: InternalFields | None = None
    """Present only for the internal edition (``--internal``)."""
    quote: CustomerQuote | None = None
    """A remark the customer allowed quoting, given in the period (issue 18)."""

    @property
    def period_start(self) -> dt.date:
        return self.period.start

    @property
    def achieved(self) -> int:
        return sum(m.status is Status.ACHIEVED for m in self.milestones)

    @property
    def skipped(self) -> int:
        return sum(m.status is Status.SKIPPED for m in self.milestones)

    @property
    def counted(self) -> int:
        """Milestones that count towards completion: all but skipped."""
        return len(self.milestones) - self.skipped

    @property
    def wins(self) -> tuple[MilestoneLine, ...]:
        """Milestones achieved within the review period, in the order they were reached."""
        won = [
            m
            for m in self.milestones
            if m.status is Status.ACHIEVED
            and m.achieved_on is not None
            and m.achieved_on in self.period
        ]
        return tuple(sorted(won, key=lambda m: m.achieved_on or dt.date.min))

    @property
    def value_this_period(self) -> float | None:
        """The money value of every outcome with a money value, summed over the period."""
        moneys = [v.money.per_period for v in self.values if v.money is not None]
        return sum(moneys) if moneys else None

    @property
    def value_per_year(self) -> float | None:
        moneys = [v.money.per_year for v in self.values if v.money is not None]
        return sum(moneys) if moneys else None

    def upcoming(self, limit: int = 5) -> tuple[MilestoneLine, ...]:
        """The next open milestones, soonest planned first (ladder order breaks ties)."""
        open_ones = [m for m in self.milestones if m.status.is_open]
        far = dt.date.max
        open_ones.sort(key=lambda m: m.planned_on or far)
        return tuple(open_ones[:limit])

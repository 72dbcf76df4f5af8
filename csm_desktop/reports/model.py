"""What the PDF reports print, as plain frozen dataclasses: no SQL, no Qt, no reportlab.

``csm_desktop.services.reports`` fills these from the book; the documents in this package
only lay them out. Keeping the boundary here lets tests build a report from hand-made data
and lets a batch export send nothing but ids and paths to worker processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csm_desktop.domain.ladder import is_overdue
from csm_desktop.domain.metrics.long_term import LongTermMetrics
from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.vocabulary import Health, Status


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
    definition_of_done: str = ""
    status_reason: str = ""
    """Why it is blocked or skipped; printed only in the internal edition."""

    def is_overdue(self, today: dt.date) -> bool:
        return is_overdue(self.status, self.due_on, today)


@dataclass(frozen=True, slots=True)
class FeatureWeeks:
    """Weekly use of one key feature: (Monday of the ISO week, sum of counts), oldest first."""

    feature: str
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
class QbrData:
    """Everything one account's QBR value report shows."""

    account: str
    external_id: str | None
    csm: str | None
    today: dt.date
    period_start: dt.date
    kickoff_on: dt.date
    playbook: str | None
    age_days: int
    milestones: tuple[MilestoneLine, ...]
    completion: float | None
    completion_by_role: tuple[tuple[str, float | None], ...]
    ttfv_days: int | None
    first_value: MilestoneLine | None
    adoptions: tuple[AdoptionLine, ...] = ()
    values: tuple[ValueLine, ...] = ()
    usage: tuple[FeatureWeeks, ...] = ()
    usage_weeks: int = 12
    """How many complete weeks of usage were looked at (fewer shown for a young account)."""
    success_statement: str = ""
    done_criteria: tuple[DoneCriterionLine, ...] = ()
    segment: str | None = None
    internal: InternalFields | None = None
    """Present only for the internal edition (``--internal``)."""

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

    def upcoming(self, limit: int = 5) -> tuple[MilestoneLine, ...]:
        """The next open milestones, soonest due first (ladder order breaks ties)."""
        open_ones = [m for m in self.milestones if m.status.is_open]
        far = dt.date.max
        open_ones.sort(key=lambda m: m.due_on or far)
        return tuple(open_ones[:limit])


@dataclass(frozen=True, slots=True)
class Kpi:
    label: str
    value: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class FunnelLine:
    milestone: str
    role: str
    achieved: int
    counted: int
    drop_off: float | None

    @property
    def share(self) -> float | None:
        return self.achieved / self.counted if self.counted else None


@dataclass(frozen=True, slots=True)
class CohortLine:
    """One kickoff month: per checkpoint (30/60/90) the (on plan, counted) accounts."""

    month: str
    accounts: int
    checkpoints: tuple[tuple[int, int, int], ...]


@dataclass(frozen=True, slots=True)
class AccountAtRisk:
    name: str
    health: Health
    reasons: tuple[str, ...]
    owner: str | None = None
    arr: float | None = None
    completion: float | None = None


@dataclass(frozen=True, slots=True)
class VariantLine:
    variant: str
    accounts: int
    within_target: int
    judged: int
    ttfv_median_days: float | None
    completion_at_day_30: float | None

    @property
    def share(self) -> float | None:
        """First value within target among the judged accounts."""
        return self.within_target / self.judged if self.judged else None


@dataclass(frozen=True, slots=True)
class ComparisonLine:
    variant: str
    against: str
    difference: float | None
    p_value: float | None
    small_sample: bool


@dataclass(frozen=True, slots=True)
class ExperimentSection:
    name: str
    hypothesis: str
    started_on: dt.date | None
    variants: tuple[VariantLine, ...]
    comparisons: tuple[ComparisonLine, ...]


@dataclass(frozen=True, slots=True)
class PortfolioReportData:
    """Everything the internal portfolio report shows."""

    today: dt.date
    accounts: int
    kpis: tuple[Kpi, ...]
    health: tuple[tuple[Health, int], ...]
    funnels: tuple[tuple[str, tuple[FunnelLine, ...]], ...]
    cohorts: tuple[CohortLine, ...]
    at_risk: tuple[AccountAtRisk, ...]
    adoption_by_feature: tuple[tuple[str, int, int], ...] = ()
    """(feature, adopted, judged)."""
    experiments: tuple[ExperimentSection, ...] = field(default=())
    book_name: str = ""
    accounts_without_kickoff: int = 0
    """Active accounts left out of every figure because they have no K yet."""
    long_term: LongTermMetrics | None = None
    """Renewal rate and NRR by first value ("Does onboarding pay off?"); None: not computed."""

"""What the PDF reports print, as plain frozen dataclasses: no SQL, no Qt, no reportlab.

``csm_desktop.services.reports`` fills these from the book; the documents in this package
only lay them out. Keeping the boundary here lets tests build a report from hand-made data
and lets a batch export send nothing but ids and paths to worker processes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from csm_desktop.domain.metrics.experiments import VariantComparison
from csm_desktop.domain.metrics.long_term import LongTermMetrics
from csm_desktop.domain.vocabulary import Health
from csm_desktop.reports.qbr_model import (
    AdoptionLine,
    AskLine,
    Branding,
    DoneCriterionLine,
    FeatureWeeks,
    InternalFields,
    MilestoneLine,
    QbrData,
    ValueStory,
)


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


ComparisonLine = VariantComparison
"""A variant against the control as the report prints it: the domain's own result."""


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
    currency: str = "USD"
    """The book's currency: every money figure is printed with it."""
    long_term: LongTermMetrics | None = None
    """Renewal rate and NRR by first value ("Does onboarding pay off?"); None: not computed."""


__all__ = [
    "AccountAtRisk",
    "AdoptionLine",
    "AskLine",
    "Branding",
    "CohortLine",
    "ComparisonLine",
    "DoneCriterionLine",
    "ExperimentSection",
    "FeatureWeeks",
    "FunnelLine",
    "InternalFields",
    "Kpi",
    "MilestoneLine",
    "PortfolioReportData",
    "QbrData",
    "ValueStory",
    "VariantLine",
]

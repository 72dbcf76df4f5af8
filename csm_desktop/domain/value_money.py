"""What an improved customer outcome is worth in money (DESIGN §9: value metric money).

The one rule, used by the PDF, the deck and anything else that prints value: value realized
for a period = improvement × units per period × money per unit, where the improvement is the
change from baseline to the latest measurement signed so that positive is better. A metric
that is a rate ("hours per week") accumulates over the period's length; a level (a score,
``rate_per`` None) is worth its improvement once and is not multiplied by time.
"""

from __future__ import annotations

from dataclasses import dataclass

from csm_desktop.domain.vocabulary import Direction

DAYS_PER: dict[str, float] = {
    "day": 1.0,
    "week": 7.0,
    "month": 365.25 / 12,
    "quarter": 365.25 / 4,
    "year": 365.25,
}
"""How many days one unit of a rate spans; months and quarters are average ones."""

YEAR_DAYS = 365.25


@dataclass(frozen=True, slots=True)
class ValueRealized:
    """The money value of one outcome's improvement."""

    improvement: float
    """Latest − baseline in the metric's unit, positive = better."""
    per_period: float
    """Money realized over the review period (negative when the outcome got worse)."""
    per_year: float
    """The same improvement held for a year: what sets it against ARR."""
    of_arr: float | None
    """``per_year`` ÷ ARR (0.25 = a quarter of what the customer pays); None without ARR."""


def improvement(baseline: float | None, latest: float | None, direction: Direction) -> float | None:
    """Latest − baseline, signed so that positive is better; None when either is unknown."""
    if baseline is None or latest is None:
        return None
    change = latest - baseline
    return change if direction is Direction.HIGHER else -change


def value_realized(
    baseline: float | None,
    latest: float | None,
    direction: Direction,
    *,
    money_per_unit: float | None,
    rate_per: str | None,
    period_days: int,
    arr: float | None = None,
) -> ValueRealized | None:
    """The money an outcome's improvement is worth over ``period_days``, and per year vs ARR.

    None when the metric has no money value per unit or no baseline and measurement to
    compare. Example: 20 → 15 hours per week (lower is better) at 60 an hour over a 91-day
    quarter: 5 h × 13 weeks × 60 = 3,900; per year 5 × 52.18 × 60 = 15,653.57.
    """
    better = improvement(baseline, latest, direction)
    if money_per_unit is None or better is None:
        return None
    if rate_per is None:
        per_period = per_year = better * money_per_unit
    else:
        span = DAYS_PER.get(rate_per)
        if span is None:
            raise ValueError(f"unknown rate period {rate_per!r}; use one of {sorted(DAYS_PER)}")
        per_period = better * (period_days / span) * money_per_unit
        per_year = better * (YEAR_DAYS / span) * money_per_unit
    of_arr = per_year / arr if arr else None
    return ValueRealized(better, per_period, per_year, of_arr)


def money_text(amount: float | None, currency: str, empty: str = "–") -> str:
    """An amount always with its currency, never split across lines: ``USD 3,900``.

    Whole amounts have no decimals; a non-breaking space joins code and figure, and a true
    minus sign marks a loss.
    """
    if amount is None:
        return empty
    sign = "−" if amount < 0 else ""
    whole = abs(amount) >= 100 or float(abs(amount)).is_integer()
    figure = f"{abs(amount):,.0f}" if whole else f"{abs(amount):,.2f}"
    return f"{sign}{currency}\u00a0{figure}"

"""A value metric as plain values: what the Value panel shows, an edit leaves and an undo
puts back (``services.value_metrics`` stores them), and the checks of what a person types.

Plain frozen values, safe to hand across threads; nothing here reads or writes the book.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from csm_desktop.domain.value_money import DAYS_PER, YEAR_DAYS, value_realized
from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput

# The periods a value can be a rate over: those the money rule knows (domain.value_money).
RATE_PERIODS: tuple[str, ...] = tuple(DAYS_PER)


@dataclass(frozen=True, slots=True)
class MetricSnapshot:
    """One value metric with its measurements, as plain values (safe across threads)."""

    name: str
    unit: str = ""
    direction: Direction = Direction.HIGHER
    baseline: float | None = None
    baseline_on: dt.date | None = None
    target: float | None = None
    money_per_unit: float | None = None
    rate_per: str | None = None
    measurements: tuple[tuple[dt.date, float], ...] = ()  # (measured on, value), by date
    version: int | None = field(default=None, compare=False)
    """The stored metric's version when read (None: not read from the book)."""
    changed_by: str | None = field(default=None, compare=False)
    changed_at: dt.datetime | None = field(default=None, compare=False)
    """Who saved that version and when (local time): a refused undo names them."""
    id: int | None = field(default=None, compare=False)
    """The stored metric's row (None: not stored). A metric deleted and made again under
    the same name is another row, whose versions start again at 1."""

    @property
    def latest(self) -> tuple[dt.date, float] | None:
        return self.measurements[-1] if self.measurements else None

    def latest_on(self, today: dt.date) -> tuple[dt.date, float] | None:
        """The newest measurement made on or before ``today``."""
        return next(((d, v) for d, v in reversed(self.measurements) if d <= today), None)

    def worth_per_year(self, today: dt.date) -> float | None:
        """What the improvement since the baseline is worth in a year, in the book's
        currency (the money rule of ``domain.value_money``); None without money per unit."""
        latest = self.latest_on(today)
        realized = value_realized(
            self.baseline,
            latest[1] if latest else None,
            self.direction,
            money_per_unit=self.money_per_unit,
            rate_per=self.rate_per,
            period_days=round(YEAR_DAYS),
        )
        return realized.per_year if realized else None

    def with_measurement(self, measured_on: dt.date, value: float) -> MetricSnapshot:
        """This metric with ``value`` measured on ``measured_on`` (replacing that day's)."""
        kept = {day: v for day, v in self.measurements}
        kept[measured_on] = value
        return replace(self, measurements=tuple(sorted(kept.items())))

    def without_measurement(self, measured_on: dt.date) -> MetricSnapshot:
        return replace(
            self, measurements=tuple(m for m in self.measurements if m[0] != measured_on)
        )


@dataclass(frozen=True, slots=True)
class MetricChange:
    """What one edit did to one account's metric; None means "did not exist"."""

    account_id: int
    before: MetricSnapshot | None
    after: MetricSnapshot | None
    text: str  # the timeline line, e.g. "Value: hours on reporting measured 6 h"
    left_at: int | None = None
    """The metric's version after the edit (None: deleted); its undo expects it."""

    def undone(self, left: MetricLeft) -> MetricChange:
        """This change once ``revert`` left ``left``: ``before`` on the row left (an undone
        delete makes a new one), which ``reapply`` expects."""
        if self.before is None:
            return self
        return replace(self, before=replace(self.before, id=left.id))


class MetricLeft(NamedTuple):
    """The metric row an undo leaves, and its version (both None: no metric)."""

    id: int | None
    version: int | None


# What a save of an edited metric may write, part by part (``domain.changed_parts``): a
# baseline and the day it was measured only make sense together.
METRIC_PARTS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "unit": ("unit",),
    "direction": ("direction",),
    "baseline": ("baseline", "baseline_on"),
    "target": ("target",),
    "money_per_unit": ("money_per_unit",),
    "rate_per": ("rate_per",),
    "measurements": ("measurements",),
}


def metric_parts(metric: MetricSnapshot) -> dict[str, tuple[object, ...]]:
    """``metric``'s values by part of ``METRIC_PARTS``."""
    return {part: tuple(getattr(metric, f) for f in names) for part, names in METRIC_PARTS.items()}


def with_parts(metric: MetricSnapshot, parts: Mapping[str, tuple[object, ...]]) -> MetricSnapshot:
    """``metric`` with ``parts`` (as ``metric_parts`` reads them) put in."""
    values: dict[str, Any] = {
        name: value
        for part, held in parts.items()
        for name, value in zip(METRIC_PARTS[part], held, strict=True)
    }
    return replace(metric, **values)


def check_metric(metric: MetricSnapshot) -> MetricSnapshot:
    """``metric`` with its name and unit trimmed, or ``BadInput`` saying what to fix."""
    name = " ".join(metric.name.split())
    if not name:
        raise BadInput("Give the value metric a name, e.g. “Hours on weekly reporting”.")
    if (metric.baseline is None) != (metric.baseline_on is None):
        raise BadInput(f"{name}: a baseline needs both its value and the date it was measured on.")
    for label, number in (
        ("baseline", metric.baseline),
        ("target", metric.target),
        ("money per unit", metric.money_per_unit),
        *(("measurement", value) for _day, value in metric.measurements),
    ):
        if number is not None and not math.isfinite(number):
            raise BadInput(f"{name}: the {label} must be a number.")
    if metric.money_per_unit is not None and metric.money_per_unit < 0:
        raise BadInput(f"{name}: money per unit cannot be negative.")
    if metric.rate_per is not None and metric.rate_per not in RATE_PERIODS:
        raise BadInput(
            f"{name}: “per {metric.rate_per}” is not a period; use {', '.join(RATE_PERIODS)}."
        )
    return replace(
        metric, name=name, unit=metric.unit.strip(), direction=Direction(metric.direction)
    )


def parse_number(text: str, what: str) -> float:
    """A number typed by a person ("12.5", "1,200", "−3"); ``BadInput`` naming ``what``."""
    cleaned = text.strip().replace("\u2212", "-").replace(",", "").replace(" ", "")
    try:
        number = float(cleaned)
    except ValueError:
        raise BadInput(f"{what} {text!r} is not a number.") from None
    if not math.isfinite(number):
        raise BadInput(f"{what} {text!r} is not a number.")
    return number


def parse_direction(text: str) -> Direction:
    try:
        return Direction(text.strip().casefold())
    except ValueError:
        raise BadInput(
            f"Direction {text!r} is not one of higher or lower (which way is better)."
        ) from None


def find_metric(metrics: list[MetricSnapshot], name: str) -> MetricSnapshot | None:
    """The metric of this name, ignoring case and repeated spaces."""
    wanted = " ".join(name.split()).casefold()
    return next((m for m in metrics if m.name.casefold() == wanted), None)

"""Value change of a customer outcome against its baseline (DESIGN §3), signed for the CSM.

Positive always means better, whichever way the metric improves, so a QBR can say "+25 %"
for hours saved and for adoption gained alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from csm_desktop.domain.vocabulary import Direction


@dataclass(frozen=True, slots=True)
class ValueLine:
    """A customer outcome on a date: baseline, latest measurement and change (+ = better)."""

    metric: str
    unit: str
    direction: Direction
    baseline: float | None
    baseline_on: dt.date | None
    latest: float | None
    latest_on: dt.date | None
    target: float | None
    change_percent: float | None

    @property
    def change(self) -> float | None:
        """Latest − baseline in the metric's own unit (raw sign, not "better")."""
        if self.baseline is None or self.latest is None:
            return None
        return self.latest - self.baseline


def value_change(
    baseline: float | None, latest: float | None, direction: Direction
) -> float | None:
    """(latest − baseline) ÷ |baseline| as a percentage, positive = better; None if undefined.

    Undefined without a baseline, without a measurement, or with a baseline of 0.
    """
    if baseline is None or latest is None or baseline == 0:
        return None
    change = (latest - baseline) / abs(baseline) * 100
    return change if direction is Direction.HIGHER else -change


def latest_measurement(
    measurements: Iterable[tuple[dt.date, float]], today: dt.date
) -> tuple[dt.date, float] | None:
    """The most recent (date, value) measured on or before today."""
    known = [(day, value) for day, value in measurements if day <= today]
    return max(known, key=lambda item: item[0]) if known else None

"""An account's value metrics with their measurements: what the value chart, the metrics and
the reports read (baseline, target, direction and every measurement up to a day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.store.queries.tables import measurement as _measurements
from csm_desktop.store.queries.tables import value_metric as _metrics


@dataclass(frozen=True, slots=True)
class ValueHistory:
    """One value metric and its measurements on or before the asked day, oldest first."""

    id: int
    name: str
    unit: str
    direction: Direction
    """Which way is better; anything but "lower" reads as "higher"."""
    baseline: float | None
    baseline_on: dt.date | None
    target: float | None
    measurements: tuple[tuple[dt.date, float], ...]
    money_per_unit: float | None = None
    rate_per: str | None = None
    """What one unit of improvement is worth and per which period (the QBR's money rule)."""


def value_histories(session: Session, account_id: int, today: dt.date) -> list[ValueHistory]:
    """The account's value metrics in the order they were added (later measurements are not
    known yet on ``today``). Core statements on the tables: a first report configures no
    mapper for them (issue 17)."""
    v, e = _metrics.c, _measurements.c
    metrics = session.execute(
        select(
            v.id,
            v.name,
            v.unit,
            v.direction,
            v.baseline,
            v.baseline_on,
            v.target,
            v.money_per_unit,
            v.rate_per,
        )
        .where(v.account_id == account_id)
        .order_by(v.id)
    ).all()
    measured: dict[int, list[tuple[dt.date, float]]] = {}
    for metric_id, day, value in session.execute(
        select(e.metric_id, e.measured_on, e.value)
        .join_from(_measurements, _metrics, v.id == e.metric_id)
        .where(v.account_id == account_id, e.measured_on <= today)
        .order_by(e.metric_id, e.measured_on)
    ):
        measured.setdefault(metric_id, []).append((day, value))
    return [
        ValueHistory(
            id=row.id,
            name=row.name,
            unit=row.unit,
            direction=Direction.LOWER
            if row.direction == Direction.LOWER.value
            else Direction.HIGHER,
            baseline=row.baseline,
            baseline_on=row.baseline_on,
            target=row.target,
            measurements=tuple(measured.get(row.id, ())),
            money_per_unit=row.money_per_unit,
            rate_per=row.rate_per,
        )
        for row in metrics
    ]

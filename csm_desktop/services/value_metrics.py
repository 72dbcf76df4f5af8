"""Value metrics edited where outcomes are agreed: the kickoff, the account page, the CLI.

A CSM records the customer's outcomes ("hours on weekly reporting", lower is better) with a
baseline, a target and measurements over time; the QBR's value section is built from them
(``services.metrics.value_changes``). Every edit is one transaction that also writes a line
in the account's timeline, and returns a ``MetricChange`` (the metric before and after) so
the window's undo stack can put it back with ``revert`` and redo it with ``reapply``; an
undo is logged like any other change.

In team mode (issue 16) each edit of a stored metric takes ``seen``, the version the user's
screen showed (``MetricSnapshot.version``), and is refused with ``ConflictError`` when
someone saved the metric since; an undo or redo expects the version its edit left
(``MetricChange.left_at``), so it never overwrites someone else's later change. A new
measurement is a new version of its metric too.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.value_money import DAYS_PER, YEAR_DAYS, value_realized
from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.services.ladder import account_by_name
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountEvent, Measurement, ValueMetric
from csm_desktop.store.queries.edits import local_time, saving

# The periods a value can be a rate over: those the money rule knows (domain.value_money).
RATE_PERIODS: tuple[str, ...] = tuple(DAYS_PER)
EVENT_KIND = "value"


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


# ---- reading --------------------------------------------------------------------------------


def _snapshot(metric: ValueMetric) -> MetricSnapshot:
    return MetricSnapshot(
        name=metric.name,
        unit=metric.unit,
        direction=Direction(metric.direction),
        baseline=metric.baseline,
        baseline_on=metric.baseline_on,
        target=metric.target,
        money_per_unit=metric.money_per_unit,
        rate_per=metric.rate_per,
        measurements=tuple(sorted((m.measured_on, m.value) for m in metric.measurements)),
        version=metric.version,
        changed_by=metric.changed_by,
        changed_at=local_time(metric.changed_at),
    )


def account_metrics(database: Database, account_id: int) -> list[MetricSnapshot]:
    """The account's value metrics in the order they were added."""
    with database.session() as session:
        account = _account(session, account_id)
        return [_snapshot(metric) for metric in account.value_metrics]


def find_metric(metrics: list[MetricSnapshot], name: str) -> MetricSnapshot | None:
    """The metric of this name, ignoring case and repeated spaces."""
    wanted = " ".join(name.split()).casefold()
    return next((m for m in metrics if m.name.casefold() == wanted), None)


def _account(session: Session, account_id: int) -> Account:
    account = session.get(Account, account_id)
    if account is None:
        raise UnknownAccount("That account no longer exists; refresh the book.")
    return account


def _stored(account: Account, name: str) -> ValueMetric | None:
    wanted = " ".join(name.split()).casefold()
    return next((m for m in account.value_metrics if m.name.casefold() == wanted), None)


# ---- writing --------------------------------------------------------------------------------


def _replace(
    session: Session,
    account: Account,
    name: str | None,
    new: MetricSnapshot | None,
    *,
    on: dt.date,
    text: str,
    seen: int | None,
) -> tuple[MetricSnapshot | None, int | None]:
    """Replace the metric called ``name`` (None: none) by ``new`` (None: delete it) over
    version ``seen`` of it, and log ``text``; returns what was there and the version left
    (None: deleted). The one write path of this module."""
    current = _stored(account, name) if name is not None else None
    before = _snapshot(current) if current is not None else None
    if current is not None:
        # Measurements are rows of their own: ``bump`` stamps the metric, so that a new,
        # changed or deleted measurement alone is a new version of it as well.
        with saving(session, current, f"“{current.name}”", seen, bump=new is not None):
            _write(session, account, current, new)
    else:
        _write(session, account, None, new)
    session.add(
        AccountEvent(
            account_id=account.id,
            happened_on=on,
            recorded_at=dt.datetime.now(),
            kind=EVENT_KIND,
            text=text,
        )
    )
    session.flush()
    stored = _stored(account, new.name) if new is not None else None
    return before, stored.version if stored is not None else None


def _write(
    session: Session, account: Account, current: ValueMetric | None, new: MetricSnapshot | None
) -> None:
    if new is not None:
        clash = _stored(account, new.name)
        if clash is not None and clash is not current:
            raise BadInput(
                f"{account.name} already has a value metric named “{clash.name}”; "
                "choose another name or edit that one."
            )
        metric = current or ValueMetric(name=new.name)
        if current is None:
            account.value_metrics.append(metric)
        metric.name = new.name
        metric.unit = new.unit
        metric.direction = new.direction.value
        metric.baseline = new.baseline
        metric.baseline_on = new.baseline_on
        metric.target = new.target
        metric.money_per_unit = new.money_per_unit
        metric.rate_per = new.rate_per
        by_day = {m.measured_on: m for m in metric.measurements}
        wanted = dict(new.measurements)
        for day, measurement in by_day.items():
            if day not in wanted:
                metric.measurements.remove(measurement)
        for day, value in wanted.items():
            if day in by_day:
                by_day[day].value = value
            else:
                metric.measurements.append(Measurement(measured_on=day, value=value))
    elif current is not None:
        account.value_metrics.remove(current)


def _amount(value: float, unit: str) -> str:
    shown = f"{value:g}" if abs(value) < 1e15 else f"{value:.6g}"
    return f"{shown} {unit}".strip()


def save_metric(
    database: Database,
    account_id: int,
    metric: MetricSnapshot,
    *,
    replacing: str | None = None,
    on: dt.date,
    seen: int | None = None,
) -> MetricChange:
    """Add ``metric`` (``replacing`` None) or change the metric called ``replacing`` (over
    its version ``seen``); the measurements kept are those of ``metric``."""
    metric = check_metric(metric)
    with database.session() as session:
        account = _account(session, account_id)
        if replacing is not None and _stored(account, replacing) is None:
            raise BadInput(f"{account.name} has no value metric “{replacing}”; refresh the page.")
        verb = "added" if replacing is None else "changed"
        baseline = (
            f" (baseline {_amount(metric.baseline, metric.unit)} on {metric.baseline_on})"
            if metric.baseline is not None
            else ""
        )
        text = f"Value metric “{metric.name}” {verb}{baseline}"
        before, left = _replace(session, account, replacing, metric, on=on, text=text, seen=seen)
        return MetricChange(account_id, before, metric, text, left)


def record_measurement(
    database: Database,
    account_id: int,
    name: str,
    value: float,
    measured_on: dt.date,
    *,
    on: dt.date,
    seen: int | None = None,
) -> MetricChange:
    """Record ``value`` of the metric ``name`` measured on ``measured_on`` (replacing a
    measurement of the same day), over its version ``seen``."""
    if not math.isfinite(value):
        raise BadInput(f"{name}: the measurement must be a number.")
    with database.session() as session:
        account = _account(session, account_id)
        stored = _stored(account, name)
        if stored is None:
            raise BadInput(
                f"{account.name} has no value metric “{name}”; add it first "
                "(csm-desktop value set, or Add metric on the account page)."
            )
        current = _snapshot(stored)
        after = current.with_measurement(measured_on, value)
        text = f"“{current.name}” measured {_amount(value, current.unit)} on {measured_on}"
        before, left = _replace(session, account, current.name, after, on=on, text=text, seen=seen)
        return MetricChange(account_id, before, after, text, left)


def delete_measurement(
    database: Database,
    account_id: int,
    name: str,
    measured_on: dt.date,
    *,
    on: dt.date,
    seen: int | None = None,
) -> MetricChange:
    with database.session() as session:
        account = _account(session, account_id)
        stored = _stored(account, name)
        if stored is None:
            raise BadInput(f"{account.name} has no value metric “{name}”; refresh the page.")
        current = _snapshot(stored)
        text = f"“{current.name}” measurement of {measured_on} deleted"
        after = current.without_measurement(measured_on)
        before, left = _replace(session, account, current.name, after, on=on, text=text, seen=seen)
        return MetricChange(account_id, before, after, text, left)


def delete_metric(
    database: Database, account_id: int, name: str, *, on: dt.date, seen: int | None = None
) -> MetricChange:
    """Delete the metric and its measurements (undo puts both back)."""
    with database.session() as session:
        account = _account(session, account_id)
        stored = _stored(account, name)
        if stored is None:
            raise BadInput(f"{account.name} has no value metric “{name}”; refresh the page.")
        text = f"Value metric “{stored.name}” deleted"
        before, _left = _replace(session, account, stored.name, None, on=on, text=text, seen=seen)
        return MetricChange(account_id, before, None, text, None)


def revert(database: Database, change: MetricChange, *, on: dt.date) -> int | None:
    """Undo ``change``: the metric goes back to how it was before (logged as an undo).

    Refused with ``ConflictError`` when someone changed the metric after ``change`` (it is
    no longer at ``change.left_at``). Returns the version it leaves (None: deleted), which
    ``reapply`` expects."""
    return _swap(
        database, change.account_id, change.after, change.before, on,
        f"Undone: {change.text}", change.left_at,
    )  # fmt: skip


def reapply(
    database: Database, change: MetricChange, *, on: dt.date, seen: int | None = None
) -> MetricChange:
    """Redo ``change`` after ``revert`` (which left version ``seen``); returns the change
    as redone (its ``left_at`` the version it leaves now)."""
    left = _swap(
        database, change.account_id, change.before, change.after, on,
        f"Redone: {change.text}", seen,
    )  # fmt: skip
    return replace(change, left_at=left)


def _swap(
    database: Database,
    account_id: int,
    present: MetricSnapshot | None,
    wanted: MetricSnapshot | None,
    on: dt.date,
    text: str,
    seen: int | None,
) -> int | None:
    with database.session() as session:
        account = _account(session, account_id)
        name = present.name if present is not None else None
        if name is not None and _stored(account, name) is None:
            raise BadInput(f"The value metric “{name}” was changed elsewhere; refresh the page.")
        _before, left = _replace(session, account, name, wanted, on=on, text=text, seen=seen)
        return left


# ---- the CLI's entry points: an account by name, options as typed ---------------------------


def account_id_by_name(database: Database, name_or_external_id: str) -> int:
    with database.session() as session:
        account = account_by_name(session, name_or_external_id)
        if account is None:
            raise UnknownAccount(
                f"No account is named or has the external id {name_or_external_id!r}; "
                "check the spelling in the Book."
            )
        return account.id


def set_metric_by_name(
    database: Database,
    account: str,
    metric: str,
    *,
    on: dt.date,
    unit: str | None = None,
    direction: Direction | None = None,
    baseline: float | None = None,
    baseline_on: dt.date | None = None,
    target: float | None = None,
    money_per_unit: float | None = None,
    rate_per: str | None = None,
) -> MetricChange:
    """Define the metric, or change the options given of an existing one (others kept)."""
    account_id = account_id_by_name(database, account)
    current = find_metric(account_metrics(database, account_id), metric)
    if current is None:
        if direction is None:
            raise BadInput(
                f"{metric}: a new value metric needs --direction higher or lower (which way "
                "is better)."
            )
        base = MetricSnapshot(name=metric)
    else:
        base = current
    given: dict[str, Any] = {
        "unit": unit,
        "direction": direction,
        "baseline": baseline,
        "baseline_on": baseline_on,
        "target": target,
        "money_per_unit": money_per_unit,
        "rate_per": rate_per,
    }
    wanted = replace(base, **{k: v for k, v in given.items() if v is not None})
    return save_metric(
        database, account_id, wanted, replacing=current.name if current else None, on=on
    )


def record_by_name(
    database: Database,
    account: str,
    metric: str,
    value: float,
    measured_on: dt.date,
    *,
    on: dt.date,
) -> MetricChange:
    account_id = account_id_by_name(database, account)
    return record_measurement(database, account_id, metric, value, measured_on, on=on)

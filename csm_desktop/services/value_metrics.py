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

A metric is found by its name, but a version is only meaningful for one row: a metric
deleted and made again under the same name (by a teammate) is a new row whose versions
start at 1 again. So a snapshot carries its row's id, an edit or an undo made from it is
refused when the row under that name is another one (or none), and ``revert`` and
``reapply`` say which row they leave (an undone delete or a redone add makes a new one).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import replace

from sqlalchemy.orm import Session

from csm_desktop.domain.changed_parts import changed_parts
from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput, ConflictError
from csm_desktop.services.checks import existing_account
from csm_desktop.services.value_snapshots import (
    RATE_PERIODS,
    MetricChange,
    MetricLeft,
    MetricSnapshot,
    check_metric,
    find_metric,
    metric_parts,
    parse_direction,
    parse_number,
    with_parts,
)
from csm_desktop.store.child_rows import sync_children
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountEvent, Measurement, ValueMetric
from csm_desktop.store.queries.edits import conflict, local_time, saving
from csm_desktop.store.queries.value_rows import last_logged, new_metric_id

# The plain values live in ``value_snapshots``; callers may take them from here too.
__all__ = [
    "EVENT_KIND",
    "RATE_PERIODS",
    "MetricChange",
    "MetricLeft",
    "MetricSnapshot",
    "account_metrics",
    "check_metric",
    "delete_measurement",
    "delete_metric",
    "find_metric",
    "parse_direction",
    "parse_number",
    "reapply",
    "record_measurement",
    "revert",
    "save_metric",
]
EVENT_KIND = "value"


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
        id=metric.id,
    )


def account_metrics(database: Database, account_id: int) -> list[MetricSnapshot]:
    """The account's value metrics in the order they were added."""
    with database.session() as session:
        account = existing_account(session, account_id)
        return [_snapshot(metric) for metric in account.value_metrics]


def _stored(account: Account, name: str) -> ValueMetric | None:
    wanted = " ".join(name.split()).casefold()
    return next((m for m in account.value_metrics if m.name.casefold() == wanted), None)


def _named(name: str) -> str:
    return f"“{' '.join(name.split())}”"


def _the_row(session: Session, account: Account, name: str, row: int | None) -> ValueMetric | None:
    """The metric row ``row`` when it is still the account's (whatever it is called now),
    else the metric called ``name``: refused with ``ConflictError`` when ``row`` was given,
    as it is then another row (someone deleted that metric and made one of the same name).
    None when neither is stored."""
    if row is not None:
        stored = session.get(ValueMetric, row)
        if stored is not None and stored.account_id == account.id:
            return stored
    stored = _stored(account, name)
    if stored is not None and row is not None:
        raise conflict(stored, _named(name))
    return stored


def _gone(session: Session, account: Account, name: str) -> ConflictError:
    """The refusal of an undo whose metric was deleted: naming whoever wrote the metric's
    last timeline line (its deletion, as a row no longer says it)."""
    by, at = last_logged(session, account.id, EVENT_KIND, _named(name))
    return ConflictError(_named(name), by, at, None)


# ---- writing --------------------------------------------------------------------------------


def _replace(
    session: Session,
    account: Account,
    current: ValueMetric | None,
    new: MetricSnapshot | None,
    *,
    on: dt.date,
    text: str,
    seen: int | None,
) -> tuple[MetricSnapshot | None, MetricSnapshot | None, int | None]:
    """Replace the stored metric ``current`` (None: none) by ``new`` (None: delete it) over
    version ``seen`` of it, and log ``text``; returns what was there, ``new`` as stored
    (its row id set) and the version left (None: deleted). The one write path of this
    module."""
    before = _snapshot(current) if current is not None else None
    if current is not None:
        # Measurements are rows of their own: ``bump`` stamps the metric, so that a new,
        # changed or deleted measurement alone is a new version of it as well.
        with saving(session, current, f"“{current.name}”", seen, bump=new is not None):
            stored = _write(session, account, current, new)
    else:
        stored = _write(session, account, None, new)
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
    if new is None or stored is None:
        return before, None, None
    return before, replace(new, id=stored.id), stored.version


def _write(
    session: Session, account: Account, current: ValueMetric | None, new: MetricSnapshot | None
) -> ValueMetric | None:
    """Make ``current`` (None: a new row) hold ``new`` (None: delete it); the row written."""
    if new is not None:
        clash = _stored(account, new.name)
        if clash is not None and clash is not current:
            raise BadInput(
                f"{account.name} already has a value metric named “{clash.name}”; "
                "choose another name or edit that one."
            )
        metric = current or ValueMetric(id=new_metric_id(session), name=new.name)
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
        sync_children(
            metric.measurements,
            lambda measurement: measurement.measured_on,
            dict(new.measurements),
            change=lambda measurement, value: setattr(measurement, "value", value),
            make=lambda day, value: Measurement(measured_on=day, value=value),
        )
        return metric
    if current is not None:
        account.value_metrics.remove(current)
    return None


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
    row: int | None = None,
    opened: MetricSnapshot | None = None,
) -> MetricChange:
    """Add ``metric`` (``replacing`` None) or change the metric called ``replacing`` (over
    its version ``seen``, and only when it is row ``row``); the measurements kept are those
    of ``metric``.

    With ``opened`` (the metric as the dialog opened with it) only the parts the user
    changed are written over the metric as stored (``domain.changed_parts``): OK again
    after a refusal keeps a teammate's measurement, or target, the user never touched."""
    metric = check_metric(metric)
    with database.session() as session:
        account = existing_account(session, account_id)
        current = _the_row(session, account, replacing, row) if replacing is not None else None
        if replacing is not None and current is None:
            raise BadInput.metric_gone(account.name, replacing)
        if current is not None and opened is not None:
            changed = changed_parts(metric, opened, metric_parts)
            metric = check_metric(with_parts(_snapshot(current), changed))
        verb = "added" if replacing is None else "changed"
        baseline = (
            f" (baseline {_amount(metric.baseline, metric.unit)} on {metric.baseline_on})"
            if metric.baseline is not None
            else ""
        )
        text = f"Value metric “{metric.name}” {verb}{baseline}"
        before, after, left = _replace(
            session, account, current, metric, on=on, text=text, seen=seen
        )
        return MetricChange(account_id, before, after, text, left)


def _measured(session: Session, account: Account, name: str, row: int | None) -> ValueMetric:
    stored = _the_row(session, account, name, row)
    if stored is None:
        raise BadInput(
            f"{account.name} has no value metric “{name}”; add it first "
            "(csm-desktop value set, or Add metric on the account page)."
        )
    return stored


def record_measurement(
    database: Database,
    account_id: int,
    name: str,
    value: float,
    measured_on: dt.date,
    *,
    on: dt.date,
    seen: int | None = None,
    row: int | None = None,
) -> MetricChange:
    """Record ``value`` of the metric ``name`` measured on ``measured_on`` (replacing a
    measurement of the same day), over its version ``seen`` (and only on row ``row``)."""
    if not math.isfinite(value):
        raise BadInput(f"{name}: the measurement must be a number.")
    with database.session() as session:
        account = existing_account(session, account_id)
        stored = _measured(session, account, name, row)
        current = _snapshot(stored)
        wanted = current.with_measurement(measured_on, value)
        text = f"“{current.name}” measured {_amount(value, current.unit)} on {measured_on}"
        before, after, left = _replace(
            session, account, stored, wanted, on=on, text=text, seen=seen
        )
        return MetricChange(account_id, before, after, text, left)


def delete_measurement(
    database: Database,
    account_id: int,
    name: str,
    measured_on: dt.date,
    *,
    on: dt.date,
    seen: int | None = None,
    row: int | None = None,
) -> MetricChange:
    with database.session() as session:
        account = existing_account(session, account_id)
        stored = _the_row(session, account, name, row)
        if stored is None:
            raise BadInput.metric_gone(account.name, name)
        current = _snapshot(stored)
        text = f"“{current.name}” measurement of {measured_on} deleted"
        wanted = current.without_measurement(measured_on)
        before, after, left = _replace(
            session, account, stored, wanted, on=on, text=text, seen=seen
        )
        return MetricChange(account_id, before, after, text, left)


def delete_metric(
    database: Database,
    account_id: int,
    name: str,
    *,
    on: dt.date,
    seen: int | None = None,
    row: int | None = None,
) -> MetricChange:
    """Delete the metric and its measurements (undo puts both back)."""
    with database.session() as session:
        account = existing_account(session, account_id)
        stored = _the_row(session, account, name, row)
        if stored is None:
            raise BadInput.metric_gone(account.name, name)
        text = f"Value metric “{stored.name}” deleted"
        before, _after, _left = _replace(
            session, account, stored, None, on=on, text=text, seen=seen
        )
        return MetricChange(account_id, before, None, text, None)


def revert(database: Database, change: MetricChange, *, on: dt.date) -> MetricLeft:
    """Undo ``change``: the metric goes back to how it was before (logged as an undo).

    Refused with ``ConflictError`` when someone changed the metric after ``change`` (it is
    no longer at ``change.left_at``), deleted it, or made another of the same name. Returns
    the row and version it leaves (an undone delete makes a new row), which ``reapply``
    expects."""
    return _swap(
        database, change.account_id, change.after, change.before, on,
        f"Undone: {change.text}", change.left_at,
    )  # fmt: skip


def reapply(
    database: Database, change: MetricChange, *, on: dt.date, seen: int | None = None
) -> MetricChange:
    """Redo ``change`` after ``revert`` (which left version ``seen`` of ``change.before``'s
    row); returns the change as redone (its ``after`` on the row it leaves, which a redone
    add makes anew, and ``left_at`` the version it leaves now)."""
    left = _swap(
        database, change.account_id, change.before, change.after, on,
        f"Redone: {change.text}", seen,
    )  # fmt: skip
    after = replace(change.after, id=left.id) if change.after is not None else None
    return replace(change, after=after, left_at=left.version)


def _swap(
    database: Database,
    account_id: int,
    present: MetricSnapshot | None,
    wanted: MetricSnapshot | None,
    on: dt.date,
    text: str,
    seen: int | None,
) -> MetricLeft:
    """Put ``wanted`` where the undo or redo expects ``present`` (None: no such metric):
    refused when the metric is not that row at version ``seen`` any more."""
    with database.session() as session:
        account = existing_account(session, account_id)
        current = None
        if present is not None:
            current = _the_row(session, account, present.name, present.id)
            if current is None:
                raise _gone(session, account, present.name)
        elif wanted is not None and (made := _stored(account, wanted.name)) is not None:
            raise conflict(made, _named(wanted.name))  # someone made one of that name since
        _before, after, left = _replace(
            session, account, current, wanted, on=on, text=text, seen=seen
        )
        return MetricLeft(after.id if after is not None else None, left)

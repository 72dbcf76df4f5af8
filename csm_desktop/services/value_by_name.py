"""The command line's value-metric edits: an account by name or external id, a metric by
name, and only the options typed (``csm-desktop value set`` / ``value record``).

They read the metric as it is now and save over it at once (no screen showed a version),
through ``services.value_metrics`` like the window's edits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from csm_desktop.domain.vocabulary import Direction
from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.services.ladder import account_by_name
from csm_desktop.services.value_metrics import (
    account_metrics,
    record_measurement,
    save_metric,
)
from csm_desktop.services.value_snapshots import MetricChange, MetricSnapshot, find_metric
from csm_desktop.store.database import Database


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
    """Define the metric, or change the options given of an existing one (others kept).

    Only the options given are written over the metric as stored (``opened`` is the metric
    as read here): a teammate's measurement saved between the read and the write stays."""
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
    if current is None:
        return save_metric(database, account_id, wanted, on=on)
    return save_metric(
        database, account_id, wanted, replacing=current.name, on=on, row=current.id,
        opened=current,
    )  # fmt: skip


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

"""Value metrics and their measurements.

Part of ``store.models`` (split by aggregate), which re-exports every model.
"""

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from csm_desktop.store.models.base import Base, Versioned

if TYPE_CHECKING:
    from csm_desktop.store.models.account import Account


class ValueMetric(Versioned, Base):
    """A customer outcome measured against a baseline (e.g. hours on weekly reporting)."""

    __tablename__ = "value_metric"
    __table_args__ = (UniqueConstraint("account_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"))
    name: Mapped[str]
    unit: Mapped[str] = mapped_column(default="")
    direction: Mapped[str] = mapped_column(String(8), default="higher")
    baseline: Mapped[float | None]
    baseline_on: Mapped[dt.date | None]
    target: Mapped[float | None]
    # DESIGN §9 value money: what one unit is worth in the book's currency (an hour = 60), and
    # the period the metric's value is a rate over ("week", "month", "quarter", "year"; None
    # for a level such as a score, whose money value is not accumulated over time).
    money_per_unit: Mapped[float | None]
    rate_per: Mapped[str | None] = mapped_column(String(8))

    account: Mapped["Account"] = relationship(back_populates="value_metrics")
    measurements: Mapped[list["Measurement"]] = relationship(
        cascade="all, delete-orphan", order_by="Measurement.measured_on"
    )


class Measurement(Base):
    __tablename__ = "measurement"

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(
        ForeignKey("value_metric.id", ondelete="CASCADE"), index=True
    )
    measured_on: Mapped[dt.date]
    value: Mapped[float]

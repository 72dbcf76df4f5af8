"""The weekly bar charts of the QBR (feature use, active users) name their weeks one way."""

from __future__ import annotations

import datetime as dt

from csm_desktop.reports.charts import weekly_bars

FIRST_MONDAY = dt.date(2026, 6, 29)


def names(weeks: int) -> list[str]:
    mondays = [FIRST_MONDAY + dt.timedelta(weeks=n) for n in range(weeks)]
    chart = weekly_bars(mondays, [1] * weeks, "#2563EB", 1, 3)
    return list(chart.categoryAxis.categoryNames)


def test_up_to_seven_weeks_every_monday_is_named() -> None:
    assert names(3) == ["29 Jun", "6 Jul", "13 Jul"]


def test_more_weeks_name_every_other_monday_back_from_the_latest() -> None:
    """8 weeks: the latest (17 Aug) and every other one before it; 9 weeks: first and last."""
    assert names(8) == ["", "6 Jul", "", "20 Jul", "", "3 Aug", "", "17 Aug"]
    nine = names(9)
    assert nine[0] == "29 Jun" and nine[-1] == "24 Aug"
    assert [bool(name) for name in nine] == [True, False] * 4 + [True]


def test_no_weeks_draws_an_empty_axis() -> None:
    assert names(0) == [""]

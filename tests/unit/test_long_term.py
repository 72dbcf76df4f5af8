"""Long-term figures (issue #18) on a six-account book worked out by hand.

K is 2026-01-05 (tests/unit/metrics_books.py); today is 2026-06-30. First value ("First
report", target day 14) and the renewals:

| account | first value            | group   | renewal                               |
|---------|------------------------|---------|---------------------------------------|
| Alpha   | achieved day 10        | on time | 2026-05-01 renewed 10,000 → 12,000     |
| Bravo   | achieved day 20        | late    | 2026-06-01 churned  8,000              |
| Charlie | not achieved, past due | late    | 2026-06-15 renewed  5,000 → 5,000      |
| Delta   | skipped                | neither | 2026-04-01 renewed  4,000 → 6,000      |
| Echo    | achieved day 14 (≤ 14) | on time | 2026-06-20 pending; 2026-07-15 renewed |
| Foxtrot | achieved day 3         | on time | 2026-06-30 churned, ARR unknown        |

Decided: Alpha, Bravo, Charlie, Delta, Foxtrot = 5 (Echo's are pending or after today);
renewed 3 → rate 3/5 = 0.6. NRR leaves Foxtrot out (no ARR before): after 12,000 + 0 +
5,000 + 6,000 = 23,000 over before 10,000 + 8,000 + 5,000 + 4,000 = 27,000 = 0.85185….
On time: Alpha, Foxtrot → 2 decided, 1 renewed = 0.5; NRR 12,000/10,000 = 1.2.
Late: Bravo, Charlie → 2 decided, 1 renewed = 0.5; NRR 5,000/13,000 = 0.38461….
"""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.metrics import first_value_within_target
from csm_desktop.domain.metrics.long_term import (
    LATE,
    ON_TIME,
    RenewalFact,
    RenewalOutcome,
    long_term_metrics,
    renewal_drilldown,
)
from csm_desktop.domain.vocabulary import Status
from tests.unit.metrics_books import account, milestone

TODAY = dt.date(2026, 6, 30)
R = RenewalOutcome


def _first_value(**kwargs: object) -> object:
    return milestone("First report", 14, first_value=True, **kwargs)  # type: ignore[arg-type]


BOOK = {
    1: account("Alpha", _first_value(achieved_day=10)),
    2: account("Bravo", _first_value(achieved_day=20)),
    3: account("Charlie", _first_value()),
    4: account("Delta", _first_value(status=Status.SKIPPED)),
    5: account("Echo", _first_value(achieved_day=14)),
    6: account("Foxtrot", _first_value(achieved_day=3)),
}
RENEWALS = [
    RenewalFact("Alpha", dt.date(2026, 5, 1), R.RENEWED, 10_000, 12_000, 1),
    RenewalFact("Bravo", dt.date(2026, 6, 1), R.CHURNED, 8_000, None, 2),
    RenewalFact("Charlie", dt.date(2026, 6, 15), R.RENEWED, 5_000, 5_000, 3),
    RenewalFact("Delta", dt.date(2026, 4, 1), R.RENEWED, 4_000, 6_000, 4),
    RenewalFact("Echo", dt.date(2026, 6, 20), R.PENDING, 3_000, None, 5),
    RenewalFact("Echo", dt.date(2026, 7, 15), R.RENEWED, 3_000, 3_500, 5),
    RenewalFact("Foxtrot", dt.date(2026, 6, 30), R.CHURNED, None, None, 6),
]


def _metrics() -> object:
    judged = {i: first_value_within_target(facts, TODAY) for i, facts in BOOK.items()}
    return long_term_metrics(RENEWALS, judged, TODAY)


def test_first_value_groups_come_from_the_one_first_value_rule() -> None:
    judged = {BOOK[i].name: first_value_within_target(BOOK[i], TODAY) for i in BOOK}
    assert judged == {
        "Alpha": True,
        "Bravo": False,
        "Charlie": False,
        "Delta": None,
        "Echo": True,
        "Foxtrot": True,
    }


def test_totals_count_decided_renewals_only() -> None:
    m = _metrics()
    assert m.decided == 5
    assert m.total.renewed == 3
    assert m.renewal_rate == pytest.approx(0.6)
    assert m.nrr == pytest.approx(23_000 / 27_000)
    assert [r.account for r in m.pending] == ["Echo", "Echo"]
    assert [r.account for r in m.neither.renewals] == ["Delta"]


def test_split_by_first_value_on_time_and_late() -> None:
    m = _metrics()
    on_time, late = m.by_first_value[ON_TIME], m.by_first_value[LATE]
    assert [r.account for r in on_time.renewals] == ["Alpha", "Foxtrot"]
    assert (on_time.decided, on_time.renewal_rate) == (2, 0.5)
    assert on_time.nrr == pytest.approx(1.2)
    assert [r.account for r in late.renewals] == ["Bravo", "Charlie"]
    assert (late.decided, late.renewal_rate) == (2, 0.5)
    assert late.nrr == pytest.approx(5_000 / 13_000)


def test_renewal_dated_today_is_decided_and_tomorrow_is_not() -> None:
    churned_today = RenewalFact("X", TODAY, R.CHURNED, 100, None, 9)
    assert churned_today.is_decided(TODAY)
    assert not churned_today.is_decided(TODAY - dt.timedelta(days=1))


def test_nothing_decided_gives_no_rate_and_no_nrr() -> None:
    m = long_term_metrics([RENEWALS[4]], {5: True}, TODAY)
    assert (m.decided, m.renewal_rate, m.nrr) == (0, None, None)
    assert m.by_first_value[ON_TIME].renewal_rate is None


def test_drilldown_lists_the_renewals_behind_each_figure() -> None:
    m = _metrics()
    late = renewal_drilldown(m, LATE)
    assert late.group("Renewed").names == ["Charlie"]
    assert late.group("Churned").names == ["Bravo"]
    assert late.group("Churned").accounts[0].note == "churned 2026-06-01 · ARR 8,000 → 0"
    total = renewal_drilldown(m)
    assert total.group("Renewed").names == ["Alpha", "Charlie", "Delta"]
    assert total.group("Of these, first value not judged").names == ["Delta"]
    assert total.group("Not decided yet").names == ["Echo", "Echo"]


def test_arr_change_is_one_rule_for_every_renewal_line() -> None:
    """A churned renewal's ARR after is 0 whatever was typed; nothing known, nothing said."""
    from csm_desktop.domain.metrics.long_term import arr_change

    assert arr_change(RenewalOutcome.CHURNED, 8000.0, 5000.0) == "ARR 8,000 → 0"
    assert arr_change(RenewalOutcome.RENEWED, 8000.0, None) == "ARR 8,000 → ?"
    assert arr_change(RenewalOutcome.RENEWED, None, None) == ""

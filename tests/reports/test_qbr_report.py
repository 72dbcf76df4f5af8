"""The QBR of the hand-made book (tests/reports/hand_book.py), read back from the PDF.

Today is 2026-04-15, so the default review period is Q1 2026 (1 Jan – 31 Mar, 90 days).
The text is extracted with pypdf, so these tests see what a customer sees: the story in
order, names printed literally, the right numbers, and no internal field unless asked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hand_book import ALERTS, CYRILLIC, HOSTILE, SECRET_NOTE, SETUP, TODAY
from pypdf import PdfReader

from csm_desktop.domain.review import ReviewPeriod, parse_quarter
from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.services.metrics import account_metrics
from csm_desktop.services.reports import (
    find_account,
    health_reasons,
    qbr_data,
    write_qbr_report,
)
from csm_desktop.store.database import Database

Book = tuple[Database, dict[str, int]]


@pytest.fixture
def customer_pdf(hand_book: Book, tmp_path: Path) -> Path:
    database, ids = hand_book
    return write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "qbr.pdf")


def test_executive_summary_leads_with_the_kickoff_goal_then_outcomes_wins_and_next(
    customer_pdf: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    """Money: 20 → 15 hours a week is 5 h × 90/7 weeks × 60 = 3,857.14 in Q1; a year is
    5 × 365.25/7 × 60 = 15,653.57, 32.6 % of the ARR of 48,000. Next is the alerts step
    (planned 25 Apr), before Automation (re-planned to 30 Apr)."""
    text = read_pdf(customer_pdf)
    summary = text[text.index("Executive summary") : text.index("Value realized")]
    assert summary == (
        "Executive summary "
        "At kickoff the goal was: “Reports run themselves & nobody copies <data> by hand”. "
        "Since then, Hours on weekly reporting went from 20 hours to 15 hours (25.0 % better) "
        "and NPS went from 10 points to 8 points (20.0 % worse). "
        "Together these improvements are worth EUR 3,857 in Q1 2026, EUR 15,654 a year "
        "(33 % of the annual subscription). "
        f"In Q1 2026 the team reached 3 milestones: “{SETUP}”, “First report” and "
        "“Dashboards”, and can now use Scheduled reports and Dashboards view. "
        f"Next: “{ALERTS}” (Operator), planned for 25 Apr 2026. "
    )


def test_cover_names_customer_vendor_period_and_who_it_is_for(customer_pdf: Path) -> None:
    cover = " ".join(PdfReader(str(customer_pdf)).pages[0].extract_text().split())
    assert cover.startswith("Northwind Analytics Quarterly business review Zoë's <Bakery> & Co")
    assert "Q1 2026 (1 Jan – 31 Mar 2026)" in cover
    assert "Prepared for Amélie Admin" in cover
    assert "Prepared by Łucja Kowalska, Northwind Analytics" in cover
    # The big figures, then their labels; 8 %: 2 of 25 seats in the last week with data.
    assert (
        "EUR 3,857 3 / 5 8 % 12 value realized in Q1 2026 milestones achieved of seats active "
        "day of first value"
    ) in cover
    assert "Page 1 of" in cover


def test_sections_come_in_story_order(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    order = [
        "Executive summary",
        "Value realized",
        "Wins in Q1 2026",
        "Adoption",
        "Plan by role",
        "Next steps",
        "Risks and asks",
    ]
    assert [text.index(title) for title in order] == sorted(text.index(t) for t in order)


def test_value_realized_gives_before_now_target_change_and_money(
    customer_pdf: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert "Hours on weekly reporting 20 hours 15 hours 12 hours 25.0 % better EUR 3,857" in text
    assert "NPS 10 points 8 points – 20.0 % worse –" in text
    assert "Definition of done: 1 of 2 criteria met" in text
    assert "<script>alert(1)</script> removed ○ open" in text


def test_wins_say_what_the_customer_can_now_do(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert f"10 Jan 2026 {SETUP} –" in text
    assert "17 Jan 2026 First report ★ first value You can now use Scheduled reports." in text
    assert "10 Feb 2026 Dashboards You can now use Dashboards view." in text


def test_adoption_sets_active_users_against_seats_and_says_where_data_stops(
    customer_pdf: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert (
        "In the week of 2 Mar 2026, 2 people used the product: 2 of 25 licensed seats (8 %)."
    ) in text
    assert "Usage data runs to 2 Mar 2026; weeks after it show no data, not no use." in text
    assert "Scheduled reports 3 uses in 13 weeks" in text


def test_plan_shows_re_planned_dates_moved_from_and_no_overdue_for_the_customer(
    customer_pdf: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert "Automation ✕ blocked 30 Apr 2026 moved from 6 Mar 2026" in text
    assert "overdue" not in text.casefold()
    assert f"{ALERTS} ○ not started 25 Apr 2026" in text


def test_next_steps_are_a_mutual_action_plan_with_owners(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    steps = text[text.index("Next steps") : text.index("Risks and asks")]
    assert (
        f"25 Apr 2026 {ALERTS} Unlocks: Alert routing Done when: Alerts reach the on-call "
        "person <first> Operator: to be named Łucja Kowalska"
    ) in steps
    assert ("30 Apr 2026 moved from 6 Mar 2026 Automation Ingrid Kowalczyk Łucja Kowalska") in steps


def test_risks_and_asks_list_the_open_ones(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    asks = text[text.index("Risks and asks") :]
    assert "Ask Sign off the access checklist (for “Automation”) Amélie Admin 24 Apr 2026" in asks
    assert "Risk Two admins leave in May Amélie Admin –" in asks
    assert "Old ask, done" not in text


def test_hostile_and_non_latin_names_print_literally(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert HOSTILE in text
    assert SETUP in text  # an <img src> tag in a milestone title is text, not an image
    assert ALERTS in text
    assert "<script>alert(1)</script> removed" in text


def test_customer_edition_leaves_out_internal_fields_and_keys(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    for internal in (
        "48,000", "at risk", "INTERNAL", SECRET_NOTE, "security review", "Renewal",
        "alert_routing", "reports.run", "(usage data)",
    ):  # fmt: skip
        assert internal not in text


def test_internal_edition_adds_arr_health_reasons_notes_and_red_overdue(
    hand_book: Book, tmp_path: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    database, ids = hand_book
    path = write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "i.pdf", internal=True)
    text = read_pdf(path)
    assert "INTERNAL — contains ARR, health and CSM notes" in text
    assert "ARR EUR 48,000" in text
    assert "Renewal 5 Jan 2027" in text
    assert "at risk 1 overdue: “Automation” (due 2026-03-06)." in text
    assert "Waiting for the customer's security review" in text
    assert "Automation ✕ blocked Waiting for the customer's security review 30 Apr 2026 " \
        "moved from 6 Mar 2026 overdue" in text  # fmt: skip
    assert f"2 Apr 2026 call: Check-in — {SECRET_NOTE}" in text


def test_a_quarter_chooses_the_wins_and_the_money_period(hand_book: Book) -> None:
    """Q2 2026 cannot be reported on 15 Apr; a custom 1 Feb – 15 Apr range holds only the
    Dashboards win (10 Feb) and 74 days: 5 × 74/7 × 60 = 3,171.43."""
    database, ids = hand_book
    data = qbr_data(database, ids[HOSTILE], TODAY, period=ReviewPeriod(dt.date(2026, 2, 1), TODAY))
    assert [m.title for m in data.wins] == ["Dashboards"]
    assert data.value_this_period == pytest.approx(3171.4286, abs=1e-3)
    q1 = qbr_data(database, ids[HOSTILE], TODAY, period=parse_quarter("2026Q1"))
    assert [m.title for m in q1.wins] == [SETUP, "First report", "Dashboards"]
    assert q1.value_this_period == pytest.approx(3857.1429, abs=1e-3)


def test_usage_of_the_period_by_display_name_with_active_users(hand_book: Book) -> None:
    """Q1 2026 holds the 13 ISO weeks whose Sunday falls in it (4 Jan … 29 Mar)."""
    database, ids = hand_book
    data = qbr_data(database, ids[HOSTILE], TODAY)
    assert [(u.feature, u.total) for u in data.usage] == [("Scheduled reports", 3)]
    weeks = dict(data.usage[0].weeks)
    assert len(weeks) == 13
    assert min(weeks) == dt.date(2025, 12, 29) and max(weeks) == dt.date(2026, 3, 23)
    assert weeks[dt.date(2026, 1, 19)] == 3
    users = dict(data.active_users)
    assert users[dt.date(2026, 1, 19)] == 4
    assert users[dt.date(2026, 3, 2)] == 2
    assert users[dt.date(2026, 2, 2)] == 0  # data exists after it: a week of no use
    assert users[dt.date(2026, 3, 9)] is None  # after the data stops: unknown
    assert data.usage_until == dt.date(2026, 3, 2)


def test_qbr_data_values_ignore_measurements_after_today(hand_book: Book) -> None:
    database, ids = hand_book
    data = qbr_data(database, ids[HOSTILE], TODAY)
    hours = data.values[0].line
    assert (hours.baseline, hours.latest, hours.change, hours.change_percent) == (
        20.0,
        15.0,
        -5.0,
        25.0,
    )
    assert [day for day, _v in data.values[0].measurements] == [
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    assert data.internal is None


def test_off_track_reason_names_the_late_first_value(hand_book: Book) -> None:
    database, ids = hand_book
    metrics = account_metrics(database, ids[CYRILLIC], TODAY)
    assert health_reasons(metrics, TODAY) == (
        "First value “First report” was due on 2026-01-24 (81 days ago) and is not achieved.",
        "1 overdue: “First report” (due 2026-01-24).",
    )


def test_accounts_are_found_by_external_id_or_name_ignoring_case(hand_book: Book) -> None:
    database, ids = hand_book
    assert find_account(database, "LL-2") == ids[CYRILLIC]
    assert find_account(database, "  zoë's <bakery> & co ") == ids[HOSTILE]
    with pytest.raises(UnknownAccount, match="'Nobody'"):
        find_account(database, "Nobody")


def test_an_account_without_kickoff_has_no_report(hand_book: Book, tmp_path: Path) -> None:
    database, ids = hand_book
    folder = tmp_path / "reports"
    folder.mkdir()
    with pytest.raises(BadInput, match="Echo \\(no kickoff\\) has no kickoff"):
        write_qbr_report(database, ids["Echo (no kickoff)"], TODAY, folder / "e.pdf")
    assert list(folder.iterdir()) == []


def test_reportlab_lays_out_pdfs_with_its_c_helpers() -> None:
    """rl_accel is a dependency: without it reportlab silently falls back to pure-Python
    number formatting, string widths and encoding, and every report is slower."""
    from reportlab.lib import rl_accel

    assert rl_accel._py_funcs == {}, f"pure-Python fallbacks in use: {sorted(rl_accel._py_funcs)}"

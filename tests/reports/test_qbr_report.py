"""The QBR value report of the hand-made book (tests/reports/conftest.py), read back from the PDF.

The text is extracted with pypdf, so these tests see what a customer sees: names printed
literally, the right numbers and the right milestones, and no internal field unless asked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hand_book import ALERTS, CYRILLIC, HOSTILE, SECRET_NOTE, SETUP, TODAY
from pypdf import PdfReader

from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.services.metrics import account_metrics
from csm_desktop.services.reports import (
    find_account,
    health_reasons,
    qbr_data,
    weekly_feature_usage,
    write_qbr_report,
)
from csm_desktop.store.database import Database

Book = tuple[Database, dict[str, int]]


@pytest.fixture
def customer_pdf(hand_book: Book, tmp_path: Path) -> Path:
    database, ids = hand_book
    return write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "qbr.pdf")


def test_executive_summary_states_progress_first_value_adoption_and_value(
    customer_pdf: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert (
        "Zoë's <Bakery> & Co has achieved 3 of 5 milestones on its onboarding plan (60 %), "
        "100 days after the kickoff on 5 Jan 2026. 1 milestone was skipped as not needed. "
        "By role: Administrator 1 of 1, Power user 1 of 2, Operator 1 of 2."
    ) in text
    assert (
        "First value (“First report”) was reached on day 12 against a target of day 14: "
        "2 days ahead of plan."
    ) in text
    assert (
        "Adoption after unlock: 1 of 2 unlocked capabilities was used within 30 days of "
        "unlocking (50 %)."
    ) in text
    assert (
        "Hours on weekly reporting: from 20 hours to 15 hours (−5 hours, 25.0 % better). "
        "Target 12 hours: not yet reached."
    ) in text
    assert "NPS: from 10 points to 8 points (−2 points, 20.0 % worse)." in text
    assert "Next: “Automation” (Power user), overdue since 6 Mar 2026." in text


def test_cover_names_account_period_csm_and_date(customer_pdf: Path) -> None:
    cover = " ".join(PdfReader(str(customer_pdf)).pages[0].extract_text().split())
    assert "Quarterly business review" in cover
    assert "Zoë's <Bakery> & Co (ZB-1)" in cover
    assert "Review period 15 Jan 2026 – 15 Apr 2026" in cover
    assert "Customer Success Manager Łucja Kowalska" in cover
    assert "Prepared on 15 April 2026" in cover
    assert "Page 1 of" in cover


def test_hostile_and_non_latin_names_print_literally(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert HOSTILE in text
    assert SETUP in text  # an <img src> tag in a milestone title is text, not an image
    assert ALERTS in text
    assert "Θ audit export" in text
    assert "<script>alert(1)</script> removed" in text
    assert "“Reports run themselves & nobody copies <data> by hand”" in text
    assert "Done when: Alerts reach the on-call person <first>" in text


def test_milestones_by_role_carry_status_marks_and_dates(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert "Administrator · 100 % complete" in text
    assert "Power user · 50 % complete" in text
    assert "Operator · 50 % complete" in text
    assert "First report ★ first value 19 Jan 2026 17 Jan 2026" in text.replace("✓ achieved ", "")
    assert "Automation ✕ blocked · overdue 6 Mar 2026" in text
    assert "Dashboards ✓ achieved 4 Feb 2026 10 Feb 2026 (usage data)" in text
    assert "Θ audit export – skipped 19 Feb 2026" in text
    assert f"{ALERTS} ○ not started 25 Apr 2026" in text


def test_definition_of_done_and_what_comes_next(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    assert "Definition of done: 1 of 2 criteria met" in text
    assert "Everyone signs in ✓ met on 20 Jan 2026" in text
    assert "<script>alert(1)</script> removed ○ open" in text
    upcoming = text[text.index("What comes next") :]
    assert upcoming.index("Automation") < upcoming.index(ALERTS)
    assert "25 Apr 2026 Unlocks: alerts" in upcoming


def test_customer_edition_leaves_out_internal_fields(customer_pdf: Path, read_pdf) -> None:  # type: ignore[no-untyped-def]
    text = read_pdf(customer_pdf)
    for internal in ("48,000", "at risk", "INTERNAL", SECRET_NOTE, "security review", "Renewal"):
        assert internal not in text


def test_internal_edition_adds_arr_health_reasons_and_notes(
    hand_book: Book, tmp_path: Path, read_pdf
) -> None:  # type: ignore[no-untyped-def]
    database, ids = hand_book
    path = write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "i.pdf", internal=True)
    text = read_pdf(path)
    assert "INTERNAL — contains ARR, health and CSM notes" in text
    assert "ARR 48,000" in text
    assert "Renewal 5 Jan 2027" in text
    assert "at risk 1 overdue: “Automation” (due 2026-03-06)." in text
    assert "Waiting for the customer's security review" in text
    assert f"2 Apr 2026 call: Check-in — {SECRET_NOTE}" in text


def test_every_text_is_set_in_the_bundled_dejavu_fonts(customer_pdf: Path) -> None:
    used: set[str] = set()

    def visit(text, _cm, _tm, font, _size) -> None:  # type: ignore[no-untyped-def]
        if text.strip() and font is not None:
            used.add(str(font["/BaseFont"]).split("+")[-1])

    for page in PdfReader(str(customer_pdf)).pages:
        page.extract_text(visitor_text=visit)
    assert used == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique"}


def test_weekly_usage_counts_complete_iso_weeks_of_key_features(hand_book: Book) -> None:
    database, ids = hand_book
    usage = weekly_feature_usage(
        database, ids[HOSTILE], ("reports.run", "dashboards.view"), dt.date(2026, 1, 5), TODAY
    )
    assert [u.feature for u in usage] == ["reports.run"]  # dashboards.view was never used
    weeks = dict(usage[0].weeks)
    assert len(weeks) == 12
    assert min(weeks) == dt.date(2026, 1, 19) and max(weeks) == dt.date(2026, 4, 6)
    assert weeks[dt.date(2026, 1, 19)] == 3
    assert weeks[dt.date(2026, 4, 6)] == 7  # 5 + 2; the 9 of 14 April is in an open week
    assert usage[0].total == 10


def test_weekly_usage_falls_back_to_the_most_used_features(hand_book: Book) -> None:
    database, ids = hand_book
    usage = weekly_feature_usage(database, ids[HOSTILE], ("alerts",), dt.date(2026, 1, 5), TODAY)
    assert [(u.feature, u.total) for u in usage] == [("reports.run", 10), ("login", 4)]


def test_qbr_data_values_ignore_measurements_after_today(hand_book: Book) -> None:
    database, ids = hand_book
    data = qbr_data(database, ids[HOSTILE], TODAY)
    hours = data.values[0]
    assert (hours.baseline, hours.latest, hours.change, hours.change_percent) == (
        20.0,
        15.0,
        -5.0,
        25.0,
    )
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

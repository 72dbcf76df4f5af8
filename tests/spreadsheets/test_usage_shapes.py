"""The shapes real tools export, read without a book: layout and every row extracted.

Pure tests: rows are built by hand as a reader returns them (strings for CSV, date cells
and numbers for workbooks). Each test lists every event the file must give, computed by
hand in the docstring where a number is not copied from the file.
"""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.readers import Row, SheetTable
from csm_desktop.spreadsheets.usage_accounts import KnownAccounts
from csm_desktop.spreadsheets.usage_cells import is_account_list, is_footer_text, is_total_text
from csm_desktop.spreadsheets.usage_extract import RejectedRow, UsageRows, extract_usage
from csm_desktop.spreadsheets.usage_headers import field_of_header
from csm_desktop.spreadsheets.usage_layout import detect_layout
from csm_desktop.spreadsheets.usage_numbers import CountReader, detect_decimal

KNOWN = FeatureVocabulary.from_keys(["login", "export", "user_invited"])


def table(*rows: Row, name: str = "usage.csv") -> SheetTable:
    width = max(len(row) for row in rows)
    return SheetTable(name, None, [list(row) + [""] * (width - len(row)) for row in rows], ())


def events(rows: UsageRows) -> list[tuple[object, ...]]:
    """(sheet row, account, day, feature, count) of every event, in extraction order."""
    return list(
        zip(rows.rows, rows.names or rows.external_ids or [], rows.days, rows.features,
            rows.counts, strict=True)
    )  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("accountId", "external_id"),
        ("account_id", "external_id"),
        ("Associated Company", "account"),
        ("Row Labels", "account"),
        ("Organization", "account"),
        ("Timestamp", "date"),
        ("Week", "date"),
        ("event_time", "date"),
        ("properties.time", "date"),
        ("featureName", "feature"),
        ("event_type", "feature"),
        ("Event Name", "feature"),
        ("numEvents", "count"),
        ("Occurrences", "count"),
        ("Sum of Events", "count"),
        ("Count of Event", "count"),
        ("Sum of Active Users", "users"),
        ("Distinct users", "users"),
        ("numVisitors", "users"),
        ("properties.account", "account"),
        ("Licensed Users", None),
        ("Utilization %", None),
    ],
)
def test_header_synonyms_ignore_case_spacing_camel_case_and_pivot_prefixes(
    header: str, field: str | None
) -> None:
    assert field_of_header(header) == field


def test_dates_as_columns_become_one_count_per_account_and_day() -> None:
    """An Amplitude chart export: the title names the event (in the book's spelling when
    the book knows it), the days are the header."""
    sheet = table(
        ["Event: User Invited"],
        [],
        ["Company", "2026-03-01", "2026-03-02", "2026-03-03"],
        ["Acme", "3", "0", "5"],
        ["Globex", "", "2", "1"],
    )
    layout = detect_layout(sheet, known_feature=KNOWN.resolve)
    assert (layout.form, layout.header_row) == ("dates", 3)
    assert (layout.feature_name, layout.feature_source) == ("user_invited", "title line 1")
    assert layout.describe() == (
        "Header on row 3; dates as columns (2026-03-01 … 2026-03-03, 3 days) of the feature "
        "“user_invited” (title line 1): one count per account and day."
    )
    assert events(extract_usage(sheet, layout)) == [
        (4, "Acme", "2026-03-01", "user_invited", 3),
        (4, "Acme", "2026-03-02", "user_invited", 0),
        (5, "Globex", "2026-03-02", "user_invited", 2),
        (4, "Acme", "2026-03-03", "user_invited", 5),
        (5, "Globex", "2026-03-03", "user_invited", 1),
    ]


def test_excel_pivot_by_date_takes_the_feature_from_its_filter_line() -> None:
    """Row labels are accounts, the column labels date cells; the Grand Total row and
    column are skipped, never stored."""
    sheet = table(
        ["Feature", "login", "", ""],
        [],
        ["Sum of Count", "Column Labels", "", ""],
        ["Row Labels", dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 2), "Grand Total"],
        ["Acme", 5.0, 3.0, 8.0],
        ["Globex", "", 2.0, 2.0],
        ["Grand Total", 5.0, 5.0, 10.0],
        name="pivot.xlsx",
    )
    layout = detect_layout(sheet, known_feature=KNOWN.resolve)
    assert (layout.form, layout.header_row, layout.feature_name) == ("dates", 4, "login")
    assert layout.ignored_columns == ((3, "total column, ignored"),)
    rows = extract_usage(sheet, layout)
    assert events(rows) == [
        (5, "Acme", "2026-03-01", "login", 5),
        (5, "Acme", "2026-03-02", "login", 3),
        (6, "Globex", "2026-03-02", "login", 2),
    ]
    assert rows.rejected == [RejectedRow(7, "Row Labels", "Grand Total", "total row", False)]


def test_dates_as_columns_with_a_feature_column_and_the_feature_option() -> None:
    sheet = table(
        ["Account", "Event", "01/03/2026", "02/03/2026", "13/03/2026"],
        ["Acme", "login", "1", "", "2"],
        ["Acme", "export", "", "4", ""],
    )
    layout = detect_layout(sheet)
    assert [day for _p, day in layout.date_columns] == ["2026-03-01", "2026-03-02", "2026-03-13"]
    assert sorted(events(extract_usage(sheet, layout))) == [
        (2, "Acme", "2026-03-01", "login", 1),
        (2, "Acme", "2026-03-13", "login", 2),
        (3, "Acme", "2026-03-02", "export", 4),
    ]
    forced = detect_layout(sheet, feature="user_invited")
    assert forced.feature_name == "user_invited"
    assert forced.ignored_columns == ((1, "feature given with --feature"),)


def test_dates_as_columns_without_any_feature_is_refused_naming_the_option() -> None:
    sheet = table(["Company", "2026-03-01", "2026-03-02"], ["Acme", "1", "2"])
    with pytest.raises(BadFile) as caught:
        detect_layout(sheet)
    assert str(caught.value) == (
        "usage.csv, header row 1: the days are columns, but nothing names the feature they "
        "count. Add a Feature column or give the feature (--feature NAME)."
    )


def test_event_log_rows_count_one_each() -> None:
    """Mixpanel-style rows: no count column, epoch seconds, so each row is one event."""
    sheet = table(
        ["event", "distinct_id", "time", "account"],
        ["User Invited", "u1", "1772323200", "Acme"],
        ["User Invited", "u2", "1772404200", "Acme"],
        ["login", "u1", "1772452800", "Acme"],
    )
    layout = detect_layout(sheet)
    assert layout.form == "events"
    assert events(extract_usage(sheet, layout, time_zone="UTC")) == [
        (2, "Acme", "2026-03-01", "User Invited", 1),
        (3, "Acme", "2026-03-01", "User Invited", 1),
        (4, "Acme", "2026-03-02", "login", 1),
    ]


def test_timestamps_become_days_in_the_book_time_zone() -> None:
    """Paris is UTC+1 in early March 2026: 23:30 UTC is already 2 March there; a moment
    without a zone keeps the day it was written with."""
    sheet = table(
        ["Account", "Timestamp", "Feature", "Count"],
        ["A", "1772404200", "f", "1"],  # 22:30 UTC → 23:30 Paris, 1 March
        ["A", "1772407800000", "f", "1"],  # ms, 23:30 UTC → 00:30 Paris, 2 March
        ["A", "2026-03-01T23:30:00Z", "f", "1"],  # → 2 March
        ["A", "2026-03-01T22:00:00-05:00", "f", "1"],  # 03:00 UTC 2 March → 04:00, 2 March
        ["A", "2026-03-01 22:00:00 UTC", "f", "1"],  # 23:00 Paris, 1 March
        ["A", "2026-03-02T01:00:00+09:00", "f", "1"],  # 16:00 UTC 1 March → 17:00, 1 March
        ["A", "2026-03-01 23:59:59", "f", "1"],  # no zone: as written
        ["A", "2026-W10", "f", "1"],  # ISO week 10 of 2026 starts Monday 2 March
    )
    rows = extract_usage(sheet, detect_layout(sheet), time_zone="Europe/Paris")
    assert rows.days == [
        "2026-03-01", "2026-03-02", "2026-03-02", "2026-03-02",
        "2026-03-01", "2026-03-01", "2026-03-01", "2026-03-02",
    ]  # fmt: skip
    utc = extract_usage(sheet, detect_layout(sheet), time_zone="UTC")
    assert utc.days[:3] == ["2026-03-01", "2026-03-01", "2026-03-01"]


def test_grouped_report_fills_blank_group_labels_and_skips_totals_and_footers() -> None:
    """A Salesforce report grouped by account then feature: labels only on a group's first
    row, a grand total and two footer lines."""
    sheet = table(
        ["Account Name", "Feature", "Date", "Count"],
        ["Acme", "login", "2026-03-01", "3"],
        ["", "", "2026-03-02", "4"],
        ["", "export", "2026-03-01", "1"],
        ["Acme Total", "", "", "8"],
        ["Globex", "login", "2026-03-01", "2"],
        ["", "", "2026-03-03", "5"],
        ["Grand Totals (5 records)", "", "", "15"],
        [],
        ["Confidential Information - Do Not Distribute"],
        ["Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert events(rows) == [
        (2, "Acme", "2026-03-01", "login", 3),
        (3, "Acme", "2026-03-02", "login", 4),
        (4, "Acme", "2026-03-01", "export", 1),
        (6, "Globex", "2026-03-01", "login", 2),
        (7, "Globex", "2026-03-03", "login", 5),
    ]
    assert rows.filled == {"Account Name": 3, "Feature": 2}
    assert rows.filled_cells == {
        (3, 0): "Acme", (4, 0): "Acme", (7, 0): "Globex", (3, 1): "login", (7, 1): "login",
    }  # fmt: skip
    assert rows.rejected == [
        RejectedRow(5, "Account Name", "Acme Total", "total row", False),
        RejectedRow(8, "Account Name", "Grand Totals (5 records)", "total row", False),
        RejectedRow(9, "", "", "blank row", False),
        RejectedRow(10, "Account Name", "Confidential Information - Do Not Distribute",
                    "footer line", False),
        RejectedRow(11, "Account Name",
                    "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.",
                    "footer line", False),
    ]  # fmt: skip
    assert (rows.rows_rejected, rows.lines_skipped) == (0, 5)


def test_an_event_log_with_anonymous_rows_is_not_filled_down() -> None:
    sheet = table(
        ["Account", "Event", "Time"],
        ["Acme", "login", "2026-03-01"],
        ["", "login", "2026-03-01"],
        ["Globex", "login", "2026-03-01"],
        ["Acme", "login", "2026-03-02"],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert rows.filled == {}
    assert rows.rejected == [RejectedRow(3, "Account", "", "no account")]


def test_ga4_comment_block_and_yyyymmdd_dates() -> None:
    sheet = table(
        ["# ----------------------------------------"],
        ["# Events"],
        ["# Start date: 20260301"],
        ["# End date: 20260302"],
        ["# ----------------------------------------"],
        ["Date", "Event name", "Account", "Event count", "Total users"],
        ["20260301", "login", "Acme", "12", "3"],
        ["20260302", "login", "Acme", "7", "2"],
        [],
        ["# ----------------------------------------"],
        ["# Generated by Google Analytics"],
    )
    layout = detect_layout(sheet)
    rows = extract_usage(sheet, layout)
    assert (layout.header_row, layout.form) == (6, "long")
    assert events(rows) == [
        (7, "Acme", "2026-03-01", "login", 12),
        (8, "Acme", "2026-03-02", "login", 7),
    ]
    assert rows.users == [3, 2]
    assert [(p.row, p.reason, p.blocking) for p in rows.rejected] == [
        (9, "blank row", False),
        (10, "comment line", False),
        (11, "comment line", False),
    ]


def test_camel_case_and_sum_of_headers_are_read() -> None:
    sheet = table(
        ["accountName", "eventDate", "featureName", "Sum of Events", "Sum of Active Users"],
        ["Acme", "2026-03-01", "login", "4", "2"],
    )
    layout = detect_layout(sheet)
    assert dict(layout.columns) == {
        "account": 0, "date": 1, "feature": 2, "count": 3, "users": 4,
    }  # fmt: skip
    rows = extract_usage(sheet, layout)
    assert (events(rows), rows.users) == ([(2, "Acme", "2026-03-01", "login", 4)], [2])


def test_wide_form_stores_known_features_and_lists_the_other_numeric_columns() -> None:
    sheet = table(
        ["Account", "Date", "Licensed Users", "Login", "Export", "Utilization %", "Total Events"],
        ["Acme", "2026-03-01", "50", "3", "2", "10%", "5"],
    )
    layout = detect_layout(sheet, known_feature=KNOWN.resolve)
    assert layout.feature_columns == ((3, "login"), (4, "export"))
    assert layout.ignored_columns == (
        (2, "ignored, not a feature"),
        (5, "ignored, not a feature"),
        (6, "ignored, not a feature"),
    )
    assert events(extract_usage(sheet, layout)) == [
        (2, "Acme", "2026-03-01", "login", 3),
        (2, "Acme", "2026-03-01", "export", 2),
    ]


def test_wide_form_with_no_known_feature_names_the_columns_and_the_option() -> None:
    sheet = table(["Account", "Date", "Licensed Users", "Logins"], ["Acme", "2026-03-01", 5, 3])
    with pytest.raises(BadFile) as caught:
        detect_layout(sheet)
    assert str(caught.value) == (
        "usage.csv, header row 1: no column is a feature the book knows (Licensed Users, "
        "Logins). Map the feature columns (--map 'Licensed Users=feature column'), or give "
        "one feature for the whole file (--feature NAME)."
    )
    mapped = detect_layout(sheet, column_map={"Logins": "feature column"})
    assert (mapped.feature_columns, mapped.ignored_columns) == (
        ((3, "Logins"),),
        ((2, "ignored, not a feature"),),
    )


def test_decimal_comma_is_detected_from_the_file() -> None:
    """ "2,5" can only be a decimal comma, so "1.234" is 1234 and "1,5" is not whole."""
    sheet = table(
        ["Account", "Date", "Feature", "Count"],
        ["A", "2026-03-01", "a", "1.234"],
        ["A", "2026-03-01", "b", "1.234,0"],
        ["A", "2026-03-01", "c", "2,5"],
        ["A", "2026-03-01", "d", "1 234"],
        ["A", "2026-03-01", "e", "12%"],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert rows.decimal == ","
    assert rows.counts == [1234, 1234, 1234]
    assert rows.rejected == [
        RejectedRow(4, "Count", "2,5", "not a whole number"),
        RejectedRow(6, "Count", "12%", "a percentage, not a count"),
    ]
    point = extract_usage(sheet, detect_layout(sheet), decimal=".")
    assert (point.decimal, point.counts) == (".", [1234])  # only "1 234" stays whole


@pytest.mark.parametrize(
    ("cells", "decimal"),
    [
        (["1,5", "2"], ","),
        (["1.234,5"], ","),
        (["12.75", "3"], "."),
        (["1,234.5"], "."),
        (["1,234", "1.234", "7"], None),  # each could be either: the file does not tell
    ],
)
def test_the_decimal_separator_is_the_one_the_cells_prove(
    cells: list[str], decimal: str | None
) -> None:
    assert detect_decimal(cells) == decimal


def test_counts_in_both_locales() -> None:
    comma, point = CountReader(","), CountReader(".")
    assert [comma(t) for t in ("1.234", "1 234", "1.234,0", "7")] == [1234, 1234, 1234, 7]
    assert [point(t) for t in ("1,234", "1 234", "1,234.0", "7")] == [1234, 1234, 1234, 7]
    assert point("1,5").reason == "not a number"  # type: ignore[union-attr]
    assert comma("1,5").reason == "not a whole number"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Total", True),
        ("Grand Total", True),
        ("Grand Totals (15 records)", True),
        ("Subtotal", True),
        ("Sub-total:", True),
        ("Acme Total", False),  # only under a group "Acme": see the next test
        ("Total Wine & More", False),
        ("Totally Awesome Inc", False),
    ],
)
def test_total_labels(text: str, total: bool) -> None:
    assert is_total_text(text) is total


@pytest.mark.parametrize(
    ("text", "footer"),
    [
        ("Confidential Information - Do Not Distribute", True),
        ("Copyright © 2026 HubSpot", True),
        ("Generated by Gainsight on 2026-03-31", True),
        ("# Start date: 20260301", True),
        ("#1 Pizza", False),
        ("Acme", False),
    ],
)
def test_footer_lines(text: str, footer: bool) -> None:
    assert is_footer_text(text) is footer


@pytest.mark.parametrize(
    ("text", "is_list"),
    [
        ("Acme;Globex", True),
        ("Acme | Globex", True),
        ("Initech, Umbrella and Hooli", True),
        ("Initech, Umbrella, Hooli", True),
        ("Acme, Inc.", False),
        ("Globex, LLC", False),
        ("Barnes and Noble", False),
        ("Johnson & Johnson", False),
    ],
)
def test_lists_of_accounts_are_told_from_company_names(text: str, is_list: bool) -> None:
    assert is_account_list(text) is is_list


def test_accounts_match_by_external_id_then_name_and_a_lone_column_either_way() -> None:
    known = KnownAccounts.from_rows([(1, "Acme", "ACC-1"), (2, "Globex ", None)])
    both = {"file_has_ids": True, "file_has_names": True}
    assert known.find("ACC-1", "Someone else", **both) == 1  # the external id wins
    assert known.find("", " globex", **both) == 2
    assert known.find("ACC-9", "Globex", **both) == 2
    # An "accountId" column that holds names, and an "Account" column that holds ids:
    assert known.find("acme", "", file_has_ids=True, file_has_names=False) == 1
    assert known.find("", "ACC-1", file_has_ids=False, file_has_names=True) == 1
    assert known.find("", "ACC-1", **both) is None  # with both columns, names are names


def test_a_labelled_total_is_a_total_only_under_its_group() -> None:
    """A line "Acme Total" follows the group "Acme": skipped. "Cart Total" is an event here:
    no group "Cart" in its column, so it is data."""
    sheet = table(
        ["Account", "Event", "Date", "Count"],
        ["Acme", "Cart Total", "2026-03-01", "2"],
        ["", "login", "2026-03-01", "1"],
        ["Acme Total", "", "", "3"],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert events(rows) == [
        (2, "Acme", "2026-03-01", "Cart Total", 2),
        (3, "Acme", "2026-03-01", "login", 1),
    ]
    assert rows.rejected == [RejectedRow(4, "Account", "Acme Total", "total row", False)]


def test_a_date_range_title_line_is_not_taken_for_a_header_of_days() -> None:
    sheet = table(
        ["Report period", "2026-03-01", "2026-03-31"],
        [],
        ["Account", "Date", "Feature", "Count"],
        ["Acme", "2026-03-02", "login", "4"],
    )
    layout = detect_layout(sheet)
    assert (layout.header_row, layout.form) == (3, "long")
    chart = table(
        ["Report period", "2026-03-01", "2026-03-02"],
        [],
        ["Company", "2026-03-01", "2026-03-02"],
        ["Acme", "4", ""],
    )
    assert detect_layout(chart, feature="login").header_row == 3


def test_an_event_log_counts_each_person_once_per_day_as_active_users() -> None:
    """u1 logs in twice and u2 once on 1 March: 3 events by 2 people; an anonymous row
    counts as an event but not as a person."""
    sheet = table(
        ["account", "event", "time", "distinct_id"],
        ["Acme", "login", "2026-03-01T08:00:00Z", "u1"],
        ["Acme", "login", "2026-03-01T09:00:00Z", "u1"],
        ["Acme", "login", "2026-03-01T10:00:00Z", "u2"],
        ["Acme", "login", "2026-03-01T11:00:00Z", ""],
    )
    rows = extract_usage(sheet, detect_layout(sheet), time_zone="UTC")
    assert (rows.counts, rows.user_ids) == ([1, 1, 1, 1], ["u1", "u1", "u2", None])
    assert rows.rejected == []


def test_account_columns_keep_blanks_as_empty_and_clean_names_as_written() -> None:
    """A row may name its account by id or by name only: the other column reads "" there.
    Clean names (no space to trim, no total) are kept as written, cell for cell; a name with
    spaces around it is trimmed. (Acme and A-1 repeat: the columns are not grouped, so no
    blank is filled down.)"""
    header = ["Account ID", "Account", "Date", "Feature", "Count"]
    rows = extract_usage(
        table(
            header,
            ["A-1", "Acme", "2026-03-01", "login", "2"],
            ["", "Globex", "2026-03-01", "login", "3"],
            ["I-9", "", "2026-03-02", "export", "1"],
            ["A-1", "Acme", "2026-03-03", "login", "4"],
            ["", " Globex ", "2026-03-04", "login", "1"],
        ),
        detect_layout(table(header)),
    )
    assert rows.external_ids == ["A-1", "", "I-9", "A-1", ""]
    assert rows.names == ["Acme", "Globex", "", "Acme", "Globex"]
    assert rows.features == ["login", "login", "export", "login", "login"]
    assert rows.rejected == []
    assert rows.filled == {}
    clean = extract_usage(
        table(["Account", "Date", "Feature", "Count"], ["Acme", "2026-03-01", "login", "2"],
              ["Globex", "2026-03-01", "export", "1"]),
        detect_layout(table(["Account", "Date", "Feature", "Count"])),
    )  # fmt: skip
    assert clean.names == ["Acme", "Globex"]
    assert clean.features == ["login", "export"]

"""Finding the usage table in messy sheets: header, columns, forms, dates, numbers (DESIGN §5).

Pure tests: rows are built by hand as a reader would return them, no file and no database.
"""

from __future__ import annotations

import datetime as dt

import pytest

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.readers import Row, SheetTable
from csm_desktop.spreadsheets.usage_extract import RejectedRow, extract_usage
from csm_desktop.spreadsheets.usage_headers import parse_column_map
from csm_desktop.spreadsheets.usage_layout import detect_layout

KNOWN = FeatureVocabulary.from_keys(["login", "export"])


def table(*rows: Row) -> SheetTable:
    return SheetTable("usage.xlsx", "Usage", [list(row) for row in rows], ("Usage",))


def test_header_found_under_a_title_and_blank_rows() -> None:
    sheet = table(
        ["Usage export, March 2026", "", "", ""],
        ["", "", "", ""],
        ["Customer", "Day", "Event name", "Events"],
        ["Acme", "2026-03-01", "login", 5],
    )
    layout = detect_layout(sheet)
    assert layout.header_row == 3
    assert dict(layout.columns) == {"account": 0, "date": 1, "feature": 2, "count": 3}
    assert layout.form == "long"


def test_common_header_names_map_to_fields() -> None:
    sheet = table(["Company ", "Account_ID", "DATE", "Action", "Total", "Active users"])
    assert dict(detect_layout(sheet).columns) == {
        "account": 0,
        "external_id": 1,
        "date": 2,
        "feature": 3,
        "count": 4,
        "users": 5,
    }


def test_wide_form_takes_the_known_features_as_columns_but_not_a_total() -> None:
    sheet = table(["Client", "Date", "Login", "Export", "", "Total"])
    layout = detect_layout(sheet, known_feature=KNOWN.resolve)
    assert layout.form == "wide"
    assert layout.feature_columns == ((2, "login"), (3, "export"))
    assert layout.ignored_columns == ((5, "total column, ignored"),)


def test_missing_feature_column_names_what_is_missing() -> None:
    with pytest.raises(BadFile) as caught:
        detect_layout(table(["Account", "Date", "Count"]))
    assert str(caught.value) == (
        "usage.xlsx, sheet Usage, header row 1: missing required column Feature (or one "
        "column per feature). Rename the column in the file, map it (--map COLUMN=FIELD) or "
        "give the feature (--feature NAME)."
    )


def test_sheet_without_a_header_is_refused_with_the_rows_searched() -> None:
    with pytest.raises(BadFile, match="no header row found in the first 30 rows"):
        detect_layout(table(["just", "some"], ["text", "here"]))


def test_column_map_overrides_names_and_letters() -> None:
    sheet = table(["Kunde", "Tag", "Funktion", "Anzahl"], ["Acme", "2026-03-01", "login", 5])
    layout = detect_layout(
        sheet,
        column_map=parse_column_map(["Kunde=account", "B=date", "Funktion=feature", "D=count"]),
    )
    assert dict(layout.columns) == {"account": 0, "date": 1, "feature": 2, "count": 3}


def test_column_map_naming_an_unknown_column_is_bad_input() -> None:
    with pytest.raises(BadInput, match="has no column 'Nope'"):
        detect_layout(table(["Account", "Date", "Feature", "Count"]), column_map={"Nope": "users"})


def test_given_header_row_wins_over_detection() -> None:
    sheet = table(
        ["Account", "Date", "Feature", "Count"],
        ["Account", "Date", "Feature", "Count"],
        ["Acme", "2026-03-01", "login", 5],
    )
    assert detect_layout(sheet, header_row=2).header_row == 2


def _usage(*data: Row) -> list[tuple[object, ...]]:
    """(row, account, day, feature, count) of each event read under a long-form header."""
    sheet = table(["Account", "Date", "Feature", "Count"], *data)
    rows = extract_usage(sheet, detect_layout(sheet))
    return list(
        zip(rows.rows, rows.names or [], rows.days, rows.features, rows.counts, strict=True)
    )


def test_dates_in_every_unambiguous_form_become_iso_days() -> None:
    assert [row[2] for row in _usage(
        ["A", dt.date(2026, 3, 1), "f", 1],
        ["A", dt.datetime(2026, 3, 2, 14, 30), "f", 1],
        ["A", 46084.0, "f", 1],
        ["A", "2026-03-05", "f", 1],
        ["A", "2026-03-06 00:00:00", "f", 1],
        ["A", "07.03.2026", "f", 1],
        ["A", "8.3.26", "f", 1],
        ["A", "20260309", "f", 1],
        ["A", "10 Mar 2026", "f", 1],
    )] == [
        "2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06",
        "2026-03-07", "2026-03-08", "2026-03-09", "2026-03-10",
    ]  # fmt: skip


def test_slashed_dates_are_day_first_when_a_first_part_exceeds_twelve() -> None:
    days = [row[2] for row in _usage(["A", "13/03/2026", "f", 1], ["A", "02/03/2026", "f", 1])]
    assert days == ["2026-03-13", "2026-03-02"]


def test_slashed_dates_are_month_first_when_a_second_part_exceeds_twelve() -> None:
    days = [row[2] for row in _usage(["A", "03/13/2026", "f", 1], ["A", "03/02/2026", "f", 1])]
    assert days == ["2026-03-13", "2026-03-02"]


def test_slashed_dates_that_never_tell_the_order_are_refused() -> None:
    with pytest.raises(BadFile, match=r"dates like 03/02/2026 could be day/month or month/day"):
        _usage(["A", "03/02/2026", "f", 1], ["A", "04/02/2026", "f", 1])


def test_date_format_override_reads_ambiguous_text() -> None:
    sheet = table(["Account", "Date", "Feature", "Count"], ["A", "03/02/2026", "f", 1])
    rows = extract_usage(sheet, detect_layout(sheet), date_format="MM/DD/YYYY")
    assert rows.days == ["2026-03-02"]


def test_numbers_stored_as_text_are_read_as_whole_counts_when_no_cell_tells_the_decimal() -> None:
    counts = [row[4] for row in _usage(
        ["A", "2026-03-01", "a", "1 234"],
        ["A", "2026-03-01", "b", "1,234"],
        ["A", "2026-03-01", "c", "1.234"],
        ["A", "2026-03-01", "e", 7.0],
        ["A", "2026-03-01", "f", "+3"],
    )]  # fmt: skip
    assert counts == [1234, 1234, 1234, 7, 3]


def test_unusable_cells_reject_their_row_with_column_value_and_reason() -> None:
    sheet = table(
        ["Account", "Date", "Feature", "Count"],
        ["", "2026-03-01", "login", 2],
        ["A", "2026-03-01", "login", "12.5"],
        ["A", "someday", "login", 1],
        ["A", "2026-03-01", "login", -3],
        ["A", "2026-03-01", "", 2],
        ["A", "2026-03-01", "ok", 2],
        ["", "2026-03-02", "ok", 2],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert rows.rejected == [
        RejectedRow(2, "Account", "", "no account"),
        RejectedRow(3, "Count", "12.5", "not a whole number"),
        RejectedRow(4, "Date", "someday", "not a date"),
        RejectedRow(5, "Count", "-3", "negative count"),
        RejectedRow(6, "Feature", "", "no feature"),
        RejectedRow(8, "Account", "", "no account"),  # "A" repeats: not a grouped report
    ]
    assert (rows.rows, rows.counts, rows.filled) == ([7], [2], {})


def test_blank_and_total_rows_are_rejected_but_do_not_block() -> None:
    sheet = table(
        ["Account", "Date", "Feature", "Count"],
        ["A", "2026-03-01", "login", 2],
        ["", "", "", ""],
        ["Grand total", "", "", 2],
        ["A", "2026-03-02", "login", 3],
        ["", "", "", ""],
    )
    rows = extract_usage(sheet, detect_layout(sheet))
    assert rows.rejected == [
        RejectedRow(3, "", "", "blank row", blocking=False),
        RejectedRow(4, "Account", "Grand total", "total row", blocking=False),
    ]
    assert rows.rows_read == 4  # the trailing blank row is not part of the table
    assert rows.counts == [2, 3]


def test_wide_form_gives_one_event_per_filled_feature_cell() -> None:
    sheet = table(
        ["Account", "Date", "Login", "Export", "Total"],
        ["A", "2026-03-01", 3, "", 3],
        ["B", "2026-03-01", 1, 2, 3],
    )
    rows = extract_usage(sheet, detect_layout(sheet, known_feature=KNOWN.resolve))
    events = sorted(zip(rows.names or [], rows.days, rows.features, rows.counts, strict=True))
    assert events == [
        ("A", "2026-03-01", "login", 3),
        ("B", "2026-03-01", "export", 2),
        ("B", "2026-03-01", "login", 1),
    ]


def test_absurdly_long_cell_refuses_the_file_naming_row_and_column() -> None:
    sheet = table(["Account", "Date", "Feature", "Count"], ["A" * 40_000, "2026-03-01", "f", 1])
    with pytest.raises(
        BadFile, match=r"sheet Usage, row 2, column Account: a cell of 32,767 characters or more"
    ):
        extract_usage(sheet, detect_layout(sheet))

"""Importing usage files into a real book: matching, storing, re-import, strict, cancel."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import insert, select, text

from csm_desktop.errors import BadFile, Cancelled
from csm_desktop.services.import_usage import (
    UsageImportOptions,
    import_usage,
    preview_usage_file,
)
from csm_desktop.services.progress import progress_of
from csm_desktop.spreadsheets.readers import read_table
from csm_desktop.spreadsheets.usage_extract import extract_usage
from csm_desktop.spreadsheets.usage_layout import detect_layout
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, ImportRecord
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL

HEADER = ["Account", "Date", "Feature", "Count", "Active users"]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], sheet: str = "Usage") -> Path:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    workbook.save(path)
    workbook.close()
    return path


def add_accounts(book: Database, *accounts: tuple[str, str | None]) -> dict[str, int]:
    with book.session() as session:
        session.execute(
            insert(Account),
            [{"name": n, "external_id": e, "archived": False} for n, e in accounts],
        )
        return {name: id_ for name, id_ in session.execute(select(Account.name, Account.id))}


def stored(book: Database) -> list[tuple[str, str, str, int, int | None]]:
    with book.session() as session:
        return [
            tuple(row)  # type: ignore[misc]
            for row in session.execute(
                text(
                    "SELECT a.name, u.day, u.feature, u.count, u.active_users "
                    f"FROM ({READABLE_USAGE_SQL}) u "
                    "JOIN account a ON a.id = u.account_id ORDER BY a.name, u.day, u.feature"
                )
            )
        ]


def test_long_form_workbook_is_stored_row_for_row(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None), ("Globex", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [
            ["Usage export"],
            [],
            HEADER,
            ["Acme", dt.date(2026, 3, 1), "login", 5, 2],
            ["Acme", "2026-03-02", "login", "7", None],
            ["Globex", 46083, "export", 3.0, 1],
        ],
    )
    report = import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "login", 5, 2),
        ("Acme", "2026-03-02", "login", 7, None),
        ("Globex", "2026-03-02", "export", 3, 1),
    ]
    assert (report.sheet, report.header_row, report.form) == ("Usage", 3, "long")
    assert (report.rows_read, report.rows_stored, report.events_new, report.rows_rejected) == (
        3,
        3,
        3,
        0,
    )
    assert report.rejected_rows_file is None
    assert report.accounts_touched == 2


def test_reimporting_the_same_file_changes_nothing(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(tmp_path / "usage.xlsx", [HEADER, ["Acme", "2026-03-01", "login", 5, 2]])
    import_usage(book, source)
    first = stored(book)
    again = import_usage(book, source)
    assert stored(book) == first
    assert (again.rows_stored, again.events_new) == (1, 0)


def test_reimport_with_a_changed_count_updates_the_event(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    import_usage(book, write_xlsx(tmp_path / "a.xlsx", [HEADER, ["Acme", "2026-03-01", "x", 5]]))
    import_usage(book, write_xlsx(tmp_path / "b.xlsx", [HEADER, ["Acme", "2026-03-01", "x", 9]]))
    assert stored(book) == [("Acme", "2026-03-01", "x", 9, None)]


def test_import_is_recorded_with_file_name_hash_and_row_counts(
    book: Database, tmp_path: Path
) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [HEADER, ["Acme", "2026-03-01", "x", 5], ["Nobody", "2026-03-01", "x", 1]],
    )
    report = import_usage(book, source)
    with book.session() as session:
        record = session.get(ImportRecord, report.import_id)
        assert record is not None
        assert (record.kind, record.file_name, record.sha256) == (
            "usage",
            "usage.xlsx",
            hashlib.sha256(source.read_bytes()).hexdigest(),
        )
        assert (record.rows_read, record.rows_stored, record.rows_rejected) == (2, 1, 1)


def test_accounts_match_by_external_id_then_by_name_ignoring_case_and_spaces(
    book: Database, tmp_path: Path
) -> None:
    add_accounts(book, ("Acme Corp", "ACME-1"), ("Globex", "GLX-9"))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [
            ["Account ID", "Customer", "Date", "Feature", "Count"],
            ["ACME-1", "Something else", "2026-03-01", "x", 1],
            ["", "  globex ", "2026-03-01", "x", 2],
            ["GLX-404", "ACME CORP", "2026-03-02", "x", 3],
        ],
    )
    import_usage(book, source)
    assert stored(book) == [
        ("Acme Corp", "2026-03-01", "x", 1, None),
        ("Acme Corp", "2026-03-02", "x", 3, None),
        ("Globex", "2026-03-01", "x", 2, None),
    ]


def test_unknown_accounts_are_rejected_listed_and_saved_next_to_the_source(
    book: Database, tmp_path: Path
) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [
            HEADER,
            ["Acme", "2026-03-01", "x", 1],
            ["Initech", "2026-03-01", "x", 2],
            [None, None, None, None],
            ["Total", None, None, 3],
            ["initech", "2026-03-02", "x", 2],
        ],
    )
    report = import_usage(book, source)
    assert report.unmatched_accounts == ("Initech",)
    assert (report.rows_rejected, report.lines_skipped) == (2, 2)  # rows 3, 6; lines 4, 5
    assert report.rejected_rows_file == tmp_path / "usage.rejected-rows.csv"
    assert report.rejected_rows_file.read_text(encoding="utf-8-sig").splitlines() == [
        "Sheet,Row,Column,Value,Reason",
        "Usage,3,Account,Initech,unknown account: no account has this external id or name; "
        "add it to the book or import with create accounts",
        "Usage,4,,,blank row",
        "Usage,5,Account,Total,total row",
        "Usage,6,Account,initech,unknown account: no account has this external id or name; "
        "add it to the book or import with create accounts",
    ]
    assert stored(book) == [("Acme", "2026-03-01", "x", 1, None)]


def test_create_accounts_adds_unknown_accounts_once(book: Database, tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [HEADER, ["Initech", "2026-03-01", "x", 2], [" initech", "2026-03-02", "x", 4]],
    )
    report = import_usage(book, source, UsageImportOptions(create_accounts=True))
    assert report.created_accounts == ("Initech",)
    assert stored(book) == [
        ("Initech", "2026-03-01", "x", 2, None),
        ("Initech", "2026-03-02", "x", 4, None),
    ]


def test_strict_refuses_the_whole_file_and_stores_nothing(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [HEADER, ["Acme", "2026-03-01", "x", 1], ["Acme", "not a date", "x", 2]],
    )
    with pytest.raises(BadFile) as caught:
        import_usage(book, source, UsageImportOptions(strict=True))
    assert str(caught.value) == (
        f"usage.xlsx: 1 rows cannot be used (first: row 3, column Date: not a date, value "
        f"'not a date'). They are listed in {tmp_path / 'usage.rejected-rows.csv'}. Nothing "
        "was imported (strict mode); fix them and try again."
    )
    assert stored(book) == []
    with book.session() as session:
        assert session.scalars(select(ImportRecord)).all() == []


def test_strict_tolerates_blank_and_total_rows(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [HEADER, ["Acme", "2026-03-01", "x", 1], [], ["Total", None, None, 1]],
    )
    report = import_usage(book, source, UsageImportOptions(strict=True))
    assert (report.rows_stored, report.rows_rejected, report.lines_skipped) == (1, 0, 2)


def test_cancel_before_commit_stores_nothing(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(tmp_path / "usage.xlsx", [HEADER, ["Acme", "2026-03-01", "x", 1]])
    stages: list[str] = []

    def cancel_once_storing() -> bool:
        return any(stage.startswith("Storing") for stage in stages)

    with pytest.raises(Cancelled, match=r"Import of usage\.xlsx cancelled; nothing was"):
        import_usage(
            book,
            source,
            UsageImportOptions(create_accounts=True),
            progress=progress_of(lambda _d, _t, stage: stages.append(stage), cancel_once_storing),
        )
    assert stages[-1] == "Storing 1 of 1 events…"  # the rows were written, then rolled back
    assert stored(book) == []
    with book.session() as session:
        assert session.scalars(select(ImportRecord)).all() == []


def test_progress_reports_rising_fractions_ending_at_one(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(tmp_path / "usage.xlsx", [HEADER, ["Acme", "2026-03-01", "x", 1]])
    fractions: list[float] = []
    import_usage(
        book, source, progress=progress_of(lambda done, total, _: fractions.append(done / total))
    )
    assert fractions == sorted(fractions)
    assert (fractions[0], fractions[-1]) == (0.0, 1.0)


def test_rows_repeating_account_day_and_feature_are_added_up_with_a_warning(
    book: Database, tmp_path: Path
) -> None:
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [HEADER, ["Acme", "2026-03-01", "x", 1, 1], ["Acme", "2026-03-01", "x", 2, 1]],
    )
    report = import_usage(book, source)
    assert stored(book) == [("Acme", "2026-03-01", "x", 3, 2)]
    assert report.warnings == (
        "1 rows repeat an account, date and feature of an earlier row; their counts (and "
        "active users) were added up.",
    )


def test_wide_form_workbook_stores_one_event_per_feature(book: Database, tmp_path: Path) -> None:
    """Login and Export are features because the CSM says so (the book knows none)."""
    add_accounts(book, ("Acme", None))
    source = write_xlsx(
        tmp_path / "wide.xlsx",
        [["Account", "Date", "Login", "Export", "Total"], ["Acme", "2026-03-01", 3, 2, 5]],
    )
    as_features = {"Login": "feature column", "Export": "feature column"}
    report = import_usage(book, source, UsageImportOptions(column_map=as_features))
    assert report.form == "wide"
    assert stored(book) == [
        ("Acme", "2026-03-01", "Export", 2, None),
        ("Acme", "2026-03-01", "Login", 3, None),
    ]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (
            "semicolon-bom.csv",
            "\ufeffAccount;Date;Feature;Count\nZoë GmbH;01.03.2026;login;1 234\n",
        ),
        ("comma.csv", 'Account,Date,Feature,Count\nZoë GmbH,2026-03-01,login,"1,234"\n'),
        ("tab.csv", "Usage\n\nAccount\tDate\tFeature\tCount\nZoë GmbH\t2026-03-01\tlogin\t1234\n"),
    ],
)
def test_csv_files_with_any_delimiter_and_bom_are_imported(
    book: Database, tmp_path: Path, name: str, content: str
) -> None:
    add_accounts(book, ("Zoë GmbH", None))
    source = tmp_path / name
    source.write_text(content, encoding="utf-8", newline="")
    import_usage(book, source)
    assert stored(book) == [("Zoë GmbH", "2026-03-01", "login", 1234, None)]


def test_windows_1252_csv_is_decoded(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Zoë GmbH", None))
    source = tmp_path / "legacy.csv"
    source.write_bytes(
        "Account;Date;Feature;Count\r\nZoë GmbH;2026-03-01;login;2\r\n".encode("cp1252")
    )
    import_usage(book, source)
    assert stored(book) == [("Zoë GmbH", "2026-03-01", "login", 2, None)]


def test_sheet_holding_the_usage_is_found_among_others(book: Database, tmp_path: Path) -> None:
    add_accounts(book, ("Acme", None))
    source = tmp_path / "export.xlsx"
    workbook = openpyxl.Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = workbook.create_sheet("Data")
    data.append(HEADER)
    data.append(["Acme", "2026-03-01", "x", 4])
    workbook.save(source)
    workbook.close()
    report = import_usage(book, source)
    assert report.sheet == "Data"
    assert stored(book) == [("Acme", "2026-03-01", "x", 4, None)]


def test_preview_shows_the_top_rows_and_the_detected_layout(tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "usage.xlsx", [["Title"], HEADER, ["Acme", "2026-03-01", "x", 4]]
    )
    preview = preview_usage_file(source)
    assert preview.sheet_names == ("Usage",)
    assert preview.layout is not None and preview.layout.header_row == 2
    assert preview.rows[2] == ["Acme", "2026-03-01", "x", 4.0, ""]
    assert preview.problem is None


def test_openpyxl_fallback_yields_the_same_usage_as_calamine(tmp_path: Path) -> None:
    source = write_xlsx(
        tmp_path / "usage.xlsx", [["Title"], [], HEADER, ["Acme", dt.date(2026, 3, 1), "x", 4, ""]]
    )
    results = []
    for engine in ("calamine", "openpyxl"):
        sheet = read_table(source, engine=engine)  # type: ignore[arg-type]
        usage = extract_usage(sheet, detect_layout(sheet))
        results.append((usage.rows, usage.names, usage.days, usage.counts, usage.users))
    assert results[0] == results[1] == ([4], ["Acme"], ["2026-03-01"], [4], [None])

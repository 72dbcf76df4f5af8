"""A CSM's tracker read as a book: header synonyms, money and dates as typed, the Features
sheet, and what a tracker without a column leaves alone."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from csm_desktop.errors import BadFile
from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.services.features import load_vocabulary, save_feature
from csm_desktop.spreadsheets.book_cells import CellError, money, whole_number
from csm_desktop.spreadsheets.book_headers import bare_key, header_key
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS, RejectedRow, read_book_workbook
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, Playbook
from tests.spreadsheets.workbooks import workbook


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("$12,000", 12000.0),
        ("12.000 €", 12000.0),
        ("12k", 12000.0),
        ("€1.234,50", 1234.5),
        ("1,234.50 USD", 1234.5),
        ("1.5M", 1_500_000.0),
        ("12,5", 12.5),
        ("-1500.5", -1500.5),
        ("£ 1 200", 1200.0),
        (12000, 12000.0),
        ("", None),
    ],
)
def test_money_as_people_type_it(typed: Any, amount: float | None) -> None:
    assert money(typed) == amount


@pytest.mark.parametrize("typed", ["twelve", "$", "12..0", "1,2,3.4.5k", True])
def test_what_is_not_an_amount_is_refused(typed: Any) -> None:
    with pytest.raises(CellError):
        money(typed)


def test_seats_with_thousands_separators() -> None:
    assert [whole_number(v) for v in ("1,200", "1.200", "1 200", "12")] == [1200, 1200, 1200, 12]


@pytest.mark.parametrize(
    ("header", "bare"),
    [
        ("Customer Name", "customer"),
        ("kickoffDate", "kickoff"),
        ("Renewal_Date", "renewal"),
        ("Annual Contract Value (USD)", "contract value"),
        ("ARR ($)", "arr"),
        ("Account Owner", "owner"),
        ("Name", "name"),
    ],
)
def test_headers_lose_case_spacing_camel_case_and_decorations(header: str, bare: str) -> None:
    assert bare_key(header) == bare
    assert header_key("  KickOff_on ") == "kick off on"


def test_tracker_headers_find_their_fields(tmp_path: Path) -> None:
    source = workbook(
        tmp_path / "t.xlsx",
        {
            "My book": [
                ["Q3 accounts, kept by Maya"],
                [],
                ["Client Name", "Account Owner", "Annual Contract Value (USD)", "kickoffDate",
                 "Renewal Date", "Licenses", "Tier", "Health"],
                ["Acme", "Maya", "12k", "2026-02-01", dt.datetime(2027, 2, 1), "1,200", "SMB",
                 "ok"],
            ]
        },
    )  # fmt: skip
    reading = read_book_workbook(source)
    assert reading.rejected == []
    row = reading.book.accounts[0]
    assert (row.name, row.owner, row.arr, row.kickoff_on, row.renewal_on, row.seats) == (
        "Acme", "Maya", 12000.0, dt.date(2026, 2, 1), dt.date(2027, 2, 1), 1200,
    )  # fmt: skip
    assert (row.segment, row.row) == ("SMB", 4)
    assert reading.ignored == ['My book: column "Health"']


def test_each_date_column_decides_its_own_order(tmp_path: Path) -> None:
    """Kickoff has 15/10 (day first), Renewal has 10/15 (month first); 03/04 in Signed on
    never says which, so that cell is rejected with the reason."""
    source = workbook(
        tmp_path / "t.xlsx",
        {
            "Accounts": [
                ["Account", "Kickoff", "Renewal", "Signed"],
                ["Acme", "15/10/2026", "10/15/2027", "03/04/2026"],
                ["Beta", "03/11/2026", "11/03/2027", None],
            ]
        },
    )
    reading = read_book_workbook(source)
    assert [(a.name, a.kickoff_on, a.renewal_on) for a in reading.book.accounts] == [
        ("Beta", dt.date(2026, 11, 3), dt.date(2027, 11, 3))
    ]
    assert reading.rejected == [
        RejectedRow(
            "Accounts",
            2,
            "Signed on",
            "03/04/2026",
            "is not a date: ambiguous date (day/month or month/day?); use a date cell or "
            "YYYY-MM-DD",
        )
    ]


def test_several_sheets_without_accounts_are_named(tmp_path: Path) -> None:
    source = workbook(tmp_path / "t.xlsx", {"Q1": [["Customer"]], "Q2": [["Customer"]]})
    with pytest.raises(BadFile, match=r'has no sheet "Accounts" and 2 sheets \("Q1", "Q2"\)'):
        read_book_workbook(source)
    assert read_book_workbook(source, sheet="q2").book.accounts == []


def test_a_tracker_without_a_column_keeps_what_the_book_has(book: Database, tmp_path: Path) -> None:
    with book.session() as session:
        playbook = Playbook(name="Enterprise", version=1)
        session.add(Account(name="Acme", owner="Maya", arr=5.0, segment="SMB", playbook=playbook))
    source = workbook(tmp_path / "t.xlsx", {"Sheet1": [["Customer", "ARR"], ["ACME ", "$7"]]})
    report = import_book(book, source)
    assert (report.accounts_updated, report.ladders_added) == (1, 0)
    with book.session() as session:
        acme = session.scalars(select(Account)).one()
        assert (acme.arr, acme.owner, acme.segment, acme.playbook.name) == (
            7.0, "Maya", "SMB", "Enterprise",
        )  # fmt: skip


def test_the_default_playbook_setting_is_used(book: Database, tmp_path: Path) -> None:
    with book.session() as session:
        session.add_all([Playbook(name="Standard", version=1), Playbook(name="Lite", version=1)])
    save_book_settings(book, BookSettings(default_playbook="lite"))
    source = workbook(tmp_path / "t.xlsx", {"Sheet1": [["Customer"], ["Acme"]]})
    report = import_book(book, source)
    assert (report.default_playbook, report.ladders_added, report.unscheduled) == ("Lite v1", 0, 1)
    with book.session() as session:
        assert session.scalars(select(Account)).one().playbook.name == "Lite"


def test_features_round_trip_through_the_workbook(
    book: Database, tmp_path: Path, second: Database
) -> None:
    save_feature(book, "integration_dashboard", "Integration dashboard", ["Dashboard Viewed"])
    save_feature(book, "user_invited", "", ["User Invited", "invite_sent"])
    export_book(book, tmp_path / "book.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "book.xlsx", read_only=True)["Features"]
    assert [tuple(c.value for c in row) for row in sheet.rows] == [
        ("Feature", "Display name", "Aliases"),
        ("integration_dashboard", "Integration dashboard", "Dashboard Viewed"),
        ("user_invited", None, "User Invited; invite_sent"),
    ]
    import_book(second, tmp_path / "book.xlsx")
    vocabulary = load_vocabulary(second)
    assert vocabulary.resolve("invite sent") == "user_invited"
    assert vocabulary.display_name("dashboard_viewed") == "Integration dashboard"


def test_an_alias_naming_another_feature_is_rejected(book: Database, tmp_path: Path) -> None:
    save_feature(book, "login", "Sign-in")
    source = workbook(
        tmp_path / "t.xlsx",
        {
            "Accounts": [["Account"]],
            "Features": [
                ["Feature", "Display name", "Aliases"],
                ["sso_login", "SSO sign-in", "sign in; SAML login"],
                ["search", "Search", None],
                ["Search", "Find", None],
            ],
        },
    )
    report = import_book(book, source)
    assert report.rejected_rows == [
        RejectedRow("Features", 2, "Aliases", "sign in", "already names the feature login"),
        RejectedRow("Features", 4, "Feature", "Search", "appears twice (row 3)"),
    ]
    assert load_vocabulary(book).keys() == ["login", "search"]


@pytest.fixture
def second(tmp_path: Path) -> Any:
    from csm_desktop.store.database import open_database

    database = open_database(tmp_path / "second.sqlite3")
    yield database
    database.close()


def test_export_writes_the_exact_book_headers_whatever_the_tracker_said(
    book: Database, tmp_path: Path, second: Any
) -> None:
    """A tracker comes in with its own headers; the export speaks DESIGN §5 again, and that
    export imports into an empty book and exports to the same cells (lossless)."""
    source = workbook(
        tmp_path / "t.xlsx",
        {"Sheet1": [["Client Name", "CSM", "ARR ($)", "kickoffDate"], ["Acme", "Maya", "$5k",
                                                                     "2026-02-01"]]},
    )  # fmt: skip
    import_book(book, source)
    export_book(book, tmp_path / "out.xlsx")
    exported = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    headers = {ws.title: [c.value for c in next(iter(ws.rows))] for ws in exported.worksheets}
    exported.close()
    assert headers == {name: list(h) for name, h in SHEET_HEADERS.items()}
    import_book(second, tmp_path / "out.xlsx")
    export_book(second, tmp_path / "again.xlsx")
    first = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    again = openpyxl.load_workbook(tmp_path / "again.xlsx", read_only=True)
    try:
        for sheet in first.sheetnames:
            assert [[c.value for c in r] for r in first[sheet].rows] == [
                [c.value for c in r] for r in again[sheet].rows
            ], sheet
    finally:
        first.close()
        again.close()

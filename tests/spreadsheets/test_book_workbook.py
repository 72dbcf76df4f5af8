"""The book workbook: export, import into an empty book, export again gives the same cells."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from csm_desktop.errors import BadFile
from csm_desktop.services.book_workbook import export_book, import_book
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS, RejectedRow, read_book_workbook
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Base,
    Contact,
    DoneCriterion,
    Experiment,
    Kickoff,
    Measurement,
    Playbook,
    Role,
    StatusChange,
    UsageEvent,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.usage_rows import usage_features

K = dt.date(2026, 1, 5)
TRICKY_NAMES = (
    "Zoë Ødegård",
    "Łódź Sp. z o.o.",
    "Ελληνικά",
    "Кириллица",
    "<b>A&B</b> \"quoted\" & 'single'",
    '=HYPERLINK("http://evil.example","click")',
    "+Plus Corp",
    "-Minus Ltd",
    "@At Home",
)


def role(session: Session, name: str) -> Role:
    return session.scalars(select(Role).where(Role.name == name)).one()


def build_book(database: Database) -> None:
    """A small book by hand: every sheet, every status, tricky names everywhere."""
    with database.session() as session:
        admin, power = role(session, "Administrator"), role(session, "Power user")
        sponsor = Role(name="Executive sponsor", position=9)
        playbook = Playbook(name="Standard & <Co>", version=1)
        experiment = Experiment(name="Order test")
        variant = Variant(name="=B first")
        experiment.variants.append(variant)
        session.add_all([sponsor, playbook, experiment])
        for index, name in enumerate(TRICKY_NAMES):
            account = Account(
                name=name,
                external_id=f"EXT-{index:03d}" if index != 5 else "-042",
                segment="Enterprise" if index % 2 else "SMB",
                industry="Logistics" if index % 3 else None,
                seats=25 + index,
                arr=-1500.5 if index == 6 else 120000.0 + index,
                owner="Maya Chen",
                signed_on=K - dt.timedelta(days=10),
                kickoff_on=K if index != 3 else None,
                renewal_on=dt.date(2027, 1, 5),
                playbook=playbook if index != 2 else None,
                variant=variant if index in (1, 5) else None,
            )
            session.add(account)
            account.contacts.extend(
                [
                    Contact(name="Jordan Tanaka", role=admin, email="j@x.example", title="IT"),
                    Contact(name="Jordan Tanaka", role=power, email=None, title="=Ops"),
                    Contact(name="Zoë Ødegård", role=sponsor, email="zoe@x.example"),
                ]
            )
            statuses = ("achieved", "in progress", "blocked", "skipped", "not started")
            for position, status in enumerate(statuses, start=1):
                account.milestones.append(
                    AccountMilestone(
                        position=position,
                        title=f'Step {position}: <connect> & "test"' + " =x" * (position == 2),
                        role=admin if position % 2 else power,
                        target_day=position * 10,
                        due_on=K + dt.timedelta(days=position * 10),
                        status=status,
                        started_on=K + dt.timedelta(days=2) if status != "not started" else None,
                        achieved_on=K + dt.timedelta(days=9) if status == "achieved" else None,
                        evidence="usage" if status == "achieved" else None,
                        definition_of_done="Line one\n=line two" if position == 1 else "",
                        first_value=position == 1,
                        unlocks="reports" if position == 1 else None,
                        success_feature="report_run" if position == 1 else None,
                        success_threshold=3 if position == 1 else None,
                        success_window_days=7 if position == 1 else None,
                    )
                )
            kickoff = Kickoff(
                held_on=K,
                attendees="Zoë Ødegård, Jordan Tanaka",
                success_statement="=Reports run themselves",
            )
            kickoff.done_criteria.extend(
                [
                    DoneCriterion(position=1, text="SSO live"),
                    DoneCriterion(position=2, text="-3 hours a week on reports"),
                ]
            )
            account.kickoff = kickoff
            reporting = ValueMetric(
                name="Hours on weekly reporting",
                unit="hours",
                direction="lower",
                baseline=20.0,
                baseline_on=K,
                target=13.0,
            )
            reporting.measurements.extend(
                [
                    Measurement(measured_on=K + dt.timedelta(days=30), value=16.5),
                    Measurement(measured_on=K + dt.timedelta(days=60), value=-1.0),
                ]
            )
            pending = ValueMetric(name="NPS", unit="", direction="higher", baseline=10.0)
            account.value_metrics.extend([reporting, pending])
        session.flush()
        for account in session.scalars(select(Account)):
            for day in range(3):
                session.add(
                    UsageEvent(
                        account_id=account.id,
                        day=K + dt.timedelta(days=day),
                        feature="report_run" if day else "=cmd",
                        count=day * 3,
                        active_users=None if day == 2 else 2,
                    )
                )


def sheet_cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cells as (value, data type) pairs, read with openpyxl and closed again."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return {
            sheet.title: [tuple((cell.value, cell.data_type) for cell in row) for row in sheet.rows]
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()


def fast_sheet_cells(path: Path) -> dict[str, list[list[tuple[Any, str]]]]:
    """Every sheet's cells as (value, Python type) pairs, read with python-calamine."""
    with CalamineWorkbook.from_path(str(path)) as workbook:
        return {
            name: [
                [(value, type(value).__name__) for value in row]
                for row in workbook.get_sheet_by_name(name).to_python()
            ]
            for name in workbook.sheet_names
        }


def table_counts(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.name: session.scalar(select(func.count()).select_from(table)) or 0
            for table in Base.metadata.sorted_tables
        }


@pytest.fixture
def second_book(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "second.sqlite3")
    yield database
    database.close()


def write_workbook(path: Path, rows: dict[str, Sequence[Sequence[Any]]]) -> None:
    """A book workbook with every sheet and header, holding ``rows`` per sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for row in rows.get(name, ()):
            sheet.append(list(row))
    workbook.save(path)
    workbook.close()


def test_export_import_export_gives_identical_cells(
    book: Database, second_book: Database, tmp_path: Path
) -> None:
    build_book(book)
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    export_book(book, first)
    report = import_book(second_book, first)
    export_book(second_book, second)

    assert report.rejected_rows == []
    assert report.rejected_file is None
    before, after = sheet_cells(first), sheet_cells(second)
    assert list(before) == list(SHEET_HEADERS)
    for name, headers in SHEET_HEADERS.items():
        assert [value for value, _type in before[name][0]] == list(headers)
        assert len(before[name]) == len(after[name]), name
        for number, (old, new) in enumerate(zip(before[name], after[name], strict=True), 1):
            assert old == new, f"{name} row {number}"
    assert len(before["Accounts"]) == 1 + len(TRICKY_NAMES)
    assert len(before["Usage"]) == 1 + 3 * len(TRICKY_NAMES)


def test_import_restores_every_name_exactly(
    book: Database, second_book: Database, tmp_path: Path
) -> None:
    build_book(book)
    export_book(book, tmp_path / "book.xlsx")
    import_book(second_book, tmp_path / "book.xlsx")
    with second_book.session() as session:
        names = list(session.scalars(select(Account.name).order_by(Account.id)))
        titles = set(session.scalars(select(Contact.title)))
        features = usage_features(session)
    assert names == list(TRICKY_NAMES)
    assert "=Ops" in titles
    assert features == {"=cmd", "report_run"}


def test_export_neutralises_formulas_and_keeps_numbers_and_dates(
    book: Database, tmp_path: Path
) -> None:
    build_book(book)
    export_book(book, tmp_path / "book.xlsx")
    workbook = openpyxl.load_workbook(tmp_path / "book.xlsx")
    try:
        accounts = workbook["Accounts"]
        evil = accounts.cell(row=7, column=1)
        assert evil.value == '\'=HYPERLINK("http://evil.example","click")'
        assert evil.data_type == "s"
        assert accounts.cell(row=7, column=2).value == "'-042"
        assert accounts.cell(row=8, column=1).value == "'+Plus Corp"
        assert accounts.cell(row=8, column=6).value == -1500.5
        assert accounts.cell(row=8, column=6).data_type == "n"
        assert accounts.cell(row=2, column=5).value == 25
        assert accounts.cell(row=2, column=8).is_date
        assert accounts.cell(row=2, column=8).value == dt.datetime(2025, 12, 26)
        assert accounts.cell(row=2, column=12).value is None
        assert accounts.cell(row=3, column=12).value == "'=B first"
        metrics = workbook["Value metrics"]
        assert metrics.cell(row=3, column=7).value == -1
        assert metrics.cell(row=3, column=7).data_type == "n"
        kickoff = workbook["Kickoffs"]
        assert kickoff.cell(row=2, column=5).value == "SSO live\n-3 hours a week on reports"
        assert kickoff.cell(row=2, column=4).value == "'=Reports run themselves"
        assert workbook["Milestones"].cell(row=2, column=15).value == 7
        formulas = [
            (sheet.title, cell.coordinate)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.data_type == "f"
        ]
        assert formulas == []
    finally:
        workbook.close()


def test_import_builds_playbook_roles_status_log_and_kickoff(
    book: Database, second_book: Database, tmp_path: Path
) -> None:
    build_book(book)
    export_book(book, tmp_path / "book.xlsx")
    report = import_book(second_book, tmp_path / "book.xlsx", today=dt.date(2026, 3, 1))
    assert report.accounts_created == len(TRICKY_NAMES)
    assert report.rows_by_sheet["Milestones"] == 5 * len(TRICKY_NAMES)
    assert report.warnings == ["Variant =B first was new; it was added to “Imported variants”."]
    with second_book.session() as session:
        playbook = session.scalars(select(Playbook)).one()
        assert playbook.name == "Standard & <Co>"
        assert [step.position for step in playbook.steps] == [1, 2, 3, 4, 5]
        assert [step.template.title[:6] for step in playbook.steps] == [
            f"Step {n}" for n in range(1, 6)
        ]
        assert session.scalar(select(Role).where(Role.name == "Executive sponsor")) is not None
        account = session.scalars(select(Account).where(Account.name == "Łódź Sp. z o.o.")).one()
        assert account.variant is not None
        assert account.variant.experiment.name == "Imported variants"
        first = account.milestones[0]
        assert first.status == "achieved"
        assert [(c.from_status, c.to_status, c.changed_on) for c in first.history] == [
            (None, "achieved", K + dt.timedelta(days=9))
        ]
        blocked = account.milestones[2]
        assert [(c.to_status, c.changed_on) for c in blocked.history] == [
            ("blocked", dt.date(2026, 3, 1))
        ]
        assert blocked.status_reason.startswith("Imported from book.xlsx")
        assert account.milestones[4].history == []
        assert account.kickoff is not None
        assert [c.text for c in account.kickoff.done_criteria] == [
            "SSO live",
            "-3 hours a week on reports",
        ]
        assert account.kickoff.success_statement == "=Reports run themselves"
        unplaybooked = session.scalars(select(Account).where(Account.name == "Ελληνικά")).one()
        assert unplaybooked.playbook is None
        assert all(m.template_id is None for m in unplaybooked.milestones)
        assert session.scalar(select(func.count()).select_from(StatusChange)) == 4 * len(
            TRICKY_NAMES
        )


def test_reimporting_the_same_workbook_changes_nothing(
    book: Database, second_book: Database, tmp_path: Path
) -> None:
    build_book(book)
    export_book(book, tmp_path / "book.xlsx")
    import_book(second_book, tmp_path / "book.xlsx")
    before = table_counts(second_book)
    report = import_book(second_book, tmp_path / "book.xlsx")
    after = table_counts(second_book)
    assert report.accounts_updated == len(TRICKY_NAMES)
    assert report.accounts_created == 0
    before["import_record"] += 1
    assert after == before
    export_book(second_book, tmp_path / "again.xlsx")
    assert sheet_cells(tmp_path / "again.xlsx") == sheet_cells(tmp_path / "book.xlsx")


def test_an_existing_account_is_updated_from_the_sheet(book: Database, tmp_path: Path) -> None:
    with book.session() as session:
        session.add(Account(name="Acme", seats=5, owner="Old Owner"))
    write_workbook(
        tmp_path / "book.xlsx",
        {
            "Accounts": [[" acme ", None, None, None, 50, None, "New Owner"]],
            "Usage": [["ACME", "2026-01-02", "login", 4, None]],
        },
    )
    report = import_book(book, tmp_path / "book.xlsx")
    assert (report.accounts_created, report.accounts_updated) == (0, 1)
    with book.session() as session:
        account = session.scalars(select(Account)).one()
        assert (account.name, account.seats, account.owner) == ("acme", 50, "New Owner")
        assert session.scalar(select(UsageEvent.count)) == 4


def test_due_on_empty_is_kickoff_plus_target_day(book: Database, tmp_path: Path) -> None:
    write_workbook(
        tmp_path / "book.xlsx",
        {
            "Accounts": [
                ["Kicked", None, None, None, None, None, None, K, K + dt.timedelta(days=4)],
                ["Signed only", None, None, None, None, None, None, "2026-02-01"],
            ],
            "Milestones": [
                ["Kicked", "Connect", "Administrator", 14],
                ["Signed only", "Connect", "Administrator", 14],
            ],
        },
    )
    report = import_book(book, tmp_path / "book.xlsx")
    assert report.rejected_rows == []
    with book.session() as session:
        due = dict(
            session.execute(
                select(Account.name, AccountMilestone.due_on).join(AccountMilestone.account)
            ).all()
        )
    assert due == {"Kicked": dt.date(2026, 1, 23), "Signed only": dt.date(2026, 2, 15)}


def bad_workbook(path: Path) -> None:
    write_workbook(
        path,
        {
            "Accounts": [
                ["Acme", "A-1", "SMB", None, 10, 1000, "Maya", "2026-01-01", "2026-01-05"],
                ["Beta", None, None, None, "many", None, None, "yesterday"],
            ],
            "Contacts": [["Acme", "Ann", "Administrator", "ann@acme.example"], ["Beta", "Bob"]],
            "Milestones": [
                ["Acme", "Connect", "Administrator", 10, None, "achieved", None, "2026-01-12"],
                ["Acme", "Automate", "Power user", 20, None, "done"],
                ["Acme", "Report", "Operator", 30, "next week"],
                ["Nobody Inc", "Connect", "Administrator", 10],
                ["Acme", None, "Operator", 40],
            ],
            "Usage": [["Acme", dt.date(2026, 1, 6), "login", 3], ["Ghost", "2026-01-06", "x", 1]],
        },
    )


EXPECTED_REJECTIONS = [
    RejectedRow("Accounts", 3, "Seats", "many", "is not a whole number"),
    RejectedRow(
        "Accounts", 3, "Signed on", "yesterday", "is not a date; use a date cell or YYYY-MM-DD"
    ),
    RejectedRow(
        "Contacts", 3, "Account", "Beta", "the account's own row was rejected (Accounts row 3)"
    ),
    RejectedRow(
        "Milestones",
        3,
        "Status",
        "done",
        "is not a status; use one of: not started, in progress, achieved, blocked, skipped",
    ),
    RejectedRow(
        "Milestones", 4, "Due on", "next week", "is not a date; use a date cell or YYYY-MM-DD"
    ),
    RejectedRow(
        "Milestones",
        5,
        "Account",
        "Nobody Inc",
        "no such account in the Accounts sheet or in the book",
    ),
    RejectedRow("Milestones", 6, "Milestone", "", "is required but empty"),
    RejectedRow(
        "Usage", 3, "Account", "Ghost", "no such account in the Accounts sheet or in the book"
    ),
]


def test_bad_rows_are_listed_and_saved_next_to_the_source(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "tracker.xlsx"
    bad_workbook(source)
    report = import_book(book, source)
    assert report.rejected_rows == EXPECTED_REJECTIONS
    assert report.rows_rejected == 7
    assert report.stored
    assert report.rows_by_sheet == {
        "Accounts": 1,
        "Contacts": 1,
        "Milestones": 1,
        "Kickoffs": 0,
        "Value metrics": 0,
        "Usage": 1,
        "Features": 0,
        "Renewals": 0,
        "Feedback": 0,
    }
    assert report.rejected_file == tmp_path / "tracker.rejected-rows.csv"
    with report.rejected_file.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["Sheet", "Row", "Column", "Value", "Reason"]
    assert rows[1] == ["Accounts", "3", "Seats", "many", "is not a whole number"]
    assert len(rows) == 1 + len(EXPECTED_REJECTIONS)
    counts = table_counts(book)
    assert (counts["account"], counts["account_milestone"], counts["usage_event"]) == (1, 1, 1)


def test_strict_import_with_a_bad_row_stores_nothing(book: Database, tmp_path: Path) -> None:
    build_book(book)
    source = tmp_path / "tracker.xlsx"
    bad_workbook(source)
    before = table_counts(book)
    report = import_book(book, source, strict=True)
    assert table_counts(book) == before
    assert not report.stored
    assert report.rows_stored == 0
    assert report.rejected_rows == EXPECTED_REJECTIONS
    assert report.rejected_file is not None and report.rejected_file.exists()


def test_a_file_that_is_not_a_workbook_changes_nothing(book: Database, tmp_path: Path) -> None:
    build_book(book)
    before = table_counts(book)
    source = tmp_path / "book.xlsx"
    source.write_text("Account,Seats\nAcme,10\n", encoding="utf-8")
    with pytest.raises(BadFile, match="not an Excel workbook"):
        import_book(book, source)
    assert table_counts(book) == before


def test_only_the_accounts_sheet_is_required(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Accounts"
    workbook.active.append(list(SHEET_HEADERS["Accounts"]))
    workbook.active.append(["Acme"])
    workbook.create_sheet("Notes").append(["call Ann on Monday"])
    workbook.save(source)
    workbook.close()
    report = import_book(book, source)
    assert (report.rejected_rows, report.accounts_created) == ([], 1)
    assert report.ignored == ['sheet "Notes"']


def test_a_missing_column_is_named_with_its_sheet(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append([h for h in headers if h != "Target day"])
    workbook.save(source)
    workbook.close()
    with pytest.raises(BadFile, match=r'sheet "Milestones" has no column "Target day"\. Headers'):
        import_book(book, source)


def test_headers_match_ignoring_case_and_column_order(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "book.xlsx"
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = workbook.create_sheet(name.upper())
        sheet.append(["Notes", *[f" {h.lower()} " for h in reversed(headers)]])
        if name == "Accounts":
            values = {"Account": "Acme", "External ID": "'=1"}
            sheet.append(["ignored", *[values.get(h) for h in reversed(headers)]])
    workbook.save(source)
    workbook.close()
    report = import_book(book, source)
    assert report.rejected_rows == []
    with book.session() as session:
        assert session.execute(select(Account.name, Account.external_id)).all() == [("Acme", "=1")]


@pytest.mark.slow
def test_demo_book_round_trips(
    open_demo: Callable[[dt.date], Database], second_book: Database, tmp_path: Path
) -> None:
    book = open_demo(dt.date(2026, 6, 30))
    export_book(book, tmp_path / "demo.xlsx")
    report = import_book(second_book, tmp_path / "demo.xlsx")
    export_book(second_book, tmp_path / "again.xlsx")
    assert report.rejected_rows == []
    assert fast_sheet_cells(tmp_path / "again.xlsx") == fast_sheet_cells(tmp_path / "demo.xlsx")


def test_openpyxl_reads_the_same_rows_when_calamine_cannot(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import python_calamine

    build_book(book)
    export_book(book, tmp_path / "book.xlsx")
    with_calamine = read_book_workbook(tmp_path / "book.xlsx")

    refused: list[str] = []

    def refuse(path: str) -> None:
        refused.append(path)
        raise python_calamine.CalamineError(f"cannot read {path}")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path", refuse)
    with_openpyxl = read_book_workbook(tmp_path / "book.xlsx")
    assert refused == [str(tmp_path / "book.xlsx")]
    assert with_openpyxl == with_calamine
    assert with_openpyxl.rejected == []
    assert with_openpyxl.book.accounts[5].name == TRICKY_NAMES[5]


def test_accounts_without_any_date_are_imported_with_a_warning(
    book: Database, tmp_path: Path
) -> None:
    write_workbook(
        tmp_path / "book.xlsx",
        {"Accounts": [["Prospect & Co"], ["Kicked", None, None, None, None, None, None, K]]},
    )
    report = import_book(book, tmp_path / "book.xlsx")
    assert report.rejected_rows == []
    assert report.warnings == [
        "1 accounts have neither a kickoff nor a signed-on date (Prospect & Co): their ladders "
        "cannot be scheduled and the portfolio figures leave them out until a date is set."
    ]

"""One due date and one overdue answer for a milestone, whichever screen or report asks.

The reproduction of issue #15: an account imported with no dates at all, then a kickoff
logged. Before, the Book said 1 overdue (due 2026-01-08), the account page showed no due date
and nothing overdue, and the QBR's internal edition said both.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from sqlalchemy import select

from csm_desktop.services.account_edits import KickoffFields, save_kickoff
from csm_desktop.services.accounts import account_detail
from csm_desktop.services.book_workbook import import_book
from csm_desktop.services.metrics import book_rows
from csm_desktop.services.reports import qbr_data
from csm_desktop.spreadsheets.book_workbook import SHEET_HEADERS
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone

K = dt.date(2026, 1, 1)
TODAY = dt.date(2026, 1, 20)


def import_undated_account(book: Database, tmp_path: Path) -> int:
    """“Undated Ltd”: no signed-on or kickoff date, two milestones without due dates."""
    rows = {
        "Accounts": [["Undated Ltd"]],
        "Milestones": [
            ["Undated Ltd", "Admin setup", "Administrator", 7, None, "not started"],
            ["Undated Ltd", "First report", "Power user", 30, None, "in progress"],
        ],
    }
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, headers in SHEET_HEADERS.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(headers))
        for row in rows.get(name, ()):
            sheet.append(list(row))
    workbook.save(tmp_path / "book.xlsx")
    report = import_book(book, tmp_path / "book.xlsx")
    assert report.rejected_rows == []
    with book.session() as session:
        return session.scalars(select(Account.id)).one()


def test_book_account_page_and_internal_qbr_agree_after_the_first_kickoff(
    book: Database, tmp_path: Path
) -> None:
    """K = 2026-01-01, today 2026-01-20. Admin setup is due K + 7 = 2026-01-08 and open, so
    overdue; First report is due K + 30 = 2026-01-31, not yet. One overdue everywhere."""
    account_id = import_undated_account(book, tmp_path)
    save_kickoff(book, account_id, KickoffFields(held_on=K))

    with book.session() as session:
        stored = [m.due_on for m in session.scalars(select(AccountMilestone).order_by("id"))]
    assert stored == [dt.date(2026, 1, 8), dt.date(2026, 1, 31)]  # the kickoff filled them

    (row,) = book_rows(book, TODAY)
    assert (row.overdue, row.next_due_on) == (1, dt.date(2026, 1, 8))

    detail = account_detail(book, account_id, TODAY)
    assert [s.due_on for s in detail.ladder] == stored
    assert [s.is_overdue(TODAY) for s in detail.ladder] == [True, False]
    assert detail.overdue_count == 1

    qbr = qbr_data(book, account_id, TODAY, internal=True)
    assert [m.due_on for m in qbr.milestones] == stored
    assert [m.is_overdue(TODAY) for m in qbr.milestones] == [True, False]
    assert qbr.internal is not None and qbr.internal.overdue_count == 1
    assert qbr.internal.health is row.health


def test_a_signed_on_date_alone_gives_the_same_due_dates_everywhere(
    book: Database, tmp_path: Path
) -> None:
    """No kickoff and no stored due dates, signed on 2026-01-01: the dates every screen shows
    are derived from K = the signed-on date (2026-01-08 and 2026-01-31), not left blank."""
    account_id = import_undated_account(book, tmp_path)
    with book.session() as session:
        session.get_one(Account, account_id).signed_on = K

    (row,) = book_rows(book, TODAY)
    detail = account_detail(book, account_id, TODAY)
    qbr = qbr_data(book, account_id, TODAY, internal=True)
    expected = [dt.date(2026, 1, 8), dt.date(2026, 1, 31)]
    assert [s.due_on for s in detail.ladder] == [m.due_on for m in qbr.milestones] == expected
    assert row.overdue == detail.overdue_count == 1
    assert qbr.internal is not None and qbr.internal.overdue_count == 1


def test_a_later_kickoff_keeps_or_moves_the_derived_dates_as_asked(
    book: Database, tmp_path: Path
) -> None:
    """Signed on 2026-01-01 (dates derived: 01-08, 01-31); kickoff logged on 2026-01-05.
    Not moving keeps the dates shown until now; moving shifts both open ones by 4 days."""
    account_id = import_undated_account(book, tmp_path)
    with book.session() as session:
        session.get_one(Account, account_id).signed_on = K

    moved = save_kickoff(
        book, account_id, KickoffFields(held_on=dt.date(2026, 1, 5)), move_open_due_dates=False
    ).moved
    assert moved == 0
    assert [s.due_on for s in account_detail(book, account_id, TODAY).ladder] == [
        dt.date(2026, 1, 8),
        dt.date(2026, 1, 31),
    ]
    moved = save_kickoff(book, account_id, KickoffFields(held_on=dt.date(2026, 1, 9))).moved
    assert moved == 2
    assert [s.due_on for s in account_detail(book, account_id, TODAY).ladder] == [
        dt.date(2026, 1, 12),
        dt.date(2026, 2, 4),
    ]

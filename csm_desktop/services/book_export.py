"""Exporting a whole book as a book workbook: every sheet the import reads back."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadFile, BadInput
from csm_desktop.safe_output import check_output_target
from csm_desktop.services.learning_workbook import export_learning
from csm_desktop.spreadsheets.book_workbook import (
    MAX_DATA_ROWS,
    AccountRow,
    BookWorkbook,
    ContactRow,
    FeatureRow,
    KickoffRow,
    MilestoneRow,
    UsageRow,
    ValueMetricRow,
    write_book_workbook,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    Feature,
    Kickoff,
    ValueMetric,
)
from csm_desktop.store.queries.usage_rows import count_usage_rows, usage_rows


@dataclass
class BookExportReport:
    """What an export wrote: the file and the data rows per sheet."""

    path: Path
    rows_by_sheet: dict[str, int]


# ---- export ------------------------------------------------------------------------------


def export_book(database: Database, path: Path) -> BookExportReport:
    """Write the whole book to ``path`` (.xlsx); the file is replaced only when complete."""
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise BadInput(f"{path}: a book workbook is saved as .xlsx; choose a name ending .xlsx.")
    check_output_target(path)  # before reading the whole book
    with database.session() as session:
        _check_sheet_limits(session)  # from counts, before a single row is loaded
        book = book_from_database(session)
    write_book_workbook(book, path)
    return BookExportReport(path, book.counts())


def _check_sheet_limits(session: Session) -> None:
    """Refuse a book whose biggest sheets cannot fit in Excel, from row counts alone: a
    50,000-account book with 10 million usage rows was refused only after 72 s and 5.4 GiB
    of loading (issue 17); now it takes one count per sheet."""
    counts = {
        "Usage": count_usage_rows(session),
        "Milestones": session.scalar(select(func.count()).select_from(AccountMilestone)) or 0,
        "Accounts": session.scalar(select(func.count()).select_from(Account)) or 0,
    }
    for sheet, count in counts.items():
        if count > MAX_DATA_ROWS:
            raise BadFile(
                f"The {sheet} sheet would need {count:,} rows; an Excel sheet holds "
                f"{MAX_DATA_ROWS:,}. Archive old usage before exporting the book."
            )


def book_from_database(session: Session) -> BookWorkbook:
    """The book as workbook rows: accounts in creation order, ladders in ladder order."""
    accounts = session.scalars(
        select(Account)
        .order_by(Account.id)
        .options(
            selectinload(Account.playbook),
            selectinload(Account.variant),
            selectinload(Account.contacts).selectinload(Contact.role),
            selectinload(Account.milestones).selectinload(AccountMilestone.role),
            selectinload(Account.kickoff).selectinload(Kickoff.done_criteria),
            selectinload(Account.value_metrics).selectinload(ValueMetric.measurements),
        )
    ).all()
    book = BookWorkbook()
    names: dict[int, str] = {}
    for account in accounts:
        names[account.id] = account.name
        book.accounts.append(
            AccountRow(
                account.name,
                account.external_id,
                account.segment,
                account.industry,
                account.seats,
                account.arr,
                account.owner,
                account.signed_on,
                account.kickoff_on,
                account.renewal_on,
                account.playbook.name if account.playbook else None,
                account.variant.name if account.variant else None,
            )
        )
        for contact in account.contacts:
            role = contact.role.name if contact.role else None
            book.contacts.append(
                ContactRow(account.name, contact.name, role, contact.email, contact.title)
            )
        for m in account.milestones:
            book.milestones.append(
                MilestoneRow(
                    account.name,
                    m.title,
                    m.role.name,
                    m.target_day,
                    m.due_on,
                    Status(m.status),
                    m.started_on,
                    m.achieved_on,
                    m.evidence,
                    m.definition_of_done,
                    m.first_value,
                    m.unlocks,
                    m.success_feature,
                    m.success_threshold,
                    m.success_window_days,
                )
            )
        if account.kickoff is not None:
            kickoff = account.kickoff
            book.kickoffs.append(
                KickoffRow(
                    account.name,
                    kickoff.held_on,
                    kickoff.attendees,
                    kickoff.success_statement,
                    tuple(criterion.text for criterion in kickoff.done_criteria),
                )
            )
        for metric in account.value_metrics:
            common = (
                account.name,
                metric.name,
                metric.unit,
                Direction(metric.direction),
                metric.baseline,
                metric.baseline_on,
            )
            if not metric.measurements:
                book.value_metrics.append(ValueMetricRow(*common, None, None, metric.target))
            for measurement in metric.measurements:
                book.value_metrics.append(
                    ValueMetricRow(
                        *common, measurement.value, measurement.measured_on, metric.target
                    )
                )
    book.usage = [
        UsageRow(names[account_id], day, feature, count, active_users)
        for account_id, day, feature, count, active_users in usage_rows(session)
    ]
    book.features = [
        FeatureRow(f.key, f.display_name or None, f.aliases or None)
        for f in session.scalars(select(Feature).order_by(Feature.key))
    ]
    export_learning(session, book, names)
    return book

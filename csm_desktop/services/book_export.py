"""Exporting a whole book as a book workbook: every sheet the import reads back, streamed.

Rows go from the store (``store.queries.book_rows``, read in batches) straight into the
streaming writer (``spreadsheets.xlsx_stream``), so memory stays flat however big the book
(issue 17: the ORM export of 50,000 accounts reached 5.4 GiB before it was refused). A book
file's usage goes as the store's codes (``UsageCodes``: ids and day numbers, no record a
row); a team book's as ``UsageRow`` records, the reference both must match byte for byte.
Whether every sheet fits in Excel (1,048,575 data rows a sheet) is decided from row counts
before a single row is read. Usage is the sheet that outgrows Excel; ``usage`` says what to
do then:

- ``None``: refuse, naming both ways out (nothing is written);
- ``"split"``: the Usage sheet continues in ``Usage 2``, ``Usage 3``…, each full but the
  last; ``import_book`` reads them back as one sheet;
- ``"csv"``: usage goes to ``<name>.usage.csv`` beside the workbook (its Usage sheet stays
  empty), which ``import-usage`` reads.

Other sheets too big are refused.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.orm import Session

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadFile, BadInput, Cancelled
from csm_desktop.safe_output import check_output_target
from csm_desktop.services.learning_workbook import export_learning
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.spreadsheets.book_workbook import (
    MAX_DATA_ROWS,
    SHEETS,
    AccountRow,
    BookWorkbook,
    ContactRow,
    FeatureRow,
    KickoffRow,
    MilestoneRow,
    UsageRow,
    ValueMetricRow,
)
from csm_desktop.spreadsheets.book_writer import SheetPart, UsageCodes, write_book_sheets
from csm_desktop.spreadsheets.safe_cells import write_safe_csv
from csm_desktop.store.database import Database
from csm_desktop.store.day_numbers import day_of_number
from csm_desktop.store.queries import book_rows as rows_of
from csm_desktop.store.queries.book_io import book_accounts
from csm_desktop.store.queries.fast_path import use_fast_path

UsageChoice = Literal["split", "csv"]


@dataclass
class BookExportReport:
    """What an export wrote: the file, the data rows per sheet, and where usage went."""

    path: Path
    rows_by_sheet: dict[str, int]
    usage_sheets: list[str] = field(default_factory=lambda: ["Usage"])
    usage_csv: Path | None = None
    sheet_limit: int = MAX_DATA_ROWS

    @property
    def usage_note(self) -> str | None:
        """One line saying where usage went when it is not one Usage sheet, else None."""
        rows = self.rows_by_sheet.get("Usage", 0)
        if self.usage_csv is not None:
            return f"Usage ({rows:,} rows) was written to {self.usage_csv}."
        if len(self.usage_sheets) > 1:
            return (
                f"Usage ({rows:,} rows) is more than one Excel sheet holds "
                f"({self.sheet_limit:,}): it is split over the sheets "
                f"{', '.join(self.usage_sheets)}."
            )
        return None


def usage_csv_path(path: Path) -> Path:
    """Where ``--usage-csv`` writes the usage of the workbook ``path``: beside it."""
    return path.with_name(f"{path.stem}.usage.csv")


def export_book(
    database: Database,
    path: Path,
    *,
    usage: UsageChoice | None = None,
    max_rows: int | None = None,
    progress: Progress = NO_PROGRESS,
) -> BookExportReport:
    """Write the whole book to ``path`` (.xlsx); the file is replaced only when complete.
    ``usage`` decides what happens to usage too big for one sheet (see the module doc);
    ``max_rows`` is the data rows a sheet holds (Excel's limit unless a test says less).
    ``progress`` hears the rows written; Cancel stops before anything is replaced."""
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise BadInput(f"{path}: a book workbook is saved as .xlsx; choose a name ending .xlsx.")
    check_output_target(path)  # before reading the whole book
    limit = MAX_DATA_ROWS if max_rows is None else max_rows
    with database.session() as session:
        counts = rows_of.sheet_counts(session)  # before a single row is read
        _check_sheet_limits(counts, limit, usage)
        total = sum(counts.values())
        progress(0, total, "Writing the book workbook")

        def written(rows: int) -> None:
            if progress.cancelled:
                raise Cancelled(f"Export to {path.name} cancelled; no file was written.")
            progress(min(rows, total), total, f"Writing the book workbook: {rows:,} rows")

        report = BookExportReport(path, {}, sheet_limit=limit)
        names = {a.id: a.name for a in book_accounts(session)}
        learning = BookWorkbook()
        export_learning(session, learning, names)
        csv_rows = 0
        partial: Path | None = None  # the usage CSV, put in place once the workbook is in
        if usage == "csv":
            report.usage_csv = usage_csv_path(path)
            check_output_target(report.usage_csv)
            partial = report.usage_csv.with_name(f".{report.usage_csv.name}.partial")
            csv_rows = _write_usage_csv(session, names, partial, written)
            report.usage_sheets = ["Usage"]  # its header only
        else:
            pieces = max(1, -(-counts["Usage"] // limit))
            report.usage_sheets = ["Usage", *(f"Usage {n}" for n in range(2, pieces + 1))]
        parts = _parts(
            session, names, learning, report.usage_sheets, limit, usage == "csv", coded=True
        )
        try:
            report.rows_by_sheet = write_book_sheets(path, parts, written)
        except BaseException:  # cancelled or failed: neither file is written
            if partial is not None:
                partial.unlink(missing_ok=True)
            raise
        finally:
            parts.close()  # a stream left unfinished ends before the session does
        if partial is not None and report.usage_csv is not None:
            os.replace(partial, report.usage_csv)  # the pair: workbook, then its usage
            report.rows_by_sheet["Usage"] = csv_rows
    progress(total, total, "Written")
    return report


def _check_sheet_limits(counts: dict[str, int], limit: int, usage: UsageChoice | None) -> None:
    """Refuse, from row counts alone, a book whose sheets cannot fit (usage unless split or
    written to a CSV): a 50,000-account book with 10 million usage rows was refused only
    after 72 s and 5.4 GiB of loading (issue 17); now it takes one count per sheet."""
    for sheet, count in counts.items():
        if count <= limit or (sheet == "Usage" and usage is not None):
            continue
        if sheet == "Usage":
            raise BadFile(
                f"The Usage sheet would need {count:,} rows; an Excel sheet holds {limit:,}. "
                "Export again splitting usage over several sheets (Usage, Usage 2, …) or "
                "writing it to a CSV beside the workbook."
            )
        raise BadFile(
            f"The {sheet} sheet would need {count:,} rows; an Excel sheet holds {limit:,}. "
            "Export the book in parts: archive accounts you no longer onboard first."
        )


def _parts(
    session: Session,
    names: dict[int, str],
    learning: BookWorkbook,
    usage_sheets: list[str],
    limit: int | None,
    usage_elsewhere: bool,
    *,
    coded: bool = False,
) -> Generator[SheetPart, None, None]:
    """Every sheet to write, in order, its rows streamed from the store; usage in
    ``usage_sheets`` of ``limit`` rows each (or none, when it went elsewhere). ``coded``:
    usage as ``UsageCodes`` when the book is a file (SQLite's raw cursor); else, and on a
    team server, as ``UsageRow`` records (the reference the coded sheets match byte for
    byte)."""
    records: dict[str, Iterable[Any]] = {
        "accounts": _accounts(session),
        "contacts": (
            ContactRow(names[a], name, role, email, title)
            for a, name, role, email, title in rows_of.contact_rows(session)
        ),
        "milestones": _milestones(session, names),
        "kickoffs": (
            KickoffRow(names[a], held, attendees, statement, lines)
            for a, held, attendees, statement, lines in rows_of.kickoff_rows(session)
        ),
        "value_metrics": (
            ValueMetricRow(names[row[0]], row[1], row[2], Direction(row[3]), *row[4:])
            for row in rows_of.value_metric_rows(session)
        ),
        "features": [
            FeatureRow(key, display or None, aliases or None)
            for key, display, aliases in rows_of.feature_rows(session)
        ],
        "renewals": learning.renewals,
        "feedback": learning.feedback,
    }
    streams = [rows for rows in records.values() if isinstance(rows, Generator)]
    try:
        for sheet in SHEETS:
            if sheet.attribute != "usage":
                yield sheet.name, sheet, records[sheet.attribute]
            elif usage_elsewhere:
                yield sheet.name, sheet, []
            elif coded and use_fast_path(session, portable=False):
                keys = rows_of.usage_feature_keys(session)
                codes = rows_of.usage_codes(session)
                streams.append(codes)
                for name in usage_sheets:
                    yield name, sheet, UsageCodes(islice(codes, limit), names, keys, day_of_number)
            else:
                stream = _usage(session, names)
                streams.append(stream)
                for name in usage_sheets:
                    yield name, sheet, islice(stream, limit)
    finally:  # cursors (and readers) closed while the session holds the connection
        for rows in streams:
            rows.close()


def _accounts(session: Session) -> Iterator[AccountRow]:
    for row in rows_of.account_rows(session):
        yield AccountRow(*row[1:])


def _milestones(session: Session, names: dict[int, str]) -> Iterator[MilestoneRow]:
    for row in rows_of.milestone_rows(session):
        yield MilestoneRow(names[row[0]], row[1], row[2], row[3], row[4], Status(row[5]), *row[6:])


def _usage(session: Session, names: dict[int, str]) -> Generator[UsageRow, None, None]:
    for account_id, day, feature, count, users in rows_of.usage_stream(session):
        yield UsageRow(names[account_id], day, feature, count, users)


def _write_usage_csv(
    session: Session, names: dict[int, str], target: Path, written: Callable[[int], None]
) -> int:
    """Usage, as the Usage sheet's columns, to a CSV at ``target`` (replaced when complete);
    the rows written."""
    usage_sheet = next(sheet for sheet in SHEETS if sheet.attribute == "usage")
    counted = [0]

    def rows() -> Iterator[list[Any]]:
        for account_id, day, feature, count, users in rows_of.usage_stream(session):
            counted[0] += 1
            if not counted[0] % 10_000:
                written(counted[0])
            yield [names[account_id], day, feature, count, users]

    write_safe_csv(target, list(usage_sheet.headers), rows())
    return counted[0]


def book_from_database(session: Session) -> BookWorkbook:
    """The whole book as workbook rows in memory (accounts in creation order, ladders in
    ladder order): for small books and tests; ``export_book`` streams instead."""
    names = {a.id: a.name for a in book_accounts(session)}
    book = BookWorkbook()
    learning = BookWorkbook()
    export_learning(session, learning, names)
    for _name, sheet, records in _parts(session, names, learning, ["Usage"], None, False):
        getattr(book, sheet.attribute).extend(records)
    return book

"""What an import says about the rows it could not use: the file, strict mode, nothing usable.

Rejected rows are saved next to the source (``NAME.rejected-rows.csv``, formula-safe), so a
CSM can fix them in the file they came from (the wizard copies that file where the CSM
chooses). Strict mode refuses a file at its first bad
row; a file of which nothing can be used is refused with its main reason and the option
that would help (``--create-accounts``, ``--date-format``, ``--decimal``, ``--map``,
``--feature``, ``--header-row``), worded with the CLI flag in parentheses so the window can
drop it and keep the words.
"""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from csm_desktop.errors import BadInput, UserError
from csm_desktop.safe_output import write_output_file
from csm_desktop.spreadsheets.safe_cells import write_safe_csv
from csm_desktop.spreadsheets.usage_accounts import ACCOUNT_LIST, UNKNOWN_ACCOUNT
from csm_desktop.spreadsheets.usage_extract import RejectedRow

if TYPE_CHECKING:
    from csm_desktop.services.import_usage import UsageImportReport

REJECTED_COLUMNS = ("Sheet", "Row", "Column", "Value", "Reason")


def rejected_file_path(source: Path) -> Path:
    """Where the rejected rows of ``source`` are saved: next to it."""
    return source.with_name(f"{source.stem}.rejected-rows.csv")


def save_rejected(
    source: Path, sheet: str, rejected: Sequence[RejectedRow]
) -> tuple[Path | None, list[str]]:
    """Write the rejected rows next to the source; a failure to write is a warning."""
    target = rejected_file_path(source)
    rows = [(sheet, p.row, p.column, p.value, p.reason) for p in rejected]
    try:
        written = write_safe_csv(target, REJECTED_COLUMNS, rows, chosen_by_user=False)
    except UserError as exc:
        return None, [f"The rejected rows could not be saved: {exc}"]
    return written, []


def copy_rejected_rows(report: UsageImportReport, target: Path) -> Path:
    """Save a copy of the import's rejected-rows file where the CSM chose (a save dialog).

    Written like every export (``write_output_file``): never over the book, atomically.
    """
    source = report.rejected_rows_file
    if source is None:
        raise BadInput("This import rejected no rows; there is nothing to save.")
    if Path(target).resolve() == source.resolve():
        return source

    def copy(temporary: Path) -> None:
        shutil.copyfile(source, temporary)

    return write_output_file(Path(target), copy)


def strict_message(path: Path, rejected: Sequence[RejectedRow], saved: Path | None) -> str:
    """Why strict mode refused the file: how many rows, the first one and its reason."""
    blocking = [problem for problem in rejected if problem.blocking]
    first = blocking[0]
    rows = len({problem.row for problem in blocking})
    where = f"row {first.row}" + (f", column {first.column}" if first.column else "")
    listed = f" They are listed in {saved}." if saved else ""
    return (
        f"{path.name}: {rows:,} rows cannot be used (first: {where}: {first.reason}, value "
        f"{first.value!r}).{listed} Nothing was imported (strict mode); fix them and try again."
    )


# The option that would have helped, by the reason most rows were rejected for.
_HINTS = (
    (UNKNOWN_ACCOUNT, "add the accounts to the book first, or import with create accounts "
     "(--create-accounts)"),
    (ACCOUNT_LIST, "put one account per row"),
    ("date", "choose the date format (--date-format DD/MM/YYYY) or the date column "
     "(--map COLUMN=date)"),
    ("percentage", "map the column that holds counts (--map COLUMN=count)"),
    ("whole number", "choose the decimal separator (--decimal , or --decimal .)"),
    ("number", "check which columns hold the counts (--map COLUMN=count or COLUMN=ignore)"),
    ("no account", "map the account column (--map COLUMN=account)"),
    ("no feature", "give the feature (--feature NAME) or map its column (--map COLUMN=feature)"),
)  # fmt: skip


def nothing_message(
    path: Path, rejected: Sequence[RejectedRow], skipped: int, saved: Path | None
) -> str:
    """Why nothing could be imported, in one line: the reason most rows share and the
    option that would help, or that every line under the header is a total or blank."""
    blocking = [problem for problem in rejected if problem.blocking]
    if not blocking:
        lines = (
            "the line under the header is a total, a footer or blank"
            if skipped == 1
            else f"the {skipped:,} lines under the header are totals, footers or blank"
        )
        return f"{path.name}: nothing was imported: {lines}. Check the header row (--header-row N)."
    per_row: dict[int, str] = {}
    for problem in blocking:
        per_row.setdefault(problem.row, problem.reason)
    reason, count = Counter(per_row.values()).most_common(1)[0]
    hint = next((text for key, text in _HINTS if key in reason), "fix the rows and try again")
    listed = f" They are listed in {saved}." if saved else ""
    rows = "its only row was" if len(per_row) == 1 else f"all {len(per_row):,} rows were"
    return (
        f"{path.name}: nothing was imported: {rows} rejected ({count:,} for: "
        f"{reason.split(':')[0]}).{listed} To import them, {hint}."
    )

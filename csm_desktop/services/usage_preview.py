"""The top of a usage file and the layout found in it: the import wizard's preview step.

The file is vetted like an import's (a hostile file is refused, not previewed), only its
first rows are read, and the layout is detected with the book's features and settings as
the import will; a detection failure is not an error here but the ``problem`` the wizard
shows, so the CSM can fix the header row or the column map and look again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from csm_desktop.errors import UserError
from csm_desktop.services.usage_options import (
    BookContext,
    UsageImportOptions,
    checked_options,
    layout_of,
    read_book_context,
)
from csm_desktop.services.usage_source import read_usage_table, vet_and_choose_sheet
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS
from csm_desktop.spreadsheets.json_rows import is_json_file
from csm_desktop.spreadsheets.readers import Row
from csm_desktop.spreadsheets.usage_layout import HEADER_SCAN_ROWS, UsageLayout
from csm_desktop.store.database import Database


@dataclass(frozen=True, slots=True)
class UsagePreview:
    """The top of a usage file and the layout found in it, for the wizard's preview step."""

    source: Path
    sheet_names: tuple[str, ...]  # () for CSV and JSON
    sheet: str | None
    rows: list[Row]  # the first rows of the sheet, row i is the sheet's row i + 1
    layout: UsageLayout | None  # None when detection failed
    problem: str | None  # why detection failed, worded for the CSM
    book: BookContext = field(default_factory=BookContext)
    kind: str = "CSV file"  # what the file is, in the CSM's words, when it has no sheets


def preview_usage_file(
    path: Path,
    options: UsageImportOptions | None = None,
    *,
    rows: int = 50,
    book: Database | None = None,
) -> UsagePreview:
    """The top of the file with its detected layout; a detection failure is a ``problem``.

    With ``book``, its features and settings take part (known features make wide columns,
    the time zone and decimal separator read the cells). Hostile or unreadable files still
    raise ``BadFile``: there is nothing to preview.
    """
    options = checked_options(options or UsageImportOptions())
    path = Path(path)
    context = BookContext()
    if book is not None:
        with book.session() as session:
            context = read_book_context(session, accounts=True)
    names, sheet = vet_and_choose_sheet(path, options.sheet, DEFAULT_LIMITS)
    top = max(rows, HEADER_SCAN_ROWS, (options.header_row or 0) + 1)
    table = read_usage_table(path, sheet, max_rows=top)
    kind = "JSON file" if is_json_file(path) else "CSV file"
    try:
        layout = layout_of(table, options, context)
    except UserError as exc:
        return UsagePreview(
            path, names, table.sheet, table.rows[:rows], None, str(exc), context, kind
        )
    return UsagePreview(path, names, table.sheet, table.rows[:rows], layout, None, context, kind)

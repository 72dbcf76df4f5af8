"""Check the top rows of a usage file the way the import will, cell by cell, for the preview.

The import wizard shows the first rows of a file before anything is stored and highlights
the cells the import would reject, with the reason. To say exactly what the import will say,
this module runs the import's own code (``detect_layout`` and ``extract_usage``) over those
rows and turns the rejected rows it reports into problems per cell, keyed by the sheet's
row number and the column's 0-based index. Blank, total, footer and comment lines, which the
import skips without complaint (even in strict mode), are row problems that do not block.
It also says what the import would do quietly otherwise: group labels filled down, columns
ignored as not features, features the book does not know.

Given the book's accounts (``KnownAccounts``), rows whose account the book does not have
are problems too, with the import's own reason, so the preview and the import's result
count the same rejected rows (unless the CSM then chooses to create accounts).

No SQL and no Qt: rows and the CSM's choices in, a layout and problems out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.errors import UserError
from csm_desktop.spreadsheets.readers import Row, SheetTable
from csm_desktop.spreadsheets.usage_accounts import KnownAccounts, why_unmatched
from csm_desktop.spreadsheets.usage_extract import UsageRows, extract_usage
from csm_desktop.spreadsheets.usage_features import UnknownFeature, feature_keys
from csm_desktop.spreadsheets.usage_headers import ACCOUNT, EXTERNAL_ID
from csm_desktop.spreadsheets.usage_layout import UsageLayout, detect_layout
from csm_desktop.spreadsheets.usage_numbers import Decimal


@dataclass(frozen=True, slots=True)
class CellProblem:
    """Why the import would not use a cell (or a whole row); ``blocking`` as in strict mode."""

    reason: str
    blocking: bool = True


@dataclass(frozen=True, slots=True)
class PreviewCheck:
    """The layout found for the CSM's choices and every problem in the previewed rows."""

    layout: UsageLayout | None  # None when no usable header or required column was found
    problem: str | None  # why there is no layout, or why the rows could not be checked
    cells: Mapping[tuple[int, int], CellProblem] = field(default_factory=dict)  # (row, column)
    rows: Mapping[int, CellProblem] = field(default_factory=dict)  # whole rows (blank, total)
    filled: Mapping[str, int] = field(default_factory=dict)  # column → labels filled down
    filled_cells: Mapping[tuple[int, int], str] = field(default_factory=dict)  # → the label
    unknown_features: tuple[UnknownFeature, ...] = ()  # in the rows checked
    decimal: Decimal | None = None  # the decimal separator the counts were read with
    unknown_accounts: tuple[str, ...] = ()  # accounts of the rows checked the book lacks

    def problem_rows(self) -> int:
        """Rows with at least one problem that blocks (these would be rejected)."""
        blocking = {row for (row, _column), issue in self.cells.items() if issue.blocking}
        blocking.update(row for row, issue in self.rows.items() if issue.blocking)
        return len(blocking)

    def skipped_rows(self) -> int:
        """Blank, total, footer and comment lines, which the import skips without blocking;
        counted as the import counts them (a line with a blocking problem is rejected)."""
        blocking = {row for (row, _column), issue in self.cells.items() if issue.blocking}
        return sum(
            1 for row, issue in self.rows.items() if not issue.blocking and row not in blocking
        )


def check_preview(
    rows: Sequence[Row],
    *,
    file_name: str,
    sheet: str | None = None,
    header_row: int | None = None,
    column_map: Mapping[str, str] | None = None,
    date_format: str | None = None,
    feature: str | None = None,
    vocabulary: FeatureVocabulary | None = None,
    decimal: Decimal | None = None,
    default_decimal: Decimal | None = None,
    time_zone: str | dt.tzinfo | None = None,
    accounts: KnownAccounts | None = None,
) -> PreviewCheck:
    """Layout and problems of ``rows`` (row i is the sheet's row i + 1) for these choices.

    ``header_row`` (1-based), ``column_map``, ``date_format``, ``feature`` and ``decimal``
    mean what they mean in ``UsageImportOptions``; None auto-detects. ``vocabulary``,
    ``default_decimal``, ``time_zone`` and ``accounts`` are the book's. A file-level failure
    (no header, a missing column, dates whose day/month order the rows never tell) becomes
    ``problem``.
    """
    width = max((len(row) for row in rows), default=0)
    padded = [list(row) + [""] * (width - len(row)) for row in rows]  # as the readers give them
    table = SheetTable(file_name, sheet, padded, ())
    vocabulary = vocabulary or FeatureVocabulary()
    try:
        layout = detect_layout(
            table,
            header_row=header_row,
            column_map=column_map,
            feature=feature,
            known_feature=vocabulary.resolve,
            date_format=date_format,
        )
    except UserError as exc:
        return PreviewCheck(None, str(exc))
    try:
        usage = extract_usage(
            table,
            layout,
            date_format=date_format,
            decimal=decimal,
            default_decimal=default_decimal,
            time_zone=time_zone,
        )
    except UserError as exc:
        return PreviewCheck(layout, str(exc))
    _spelled, unknown = feature_keys(vocabulary, usage.features)
    position: dict[str, int] = {}
    for index in reversed(range(width)):  # reversed: the first column of a name wins
        position[layout.column_name(index)] = index
    cells: dict[tuple[int, int], CellProblem] = {}
    whole_rows: dict[int, CellProblem] = {}
    for rejected in usage.rejected:
        issue = CellProblem(rejected.reason, rejected.blocking)
        column = position.get(rejected.column) if rejected.column else None
        if not rejected.blocking or column is None:
            whole_rows[rejected.row] = _joined(whole_rows.get(rejected.row), issue)
        if column is not None:
            key = (rejected.row, column)
            cells[key] = _joined(cells.get(key), issue)
    unmatched: dict[str, str] = {}
    if accounts is not None:
        for row, column, label in _unmatched_rows(usage, layout, accounts):
            problem = CellProblem(why_unmatched(label))
            cells[(row, column)] = _joined(cells.get((row, column)), problem)
            unmatched.setdefault(label.casefold(), label)
    return PreviewCheck(
        layout,
        None,
        cells,
        whole_rows,
        dict(usage.filled),
        dict(usage.filled_cells),
        unknown,
        usage.decimal,
        tuple(sorted(unmatched.values(), key=str.casefold)),
    )


def _unmatched_rows(
    usage: UsageRows, layout: UsageLayout, accounts: KnownAccounts
) -> list[tuple[int, int, str]]:
    """(sheet row, account column, label) of each row whose account the book lacks."""
    names, externals = usage.names, usage.external_ids
    column = layout.columns.get(ACCOUNT, layout.columns.get(EXTERNAL_ID, 0))
    found: dict[int, tuple[int, int, str]] = {}
    for index, row in enumerate(usage.rows):
        if row in found:
            continue
        name = names[index] if names is not None else ""
        external_id = externals[index] if externals is not None else ""
        account = accounts.find(
            external_id, name, file_has_ids=externals is not None, file_has_names=names is not None
        )
        if account is None:
            found[row] = (row, column, name or external_id)
    return list(found.values())


def _joined(earlier: CellProblem | None, issue: CellProblem) -> CellProblem:
    """Two problems in one place read as one: reasons joined, blocking if either blocks."""
    if earlier is None:
        return issue
    return CellProblem(f"{earlier.reason}; {issue.reason}", earlier.blocking or issue.blocking)


__all__ = ["CellProblem", "PreviewCheck", "check_preview"]

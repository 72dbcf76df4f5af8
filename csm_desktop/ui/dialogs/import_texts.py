"""Words and choices of the usage Import wizard, apart from its widgets.

What the wizard says about a file (the header row found, its shape, what will not be
imported, what the import will do quietly), the choices of its mapping combos, and the
command-line hints removed from service messages shown in the window. Plain functions, so
the pages share one wording and tests can read it without a window.
"""

from __future__ import annotations

import re
from typing import Any

from csm_desktop.services.import_usage import (
    filled_text,
)
from csm_desktop.services.usage_files import (
    ACCOUNT,
    COUNT,
    DATE,
    EXTERNAL_ID,
    FEATURE,
    FEATURE_COLUMN,
    IGNORE,
    USER_ID,
    USERS,
    PreviewCheck,
    UsageLayout,
    column_letter,
    field_of_header,
)

PREVIEW_ROWS = 50
WIDE_FEATURE = FEATURE_COLUMN  # mapping choice: a feature of its own (wide form)
DAY_COLUMN = ""  # mapping choice: a day (dates as columns); not in the column map
# What a source column can be imported as, in the order the mapping combo lists them.
CHOICES = (
    (ACCOUNT, "Account"),
    (EXTERNAL_ID, "External ID"),
    (DATE, "Date"),
    (FEATURE, "Feature"),
    (COUNT, "Count"),
    (USERS, "Active users"),
    (USER_ID, "User ID (event log)"),
    (WIDE_FEATURE, "Feature column (wide form)"),
    (DAY_COLUMN, "Day (dates as columns)"),
    (IGNORE, "Ignore"),
)
CHOICE_LABELS = dict(CHOICES)
AUTO_DATE = "auto"
FEATURE_PLACEHOLDER = "only for a file that names no feature, e.g. user_invited"
DECIMALS = (("auto", None), ("decimal point (1,234.5)", "."), ("decimal comma (1.234,5)", ","))
DATE_FORMATS = (AUTO_DATE, "DD/MM/YYYY", "MM/DD/YYYY", "YYYY-MM-DD", "DD.MM.YYYY", "DD-MM-YYYY")
FILE_FILTER = "Usage files (*.xlsx *.xlsm *.ods *.csv *.json *.jsonl *.ndjson);;All files (*)"
_CLI_HINT = re.compile(r" ?\((?:--[a-z-]+)[^)]*\)")


def layout_text(layout: UsageLayout) -> str:
    """One line on what the import will read, in the CSM's words."""
    return layout.describe()


def header_named(layout: UsageLayout) -> str:
    """The header row found, named by its cells, and the shape, for the Layout page."""
    shape = layout.shape()
    if layout.form == "dates":  # the summary already shows the days
        shape = "each day column holds a count per account" + (
            " and feature."
            if FEATURE in layout.columns
            else f" of the feature “{layout.feature_name}” ({layout.feature_source})."
        )
    return (
        f"Header row {layout.header_row}: {layout.header_summary()}. {shape[:1].upper()}{shape[1:]}"
    )


def ignored_text(layout: UsageLayout) -> str:
    """The columns that will not be imported and why, or ""."""
    parts = [f"{layout.column_name(position)} ({why})" for position, why in layout.ignored_columns]
    return f"Not imported: {', '.join(parts)}." if parts else ""


def check_notes(check: PreviewCheck) -> list[str]:
    """What the import will do quietly, said before it does: filled labels, unknown
    features, columns that are not features."""
    notes = filled_text(check.filled)
    if check.layout is not None and (ignored := ignored_text(check.layout)):
        notes.append(ignored)
    if check.unknown_accounts:
        names = ", ".join(check.unknown_accounts[:8])
        more = len(check.unknown_accounts) - 8
        notes.append(
            f"Not in the book (rejected unless you create accounts): {names}"
            + (f" and {more} more." if more > 0 else ".")
        )
    if check.unknown_features:
        names = ", ".join(str(feature) for feature in check.unknown_features[:8])
        more = len(check.unknown_features) - 8
        notes.append(
            f"Features the book does not know yet (kept as spelled): {names}"
            + (f" and {more} more." if more > 0 else ".")
        )
    return notes


def for_the_window(message: str) -> str:
    """A service message without its command-line hints: the wizard names its own controls."""
    return _CLI_HINT.sub("", message)


def counted(count: int, word: str) -> str:
    """``1 row``, ``2 rows``: a count with its noun."""
    return f"{count:,} {word}" if count == 1 else f"{count:,} {word}s"


def rows_text(count: int) -> str:
    return counted(count, "row")


def column_choices(layout: UsageLayout | None, headers: list[str]) -> list[str]:
    """The mapping shown for each column: the layout's, or header-name suggestions."""
    if layout is None:
        return [field_of_header(text) or IGNORE for text in headers]
    choices = [IGNORE] * len(headers)
    for position, _name in layout.feature_columns:
        if position < len(choices):
            choices[position] = WIDE_FEATURE
    for position, _day in layout.date_columns:
        if position < len(choices):
            choices[position] = DAY_COLUMN
    for field_name, position in layout.columns.items():
        if position < len(choices):
            choices[position] = field_name
    return choices


def column_key(headers: list[str], position: int) -> str:
    """How the column map names a column: its header when unique, else its letter."""
    text = headers[position]
    if text and sum(1 for other in headers if other.casefold() == text.casefold()) == 1:
        return text
    return column_letter(position)


def escape_html(text: str) -> str:
    """``text`` safe inside the rich text of a QLabel."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_list(names: Any) -> str:
    """Names joined with commas, each escaped for rich text."""
    return ", ".join(escape_html(name) for name in names)

"""The usage-file vocabulary the window and the command line speak, through the services.

The import wizard maps columns to fields, previews cells and explains problems with the
names and rules of ``csm_desktop.spreadsheets``; the CLI parses ``--map``. Both reach them
here, so the UI and the CLI depend on services only (the import contracts in
``pyproject.toml``) and the spreadsheet layer can change shape behind this face.
"""

from __future__ import annotations

from csm_desktop.spreadsheets.readers import Cell, Row
from csm_desktop.spreadsheets.usage_headers import (
    ACCOUNT,
    COUNT,
    DATE,
    EXTERNAL_ID,
    FEATURE,
    FEATURE_COLUMN,
    IGNORE,
    USER_ID,
    USERS,
    column_letter,
    field_of_header,
    parse_column_map,
)
from csm_desktop.spreadsheets.usage_layout import UsageLayout
from csm_desktop.spreadsheets.usage_preview import CellProblem, PreviewCheck, check_preview

__all__ = [
    "ACCOUNT",
    "COUNT",
    "DATE",
    "EXTERNAL_ID",
    "FEATURE",
    "FEATURE_COLUMN",
    "IGNORE",
    "USERS",
    "USER_ID",
    "Cell",
    "CellProblem",
    "PreviewCheck",
    "Row",
    "UsageLayout",
    "check_preview",
    "column_letter",
    "field_of_header",
    "parse_column_map",
]

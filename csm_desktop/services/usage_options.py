"""What a usage import is asked to do and what the book tells it, checked before any reading.

The CSM's choices (``UsageImportOptions``: sheet, header row, column map, date format,
decimal separator, time zone, one feature for a file that names none) are checked here
first, so a typo is one clear line before the file is read; the book's side
(``BookContext``: its features, time zone, decimal separator and, for a preview, its
accounts) is read once and handed to the layout detection and the cell readers. The
preview (``usage_preview``) and the import (``import_usage``) share both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy.orm import Session

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.errors import BadInput
from csm_desktop.services.book_settings import read_settings
from csm_desktop.services.usage_matching import import_vocabulary, read_accounts
from csm_desktop.spreadsheets.readers import SheetTable
from csm_desktop.spreadsheets.usage_accounts import KnownAccounts
from csm_desktop.spreadsheets.usage_layout import UsageLayout, detect_layout
from csm_desktop.spreadsheets.usage_numbers import Decimal


@dataclass(frozen=True, slots=True)
class UsageImportOptions:
    """What the CSM chose in the wizard (or on the command line); None means auto-detect."""

    sheet: str | None = None
    header_row: int | None = None  # 1-based, as Excel shows it
    column_map: Mapping[str, str] = field(default_factory=dict)  # header or letter → field
    date_format: str | None = None  # strptime codes or DD/MM/YYYY words
    create_accounts: bool = False
    strict: bool = False
    feature: str | None = None  # one feature for every row of a file that names none
    decimal: str | None = None  # "." or ","; None: the file's own numbers, then the book's
    time_zone: str | None = None  # IANA name; None: the book's time zone


@dataclass(frozen=True, slots=True)
class BookContext:
    """What the book tells the reading of a file: its features, time zone and decimals."""

    vocabulary: FeatureVocabulary = field(default_factory=FeatureVocabulary)
    time_zone: str = "UTC"
    default_decimal: Decimal | None = None
    accounts: KnownAccounts | None = None  # None: not read (the import matches by itself)


def checked_options(options: UsageImportOptions) -> UsageImportOptions:
    """The options, or ``BadInput`` naming the first one that cannot work."""
    if options.decimal not in (None, ".", ","):
        raise BadInput(f"--decimal {options.decimal!r}: use --decimal , or --decimal .")
    if options.time_zone:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(options.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise BadInput(
                f"--time-zone {options.time_zone!r} is unknown; use a name such as "
                "Europe/Paris, America/New_York or UTC."
            ) from None
    return options


def date_format_reads_dates(text: str) -> bool:
    """Whether ``text`` (``DD/MM/YYYY`` or ``%d/%m/%Y``) reads back a day, month and year:
    ``banana`` would reject every row of a file. The command and the wizard both ask."""
    from csm_desktop.spreadsheets.usage_dates import to_strptime

    code = to_strptime(text)
    probe = dt.datetime(2026, 12, 31)
    try:
        return dt.datetime.strptime(probe.strftime(code), code) == probe
    except ValueError:
        return False


def check_date_format(text: str) -> None:
    """Refuse (``BadInput``) a ``date_format`` that cannot read back a day, month and year:
    the import would otherwise reject every row of the file and still exit 0."""
    if not date_format_reads_dates(text):
        raise BadInput(
            f"--date-format {text!r} is not a date format with a day, month and year; use "
            "e.g. DD/MM/YYYY or %d/%m/%Y."
        )


def read_book_context(session: Session, *, accounts: bool = False) -> BookContext:
    """The book's features and settings that the reading of a usage file depends on, and
    its accounts when asked (for a preview that says which rows will be rejected)."""
    settings = read_settings(session)
    decimal = settings.decimal_separator if settings.decimal_separator in (".", ",") else None
    return BookContext(
        import_vocabulary(session),
        settings.time_zone_name,
        cast(Any, decimal),
        read_accounts(session) if accounts else None,
    )


def layout_of(table: SheetTable, options: UsageImportOptions, book: BookContext) -> UsageLayout:
    """The layout of ``table`` for the CSM's choices and the book's features."""
    return detect_layout(
        table,
        header_row=options.header_row,
        column_map=options.column_map,
        feature=options.feature,
        known_feature=book.vocabulary.resolve,
        date_format=options.date_format,
    )

"""Cell values that are safe to hand to a spreadsheet program, and back again.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab, CR or LF may be run as a formula
when a customer or colleague opens an exported file (CSV/formula injection). As OWASP advises,
every export prefixes such text with an apostrophe; numbers and dates are written as real
numbers and dates and are never touched. Importing one of our own workbooks undoes the prefix,
so an account called ``=Acme`` survives an export and re-import unchanged.

The rule is a bijection: text that, after any leading apostrophes, starts with a trigger
character gets exactly one more apostrophe, and ``restore_text`` removes exactly one from such
text. So ``'=x`` (a name that really starts with an apostrophe) is written as ``''=x`` and
read back as ``'=x``; text like ``'tis`` is left alone both ways.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_TRIGGERS = frozenset("=+-@\t\r\n")
APOSTROPHE = "'"

CellValue = str | int | float | bool | dt.date | dt.datetime | None


def _starts_with_trigger(text: str) -> bool:
    rest = text.lstrip(APOSTROPHE)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def neutralise_text(text: str) -> str:
    """``text`` as it may be written to a cell without being taken for a formula."""
    if _starts_with_trigger(text):
        return APOSTROPHE + text
    return text


def restore_text(text: str) -> str:
    """The inverse of ``neutralise_text``, for text read from one of our own exports."""
    if text.startswith(APOSTROPHE) and _starts_with_trigger(text):
        return text[1:]
    return text


def safe_cell(value: CellValue) -> CellValue:
    """A cell value ready for export: text neutralised, numbers, dates and booleans as is."""
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def safe_row(values: Iterable[CellValue]) -> list[CellValue]:
    """``safe_cell`` applied to every value of a row."""
    return [safe_cell(value) for value in values]


def _csv_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_text(value)
    return str(value)  # a real number: "-5" is a number, not a formula


def write_safe_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[CellValue]]) -> None:
    """Write a CSV that Excel opens with its accents intact and without running formulas.

    UTF-8 with a byte-order mark (Excel otherwise guesses a legacy code page) and every text
    neutralised; numbers written plainly so they stay numbers.
    """
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([_csv_text(name) for name in header])
        for row in rows:
            writer.writerow([_csv_text(value) for value in row])

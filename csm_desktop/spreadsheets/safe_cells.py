"""Cell values that are safe to hand to a spreadsheet program, and back again.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, tab, CR or LF may be run as a formula
when a customer or colleague opens an exported file (CSV/formula injection). As OWASP advises,
every export prefixes such text with an apostrophe; numbers and dates are written as real
numbers and dates and are never touched. Importing one of our own workbooks undoes the prefix,
so an account called ``=Acme`` survives an export and re-import unchanged.

Text is cleaned *before* that check: control characters (C0 except tab, CR, LF, and DEL)
cannot be stored in an .xlsx at all and are dropped by the writer, and Excel decodes the
escape ``_x0001_`` into one; checked first, ``"\x01=HYPERLINK(…)"`` would pass the check
and then lose its ``\x01`` on the way into the file, leaving a live formula. Spreadsheet
apps in East Asian locales also start a formula with the full-width ``＝ ＋ － ＠`` (and
their small forms), so those trigger too.

On clean text the rule is a bijection: text that, after any leading apostrophes, starts with
a trigger character gets exactly one more apostrophe, and ``restore_text`` removes exactly
one from such text. So ``'=x`` (a name that really starts with an apostrophe) is written as
``''=x`` and read back as ``'=x``; text like ``'tis`` is left alone both ways.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from csm_desktop.safe_output import write_output_file

# ASCII triggers (OWASP), their full-width forms and their small forms.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b")
APOSTROPHE = "'"
# C0 controls but tab, LF and CR (not allowed in XML 1.0), and DEL: never part of a name.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# How .xlsx files escape a control character (``_x0001_``); Excel decodes it on reading.
_XLSX_ESCAPE = re.compile("_x00[01][0-9a-fA-F]_|_x007[fF]_")

CellValue = str | int | float | bool | dt.date | dt.datetime | None


def _starts_with_trigger(text: str) -> bool:
    rest = text.lstrip(APOSTROPHE)
    return bool(rest) and rest[0] in FORMULA_TRIGGERS


def clean_text(text: str) -> str:
    """``text`` without control characters, escaped (``_x0001_``) or not; tab, CR, LF stay."""
    if "_x" in text:
        text = _XLSX_ESCAPE.sub(lambda m: chr(int(m.group()[2:6], 16)), text)
    return _CONTROLS.sub("", text)


def neutralise_text(text: str) -> str:
    """``text`` as it may be written to a cell without being taken for a formula.

    Cleaned first (``clean_text``), then prefixed: the order is the defence.
    """
    text = clean_text(text)
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


def write_safe_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[CellValue]],
    *,
    chosen_by_user: bool = True,
) -> Path:
    """Write a CSV that Excel opens with its accents intact and without running formulas.

    UTF-8 with a byte-order mark (Excel otherwise guesses a legacy code page) and every text
    neutralised; numbers written plainly so they stay numbers. Written through
    ``write_output_file``; ``chosen_by_user=False`` (a file beside an import the user did not
    name) never replaces a file or link unless it is an earlier CSV with the same header.
    Returns the path written.
    """

    def write(target: Path) -> None:
        with target.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([_csv_text(name) for name in header])
            for row in rows:
                writer.writerow([_csv_text(value) for value in row])

    return write_output_file(
        path, write, chosen_by_user=chosen_by_user, replaces_own=_has_header(header)
    )


def _has_header(header: Sequence[str]) -> Callable[[Path], bool]:
    """A check that a file is one of our CSVs with this header (so it may be replaced)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([_csv_text(name) for name in header])
    expected = ("\ufeff" + buffer.getvalue()).encode("utf-8")

    def ours(path: Path) -> bool:
        try:
            with path.open("rb") as handle:
                return handle.read(len(expected)) == expected
        except OSError:
            return False

    return ours

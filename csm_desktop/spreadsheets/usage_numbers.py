"""Counts in usage files: whole numbers however a locale writes them, never percentages.

"1,234", "1 234" and "1.234" are one thousand two hundred and thirty-four in one country
and something else in another; "1,5" and "1.234,5" only make sense with a decimal comma.
Which separator a file uses is decided once per file from the cells that can only be read
one way ("1,5", "1.234,5", "12.75", "1,234.5"), or chosen by the CSM (``--decimal``), or
taken from the book's setting; with no clue at all a grouped number is read as whole, since
counts are whole. A count must be whole and not negative; "85 %" is a share, not a count.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Literal

from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS
from csm_desktop.spreadsheets.readers import Cell
from csm_desktop.spreadsheets.usage_cells import ABSURD, TOTAL, CellIssue, is_total_text

Decimal = Literal[".", ","]
MAX_COUNT = 2**53  # beyond this a float cannot hold the count exactly

_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009'")
# Only one reading each: the decimal separator is the last mark.
_COMMA_DECIMAL = re.compile(r"\d{1,3}(?:\.\d{3})+,\d+|\d+,\d{1,2}|\d+,\d{4,}")
_POINT_DECIMAL = re.compile(r"\d{1,3}(?:,\d{3})+\.\d+|\d+\.\d{1,2}|\d+\.\d{4,}")
_GROUPED = {
    ".": re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"),
    ",": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"),
}
_EITHER_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+")
_WHOLE_DECIMAL = re.compile(r"(\d+)[.,]0*")

NOT_A_NUMBER = CellIssue("not a number", "problem")
NOT_WHOLE = CellIssue("not a whole number", "problem")
NEGATIVE = CellIssue("negative count", "problem")
TOO_LARGE = CellIssue("number too large", "problem")
PERCENTAGE = CellIssue("a percentage, not a count", "problem")


def detect_decimal(cells: Iterable[Cell]) -> Decimal | None:
    """The decimal separator the text numbers of a file prove, or None when none tells.

    When both kinds occur the more frequent wins (a stray value should not flip a file).
    """
    comma = point = 0
    for cell in cells:
        if not isinstance(cell, str) or not cell or len(cell) > 40:
            continue
        compact = cell.translate(_SPACES).strip().removeprefix("-").removeprefix("+")
        if _COMMA_DECIMAL.fullmatch(compact):
            comma += 1
        elif _POINT_DECIMAL.fullmatch(compact):
            point += 1
    if comma == point:
        return None
    return "," if comma > point else "."


class CountReader:
    """Turns one column's cells into whole counts (or ``blank`` for an empty cell)."""

    def __init__(self, decimal: Decimal | None = None, *, blank: object = None) -> None:
        self.decimal = decimal
        self.blank = blank

    def __call__(self, cell: Cell) -> object:
        if isinstance(cell, bool):
            return NOT_A_NUMBER
        if isinstance(cell, int):
            number = cell
        elif isinstance(cell, float):
            if not math.isfinite(cell):
                return NOT_A_NUMBER
            if not cell.is_integer():
                return NOT_WHOLE
            number = int(cell)
        elif isinstance(cell, str):
            text = cell.strip()
            if not text:
                return self.blank
            if len(text) >= DEFAULT_LIMITS.max_cell_chars:
                return ABSURD
            if is_total_text(text):
                return TOTAL
            parsed = self.from_text(text)
            if isinstance(parsed, CellIssue):
                return parsed
            number = parsed
        else:
            return NOT_A_NUMBER
        if number < 0:
            return NEGATIVE
        if number >= MAX_COUNT:
            return TOO_LARGE
        return number

    def from_text(self, text: str) -> int | CellIssue:
        compact = text.translate(_SPACES).removeprefix("+")
        if compact.isascii() and compact.isdigit():
            return int(compact)
        if compact.endswith("%"):
            return PERCENTAGE
        negative = compact.startswith("-")
        digits = compact.removeprefix("-")
        if self.decimal is None:
            if _EITHER_GROUPED.fullmatch(digits):  # thousands separators: counts are whole
                value = float(digits.replace(",", "").replace(".", ""))
            elif match := _WHOLE_DECIMAL.fullmatch(digits):
                value = float(match.group(1))
            else:
                try:
                    value = float(digits.replace(",", "."))
                except ValueError:
                    return NOT_A_NUMBER
        else:
            if not (digits.isascii() and _GROUPED[self.decimal].fullmatch(digits)):
                return NOT_A_NUMBER
            group = "," if self.decimal == "." else "."
            value = float(digits.replace(group, "").replace(self.decimal, "."))
        if negative and value:
            return NEGATIVE
        if not value.is_integer():
            return NOT_WHOLE
        return int(value)

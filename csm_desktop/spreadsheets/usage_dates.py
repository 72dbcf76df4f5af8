"""Days in usage files: date cells, serial numbers, text in many orders, and timestamps.

Usage is counted per day, but exports write the moment many ways: Excel date cells and
serial numbers, YYYYMMDD (GA4), ISO text, day-first dotted text, named months, and the
timestamps of event logs: epoch seconds (Mixpanel), milliseconds (Pendo, Amplitude) or
microseconds, ISO 8601 with ``Z`` or an offset, "… UTC". A timestamp that says its zone
becomes a day in the book's time zone, so an event at 23:30 UTC is the next day in Paris;
one that does not say it is taken as written. Slashed text (03/04/2026) is read in the order
the column itself proves and refused when it never tells.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS
from csm_desktop.spreadsheets.readers import Cell
from csm_desktop.spreadsheets.usage_cells import ABSURD, BLANK, TOTAL, CellIssue, is_total_text

FIRST_YEAR, LAST_YEAR = 1970, 2199  # a usage date outside these is a misread, not data
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 with Excel's 1900 leap-year bug
_LAST_SERIAL = 2958466  # 9999-12-31
# Epoch numbers by size: seconds (2001-2286), milliseconds, microseconds.
_EPOCH_UNITS = ((1e9, 1e10, 1), (1e11, 1e13, 1_000), (1e14, 1e16, 1_000_000))

_TIMESTAMP = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?")
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?", re.IGNORECASE)
_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_SLASHED = re.compile(r"(\d{1,2})[/-](\d{1,2})[/-](\d{4}|\d{2})(?:,?\s+\d{1,2}:\d{2}.*)?")
_NAMED_MONTH_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d %Y", "%B %d %Y", "%d-%b-%Y", "%d-%b-%y")
_NAMED_MONTH_TIME = re.compile(r",?\s+\d{1,2}:\d{2}.*$")

NOT_A_DATE = CellIssue("not a date", "problem")


def zone_of(name: str | dt.tzinfo | None) -> dt.tzinfo:
    """The time zone a name stands for; UTC for None. ``BadFile`` never: names are checked
    where the CSM typed them (settings, ``--time-zone``)."""
    if name is None:
        return dt.UTC
    if isinstance(name, dt.tzinfo):
        return name
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


class DateReader:
    """Turns one column's date cells into ISO days, whatever form each cell takes.

    A given ``date_format`` (strftime codes or DD/MM/YYYY words) wins for text. ``zone`` is
    the book's time zone: the day of a timestamp that carries a zone or is an epoch number.
    """

    def __init__(
        self,
        date_format: str | None = None,
        slash_order: str | None = None,
        zone: str | dt.tzinfo | None = None,
    ) -> None:
        self.date_format = to_strptime(date_format) if date_format else None
        self.slash_order = slash_order
        self.zone = zone_of(zone)

    def __call__(self, cell: Cell) -> object:
        if isinstance(cell, dt.datetime):
            moment = cell.astimezone(self.zone) if cell.tzinfo else cell
            return self._checked(moment.date())
        if isinstance(cell, dt.date):
            return self._checked(cell)
        if isinstance(cell, bool):
            return NOT_A_DATE
        if isinstance(cell, int | float):
            return self._from_number(cell)
        if not isinstance(cell, str):
            return NOT_A_DATE
        text = cell.strip()
        if not text:
            return BLANK
        if len(text) >= DEFAULT_LIMITS.max_cell_chars:
            return ABSURD
        if is_total_text(text):
            return TOTAL
        if self.date_format is not None:
            try:
                return self._checked(dt.datetime.strptime(text, self.date_format).date())
            except ValueError:
                return CellIssue(f"not a date in the format {self.date_format}", "problem")
        return self._from_text(text)

    def _from_number(self, number: float) -> object:
        if not math.isfinite(number) or number < 1:
            return NOT_A_DATE
        if 19000101 <= number <= 99991231 and float(number).is_integer():
            text = str(int(number))  # YYYYMMDD stored as a number
            return self._ymd(int(text[:4]), int(text[4:6]), int(text[6:]))
        for low, high, per_second in _EPOCH_UNITS:
            if low <= number < high:
                return self._from_epoch(number / per_second)
        if number >= _LAST_SERIAL:
            return NOT_A_DATE
        return self._checked(_EXCEL_EPOCH + dt.timedelta(days=int(number)))

    def _from_epoch(self, seconds: float) -> object:
        try:
            moment = dt.datetime.fromtimestamp(seconds, self.zone)
        except (OverflowError, OSError, ValueError):
            return NOT_A_DATE
        return self._checked(moment.date())

    def _from_text(self, text: str) -> object:
        if match := _TIMESTAMP.fullmatch(text):
            return self._from_timestamp(match)
        if match := _ISO.fullmatch(text):
            return self._ymd(int(match[1]), int(match[2]), int(match[3]))
        if match := _DOTTED.fullmatch(text):
            return self._ymd(_year(match[3]), int(match[2]), int(match[1]))
        if match := _SLASHED.fullmatch(text):
            first, second, year = int(match[1]), int(match[2]), _year(match[3])
            if first == second or self.slash_order == "dmy":
                return self._ymd(year, second, first)
            if self.slash_order == "mdy":
                return self._ymd(year, first, second)
            return CellIssue("ambiguous date (day/month or month/day?)", "problem")
        if match := _ISO_WEEK.fullmatch(text):
            try:
                day = dt.date.fromisocalendar(int(match[1]), int(match[2]), int(match[3] or 1))
            except ValueError:
                return CellIssue("not a valid date", "problem")
            return self._checked(day)
        if text.isascii() and text.replace(".", "", 1).isdigit():
            return self._from_number(float(text))
        plain = _NAMED_MONTH_TIME.sub("", text).replace(",", "")
        for pattern in _NAMED_MONTH_FORMATS:
            try:
                return self._checked(dt.datetime.strptime(plain, pattern).date())
            except ValueError:
                continue
        return NOT_A_DATE

    def _from_timestamp(self, match: re.Match[str]) -> object:
        year, month, day = int(match[1]), int(match[2]), int(match[3])
        zone = match[7]
        if zone is None or match[4] is None:
            return self._ymd(year, month, day)  # no zone: the day as written
        try:
            moment = dt.datetime(
                year, month, day, int(match[4]), int(match[5]), int(match[6] or 0),
                tzinfo=_offset(zone),
            )  # fmt: skip
        except ValueError:
            return CellIssue("not a valid date", "problem")
        return self._checked(moment.astimezone(self.zone).date())

    def _ymd(self, year: int, month: int, day: int) -> object:
        try:
            return self._checked(dt.date(year, month, day))
        except ValueError:
            return CellIssue("not a valid date", "problem")

    @staticmethod
    def _checked(day: dt.date) -> object:
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            return CellIssue(f"date out of range ({FIRST_YEAR}–{LAST_YEAR})", "problem")
        return day.isoformat()


def _offset(zone: str) -> dt.tzinfo:
    if zone.upper() in ("Z", "UTC", "GMT"):
        return dt.UTC
    sign = -1 if zone[0] == "-" else 1
    digits = zone[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(zone)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def is_date_like(cell: Cell) -> bool:
    """A header cell that names a day (dates as columns): a date cell or date text."""
    if isinstance(cell, dt.date):
        return True
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    if not text or len(text) > 40 or not any(char.isdigit() for char in text):
        return False
    if text.isdigit():
        return len(text) == 8 and isinstance(DateReader()(text), str)  # YYYYMMDD
    return isinstance(DateReader(slash_order="dmy")(text), str)


def to_strptime(date_format: str) -> str:
    """``DD/MM/YYYY``-style words become strptime codes; ``%d/%m/%Y`` passes through."""
    if "%" in date_format:
        return date_format
    result = date_format
    for word, code in (("YYYY", "%Y"), ("YY", "%y"), ("MM", "%m"), ("DD", "%d")):
        result = re.sub(word, code, result, flags=re.IGNORECASE)
    return result


def slash_order(values: Iterable[Cell], where: str) -> str | None:
    """Day-first ("dmy") or month-first ("mdy"), as the column's slashed dates prove.

    None when the column has no slashed dates.

    Raises ``BadFile`` when the column mixes both orders or never tells them apart.
    """
    day_first: str | None = None
    month_first: str | None = None
    undecided: str | None = None
    for value in values:
        if not isinstance(value, str) or not (match := _SLASHED.fullmatch(value.strip())):
            continue
        first, second = int(match[1]), int(match[2])
        # The smallest example of each kind is kept, so messages do not depend on set order.
        if first > 12:
            day_first = min(day_first or value, value)
        elif second > 12:
            month_first = min(month_first or value, value)
        elif first != second:
            undecided = min(undecided or value, value)
    if day_first and month_first:
        raise BadFile(
            f"{where}: the dates mix day/month ({day_first.strip()}) and month/day "
            f"({month_first.strip()}) order. Fix the column, or choose the date format "
            "(--date-format DD/MM/YYYY)."
        )
    if day_first:
        return "dmy"
    if month_first:
        return "mdy"
    if undecided:
        raise BadFile(
            f"{where}: dates like {undecided.strip()} could be day/month or month/day and "
            "no date in the file tells which. Choose the date format "
            "(--date-format DD/MM/YYYY or MM/DD/YYYY)."
        )
    return None

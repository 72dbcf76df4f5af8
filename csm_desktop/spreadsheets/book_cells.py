"""Cell values of a book workbook or a CSM's tracker: what each kind of column accepts.

The book workbook the app exports has tidy cells (date cells, plain numbers); a tracker a
CSM kept by hand does not: ARR typed "$12,000", "12.000 €" or "12k", seats "1,200", dates as
"15/10/2026" in one column and "10/15/2026" in another. Each parser here takes one cell and
returns a value or raises ``CellError`` with words a CSM can fix the file with. Dates are read
by the usage import's ``DateReader`` in the day/month order the column itself proves
(``slash_order``): one rule for both imports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from typing import Any

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets.safe_cells import neutralise_text, restore_text
from csm_desktop.spreadsheets.usage_cells import CellIssue
from csm_desktop.spreadsheets.usage_dates import DateReader, slash_order
from csm_desktop.spreadsheets.xlsx_stream import SHORT_TEXT, keep_short_texts


class CellError(ValueError):
    """A cell value that does not fit its column."""


Parse = Callable[[Any], Any]
CellOut = str | int | float | dt.date | None


def text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        shown = "yes" if value else "no"
    elif isinstance(value, float) and value.is_integer():
        shown = str(int(value))  # an id typed as a number: 12345, not 12345.0
    elif isinstance(value, dt.datetime):
        shown = value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    elif isinstance(value, dt.date):
        shown = value.isoformat()
    else:
        shown = restore_text(str(value))
    return shown.strip() or None


# Thousands written with , . ' or a (narrow) space: 1,200 or 1.200 or 1 200.
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:([,.' \u00a0\u202f])\d{3})(?:\1\d{3})*")


def whole_number(value: Any) -> int | None:
    if isinstance(value, bool | dt.date):
        raise CellError("is not a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise CellError("is not a whole number")
    shown = text(value)
    if shown is None:
        return None
    if _GROUPED.fullmatch(shown):
        shown = re.sub(r"[,.' \u00a0\u202f]", "", shown)
    try:
        return int(shown.replace(" ", ""))
    except ValueError:
        raise CellError("is not a whole number") from None


def number(value: Any) -> float | None:
    if isinstance(value, bool | dt.date):
        raise CellError("is not a number")
    if isinstance(value, int | float):
        return float(value)
    shown = text(value)
    if shown is None:
        return None
    try:
        return float(shown.replace(" ", ""))
    except ValueError:
        raise CellError("is not a number") from None


_CURRENCY = re.compile(r"[$€£¥₹₽₩₺₪¤]|\b(?:usd|eur|gbp|chf|jpy|cad|aud|sek|nok|dkk|pln)\b", re.I)
_SCALE = {"k": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "b": 1e9, "bn": 1e9}
_MONEY = re.compile(r"([+-]?)([\d.,'\s\u00a0\u202f]*\d)\s*(k|mm|mn|m|bn|b)?", re.I)


def money(value: Any) -> float | None:
    """An amount as people type it: "$12,000", "12.000 €", "€1.234,50", "12k", "1.2M".

    A single separator followed by exactly three digits groups thousands ("12.000 €" is
    twelve thousand: nobody writes cents to three places); otherwise it is the decimal
    point. With both "," and ".", the last one is the decimal point.
    """
    if isinstance(value, bool | dt.date):
        raise CellError("is not an amount")
    if isinstance(value, int | float):
        return float(value)
    shown = text(value)
    if shown is None:
        return None
    bare = _CURRENCY.sub("", shown).strip()
    match = _MONEY.fullmatch(bare)
    if match is None:
        raise CellError("is not an amount; write it like 12000, $12,000 or 12k")
    sign, digits, scale = match.groups()
    digits = re.sub(r"['\s\u00a0\u202f]", "", digits)
    separators = [ch for ch in digits if ch in ",."]
    if len(set(separators)) == 2:
        decimal: str | None = separators[-1]
    elif len(separators) > 1 or (separators and re.search(r"[.,]\d{3}$", digits)):
        decimal = None  # 12,000 / 1.200.000: thousands only
    else:
        decimal = separators[0] if separators else None
    whole, _, fraction = digits.rpartition(decimal) if decimal else (digits, "", "")
    grouping = {ch for ch in whole if ch in ",."}
    if len(grouping) > 1 or (grouping and not re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", whole)):
        raise CellError("is not an amount; write it like 12000, $12,000 or 12k")
    if decimal and not fraction.isdigit():
        raise CellError("is not an amount; write it like 12000, $12,000 or 12k")
    amount = float(sign + re.sub(r"[.,]", "", whole) + ("." + fraction if decimal else ""))
    return amount * _SCALE[scale.casefold()] if scale else amount


def iso_date(value: Any) -> dt.date | None:
    """A date cell or ISO text: the form the app's own export writes."""
    return DateColumn(None)(value)


class DateColumn:
    """The dates of one column: date cells, ISO text, or day/month text in the order the
    column proves (``slash_order``). A column that never tells the order rejects the
    ambiguous cells one by one, with the reason, rather than the whole file."""

    def __init__(self, order: str | None) -> None:
        self.reader = DateReader(slash_order=order)

    @classmethod
    def for_values(cls, values: Sequence[Any], where: str) -> DateColumn:
        try:
            order = slash_order(values, where)
        except BadFile:
            order = None  # mixed or undecidable: each ambiguous cell says so
        return cls(order)

    def __call__(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, bool | int | float):
            raise CellError("is a number, not a date; use a date cell or YYYY-MM-DD")
        shown = text(value)
        if shown is None:
            return None
        result = self.reader(shown)
        if isinstance(result, str):
            return dt.date.fromisoformat(result)
        try:
            return dt.datetime.fromisoformat(shown).date()
        except ValueError:
            pass
        reason = result.reason if isinstance(result, CellIssue) else "not a date"
        detail = "" if reason == "not a date" else f": {reason}"
        raise CellError(f"is not a date{detail}; use a date cell or YYYY-MM-DD")


YES = frozenset({"yes", "y", "true", "1"})
NO = frozenset({"no", "n", "false", "0"})


def yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    shown = text(value)
    if shown is None:
        return None
    if shown.casefold() in YES:
        return True
    if shown.casefold() in NO:
        return False
    raise CellError("is not yes or no")


def one_of(
    value: Any, allowed: tuple[str, ...], what: str, *, underscores: bool = False
) -> str | None:
    """The word of ``allowed`` a cell names, any case, runs of spaces as one (and ``_`` as a
    space with ``underscores``); None for an empty cell; CellError naming the choices."""
    shown = text(value)
    if shown is None:
        return None
    if underscores:
        shown = shown.replace("_", " ")
    cleaned = " ".join(shown.casefold().split())
    if cleaned not in allowed:
        raise CellError(f"is not {what}; use one of: {', '.join(allowed)}")
    return cleaned


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)


def status(value: Any) -> Status | None:
    """A milestone status (any case; "not_started" as "not started")."""
    chosen = one_of(value, STATUSES, "a status", underscores=True)
    return None if chosen is None else Status(chosen)


def direction(value: Any) -> Direction | None:
    shown = text(value)
    if shown is None:
        return None
    try:
        return Direction(shown.casefold())
    except ValueError:
        raise CellError("is not a direction; use higher or lower (is better)") from None


def lines(value: Any) -> tuple[str, ...] | None:
    shown = text(value)
    if shown is None:
        return None
    return tuple(line.strip() for line in shown.splitlines() if line.strip())


_neutralised_short = keep_short_texts(neutralise_text)  # see ``xlsx_stream.SHORT_TEXT``


def render(value: Any) -> CellOut:
    """A field value as the cell to write."""
    kind = type(value)  # the common kinds first, exactly (a bool is an int, a Status a str)
    if kind is str:
        if len(value) <= SHORT_TEXT:
            return _neutralised_short(value) if value else None
        return neutralise_text(value)
    if kind is int or kind is float or kind is dt.date or value is None:
        return value  # type: ignore[no-any-return]
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Status | Direction):
        return value.value
    if isinstance(value, tuple):
        return neutralise_text("\n".join(value)) if value else None
    if isinstance(value, str):
        return neutralise_text(value) if value else None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int | float | dt.date):
        return value
    raise TypeError(f"cannot write {value!r} to a book workbook")

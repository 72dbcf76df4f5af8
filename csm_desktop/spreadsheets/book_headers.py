"""Which column of a sheet is which field: exact headers, a tracker's synonyms, ``--map``.

The app's own export writes the exact headers of DESIGN §5, but a CSM's tracker says
"Customer", "CSM", "Annual Contract Value (USD)", "kickoffDate" or "Renewal Date". A header
is compared after folding case, spacing, ``_`` and camelCase; then, for the columns still
unmatched, without the usual decorations (a trailing "name", "date" or "on", a leading
"annual", a currency). A missing required column is reported with the headers found and
the ones expected, so the CSM can rename one or pass ``--map COLUMN=FIELD``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from csm_desktop.errors import BadFile, BadInput
from csm_desktop.spreadsheets.usage_headers import column_letter, normalize_name

_DECORATION_SUFFIXES = ("name", "date", "on", "usd", "eur", "gbp", "amount")
_DECORATION_PREFIXES = ("annual", "customer", "account", "client")
_CURRENCY = re.compile(r"[$€£¥]")
IGNORE = "ignore"


def header_key(header: object) -> str:
    """A header compared loosely: "kickoffDate", "Kickoff_Date" and " kickoff date" meet."""
    return normalize_name(_CURRENCY.sub(" ", str(header)))  # camelCase is normalize_name's


def bare_key(header: object) -> str:
    """``header_key`` without its decorations ("Renewal Date" → "renewal"), never empty."""
    words = header_key(header).split()
    while len(words) > 1 and words[-1] in _DECORATION_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] in _DECORATION_PREFIXES:
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Named:
    """What a column-matching step needs to know of one field."""

    header: str  # the exact header of DESIGN §5
    field: str
    required: bool
    synonyms: tuple[str, ...]

    def match_keys(self) -> set[str]:
        return {header_key(name) for name in (self.header, self.field, *self.synonyms)}

    def bare_match_keys(self) -> set[str]:
        return {bare_key(name) for name in (self.header, *self.synonyms)}


@dataclass(frozen=True, slots=True)
class ColumnMatch:
    """Field → column position for one sheet, and the headers that matched nothing."""

    positions: dict[str, int]
    unused: tuple[str, ...]


def locate_columns(
    where: str,
    sheet: str,
    fields: Sequence[Named],
    header: Sequence[Any],
    column_map: Mapping[str, str] | None = None,
) -> ColumnMatch:
    """Each field's column in ``header``; ``BadFile`` naming found and expected headers when
    a required one is missing. ``column_map`` (COLUMN=FIELD, COLUMN a header or a letter)
    wins over any guess; FIELD may be the §5 header or a synonym, or ``ignore``."""
    texts = [str(cell).strip() if cell is not None else "" for cell in header]
    positions: dict[str, int] = {}
    taken: set[int] = set()
    for column, wanted in (column_map or {}).items():
        index = _mapped_column(column, texts, where, sheet)
        taken.add(index)
        if header_key(wanted) == IGNORE:
            continue
        named = _field_named(wanted, fields, sheet)
        positions[named.field] = index
    # Exact names first for every field ("Baseline on" must not go to Baseline), then the
    # names without decorations for the fields still unmatched.
    for shown, names_of in (
        ([header_key(t) if t else "" for t in texts], Named.match_keys),
        ([bare_key(t) if t else "" for t in texts], Named.bare_match_keys),
    ):
        for named in fields:
            if named.field in positions:
                continue
            names = names_of(named)
            hit = next(
                (i for i, k in enumerate(shown) if k and k in names and i not in taken), None
            )
            if hit is not None:
                positions[named.field] = hit
                taken.add(hit)
    missing = [n.header for n in fields if n.required and n.field not in positions]
    if missing:
        found = ", ".join(f'"{t}"' for t in texts if t) or "none"
        expected = ", ".join(n.header for n in fields)
        raise BadFile(
            f'{where}: sheet "{sheet}" has no column "{missing[0]}"'
            + (f" (nor {', '.join(repr(m) for m in missing[1:])})" if missing[1:] else "")
            + f". Headers found: {found}. Expected: {expected}. Rename the column, or name "
            f"it with --map COLUMN={missing[0]}."
        )
    unused = tuple(t for i, t in enumerate(texts) if t and i not in taken)
    return ColumnMatch(positions, unused)


def _mapped_column(column: str, texts: Sequence[str], where: str, sheet: str) -> int:
    key = header_key(column)
    for index, shown in enumerate(texts):
        if shown and header_key(shown) == key:
            return index
    for index in range(len(texts)):
        if column.strip().upper() == column_letter(index):
            return index
    found = ", ".join(f'"{t}"' for t in texts if t) or "none"
    raise BadInput(
        f'--map {column}=…: sheet "{sheet}" of {where} has no column {column!r} (neither a '
        f"header nor a column letter). Headers found: {found}."
    )


def _field_named(wanted: str, fields: Iterable[Named], sheet: str) -> Named:
    key = header_key(wanted)
    for named in fields:
        if key in named.match_keys():
            return named
    for named in fields:
        if bare_key(wanted) in named.bare_match_keys():
            return named
    choices = ", ".join(n.header for n in fields)
    raise BadInput(
        f"--map …={wanted}: {wanted!r} is not a column of the {sheet} sheet; use one of: "
        f"{choices}, or ignore."
    )

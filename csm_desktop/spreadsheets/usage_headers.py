"""What a usage file's column headers mean: field names, synonyms, and the CSM's overrides.

Every analytics tool names the same column its own way: "Company", "Associated Company",
"accountId", "Row Labels" (an Excel pivot), "event_type", "numEvents", "Sum of Count".
Headers are compared loosely (case, spaces, ``_``, camelCase and the "Sum of"/"Count of"
prefixes of pivot tables ignored; a JSON path such as ``properties.account`` by its last
part) against one list of synonyms per field, and every guess can be overridden with
``--map COLUMN=FIELD``. No SQL and no Qt: text in, field names out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from csm_desktop.errors import BadInput
from csm_desktop.spreadsheets.guards import column_letters, column_number

ACCOUNT, EXTERNAL_ID, DATE, FEATURE, COUNT, USERS, IGNORE = (
    "account",
    "external_id",
    "date",
    "feature",
    "count",
    "users",
    "ignore",
)
FEATURE_COLUMN = "feature_column"  # wide form: this column is a feature of its own
USER_ID = "user_id"  # event log: who did it; distinct ids per day are the active users

# Header names recognised per field, compared after normalize_name().
SYNONYMS: Mapping[str, frozenset[str]] = {
    ACCOUNT: frozenset({
        "account", "account name", "customer", "customer name", "company", "company name",
        "client", "client name", "organisation", "organization", "organisation name",
        "organization name", "org", "org name", "tenant", "tenant name", "associated company",
        "row labels", "account label",
    }),
    EXTERNAL_ID: frozenset({
        "account id", "external id", "customer id", "client id", "company id", "ext id",
        "external account id", "crm id", "organization id", "organisation id", "org id",
        "tenant id", "salesforce id", "sfdc id", "group id",
    }),
    DATE: frozenset({
        "date", "day", "time", "timestamp", "week", "event date", "event time", "usage date",
        "activity date", "date time", "datetime", "event timestamp", "client event time",
        "occurred at", "created at", "ts", "period", "week of", "week starting",
    }),
    FEATURE: frozenset({
        "feature", "feature name", "feature id", "event", "event name", "event type",
        "action", "activity", "event action", "tracked event",
    }),
    COUNT: frozenset({
        "count", "events", "value", "total", "totals", "event count", "usage count",
        "quantity", "num events", "number of events", "occurrences", "total events",
        "uses", "times used", "hits",
    }),
    USER_ID: frozenset({
        "user", "user id", "distinct id", "visitor", "visitor id", "anonymous id", "person id",
    }),
    USERS: frozenset({
        "users", "active users", "user count", "unique users", "distinct users", "uniques",
        "num users", "number of users", "total users", "visitors", "unique visitors",
        "num visitors", "active visitors",
    }),
}  # fmt: skip
# What --map FIELD may be called.
FIELD_ALIASES: Mapping[str, str] = {
    "account": ACCOUNT, "account name": ACCOUNT, "name": ACCOUNT,
    "external id": EXTERNAL_ID, "account id": EXTERNAL_ID, "id": EXTERNAL_ID,
    "date": DATE, "day": DATE,
    "feature": FEATURE, "event": FEATURE,
    "count": COUNT, "value": COUNT,
    "users": USERS, "active users": USERS,
    "user id": USER_ID, "user": USER_ID,
    "feature column": FEATURE_COLUMN, "wide feature": FEATURE_COLUMN,
    "as feature": FEATURE_COLUMN,
    "ignore": IGNORE, "skip": IGNORE,
}  # fmt: skip
FIELD_CHOICES = "account, external id, date, feature, count, users, user id, feature column, ignore"
# A column so named sums others: never a feature, never a day.
TOTAL_COLUMNS = frozenset({"total", "totals", "grand total", "subtotal", "sub total", "sum"})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NORMALIZE = re.compile(r"[\s_\-.:#/()$]+")
# Pivot tables name a value column "Sum of Count" or "Count of Event".
_AGGREGATE = re.compile(r"^(?:sum|count|average|avg|max|min|total) of ", re.IGNORECASE)


def normalize_name(text: object) -> str:
    """A header or field name compared loosely: "accountId", "Account_ID" and "account id"
    meet; case, camelCase and ``_ - . : # / ( ) $`` are ignored."""
    spaced = _CAMEL.sub(" ", str(text).strip())
    return _NORMALIZE.sub(" ", spaced.casefold()).strip()


def without_aggregate(text: str) -> str:
    """A header without a pivot's "Sum of "/"Count of " prefix: "Sum of Login" → "Login"."""
    return _AGGREGATE.sub("", text.strip()).strip()


def _field_of_name(name: str) -> str | None:
    for field_name, names in SYNONYMS.items():
        if name in names:
            return field_name
    return None


def field_of_header(cell: object) -> str | None:
    """The field a header name suggests, or None.

    "Sum of Events" is the count and "Sum of Active users" the users; a pivot's "Count of
    Event" or "Sum of Account" holds numbers, so it is the count too. ``properties.account``
    (a flattened JSON path) is read by its last part when the whole says nothing.
    """
    if not isinstance(cell, str) or not cell.strip():
        return None
    text = cell.strip()
    found = _field_of_name(normalize_name(text))
    if found is not None:
        return found
    bare = without_aggregate(text)
    if bare != text:
        inner = _field_of_name(normalize_name(bare))
        return inner if inner in (COUNT, USERS) else (COUNT if inner else None)
    if "." in text and " " not in text:
        return _field_of_name(normalize_name(text.rsplit(".", 1)[1]))
    return None


def is_total_column(text: str) -> bool:
    """A "Total" or "Grand Total" column: an aggregate of the others."""
    return normalize_name(text) in TOTAL_COLUMNS


def column_letter(index: int) -> str:
    """Excel's name for a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    return column_letters(index + 1)


def column_from_letters(text: str) -> int | None:
    """The 0-based column of an Excel letter name ("C" → 2), or None for other text."""
    if not (1 <= len(text) <= 3 and text.isascii() and text.isalpha()):
        return None
    return column_number(text) - 1


def parse_column_map(entries: Iterable[str]) -> dict[str, str]:
    """``COLUMN=FIELD`` strings (as typed after --map) into a column → field mapping."""
    mapping: dict[str, str] = {}
    for entry in entries:
        column, sep, field_name = entry.rpartition("=")
        if not sep or not column.strip():
            raise BadInput(f"--map {entry!r}: write COLUMN=FIELD, for example 'Kunde=account'.")
        mapping[column.strip()] = field_name.strip()
    return mapping


def field_of_choice(column: str, choice: str) -> str:
    """The field a ``--map`` value names; ``BadInput`` naming the choices otherwise."""
    field_name = FIELD_ALIASES.get(normalize_name(choice))
    if field_name is None:
        raise BadInput(
            f"--map {column}={choice}: unknown field {choice!r}; use one of {FIELD_CHOICES}."
        )
    return field_name

"""The book workbook's sheets (DESIGN §5): typed rows, column headers and cell kinds.

Each sheet is declared once here, with its fixed headers, the synonyms a tracker may use and
how each cell is parsed; ``book_writer`` writes these sheets and ``book_workbook`` reads them.
Conventions of the format are described in ``book_workbook``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.spreadsheets import book_cells as cell
from csm_desktop.spreadsheets import learning_sheets as learning
from csm_desktop.spreadsheets.book_cells import Parse
from csm_desktop.spreadsheets.book_headers import Named
from csm_desktop.spreadsheets.learning_sheets import FeedbackRow, RenewalRow

# Excel's own limits: one sheet holds 1,048,576 rows (one is the header).
MAX_DATA_ROWS = 1_048_575

# The row types are not frozen: a frozen dataclass sets each field through
# object.__setattr__, which made building 115,000 rows cost as much as parsing their cells.
# Nothing changes a row once read.


@dataclass(slots=True)
class AccountRow:
    name: str
    external_id: str | None = None
    segment: str | None = None
    industry: str | None = None
    seats: int | None = None
    arr: float | None = None
    owner: str | None = None
    signed_on: dt.date | None = None
    kickoff_on: dt.date | None = None
    renewal_on: dt.date | None = None
    playbook: str | None = None
    variant: str | None = None
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class ContactRow:
    account: str
    name: str
    role: str | None = None
    email: str | None = None
    title: str | None = None
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class MilestoneRow:
    account: str
    milestone: str
    role: str
    target_day: int
    due_on: dt.date | None = None
    status: Status = Status.NOT_STARTED
    started_on: dt.date | None = None
    achieved_on: dt.date | None = None
    evidence: str | None = None
    definition_of_done: str | None = None
    first_value: bool = False
    unlocks: str | None = None
    success_feature: str | None = None
    success_threshold: int | None = None
    success_window_days: int | None = None
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class KickoffRow:
    account: str
    held_on: dt.date | None = None
    attendees: str | None = None
    success_statement: str | None = None
    definition_of_done: tuple[str, ...] = ()
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class ValueMetricRow:
    """One measurement of a metric; a metric not yet measured has no value and date."""

    account: str
    metric: str
    unit: str | None = None
    direction: Direction = Direction.HIGHER
    baseline: float | None = None
    baseline_on: dt.date | None = None
    value: float | None = None
    measured_on: dt.date | None = None
    target: float | None = None
    row: int = field(default=0, compare=False)


@dataclass(slots=True)
class UsageRow:
    account: str
    day: dt.date
    feature: str
    count: int
    active_users: int | None = None
    row: int = field(default=0, compare=False)
    # The sheet the row was read from: Usage, or Usage 2, 3… of a split export.
    sheet: str = field(default="Usage", compare=False)


@dataclass(slots=True)
class FeatureRow:
    """One entry of the book's feature vocabulary; aliases as written, ``;``-separated."""

    feature: str
    display_name: str | None = None
    aliases: str | None = None
    row: int = field(default=0, compare=False)


@dataclass
class BookWorkbook:
    """Everything one book workbook holds, sheet by sheet, in sheet order."""

    accounts: list[AccountRow] = field(default_factory=list)
    contacts: list[ContactRow] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    kickoffs: list[KickoffRow] = field(default_factory=list)
    value_metrics: list[ValueMetricRow] = field(default_factory=list)
    usage: list[UsageRow] = field(default_factory=list)
    features: list[FeatureRow] = field(default_factory=list)
    renewals: list[RenewalRow] = field(default_factory=list)
    feedback: list[FeedbackRow] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """Rows per sheet, by sheet name, in sheet order."""
        return {sheet.name: len(getattr(self, sheet.attribute)) for sheet in SHEETS}


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that cannot be used, and why, in words a CSM can fix the file with."""

    sheet: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class BookReading:
    """What was read from a workbook: the usable rows and the rejected ones."""

    book: BookWorkbook
    rejected: list[RejectedRow]
    rows_read: int
    # Account name → Accounts row, for rejected rows whose name was readable, so the
    # account's other rows can say why they are rejected too.
    rejected_accounts: dict[str, int] = field(default_factory=dict)
    # Fields each sheet read had a column for (sheet name → fields); a sheet not read at all
    # is absent. A tracker without a Playbook column leaves stored playbooks alone.
    columns_read: dict[str, frozenset[str]] = field(default_factory=dict)
    # Sheets of the file that are not book sheets, and headers that matched no field.
    ignored: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    field: str
    parse: Parse
    required: bool = False
    synonyms: tuple[str, ...] = ()  # what a tracker may call it (see book_headers)

    @property
    def named(self) -> Named:
        return Named(self.header, self.field, self.required, self.synonyms)


@dataclass(frozen=True, slots=True)
class Sheet:
    name: str
    row_type: type[Any]
    attribute: str  # the BookWorkbook list it fills
    columns: tuple[Column, ...]

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(column.header for column in self.columns)


ACCOUNTS = "Accounts"
DATE = cell.iso_date  # replaced per column by a DateColumn when a sheet is read

SHEETS: tuple[Sheet, ...] = (
    Sheet(ACCOUNTS, AccountRow, "accounts", (
        Column("Account", "name", cell.text, required=True, synonyms=(
            "customer", "company", "client", "organisation", "organization", "account name")),
        Column("External ID", "external_id", cell.text, synonyms=(
            "account id", "customer id", "crm id", "ext id", "salesforce id", "id")),
        Column("Segment", "segment", cell.text, synonyms=("tier", "customer segment")),
        Column("Industry", "industry", cell.text, synonyms=("vertical", "sector")),
        Column("Seats", "seats", cell.whole_number, synonyms=(
            "licenses", "licences", "licensed users", "seat count", "users")),
        Column("ARR", "arr", cell.money, synonyms=(
            "annual value", "contract value", "annual contract value", "acv",
            "annual recurring revenue", "arr value")),
        Column("Owner", "owner", cell.text, synonyms=(
            "csm", "account owner", "customer success manager", "success manager",
            "assigned csm", "csm owner")),
        Column("Signed on", "signed_on", DATE, synonyms=(
            "signed", "signed date", "close date", "closed won", "contract start", "start date",
            "signature date")),
        Column("Kickoff on", "kickoff_on", DATE, synonyms=("kickoff", "kick off", "kickoff date")),
        Column("Renewal on", "renewal_on", DATE, synonyms=(
            "renewal", "renewal date", "renews on", "contract end", "end date")),
        Column("Playbook", "playbook", cell.text, synonyms=("onboarding playbook",)),
        Column("Variant", "variant", cell.text, synonyms=("experiment variant",)),
    )),
    Sheet("Contacts", ContactRow, "contacts", (
        Column("Account", "account", cell.text, required=True, synonyms=(
            "customer", "company", "client")),
        Column("Name", "name", cell.text, required=True, synonyms=("contact", "full name")),
        Column("Role", "role", cell.text),
        Column("Email", "email", cell.text, synonyms=("e-mail", "email address")),
        Column("Title", "title", cell.text, synonyms=("job title",)),
    )),
    Sheet("Milestones", MilestoneRow, "milestones", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Milestone", "milestone", cell.text, required=True),
        Column("Role", "role", cell.text, required=True),
        Column("Target day", "target_day", cell.whole_number, required=True),
        Column("Due on", "due_on", DATE),
        Column("Status", "status", cell.status),
        Column("Started on", "started_on", DATE),
        Column("Achieved on", "achieved_on", DATE),
        Column("Evidence", "evidence", cell.text),
        Column("Definition of done", "definition_of_done", cell.text),
        Column("First value", "first_value", cell.yes_no),
        Column("Unlocks", "unlocks", cell.text),
        Column("Success feature", "success_feature", cell.text),
        Column("Success threshold", "success_threshold", cell.whole_number),
        Column("Success window days", "success_window_days", cell.whole_number),
    )),
    Sheet("Kickoffs", KickoffRow, "kickoffs", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Held on", "held_on", DATE),
        Column("Attendees", "attendees", cell.text),
        Column("Success statement", "success_statement", cell.text),
        Column("Definition of done", "definition_of_done", cell.lines),
    )),
    Sheet("Value metrics", ValueMetricRow, "value_metrics", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Metric", "metric", cell.text, required=True),
        Column("Unit", "unit", cell.text),
        Column("Direction", "direction", cell.direction, required=True),
        Column("Baseline", "baseline", cell.number),
        Column("Baseline on", "baseline_on", DATE),
        Column("Value", "value", cell.number),
        Column("Measured on", "measured_on", DATE),
        Column("Target", "target", cell.number),
    )),
    Sheet("Usage", UsageRow, "usage", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Date", "day", DATE, required=True),
        Column("Feature", "feature", cell.text, required=True),
        Column("Count", "count", cell.whole_number, required=True),
        Column("Active users", "active_users", cell.whole_number),
    )),
    Sheet("Features", FeatureRow, "features", (
        Column("Feature", "feature", cell.text, required=True, synonyms=("key", "event")),
        Column("Display name", "display_name", cell.text, synonyms=("label",)),
        Column("Aliases", "aliases", cell.text, synonyms=("other names", "spellings")),
    )),
    # The learning loop (issue 18; row types and cell kinds in learning_sheets).
    Sheet("Renewals", RenewalRow, "renewals", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Renewal on", "renewal_on", DATE, required=True, synonyms=("renewal date",)),
        Column("Outcome", "outcome", learning.outcome, required=True),
        Column("ARR before", "arr_before", cell.money),
        Column("ARR after", "arr_after", cell.money),
    )),
    Sheet("Feedback", FeedbackRow, "feedback", (
        Column("Account", "account", cell.text, required=True, synonyms=("customer",)),
        Column("Date", "given_on", DATE, required=True),
        Column("Milestone", "milestone", cell.text),
        Column("Contact", "contact", cell.text),
        Column("Sentiment", "sentiment", learning.sentiment),
        Column("Text", "text", cell.text, required=True, synonyms=("feedback", "quote")),
        Column("Quotable", "quotable", cell.yes_no, synonyms=("may be quoted",)),
    )),
)  # fmt: skip

SHEET_HEADERS: dict[str, tuple[str, ...]] = {sheet.name: sheet.headers for sheet in SHEETS}


USAGE = "Usage"
_USAGE_PART = re.compile(r"usage (\d+)")


def usage_part(name: str) -> int | None:
    """The part number of a split export's usage sheet ("Usage 2" → 2), else None; names are
    compared ignoring case and spacing."""
    found = _USAGE_PART.fullmatch(" ".join(name.split()).casefold())
    number = int(found.group(1)) if found else None
    return number if number is not None and number >= 2 else None


def sheet_order(name: str) -> tuple[int, int]:
    """Where rows of the sheet ``name`` are listed: in sheet order, the parts of a split
    Usage sheet after Usage itself."""
    names = [sheet.name for sheet in SHEETS]
    part = usage_part(name)
    if part is not None:
        return names.index(USAGE), part
    return (names.index(name) if name in names else len(names)), 0

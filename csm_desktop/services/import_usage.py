"""Import a product-usage spreadsheet into the book: the use case behind the wizard and CLI.

The import reads and checks the whole file first (``spreadsheets``), matches accounts by
external id and then by name ignoring case and surrounding space, and only then stores all
usable rows in one transaction, as an upsert on (account, day, feature) so importing the
same data again changes nothing (DESIGN §5). Milestone evidence of the touched accounts is
recomputed in the same transaction. Rows it cannot use are listed with row, column, value
and reason, and saved as a CSV next to the source; ``strict`` refuses the whole file
instead. A hostile or broken file, a cancel or a crash leaves the database as it was.

The rows go in through SQLAlchemy Core's SQLite upsert, compiled once and executed with
plain tuples on the session's own connection: one ORM object per row would make a
180,000-row import ten times slower than reading the file (DESIGN §7).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import chain, compress, islice
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func, insert, select, union
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session

from csm_desktop.errors import BadFile, BadInput, UserError
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.evidence import EvidenceUpdate, refresh_usage_evidence
from csm_desktop.spreadsheets.guards import DEFAULT_LIMITS, Limits, check_workbook
from csm_desktop.spreadsheets.readers import Row, file_kind, read_table, sheet_names
from csm_desktop.spreadsheets.safe_cells import write_safe_csv
from csm_desktop.spreadsheets.usage_layout import (
    ACCOUNT,
    EXTERNAL_ID,
    HEADER_SCAN_ROWS,
    RejectedRow,
    UsageLayout,
    UsageRows,
    detect_layout,
    extract_usage,
    find_header_row,
)
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    ImportRecord,
    MilestoneTemplate,
    UsageEvent,
)

Progress = Callable[[str, float], None]  # (what is happening, fraction done 0…1)
CancelCheck = Callable[[], bool]  # True once the user asked to cancel

STORE_CHUNK = 20_000  # rows per executemany, so progress moves and Cancel is honoured
REJECTED_COLUMNS = ("Sheet", "Row", "Column", "Value", "Reason")


class ImportCancelled(UserError):
    """The user cancelled the import before it was committed; nothing was stored."""


@dataclass(frozen=True, slots=True)
class UsageImportOptions:
    """What the CSM chose in the wizard (or on the command line); None means auto-detect."""

    sheet: str | None = None
    header_row: int | None = None  # 1-based, as Excel shows it
    column_map: Mapping[str, str] = field(default_factory=dict)  # header or letter → field
    date_format: str | None = None  # strptime codes or DD/MM/YYYY words
    create_accounts: bool = False
    strict: bool = False


@dataclass(frozen=True, slots=True)
class UsagePreview:
    """The top of a usage file and the layout found in it, for the wizard's preview step."""

    source: Path
    sheet_names: tuple[str, ...]  # () for CSV
    sheet: str | None
    rows: list[Row]  # the first rows of the sheet, row i is the sheet's row i + 1
    layout: UsageLayout | None  # None when detection failed
    problem: str | None  # why detection failed, worded for the CSM


@dataclass(frozen=True, slots=True)
class UsageImportReport:
    """What an import did, for the wizard's last page and the CLI summary."""

    source: Path
    sheet: str | None
    header_row: int
    form: str  # "long" or "wide"
    rows_read: int  # data rows under the header
    rows_stored: int  # usage events written (new or updated)
    events_new: int  # of those, events the book did not have before
    rows_rejected: int  # distinct source rows with at least one problem
    rejected_rows: tuple[RejectedRow, ...]
    rejected_rows_file: Path | None
    unmatched_accounts: tuple[str, ...]
    created_accounts: tuple[str, ...]
    accounts_touched: int
    evidence: EvidenceUpdate
    import_id: int
    warnings: tuple[str, ...] = ()


def rejected_file_path(source: Path) -> Path:
    """Where the rejected rows of ``source`` are saved: next to it."""
    return source.with_name(f"{source.stem}.rejected-rows.csv")


def preview_usage_file(
    path: Path, options: UsageImportOptions | None = None, *, rows: int = 50
) -> UsagePreview:
    """The top of the file with its detected layout; a detection failure is a ``problem``.

    Hostile or unreadable files still raise ``BadFile``: there is nothing to preview.
    """
    options = options or UsageImportOptions()
    path = Path(path)
    names, sheet = _vet_and_choose_sheet(path, options.sheet, DEFAULT_LIMITS)
    top = max(rows, HEADER_SCAN_ROWS, (options.header_row or 0) + 1)
    table = read_table(path, sheet, max_rows=top, vetted=True)
    try:
        layout = detect_layout(table, header_row=options.header_row, column_map=options.column_map)
    except UserError as exc:
        return UsagePreview(path, names, table.sheet, table.rows[:rows], None, str(exc))
    return UsagePreview(path, names, table.sheet, table.rows[:rows], layout, None)


def import_usage(
    book: Database,
    path: Path,
    options: UsageImportOptions | None = None,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    limits: Limits = DEFAULT_LIMITS,
    recorded_at: dt.datetime | None = None,
) -> UsageImportReport:
    """Import the usage file at ``path`` into ``book``; see the module docstring.

    Safe to run in a worker thread (it opens its own session). Raises ``BadFile`` for a
    file that cannot be imported, ``BadInput`` for an override that does not fit it and
    ``ImportCancelled`` when ``cancelled()`` turned true before the commit; in every such
    case the database is unchanged.
    """
    options = options or UsageImportOptions()
    path = Path(path)
    report = progress or _no_progress
    is_cancelled = cancelled or _never

    def checkpoint(stage: str, fraction: float) -> None:
        if is_cancelled():
            raise ImportCancelled(f"Import of {path.name} cancelled; nothing was changed.")
        report(stage, fraction)

    checkpoint(f"Reading {path.name}…", 0.0)
    _names, sheet = _vet_and_choose_sheet(path, options.sheet, limits)
    table = read_table(path, sheet, limits=limits, vetted=True)
    checkpoint(f"Checking {len(table.rows):,} rows…", 0.35)
    layout = detect_layout(table, header_row=options.header_row, column_map=options.column_map)
    usage = extract_usage(table, layout, date_format=options.date_format, limits=limits)
    sheet = table.sheet
    del table  # the cells are no longer needed; free them before storing
    checkpoint("Matching accounts…", 0.5)
    digest = _sha256(path)
    with book.session() as session:
        matched = _match_accounts(session, usage, layout, options.create_accounts)
        matched = _in_ladder_spelling(session, matched)
        events = _merge_duplicates(matched)
        rejected = tuple(sorted(usage.rejected + list(matched.rejected), key=_by_row))
        rejected_file = None
        if rejected and options.strict and any(problem.blocking for problem in rejected):
            rejected_file, _warning = _save_rejected(path, sheet or "", rejected)
            raise BadFile(_strict_message(path, rejected, rejected_file))
        before = _count_events(session)
        _store_events(session, events, checkpoint)
        stored_total = _count_events(session)
        touched = set(events.account_ids)
        checkpoint("Updating milestone evidence…", 0.9)
        evidence = refresh_usage_evidence(session, touched, recorded_at=recorded_at)
        rows_rejected = len({problem.row for problem in rejected})
        import_id = session.execute(
            insert(ImportRecord).returning(ImportRecord.id),
            {
                "kind": "usage",
                "file_name": path.name,
                "sha256": digest,
                "imported_at": recorded_at or dt.datetime.now(),
                "rows_read": usage.rows_read,
                "rows_stored": len(events.days),
                "rows_rejected": rows_rejected,
            },
        ).scalar_one()
        checkpoint("Saving…", 0.97)
        warnings = list(events.warnings)
        if rejected:
            rejected_file, warning = _save_rejected(path, sheet or "", rejected)
            warnings.extend(warning)
    report("Done", 1.0)
    return UsageImportReport(
        source=path,
        sheet=sheet,
        header_row=layout.header_row,
        form=layout.form,
        rows_read=usage.rows_read,
        rows_stored=len(events.days),
        events_new=stored_total - before,
        rows_rejected=rows_rejected,
        rejected_rows=rejected,
        rejected_rows_file=rejected_file,
        unmatched_accounts=matched.unmatched,
        created_accounts=matched.created,
        accounts_touched=len(touched),
        evidence=evidence,
        import_id=import_id,
        warnings=tuple(warnings),
    )


def _by_row(problem: RejectedRow) -> int:
    return problem.row


def _no_progress(_stage: str, _fraction: float) -> None:
    return None


def _never() -> bool:
    return False


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


# ----------------------------------------------------------------------------- sheet


def _vet_and_choose_sheet(
    path: Path, sheet: str | None, limits: Limits
) -> tuple[tuple[str, ...], str | None]:
    """Run the hostile-file checks once and pick the sheet: given, "Usage", or the first
    whose top rows hold a usage header."""
    if file_kind(path, limits) == "csv":
        return (), None
    check_workbook(path, limits)
    names = sheet_names(path, limits, vetted=True)
    if sheet is not None or len(names) <= 1:
        return names, sheet
    for name in names:
        if name.strip().casefold() == "usage":
            return names, name
    for name in names:
        top = read_table(path, name, limits=limits, max_rows=HEADER_SCAN_ROWS, vetted=True)
        try:
            find_header_row(top.rows, top.where)
        except BadFile:
            continue
        return names, name
    return names, names[0]


# ----------------------------------------------------------------------------- accounts


@dataclass(frozen=True, slots=True)
class _Matched:
    """Usage rows whose account is known, as parallel columns ready to store."""

    rows: list[int]
    account_ids: list[int]
    days: list[str]
    features: list[str]
    counts: list[int]
    users: list[int | None]
    rejected: tuple[RejectedRow, ...]
    unmatched: tuple[str, ...]
    created: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Events:
    account_ids: list[int]
    days: list[str]
    features: list[str]
    counts: list[int]
    users: list[int | None]
    warnings: tuple[str, ...]


def _match_accounts(
    session: Session, usage: UsageRows, layout: UsageLayout, create: bool
) -> _Matched:
    """Account ids for every row: external id first, then name ignoring case and space."""
    by_external: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for account_id, account_name, account_external_id in session.execute(
        select(Account.id, Account.name, Account.external_id)
    ):
        by_name[account_name.strip().casefold()] = account_id
        if account_external_id and account_external_id.strip():
            by_external[account_external_id.strip()] = account_id
    names = usage.names
    externals = usage.external_ids
    # One key per row: (external id, name) when the file has both columns, else the one it
    # has, paired with "" only for the few distinct values (per-row tuples cost time).
    keys: Sequence[Hashable]
    pairs: dict[Hashable, tuple[str, str]]
    if externals is not None and names is not None:
        both = list(zip(externals, names, strict=True))
        keys, pairs = both, {key: key for key in set(both)}
    elif externals is not None:
        keys, pairs = externals, {key: (key, "") for key in set(externals)}
    else:
        only = names or []
        keys, pairs = only, {key: ("", key) for key in set(only)}
    ids: dict[Hashable, int | None] = {}
    for key, (external_id, name) in pairs.items():
        found = by_external.get(external_id) if external_id else None
        if found is None and name:
            found = by_name.get(name.casefold())
            if found is None and externals is None:
                found = by_external.get(name)  # the account column holds external ids
        ids[key] = found
    created: list[str] = []
    if create:
        for key in sorted((key for key, found in ids.items() if found is None), key=str):
            external_id, name = pairs[key]
            label = name or external_id
            known_id = by_name.get(label.casefold())
            if known_id is None:
                known_id = session.execute(
                    insert(Account).returning(Account.id),
                    {"name": label, "external_id": external_id or None, "archived": False},
                ).scalar_one()
                by_name[label.casefold()] = known_id
                if external_id:
                    by_external[external_id] = known_id
                created.append(label)
            ids[key] = known_id
    row_ids = list(map(ids.__getitem__, keys))
    unknown = {key for key, found in ids.items() if found is None}
    rejected: list[RejectedRow] = []
    if unknown:
        column = layout.column_name(layout.columns.get(ACCOUNT, layout.columns.get(EXTERNAL_ID, 0)))
        seen: set[int] = set()
        unmatched: dict[str, str] = {}  # casefolded → first spelling in the file
        for row, key in zip(usage.rows, keys, strict=True):
            if key in unknown and row not in seen:
                seen.add(row)
                external_id, name = pairs[key]
                label = name or external_id
                unmatched.setdefault(label.casefold(), label)
                rejected.append(
                    RejectedRow(
                        row,
                        column,
                        label,
                        "unknown account: no account has this external id or name; add it "
                        "to the book or import with create accounts",
                    )
                )
        keep = [found is not None for found in row_ids]
        return _Matched(
            list(compress(usage.rows, keep)),
            list(compress(row_ids, keep)),  # type: ignore[arg-type]  # None filtered out
            list(compress(usage.days, keep)),
            list(compress(usage.features, keep)),
            list(compress(usage.counts, keep)),
            list(compress(usage.users, keep)),
            tuple(rejected),
            tuple(sorted(unmatched.values(), key=str.casefold)),
            tuple(created),
        )
    return _Matched(
        usage.rows,
        row_ids,  # type: ignore[arg-type]  # no None left
        usage.days,
        usage.features,
        usage.counts,
        usage.users,
        (),
        (),
        tuple(created),
    )


def _in_ladder_spelling(session: Session, matched: _Matched) -> _Matched:
    """Store a feature the ladders name in the ladders' spelling.

    Features match ignoring case and surrounding space (an export's "Workflow_Run " is the
    ladder's "workflow_run"); storing one spelling lets adoption, repeat usage and the charts
    compare exactly, which keeps the 5,000-account metrics on their index.
    """
    names = session.scalars(
        union(
            select(AccountMilestone.unlocks),
            select(AccountMilestone.success_feature),
            select(MilestoneTemplate.unlocks),
            select(MilestoneTemplate.success_feature),
        )
    )
    ladder = {name.strip().casefold(): name for name in names if name}
    spelled = {f: ladder.get(f.strip().casefold(), f) for f in set(matched.features)}
    if all(spelled[f] == f for f in spelled):
        return matched
    return replace(matched, features=[spelled[f] for f in matched.features])


def _merge_duplicates(matched: _Matched) -> _Events:
    """One event per (account, day, feature): repeated rows (e.g. one per user) add up."""
    keys = list(zip(matched.account_ids, matched.days, matched.features, strict=True))
    if len(set(keys)) == len(keys):
        return _Events(
            matched.account_ids, matched.days, matched.features, matched.counts, matched.users, ()
        )
    totals: dict[tuple[int, str, str], list[Any]] = {}
    repeated = 0
    for key, count, users in zip(keys, matched.counts, matched.users, strict=True):
        total = totals.get(key)
        if total is None:
            totals[key] = [count, users]
            continue
        repeated += 1
        total[0] += count
        if users is not None:
            total[1] = users if total[1] is None else total[1] + users
    warning = (
        f"{repeated:,} rows repeat an account, date and feature of an earlier row; their "
        "counts (and active users) were added up."
    )
    return _Events(
        [key[0] for key in totals],
        [key[1] for key in totals],
        [key[2] for key in totals],
        [value[0] for value in totals.values()],
        [value[1] for value in totals.values()],
        (warning,),
    )


# ----------------------------------------------------------------------------- storing


_COLUMNS = ("account_id", "day", "feature", "count", "active_users")
ROWS_PER_STATEMENT = 100  # 500 parameters, far below SQLite's limit of 32,766


def _upsert(values: Any = None) -> Any:
    """INSERT … ON CONFLICT (account_id, day, feature) DO UPDATE, only when values differ."""
    statement = sqlite.insert(UsageEvent)
    if values is not None:
        statement = statement.values(values)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[UsageEvent.account_id, UsageEvent.day, UsageEvent.feature],
        set_={"count": excluded["count"], "active_users": excluded.active_users},
        where=(UsageEvent.count != excluded["count"])
        | UsageEvent.active_users.is_distinct_from(excluded.active_users),
    )


@cache
def _sqlite_upsert_sql(rows: int) -> str:
    """The upsert for ``rows`` rows per statement, compiled once by SQLAlchemy Core.

    Many rows per statement save SQLite a statement step per row (2.5× faster here); the
    parameters are positional, row after row, in the order of ``_COLUMNS``.
    """
    names = [[f"{column}_{row}" for column in _COLUMNS] for row in range(rows)]
    values: list[dict[str, Any]] = [
        {column: bindparam(name) for column, name in zip(_COLUMNS, row_names, strict=True)}
        for row_names in names
    ]
    compiled = _upsert(values).compile(dialect=sqlite.dialect())
    expected = [name for row_names in names for name in row_names]
    if list(compiled.positiontup or ()) != expected:
        raise AssertionError(f"unexpected parameter order {compiled.positiontup}")
    return str(compiled)


def _store_events(
    session: Session, events: _Events, checkpoint: Callable[[str, float], None]
) -> None:
    """Upsert all events in chunks through the session's connection (same transaction)."""
    total = len(events.days)
    if not total:
        return
    connection = session.connection()
    rows: Iterator[tuple[int, str, str, int, int | None]] = zip(
        events.account_ids, events.days, events.features, events.counts, events.users, strict=True
    )
    if connection.dialect.name != "sqlite":  # e.g. a shared PostgreSQL book: plain Core
        for done in range(0, total, STORE_CHUNK):
            chunk = [
                dict(zip(_COLUMNS, (a, dt.date.fromisoformat(d), f, c, u), strict=True))
                for a, d, f, c, u in islice(rows, STORE_CHUNK)
            ]
            session.execute(_upsert(), chunk)
            checkpoint(f"Storing {done + len(chunk):,} of {total:,} events…", _stored(done, total))
        return
    # The DBAPI connection under the session: same transaction, none of the ORM's per-row
    # work. Days are ISO text, exactly as SQLAlchemy's SQLite Date type stores them.
    raw = connection.connection.driver_connection
    assert raw is not None
    many, one = _sqlite_upsert_sql(ROWS_PER_STATEMENT), _sqlite_upsert_sql(1)
    cursor = raw.cursor()
    try:
        done = 0
        while done < total:
            size = min(STORE_CHUNK, total - done)
            whole = size - size % ROWS_PER_STATEMENT
            flat = chain.from_iterable(islice(rows, whole))
            # zip(*[it] * n) groups an iterator into n-tuples: one statement's parameters.
            cursor.executemany(
                many, zip(*[flat] * (ROWS_PER_STATEMENT * len(_COLUMNS)), strict=True)
            )
            cursor.executemany(one, islice(rows, size - whole))
            done += size
            checkpoint(f"Storing {done:,} of {total:,} events…", _stored(done, total))
    finally:
        cursor.close()


def _stored(done: int, total: int) -> float:
    return 0.5 + 0.4 * done / total


def _count_events(session: Session) -> int:
    return session.execute(select(func.count()).select_from(UsageEvent)).scalar_one()


# ----------------------------------------------------------------------------- rejected


def _save_rejected(
    source: Path, sheet: str, rejected: Sequence[RejectedRow]
) -> tuple[Path | None, list[str]]:
    """Write the rejected rows next to the source; a failure to write is a warning."""
    target = rejected_file_path(source)
    rows = [(sheet, p.row, p.column, p.value, p.reason) for p in rejected]
    try:
        written = write_safe_csv(target, REJECTED_COLUMNS, rows, chosen_by_user=False)
    except UserError as exc:
        return None, [f"The rejected rows could not be saved: {exc}"]
    return written, []


def copy_rejected_rows(report: UsageImportReport, target: Path) -> Path:
    """Save a copy of the import's rejected-rows file where the CSM chose (a save dialog).

    Written like every export (``write_output_file``): never over the book, atomically.
    """
    source = report.rejected_rows_file
    if source is None:
        raise BadInput("This import rejected no rows; there is nothing to save.")
    if Path(target).resolve() == source.resolve():
        return source
    return write_output_file(Path(target), lambda temporary: shutil.copyfile(source, temporary))


def _strict_message(path: Path, rejected: Sequence[RejectedRow], saved: Path | None) -> str:
    blocking = [problem for problem in rejected if problem.blocking]
    first = blocking[0]
    rows = len({problem.row for problem in blocking})
    where = f"row {first.row}" + (f", column {first.column}" if first.column else "")
    listed = f" They are listed in {saved}." if saved else ""
    return (
        f"{path.name}: {rows:,} rows cannot be used (first: {where}: {first.reason}, value "
        f"{first.value!r}).{listed} Nothing was imported (strict mode); fix them and try again."
    )


__all__ = [
    "CancelCheck",
    "ImportCancelled",
    "Progress",
    "UsageImportOptions",
    "UsageImportReport",
    "UsagePreview",
    "copy_rejected_rows",
    "import_usage",
    "preview_usage_file",
    "rejected_file_path",
]

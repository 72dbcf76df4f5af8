"""Export a whole book to a workbook and import one back (DESIGN §5, "Book workbook").

This is how a CSM leaves a spreadsheet tracker, backs a book up or hands it over. An import
reads and checks the whole file first, then stores every usable row in one transaction:
a failed or cancelled import leaves the book as it was. Rows it cannot use are listed and
saved as a rejected-rows CSV next to the source; ``strict`` stores nothing if any row is bad.

Merge rule: an account already in the book with the same name (ignoring case and surrounding
space) is updated, not rejected: its Accounts-sheet values replace the stored ones (an empty
cell clears the value), and its contacts, milestones, kickoff, value metrics and usage are
matched by name, (milestone, role), account, metric and measured date, and (date, feature)
respectively, updated when found and added when new. Nothing is ever deleted, so importing
the same workbook twice changes nothing the second time.

A CSM's own tracker is a workbook too (DESIGN §9): only the accounts sheet is needed, and a
column the tracker does not have leaves the stored value alone. A new account that the file
gives neither a playbook nor a milestone gets the book's default playbook and its ladder
(``services.default_playbook``), so it never shows an empty ladder. The Features sheet
carries the feature vocabulary; a spelling that already names another feature is rejected.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from csm_desktop.domain.features import FeatureEntry, feature_match_key, split_aliases
from csm_desktop.domain.ladder import due_on, reference_date
from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadInput, UserError
from csm_desktop.safe_output import check_output_target
from csm_desktop.services.default_playbook import default_playbook
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.features import read_vocabulary, write_feature
from csm_desktop.services.ladder import apply_playbook
from csm_desktop.services.learning_workbook import check_learning, export_learning, store_learning
from csm_desktop.spreadsheets.book_workbook import (
    SHEET_HEADERS,
    AccountRow,
    BookReading,
    BookWorkbook,
    ContactRow,
    FeatureRow,
    KickoffRow,
    MilestoneRow,
    RejectedRow,
    UsageRow,
    ValueMetricRow,
    read_book_workbook,
    rejected_rows_table,
    write_book_workbook,
)
from csm_desktop.spreadsheets.safe_cells import write_safe_csv
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Experiment,
    Feature,
    ImportRecord,
    Kickoff,
    Measurement,
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    StatusChange,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.usage_rows import store_usage_rows, usage_rows

IMPORTED_VARIANTS = "Imported variants"
_PLAIN_ACCOUNT_FIELDS = (
    "external_id",
    "segment",
    "industry",
    "seats",
    "arr",
    "owner",
    "signed_on",
    "kickoff_on",
    "renewal_on",
)


@dataclass
class BookExportReport:
    """What an export wrote: the file and the data rows per sheet."""

    path: Path
    rows_by_sheet: dict[str, int]


@dataclass
class BookImportReport:
    """What an import read, stored and rejected; ``stored`` is False when nothing was kept."""

    source: Path
    strict: bool
    rows_read: int = 0
    rows_stored: int = 0
    stored: bool = False
    accounts_created: int = 0
    accounts_updated: int = 0
    rows_by_sheet: dict[str, int] = field(default_factory=dict)
    rejected_rows: list[RejectedRow] = field(default_factory=list)
    rejected_file: Path | None = None
    warnings: list[str] = field(default_factory=list)
    # New accounts that got the default playbook's ladder, and which playbook that was.
    ladders_added: int = 0
    default_playbook: str | None = None
    # New accounts put on the default playbook without a ladder: no date to schedule it from.
    unscheduled: int = 0
    # Sheets and columns of the file that are not part of a book (a tracker's own notes).
    ignored: list[str] = field(default_factory=list)

    @property
    def rows_rejected(self) -> int:
        """Distinct rows rejected (one row may have several bad cells)."""
        return len({(r.sheet, r.row) for r in self.rejected_rows})


def _key(text: str) -> str:
    return text.strip().casefold()


# ---- export ------------------------------------------------------------------------------


def export_book(database: Database, path: Path) -> BookExportReport:
    """Write the whole book to ``path`` (.xlsx); the file is replaced only when complete."""
    path = Path(path)
    if path.suffix.casefold() != ".xlsx":
        raise BadInput(f"{path}: a book workbook is saved as .xlsx; choose a name ending .xlsx.")
    check_output_target(path)  # before reading the whole book
    with database.session() as session:
        book = book_from_database(session)
    write_book_workbook(book, path)
    return BookExportReport(path, book.counts())


def book_from_database(session: Session) -> BookWorkbook:
    """The book as workbook rows: accounts in creation order, ladders in ladder order."""
    accounts = session.scalars(
        select(Account)
        .order_by(Account.id)
        .options(
            selectinload(Account.playbook),
            selectinload(Account.variant),
            selectinload(Account.contacts).selectinload(Contact.role),
            selectinload(Account.milestones).selectinload(AccountMilestone.role),
            selectinload(Account.kickoff).selectinload(Kickoff.done_criteria),
            selectinload(Account.value_metrics).selectinload(ValueMetric.measurements),
        )
    ).all()
    book = BookWorkbook()
    names: dict[int, str] = {}
    for account in accounts:
        names[account.id] = account.name
        book.accounts.append(
            AccountRow(
                account.name,
                account.external_id,
                account.segment,
                account.industry,
                account.seats,
                account.arr,
                account.owner,
                account.signed_on,
                account.kickoff_on,
                account.renewal_on,
                account.playbook.name if account.playbook else None,
                account.variant.name if account.variant else None,
            )
        )
        for contact in account.contacts:
            role = contact.role.name if contact.role else None
            book.contacts.append(
                ContactRow(account.name, contact.name, role, contact.email, contact.title)
            )
        for m in account.milestones:
            book.milestones.append(
                MilestoneRow(
                    account.name,
                    m.title,
                    m.role.name,
                    m.target_day,
                    m.due_on,
                    Status(m.status),
                    m.started_on,
                    m.achieved_on,
                    m.evidence,
                    m.definition_of_done,
                    m.first_value,
                    m.unlocks,
                    m.success_feature,
                    m.success_threshold,
                    m.success_window_days,
                )
            )
        if account.kickoff is not None:
            kickoff = account.kickoff
            book.kickoffs.append(
                KickoffRow(
                    account.name,
                    kickoff.held_on,
                    kickoff.attendees,
                    kickoff.success_statement,
                    tuple(criterion.text for criterion in kickoff.done_criteria),
                )
            )
        for metric in account.value_metrics:
            common = (
                account.name,
                metric.name,
                metric.unit,
                Direction(metric.direction),
                metric.baseline,
                metric.baseline_on,
            )
            if not metric.measurements:
                book.value_metrics.append(ValueMetricRow(*common, None, None, metric.target))
            for measurement in metric.measurements:
                book.value_metrics.append(
                    ValueMetricRow(
                        *common, measurement.value, measurement.measured_on, metric.target
                    )
                )
    book.usage = [
        UsageRow(names[account_id], day, feature, count, active_users)
        for account_id, day, feature, count, active_users in usage_rows(session)
    ]
    book.features = [
        FeatureRow(f.key, f.display_name or None, f.aliases or None)
        for f in session.scalars(select(Feature).order_by(Feature.key))
    ]
    export_learning(session, book, names)
    return book


# ---- import ------------------------------------------------------------------------------


def import_book(
    database: Database,
    path: Path,
    strict: bool = False,
    *,
    today: dt.date | None = None,
    sheet: str | None = None,
    column_map: Mapping[str, str] | None = None,
    reading: BookReading | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    check_cancel: Callable[[], None] | None = None,
) -> BookImportReport:
    """Import a book workbook or a CSM's tracker into ``database`` in one transaction (see
    the module doc). ``sheet`` and ``column_map`` choose the accounts sheet and its columns
    (``--sheet``, ``--map``); ``reading`` is the file already read (the wizard's preview).
    ``progress(done, total, text)`` hears of each stage; ``check_cancel()`` is called where
    stopping is still safe (before the commit) and may raise to roll everything back.

    Raises ``BadFile`` (nothing changed) for a file that is not a book workbook. Rows that
    cannot be used are in ``rejected_rows`` and in the file ``rejected_file``.
    """
    path = Path(path)
    if reading is None:
        reading = read_book_workbook(path, sheet=sheet, column_map=column_map)
    today = today or dt.date.today()
    report = BookImportReport(
        source=path, strict=strict, rows_read=reading.rows_read, ignored=list(reading.ignored)
    )
    steps = ["Checking the rows", "Storing the book", "Finding usage evidence"]

    def stage(index: int) -> None:
        if check_cancel is not None:
            check_cancel()
        if progress is not None:
            progress(index, len(steps), steps[index] if index < len(steps) else "Done")

    with database.session() as session:
        stage(0)
        importer = _Importer(session, reading, today, path.name)
        accepted = importer.validate()
        sheets = list(SHEET_HEADERS)
        report.rejected_rows = sorted(
            [*reading.rejected, *importer.rejected], key=lambda r: (sheets.index(r.sheet), r.row)
        )
        if not (strict and report.rejected_rows):
            stage(1)
            importer.store(accepted)
            session.flush()
            stage(2)
            # The imported usage is evidence: when each usage criterion was met (DESIGN §3).
            refresh_usage_evidence(session)
            report.stored = True
            report.rows_by_sheet = accepted.counts()
            report.rows_stored = sum(report.rows_by_sheet.values())
            report.accounts_created = importer.accounts_created
            report.accounts_updated = importer.accounts_updated
            report.ladders_added = importer.ladders_added
            report.unscheduled = importer.unscheduled
            report.default_playbook = importer.default_label
            report.warnings = importer.warnings
            undated = session.scalars(
                select(Account.name)
                .where(Account.kickoff_on.is_(None), Account.signed_on.is_(None))
                .order_by(Account.name)
            ).all()
            if undated:
                report.warnings.append(
                    f"{len(undated)} accounts have neither a kickoff nor a signed-on date "
                    f"({', '.join(undated[:5])}{', …' if len(undated) > 5 else ''}): their "
                    "ladders cannot be scheduled and the portfolio figures leave them out "
                    "until a date is set."
                )
            session.add(
                ImportRecord(
                    kind="book",
                    file_name=str(path),
                    sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
                    imported_at=dt.datetime.now(),
                    rows_read=report.rows_read,
                    rows_stored=report.rows_stored,
                    rows_rejected=report.rows_rejected,
                )
            )
            if check_cancel is not None:
                check_cancel()  # the last moment a Cancel rolls everything back
    if progress is not None:
        progress(len(steps), len(steps), "Stored")
    if report.rejected_rows:
        report.rejected_file = _save_rejected(report)
    return report


def rejected_file_path(source: Path) -> Path:
    """Where the rejected rows of ``source`` are saved: next to it."""
    return source.with_name(f"{source.stem}.rejected-rows.csv")


def _save_rejected(report: BookImportReport) -> Path | None:
    target = rejected_file_path(report.source)
    header, rows = rejected_rows_table(report.rejected_rows)
    try:
        return write_safe_csv(target, header, rows, chosen_by_user=False)
    except UserError as exc:
        report.warnings.append(f"The rejected rows could not be saved: {exc}")
        return None


class _Importer:
    """Checks a read workbook against itself and the book, then stores what is usable."""

    def __init__(self, session: Session, reading: BookReading, today: dt.date, source: str):
        self.session = session
        self.book = reading.book
        self.rejected_accounts = {_key(n): row for n, row in reading.rejected_accounts.items()}
        self.today = today
        self.source = source
        self.rejected: list[RejectedRow] = []
        self.warnings: list[str] = []
        self.accounts_created = 0
        self.accounts_updated = 0
        self.ladders_added = 0
        self.unscheduled = 0
        self.default_label: str | None = None
        # Accounts-sheet fields the file has a column for; the others keep stored values.
        self.account_fields = reading.columns_read.get("Accounts", frozenset())
        self.created: list[tuple[Account, AccountRow]] = []
        self.existing = {_key(a.name): a for a in session.scalars(select(Account))}
        self.by_key: dict[str, Account] = dict(self.existing)
        self.sheet_accounts: dict[str, AccountRow] = {}
        self.roles: dict[str, Role] = {}
        self._measured: dict[tuple[str, str], dict[dt.date, int]] = {}
        self._contact_seen: dict[tuple[int, str], int] = {}

    def _reject(self, sheet: str, row: int, column: str, value: object, reason: str) -> None:
        shown = "" if value is None else str(value)
        self.rejected.append(RejectedRow(sheet, row, column, shown, reason))

    # -- validation: nothing is written here --

    def validate(self) -> BookWorkbook:
        accepted = BookWorkbook()
        owners = {a.external_id: _key(a.name) for a in self.existing.values() if a.external_id}
        seen_ids: dict[str, int] = {}
        for row in self.book.accounts:
            key = _key(row.name)
            if key in self.sheet_accounts:
                first = self.sheet_accounts[key].row
                self._reject(
                    "Accounts", row.row, "Account", row.name, f"appears twice (row {first})"
                )
                continue
            if row.external_id is not None:
                owner = owners.get(row.external_id)
                reason = None
                if row.external_id in seen_ids:
                    reason = f"is used twice (row {seen_ids[row.external_id]})"
                elif owner is not None and owner != key:
                    reason = f"already belongs to {self.existing[owner].name} in this book"
                if reason is not None:
                    self._reject("Accounts", row.row, "External ID", row.external_id, reason)
                    self.rejected_accounts.setdefault(key, row.row)
                    continue
                seen_ids[row.external_id] = row.row
            self.sheet_accounts[key] = row
            accepted.accounts.append(row)

        def known(sheet: str, row: int, account: str) -> bool:
            key = _key(account)
            if key in self.sheet_accounts or key in self.existing:
                return True
            if key in self.rejected_accounts:
                first = self.rejected_accounts[key]
                reason = f"the account's own row was rejected (Accounts row {first})"
            else:
                reason = "no such account in the Accounts sheet or in the book"
            self._reject(sheet, row, "Account", account, reason)
            return False

        once: dict[tuple[str, ...], int] = {}

        def first_time(sheet: str, row: int, column: str, value: str, *key: str) -> bool:
            full = (sheet, *key)
            if full in once:
                self._reject(sheet, row, column, value, f"appears twice (row {once[full]})")
                return False
            once[full] = row
            return True

        # Two contacts may share a name (two Jordan Tanakas at one customer).
        accepted.contacts = [c for c in self.book.contacts if known("Contacts", c.row, c.account)]
        for m in self.book.milestones:
            if (
                known("Milestones", m.row, m.account)
                and self._milestone_consistent(m)
                and first_time(
                    "Milestones",
                    m.row,
                    "Milestone",
                    m.milestone,
                    _key(m.account),
                    _key(m.milestone),
                    _key(m.role),
                )
            ):
                accepted.milestones.append(m)
        for k in self.book.kickoffs:
            if known("Kickoffs", k.row, k.account) and first_time(
                "Kickoffs", k.row, "Account", k.account, _key(k.account)
            ):
                accepted.kickoffs.append(k)
        metrics: dict[tuple[str, str], ValueMetricRow] = {}
        for v in self.book.value_metrics:
            if known("Value metrics", v.row, v.account) and self._measurement_consistent(
                v, metrics
            ):
                accepted.value_metrics.append(v)
        for u in self.book.usage:
            if (
                known("Usage", u.row, u.account)
                and self._usage_consistent(u)
                and first_time(
                    "Usage",
                    u.row,
                    "Feature",
                    u.feature,
                    _key(u.account),
                    u.day.isoformat(),
                    u.feature,
                )
            ):
                accepted.usage.append(u)
        accepted.features = self._features_consistent(self.book.features)
        check_learning(self.session, self.book, accepted, known, self._reject)
        return accepted

    def _features_consistent(self, rows: list[FeatureRow]) -> list[FeatureRow]:
        """Rows whose spellings name no other feature (one spelling, one key)."""
        vocabulary = read_vocabulary(self.session)
        seen: dict[str, int] = {}
        accepted: list[FeatureRow] = []
        for row in rows:
            match = feature_match_key(row.feature)
            if match in seen:
                self._reject(
                    "Features",
                    row.row,
                    "Feature",
                    row.feature,
                    f"appears twice (row {seen[match]})",
                )
                continue
            aliases = split_aliases(row.aliases or "")
            clash = next(
                (
                    (column, spelling, owner)
                    for column, spelling in [
                        ("Display name", row.display_name or ""),
                        *(("Aliases", a) for a in aliases),
                    ]
                    if spelling
                    and (owner := vocabulary.resolve(spelling)) is not None
                    and feature_match_key(owner) != match
                ),
                None,
            )
            if clash is not None:
                column, spelling, owner = clash
                self._reject(
                    "Features", row.row, column, spelling, f"already names the feature {owner}"
                )
                continue
            seen[match] = row.row
            vocabulary.add(FeatureEntry(row.feature, row.display_name or "", tuple(aliases)))
            accepted.append(row)
        return accepted

    def _milestone_consistent(self, m: MilestoneRow) -> bool:
        if m.status is Status.ACHIEVED and m.achieved_on is None:
            self._reject(
                "Milestones", m.row, "Achieved on", "", "is required when Status is achieved"
            )
            return False
        if m.status is not Status.ACHIEVED and m.achieved_on is not None:
            self._reject(
                "Milestones",
                m.row,
                "Status",
                m.status.value,
                "is not achieved, yet Achieved on is filled in",
            )
            return False
        for column, number in (
            ("Target day", m.target_day),
            ("Success threshold", m.success_threshold),
            ("Success window days", m.success_window_days),
        ):
            if number is not None and number < 0:
                self._reject("Milestones", m.row, column, number, "cannot be negative")
                return False
        return True

    def _measurement_consistent(
        self, v: ValueMetricRow, metrics: dict[tuple[str, str], ValueMetricRow]
    ) -> bool:
        if (v.value is None) != (v.measured_on is None):
            missing = "Measured on" if v.measured_on is None else "Value"
            self._reject(
                "Value metrics",
                v.row,
                missing,
                "",
                "is required when the other of Value / Measured on is filled in",
            )
            return False
        key = (_key(v.account), _key(v.metric))
        first = metrics.setdefault(key, v)
        for column, name in (
            ("Unit", "unit"),
            ("Direction", "direction"),
            ("Baseline", "baseline"),
            ("Baseline on", "baseline_on"),
            ("Target", "target"),
        ):
            if getattr(v, name) != getattr(first, name):
                self._reject(
                    "Value metrics",
                    v.row,
                    column,
                    getattr(v, name),
                    f"differs from row {first.row} of the same metric",
                )
                return False
        if v.measured_on is not None:
            once = self._measured.setdefault(key, {})
            if v.measured_on in once:
                self._reject(
                    "Value metrics",
                    v.row,
                    "Measured on",
                    v.measured_on.isoformat(),
                    f"appears twice for this metric (row {once[v.measured_on]})",
                )
                return False
            once[v.measured_on] = v.row
        return True

    def _usage_consistent(self, u: UsageRow) -> bool:
        for column, number in (("Count", u.count), ("Active users", u.active_users)):
            if number is not None and number < 0:
                self._reject("Usage", u.row, column, number, "cannot be negative")
                return False
        return True

    # -- storing: runs only after validation --

    def store(self, accepted: BookWorkbook) -> None:
        self.roles = {_key(r.name): r for r in self.session.scalars(select(Role))}
        for row in accepted.accounts:
            self._store_account(row)
        self.session.flush()
        for contact in accepted.contacts:
            self._store_contact(contact)
        self._store_milestones(accepted.milestones)
        for kickoff in accepted.kickoffs:
            self._store_kickoff(kickoff)
        for metric in accepted.value_metrics:
            self._store_measurement(metric)
        self._store_usage(accepted.usage)
        self._add_default_ladders(accepted.milestones)
        self.session.flush()
        store_learning(
            self.session,
            accepted.renewals,
            accepted.feedback,
            lambda name: self.by_key[_key(name)],
        )
        for feature in accepted.features:
            write_feature(
                self.session,
                feature.feature,
                feature.display_name or "",
                split_aliases(feature.aliases or ""),
            )
        self.session.flush()

    def _add_default_ladders(self, milestones: list[MilestoneRow]) -> None:
        """New accounts that the file gives neither a playbook nor a milestone get the book's
        default playbook, and its ladder when they have a date to schedule it from."""
        with_ladder = {_key(m.account) for m in milestones}
        for account, row in self.created:
            if row.playbook or _key(row.name) in with_ladder:
                continue
            playbook = default_playbook(self.session, today=self.today)
            self.default_label = f"{playbook.name} v{playbook.version}"
            account.playbook = playbook
            if reference_date(account.kickoff_on, account.signed_on) is not None:
                apply_playbook(self.session, account, playbook)
                self.ladders_added += 1
            else:
                self.unscheduled += 1
        self.session.flush()

    def _role(self, name: str) -> Role:
        role = self.roles.get(_key(name))
        if role is None:
            position = max((r.position for r in self.roles.values()), default=0) + 1
            role = Role(name=name, position=position)
            self.session.add(role)
            self.session.flush()  # templates are matched by role id
            self.roles[_key(name)] = role
        return role

    def _store_account(self, row: AccountRow) -> None:
        account = self.by_key.get(_key(row.name))
        new = account is None
        if account is None:
            account = Account(name=row.name)
            self.session.add(account)
            self.by_key[_key(row.name)] = account
            self.accounts_created += 1
            self.created.append((account, row))
        else:
            self.accounts_updated += 1
        given = self.account_fields
        account.name = row.name
        for name in _PLAIN_ACCOUNT_FIELDS:
            if new or name in given:  # a tracker without the column keeps what is stored
                setattr(account, name, getattr(row, name))
        if new or "playbook" in given:
            account.playbook = self._playbook(row.playbook) if row.playbook else None
        if new or "variant" in given:
            account.variant = self._variant(row.variant, row.name) if row.variant else None

    def _playbook(self, name: str) -> Playbook:
        found = [
            p
            for p in self.session.scalars(select(Playbook).order_by(Playbook.version.desc()))
            if _key(p.name) == _key(name)
        ]
        if found:
            return found[0]
        playbook = Playbook(
            name=name,
            version=1,
            created_on=self.today,
            change_note=f"Created by importing {self.source}",
        )
        self.session.add(playbook)
        self.session.flush()
        return playbook

    def _variant(self, name: str, account: str) -> Variant:
        found = [
            v
            for v in self.session.scalars(select(Variant).order_by(Variant.id))
            if _key(v.name) == _key(name)
        ]
        if len(found) > 1:
            chosen = next((v for v in found if v.experiment.name == IMPORTED_VARIANTS), found[0])
            self.warnings.append(
                f"Variant {name} exists in {len(found)} experiments; {account} was assigned "
                f"to the one in {chosen.experiment.name}."
            )
            return chosen
        if found:
            return found[0]
        experiment = self.session.scalar(
            select(Experiment).where(Experiment.name == IMPORTED_VARIANTS)
        )
        if experiment is None:
            experiment = Experiment(
                name=IMPORTED_VARIANTS,
                hypothesis="Variants named in an imported book workbook that no experiment "
                "of this book held; move the accounts to a real experiment.",
            )
            self.session.add(experiment)
        variant = Variant(name=name)
        experiment.variants.append(variant)
        self.session.flush()
        self.warnings.append(f"Variant {name} was new; it was added to “{IMPORTED_VARIANTS}”.")
        return variant

    def _store_contact(self, row: ContactRow) -> None:
        """The n-th contact of a name in the sheet updates the account's n-th of that name."""
        account = self.by_key[_key(row.account)]
        occurrence = (account.id, _key(row.name))
        index = self._contact_seen[occurrence] = self._contact_seen.get(occurrence, -1) + 1
        namesakes = [c for c in account.contacts if _key(c.name) == _key(row.name)]
        contact = namesakes[index] if index < len(namesakes) else None
        if contact is None:
            contact = Contact(name=row.name)
            account.contacts.append(contact)
        contact.name = row.name
        contact.role = self._role(row.role) if row.role else None
        contact.email = row.email
        contact.title = row.title

    def _store_milestones(self, rows: Iterable[MilestoneRow]) -> None:
        keys = set(self.session.scalars(select(MilestoneTemplate.key)))
        templates = {
            (_key(t.title), t.role_id): t for t in self.session.scalars(select(MilestoneTemplate))
        }
        for row in rows:
            account = self.by_key[_key(row.account)]
            role = self._role(row.role)
            milestone = next(
                (
                    m
                    for m in account.milestones
                    if _key(m.title) == _key(row.milestone) and m.role_id == role.id
                ),
                None,
            )
            previous: str | None = None
            if milestone is None:
                position = max((m.position for m in account.milestones), default=0) + 1
                milestone = AccountMilestone(
                    position=position, role=role, title=row.milestone, status=Status.NOT_STARTED
                )
                account.milestones.append(milestone)
            else:
                previous = milestone.status
            kickoff = reference_date(account.kickoff_on, account.signed_on)
            due = due_on(row.due_on, kickoff, row.target_day)
            milestone.title = row.milestone
            milestone.target_day = row.target_day
            milestone.due_on = due
            milestone.started_on = row.started_on
            milestone.achieved_on = row.achieved_on
            milestone.evidence = row.evidence
            milestone.definition_of_done = row.definition_of_done or ""
            milestone.first_value = row.first_value
            milestone.unlocks = row.unlocks
            milestone.success_feature = row.success_feature
            milestone.success_threshold = row.success_threshold
            milestone.success_window_days = row.success_window_days
            if account.playbook is not None and milestone.template_id is None:
                template = self._template(account.playbook, row, role, templates, keys)
                milestone.template = template
            if previous != row.status.value and not (
                previous is None and row.status is Status.NOT_STARTED
            ):
                self._log_status(milestone, previous, row)

    def _template(
        self,
        playbook: Playbook,
        row: MilestoneRow,
        role: Role,
        templates: dict[tuple[str, int], MilestoneTemplate],
        keys: set[str],
    ) -> MilestoneTemplate:
        """The playbook's template for (milestone, role), added as its next step if new."""
        pair = (_key(row.milestone), role.id)
        for step in playbook.steps:
            if (_key(step.template.title), step.template.role_id) == pair:
                return step.template
        template = templates.get(pair)
        if template is None:
            template = MilestoneTemplate(
                key=_unique_key(f"{role.name}-{row.milestone}", keys),
                title=row.milestone,
                role=role,
                target_day=row.target_day,
                definition_of_done=row.definition_of_done or "",
                unlocks=row.unlocks,
                success_feature=row.success_feature,
                success_threshold=row.success_threshold,
                success_window_days=row.success_window_days,
                first_value=row.first_value,
            )
            self.session.add(template)
            templates[pair] = template
        position = max((s.position for s in playbook.steps), default=0) + 1
        playbook.steps.append(PlaybookStep(template=template, position=position))
        self.session.flush()
        return template

    def _log_status(
        self, milestone: AccountMilestone, previous: str | None, row: MilestoneRow
    ) -> None:
        status = row.status
        if status is Status.ACHIEVED and row.achieved_on is not None:
            on = row.achieved_on
        elif status is Status.IN_PROGRESS and row.started_on is not None:
            on = row.started_on
        else:
            on = self.today
        reason = ""
        if status.needs_reason:
            reason = milestone.status_reason if previous == status.value else ""
            reason = reason or f"Imported from {self.source}; the workbook gives no reason."
        milestone.status = status.value
        milestone.status_reason = reason
        milestone.history.append(
            StatusChange(
                changed_on=on,
                recorded_at=dt.datetime.now(),
                from_status=previous,
                to_status=status.value,
                reason=reason,
            )
        )

    def _store_kickoff(self, row: KickoffRow) -> None:
        account = self.by_key[_key(row.account)]
        kickoff = account.kickoff
        if kickoff is None:
            kickoff = Kickoff()
            account.kickoff = kickoff
        kickoff.held_on = row.held_on
        kickoff.attendees = row.attendees or ""
        kickoff.success_statement = row.success_statement or ""
        met = {c.text: c.met_on for c in kickoff.done_criteria}
        kickoff.done_criteria = [
            DoneCriterion(position=i, text=text, met_on=met.get(text))
            for i, text in enumerate(row.definition_of_done, start=1)
        ]

    def _store_measurement(self, row: ValueMetricRow) -> None:
        account = self.by_key[_key(row.account)]
        metric = next((v for v in account.value_metrics if _key(v.name) == _key(row.metric)), None)
        if metric is None:
            metric = ValueMetric(name=row.metric)
            account.value_metrics.append(metric)
        metric.name = row.metric
        metric.unit = row.unit or ""
        metric.direction = row.direction.value
        metric.baseline = row.baseline
        metric.baseline_on = row.baseline_on
        metric.target = row.target
        if row.measured_on is None or row.value is None:
            return
        found = next((m for m in metric.measurements if m.measured_on == row.measured_on), None)
        if found is None:
            metric.measurements.append(Measurement(measured_on=row.measured_on, value=row.value))
        else:
            found.value = row.value

    def _store_usage(self, rows: list[UsageRow]) -> None:
        """Upsert on (account, day, feature): a row the book already has takes the
        workbook's count and active users; one statement per 100 rows, no ORM objects."""
        self.session.flush()
        store_usage_rows(
            self.session,
            (
                (
                    self.by_key[_key(row.account)].id,
                    row.day,
                    row.feature,
                    row.count,
                    row.active_users,
                )
                for row in rows
            ),
        )


def _unique_key(text: str, taken: set[str]) -> str:
    """A template key from ``text`` (lowercase words joined by -) that no template has yet."""
    base = re.sub(r"[^\w]+", "-", text.casefold()).strip("-") or "milestone"
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}-{n}"
    taken.add(key)
    return key

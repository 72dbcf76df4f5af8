"""Checking a read book workbook against itself and the book before anything is stored.

``ImportChecks.validate`` returns the rows that can be used and lists the others with their
reason; nothing is written here. ``book_import_store`` continues from the same state.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from csm_desktop.domain.features import FeatureEntry, feature_match_key, split_aliases
from csm_desktop.domain.text import name_key
from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.features import read_vocabulary
from csm_desktop.services.learning_workbook import check_learning
from csm_desktop.spreadsheets.book_workbook import (
    AccountRow,
    BookReading,
    BookWorkbook,
    FeatureRow,
    MilestoneRow,
    RejectedRow,
    UsageRow,
    ValueMetricRow,
)
from csm_desktop.store.queries.book_io import AccountRef, book_accounts

_ACHIEVED = Status.ACHIEVED  # a class attribute look-up per row cost 0.1 µs


class NameKeys(dict[str, str]):
    """``name_key`` of each name asked, computed once: an import looks each account, role
    and milestone title up several times per row (889,000 calls at 5,000 accounts)."""

    def __missing__(self, name: str) -> str:
        key = self[name] = name_key(name)
        return key


class ImportChecks:
    """Checks a read workbook against itself and the book (the first half of an import)."""

    def __init__(self, session: Session, reading: BookReading, today: dt.date, source: str):
        self.session = session
        self.key = NameKeys()  # ``name_key`` of each distinct name, made once
        self.book = reading.book
        self.rejected_accounts = {self.key[n]: row for n, row in reading.rejected_accounts.items()}
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
        self.created: list[tuple[int, AccountRow]] = []  # (account id, its row)
        self.existing = {self.key[a.name]: a for a in book_accounts(session)}
        self.by_key: dict[str, int] = {key: a.id for key, a in self.existing.items()}
        self.accounts: dict[int, AccountRef] = {}
        self.sheet_accounts: dict[str, AccountRow] = {}
        self.roles: dict[str, tuple[int, str, int]] = {}  # name key → (id, name, position)
        self._measured: dict[tuple[str, str], dict[dt.date, int]] = {}

    def _reject(self, sheet: str, row: int, column: str, value: object, reason: str) -> None:
        shown = "" if value is None else str(value)
        self.rejected.append(RejectedRow(sheet, row, column, shown, reason))

    # -- validation: nothing is written here --

    def validate(self) -> BookWorkbook:
        accepted = BookWorkbook()
        owners = {a.external_id: self.key[a.name] for a in self.existing.values() if a.external_id}
        seen_ids: dict[str, int] = {}
        for row in self.book.accounts:
            key = self.key[row.name]
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

        good: set[str] = set()  # names found known: the big sheets ask this before calling

        def known(sheet: str, row: int, account: str) -> bool:
            key = self.key[account]
            if key in self.sheet_accounts or key in self.existing:
                good.add(account)
                return True
            if key in self.rejected_accounts:
                first = self.rejected_accounts[key]
                reason = f"the account's own row was rejected (Accounts row {first})"
            else:
                reason = "no such account in the Accounts sheet or in the book"
            self._reject(sheet, row, "Account", account, reason)
            return False

        once: dict[tuple[object, ...], int] = {}

        def new_row(full: tuple[object, ...], row: int, column: str, value: str) -> bool:
            """Whether no row keyed ``full`` (its sheet, then its key) came before: else it
            is rejected as appearing twice, naming the first."""
            if full in once:
                self._reject(str(full[0]), row, column, value, f"appears twice (row {once[full]})")
                return False
            once[full] = row
            return True

        def first_time(sheet: str, row: int, column: str, value: str, *key: object) -> bool:
            return new_row((sheet, *key), row, column, value)

        # Two contacts may share a name (two Jordan Tanakas at one customer).
        accepted.contacts = [c for c in self.book.contacts if known("Contacts", c.row, c.account)]
        names = self.key
        for m in self.book.milestones:  # 60,000 rows at 5,000 accounts: no varargs call
            if not (m.account in good or known("Milestones", m.row, m.account)) or not (
                self._milestone_consistent(m)
            ):
                continue
            step = ("Milestones", names[m.account], names[m.milestone], names[m.role])
            if new_row(step, m.row, "Milestone", m.milestone):
                accepted.milestones.append(m)
        for k in self.book.kickoffs:
            if known("Kickoffs", k.row, k.account) and first_time(
                "Kickoffs", k.row, "Account", k.account, self.key[k.account]
            ):
                accepted.kickoffs.append(k)
        metrics: dict[tuple[str, str], ValueMetricRow] = {}
        for v in self.book.value_metrics:
            if known("Value metrics", v.row, v.account) and self._measurement_consistent(
                v, metrics
            ):
                accepted.value_metrics.append(v)
        used: dict[tuple[str, dt.date, str], int] = {}  # (account, day, feature) → first row
        for u in self.book.usage:  # the most rows of a book: the checks written out
            if u.account not in good and not known(u.sheet, u.row, u.account):
                continue
            if (u.count < 0 or (u.active_users or 0) < 0) and not self._usage_consistent(u):
                continue
            day = (self.key[u.account], u.day, u.feature)  # the row's own date: no text made
            if day in used:
                twice = f"appears twice (row {used[day]})"
                self._reject(u.sheet, u.row, "Feature", u.feature, twice)
                continue
            used[day] = u.row
            accepted.usage.append(u)
        accepted.features = self._features_consistent(self.book.features)
        check_learning(self.session, self.book, accepted, known, self._reject)
        return accepted

    def _features_consistent(self, rows: list[FeatureRow]) -> list[FeatureRow]:
        """Rows whose spellings name no other feature (one spelling, one key)."""
        if not rows:
            return []
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
        # One test for the good rows (60,000 at 5,000 accounts); a bad one is told as before.
        if (m.status is _ACHIEVED) == (m.achieved_on is not None) and not (
            (m.target_day is not None and m.target_day < 0)
            or (m.success_threshold is not None and m.success_threshold < 0)
            or (m.success_window_days is not None and m.success_window_days < 0)
        ):
            return True
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
        key = (self.key[v.account], self.key[v.metric])
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
                self._reject(u.sheet, u.row, column, number, "cannot be negative")
                return False
        return True

"""Storing the checked rows of a book workbook: accounts, ladders, kickoffs, values, usage.

The merge rule (update by name, add what is new, never delete) is described in
``services.book_workbook``; the caller owns the transaction. Rows are written in bulk through
``store.queries.book_io`` (SQLAlchemy Core, ``executemany`` in chunks): each sheet is matched
against the book with one query, then its updates and inserts go in a few statements. No
ORM object is built per row, so nothing flushes inside a loop (issue 17: 5,000 accounts took
48× reading the file when every lazy load flushed). Only the rare, small parts (a playbook
or variant the file names first, the learning sheets, features) use the ORM services.
"""

from __future__ import annotations

from typing import Any

from csm_desktop.domain.features import split_aliases
from csm_desktop.services.book_import_ladders import ladder_rows
from csm_desktop.services.book_import_milestones import MilestoneImport
from csm_desktop.services.features import write_feature
from csm_desktop.services.learning_workbook import store_learning
from csm_desktop.spreadsheets.book_workbook import (
    AccountRow,
    BookWorkbook,
    ContactRow,
    KickoffRow,
    MilestoneRow,
    UsageRow,
    ValueMetricRow,
)
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Experiment,
    Kickoff,
    Measurement,
    Playbook,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries import book_io as io
from csm_desktop.store.queries.usage_rows import store_usage_rows
from csm_desktop.store.queries.value_rows import new_metric_ids

IMPORTED_VARIANTS = "Imported variants"
USAGE_CHUNK = 100_000
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


class BookImporter(MilestoneImport):
    """Checks a read workbook, then stores what is usable (``validate``, then ``store``)."""

    # -- storing: runs only after validation --

    def store(self, accepted: BookWorkbook) -> None:
        session = self.session
        self.roles = {self.key[name]: (id_, name, pos) for id_, name, pos in io.roles(session)}
        self._playbooks: dict[str, int] = {}
        for playbook_id, name in io.playbooks(session):  # newest version first
            self._playbooks.setdefault(self.key[name], playbook_id)
        self._variants: list[tuple[int, str, str]] | None = None
        self._store_accounts(accepted.accounts)
        self._store_contacts(accepted.contacts)
        self._store_milestones(accepted.milestones)
        self._store_kickoffs(accepted.kickoffs)
        self._store_value_metrics(accepted.value_metrics)
        self._store_usage(accepted.usage)
        self._add_default_ladders(accepted.milestones)
        session.expire_all()  # the ORM services below read what Core wrote
        store_learning(
            session,
            accepted.renewals,
            accepted.feedback,
            lambda name: session.get_one(Account, self.by_key[self.key[name]]),
        )
        for feature in accepted.features:
            write_feature(
                session,
                feature.feature,
                feature.display_name or "",
                split_aliases(feature.aliases or ""),
            )
        session.flush()

    # -- accounts --

    def _store_accounts(self, rows: list[AccountRow]) -> None:
        given = self.account_fields
        new: list[dict[str, Any]] = []
        added: list[AccountRow] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            account_id = self.by_key.get(self.key[row.name])
            values: dict[str, Any] = {"name": row.name}
            for name in _PLAIN_ACCOUNT_FIELDS:
                if account_id is None or name in given:  # a tracker without it keeps the value
                    values[name] = getattr(row, name)
            if account_id is None or "playbook" in given:
                values["playbook_id"] = self._playbook(row.playbook) if row.playbook else None
            if account_id is None or "variant" in given:
                values["variant_id"] = self._variant(row.variant, row.name) if row.variant else None
            if account_id is None:
                new.append(values)
                added.append(row)
            else:
                changed.append({"id": account_id, **values})
        io.update_rows(self.session, Account, changed)
        io.insert_rows(self.session, Account, new)
        self.accounts = {a.id: a for a in io.book_accounts(self.session)}
        by_name = {a.name: a.id for a in self.accounts.values()}
        for row in added:  # names are unique: the new accounts are found by theirs
            self.by_key[self.key[row.name]] = by_name[row.name]
            self.created.append((by_name[row.name], row))
        self.accounts_created += len(new)
        self.accounts_updated += len(changed)

    def _playbook(self, name: str) -> int:
        found = self._playbooks.get(self.key[name])
        if found is None:
            found = io.insert_row(
                self.session,
                Playbook,
                {
                    "name": name,
                    "version": 1,
                    "created_on": self.today,
                    "change_note": f"Created by importing {self.source}",
                },
            )
            self._playbooks[self.key[name]] = found
        return found

    def _variant(self, name: str, account: str) -> int:
        if self._variants is None:
            self._variants = io.variants(self.session)
        found = [v for v in self._variants if self.key[v[1]] == self.key[name]]
        if len(found) > 1:
            chosen = next((v for v in found if v[2] == IMPORTED_VARIANTS), found[0])
            self.warnings.append(
                f"Variant {name} exists in {len(found)} experiments; {account} was assigned "
                f"to the one in {chosen[2]}."
            )
            return chosen[0]
        if found:
            return found[0][0]
        experiment = io.experiment_id(self.session, IMPORTED_VARIANTS)
        if experiment is None:
            hypothesis = (
                "Variants named in an imported book workbook that no experiment "
                "of this book held; move the accounts to a real experiment."
            )
            experiment = io.insert_row(
                self.session, Experiment, {"name": IMPORTED_VARIANTS, "hypothesis": hypothesis}
            )
        variant = io.insert_row(self.session, Variant, {"experiment_id": experiment, "name": name})
        self._variants.append((variant, name, IMPORTED_VARIANTS))
        self.warnings.append(f"Variant {name} was new; it was added to “{IMPORTED_VARIANTS}”.")
        return variant

    # -- contacts --

    def _store_contacts(self, rows: list[ContactRow]) -> None:
        """The n-th contact of a name in the sheet updates the account's n-th of that name."""
        stored: dict[tuple[int, str], list[int]] = {}
        for contact_id, account_id, name in io.contacts_of(self.session, self._stored(rows)):
            stored.setdefault((account_id, self.key[name]), []).append(contact_id)
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        seen: dict[tuple[int, str], int] = {}
        for row in rows:
            occurrence = (self._id(row.account), self.key[row.name])
            index = seen[occurrence] = seen.get(occurrence, -1) + 1
            namesakes = stored.get(occurrence, [])
            values = {
                "name": row.name,
                "role_id": self._role(row.role) if row.role else None,
                "email": row.email,
                "title": row.title,
            }
            if index < len(namesakes):
                changed.append({"id": namesakes[index], **values})
            else:
                new.append({"account_id": occurrence[0], **values})
        io.update_rows(self.session, Contact, changed)
        io.insert_rows(self.session, Contact, new)

    # -- kickoffs, value metrics, usage --

    def _store_kickoffs(self, rows: list[KickoffRow]) -> None:
        kickoffs, met = io.kickoffs_of(self.session, self._stored(rows))
        kickoffs_before = kickoffs
        new: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            account_id = self._id(row.account)
            values: dict[str, Any] = {
                "held_on": row.held_on,
                "attendees": row.attendees or "",
                "success_statement": row.success_statement or "",
            }
            if account_id in kickoffs:
                changed.append({"id": kickoffs[account_id], **values})
            else:
                new.append({"account_id": account_id, **values})
        io.update_rows(self.session, Kickoff, changed)
        io.delete_done_criteria(self.session, [values["id"] for values in changed])
        io.insert_rows(self.session, Kickoff, new)
        if new:
            kickoffs, _ = io.kickoffs_of(self.session, {values["account_id"] for values in new})
            kickoffs = {**kickoffs_before, **kickoffs}
        criteria: list[dict[str, Any]] = []
        for row in rows:
            kickoff_id = kickoffs[self._id(row.account)]
            was = met.get(kickoff_id, {})
            criteria += [
                {"kickoff_id": kickoff_id, "position": i, "text": text, "met_on": was.get(text)}
                for i, text in enumerate(row.definition_of_done, start=1)
            ]
        io.insert_rows(self.session, DoneCriterion, criteria)

    def _store_value_metrics(self, rows: list[ValueMetricRow]) -> None:
        stored, measured = io.value_metrics_of(self.session, self._stored(rows))
        ids: dict[tuple[int, str], int] = {}
        for metric_id, account_id, name in stored:
            ids.setdefault((account_id, self.key[name]), metric_id)
        metrics: dict[tuple[int, str], dict[str, Any]] = {}
        for row in rows:  # one row per measurement: the metric's values are on each
            metrics[(self._id(row.account), self.key[row.metric])] = {
                "name": row.metric,
                "unit": row.unit or "",
                "direction": row.direction.value,
                "baseline": row.baseline,
                "baseline_on": row.baseline_on,
                "target": row.target,
            }
        io.update_rows(
            self.session, ValueMetric, [{"id": ids[k], **v} for k, v in metrics.items() if k in ids]
        )
        new = [{"account_id": k[0], **v} for k, v in metrics.items() if k not in ids]
        given = new_metric_ids(self.session, len(new))  # never a deleted metric's id
        if given is not None:
            new = [{"id": id_, **values} for id_, values in zip(given, new, strict=True)]
        io.insert_rows(self.session, ValueMetric, new)
        if new:  # (account, name) is unique: the new metrics are found by it
            added, _ = io.value_metrics_of(self.session, {values["account_id"] for values in new})
            for metric_id, account_id, name in added:
                ids.setdefault((account_id, self.key[name]), metric_id)
        fresh: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for row in rows:
            if row.measured_on is None or row.value is None:
                continue
            metric_id = ids[(self._id(row.account), self.key[row.metric])]
            found = measured.get((metric_id, row.measured_on))
            if found is None:
                fresh.append(
                    {"metric_id": metric_id, "measured_on": row.measured_on, "value": row.value}
                )
            else:
                changed.append({"id": found, "value": row.value})
        io.update_rows(self.session, Measurement, changed)
        io.insert_rows(self.session, Measurement, fresh)

    def _store_usage(self, rows: list[UsageRow]) -> None:
        """Upsert on (account, day, feature): a row the book already has takes the
        workbook's count and active users; one statement per 100 rows, no ORM objects,
        ``USAGE_CHUNK`` rows handed over at a time (each becomes a tuple there)."""
        ids = {name: self._id(name) for name in {row.account for row in rows}}  # per name
        for start in range(0, len(rows), USAGE_CHUNK):
            store_usage_rows(
                self.session,
                (
                    (ids[row.account], row.day, row.feature, row.count, row.active_users)
                    for row in rows[start : start + USAGE_CHUNK]
                ),
            )

    def _add_default_ladders(self, milestones: list[MilestoneRow]) -> None:
        """New accounts that the file gives neither a playbook nor a milestone get the book's
        default playbook, and its ladder when they have a date to schedule it from."""
        with_ladder = {self.key[m.account] for m in milestones}
        bare = [
            self.accounts[account_id]
            for account_id, row in self.created
            if not (row.playbook or self.key[row.name] in with_ladder)
        ]
        if not bare:
            return
        found = ladder_rows(self.session, bare, self.today)
        self.default_label = found.label
        io.update_rows(
            self.session, Account, [{"id": a.id, "playbook_id": found.playbook_id} for a in bare]
        )
        io.insert_rows(self.session, AccountMilestone, found.milestones)
        if found.milestones:  # milestones not of the file: the evidence reads them all back
            self.added_criteria = None
        self.ladders_added += found.scheduled
        self.unscheduled += len(bare) - found.scheduled

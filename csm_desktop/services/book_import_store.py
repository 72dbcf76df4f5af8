"""Storing the checked rows of a book workbook: accounts, ladders, kickoffs, values, usage.

The merge rule (update by name, add what is new, never delete) is described in
``services.book_workbook``; the caller owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select

from csm_desktop.domain.features import split_aliases
from csm_desktop.domain.ladder import due_on, reference_date
from csm_desktop.domain.playbook_keys import template_key
from csm_desktop.domain.text import name_key as _key
from csm_desktop.domain.vocabulary import Status
from csm_desktop.services.book_import_checks import ImportChecks
from csm_desktop.services.default_playbook import default_playbook
from csm_desktop.services.features import write_feature
from csm_desktop.services.ladder import apply_playbook
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
    MilestoneTemplate,
    Playbook,
    PlaybookStep,
    Role,
    StatusChange,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.usage_rows import store_usage_rows

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


class BookImporter(ImportChecks):
    """Checks a read workbook, then stores what is usable (``validate``, then ``store``)."""

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
            key = template_key(role.name, row.milestone, keys)
            keys.add(key)
            template = MilestoneTemplate(
                key=key,
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

"""Experiment arms that change a message, the timing or a success criterion (issue #18).

What each kind does to the book, and the figure each kind targets:

- message: nothing changes on the ladder; the Today list fills the arm's accounts' nudge
  for the milestone from the arm's text (``variant_messages``). Figure: achieved within 7
  days of the nudge being logged (the first touchpoint about the milestone since the start).
- timing: at the start, the arm's accounts' open milestones (of the listed templates, or
  all) get the new target day, and their due date becomes K + that day.
- criterion: at the start, the arm's accounts' milestones of the template get the new
  threshold and/or window, and the usage evidence is recomputed.

The definitions of the kinds and figures live in ``domain.experiment_changes`` and
``domain.metrics.experiment_kinds``; this module applies and measures them over the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from csm_desktop.domain.experiment_changes import (
    BadChange,
    Change,
    CriterionChange,
    MessageChange,
    TimingChange,
    VariantKind,
    change_from_json,
)
from csm_desktop.domain.ladder import Milestone, as_of, due_date, reference_date
from csm_desktop.domain.templates import MessageTemplate
from csm_desktop.domain.vocabulary import Status
from csm_desktop.errors import BadInput
from csm_desktop.store.models import Account, Experiment, Variant
from csm_desktop.store.queries.experiments import (
    first_touchpoints,
    message_arm_texts,
    milestone_template_keys,
)
from csm_desktop.store.queries.ladders import account_ladders
from csm_desktop.store.queries.playbooks import template_keys, template_success_feature
from csm_desktop.store.queries.selection import AccountFilter

if TYPE_CHECKING:  # the figures' and the evidence's modules are imported where they are used:
    # the Today list reads only the arms' messages, before the window's first lines (issue 17)
    from csm_desktop.domain.metrics.portfolio import Share


def variant_kind(variant: Variant) -> VariantKind:
    try:
        return VariantKind(variant.kind or VariantKind.ORDER.value)
    except ValueError:
        raise BadInput(
            f"Variant “{variant.name}” has an unknown kind “{variant.kind}”; it was written by "
            "a newer version of the app."
        ) from None


def variant_change(variant: Variant) -> Change:
    try:
        return change_from_json(variant_kind(variant), variant.change or "")
    except BadChange as exc:
        raise BadInput(f"Variant “{variant.name}”: {exc}") from None


def targeted_templates(change: Change) -> tuple[str, ...]:
    """Template keys the change is about (empty for "every milestone")."""
    if isinstance(change, MessageChange | CriterionChange):
        return (change.template,)
    if isinstance(change, TimingChange):
        return change.templates
    return ()


def check_templates(session: Session, variant_name: str, change: Change) -> None:
    """Refuse a change naming a milestone template the book does not have."""
    keys = targeted_templates(change)
    if not keys:
        return
    known = template_keys(session)
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise BadInput(
            f"Variant “{variant_name}” names milestone templates that do not exist: "
            f"{', '.join(unknown)}. Use template keys as shown in the playbook editor."
        )
    if isinstance(change, CriterionChange) and not template_success_feature(
        session, change.template
    ):
        raise BadInput(
            f"Variant “{variant_name}”: milestone “{change.template}” has no usage success "
            "criterion to change; give it a success feature in the playbook first."
        )


def apply_change(session: Session, account: Account, variant: Variant) -> int:
    """Put the arm's timing or criterion on the account's ladder; returns milestones changed.

    Only open milestones change: achieved and skipped ones are history. A message arm
    changes nothing here (Today reads its text).
    """
    change = variant_change(variant)
    keys = {m.id: (m.template.key if m.template else None) for m in account.milestones}
    changed = 0
    if isinstance(change, TimingChange):
        kickoff = reference_date(account.kickoff_on, account.signed_on)
        for milestone in account.milestones:
            if not Status(milestone.status).is_open or not change.applies_to(keys[milestone.id]):
                continue
            milestone.target_day = change.target_day(milestone.target_day)
            if kickoff is not None:
                milestone.due_on = due_date(kickoff, milestone.target_day)
            changed += 1
    elif isinstance(change, CriterionChange):
        for milestone in account.milestones:
            if keys[milestone.id] != change.template or not Status(milestone.status).is_open:
                continue
            if change.threshold is not None:
                milestone.success_threshold = change.threshold
            if change.window_days is not None:
                milestone.success_window_days = change.window_days
            changed += 1
        if changed:
            from csm_desktop.services.evidence import refresh_usage_evidence

            session.flush()
            refresh_usage_evidence(session, [account.id])
    return changed


def variant_messages(
    session: Session, account_ids: Collection[int] | None = None
) -> dict[int, dict[str, MessageChange]]:
    """Per account in a message arm of a started experiment: template key → the arm's text."""
    found: dict[int, dict[str, MessageChange]] = {}
    for account_id, text in message_arm_texts(session, account_ids):
        try:
            change = change_from_json(VariantKind.MESSAGE, text or "")
        except BadChange:
            continue  # a damaged arm must not take the Today list down; its text is not offered
        if isinstance(change, MessageChange):
            found.setdefault(account_id, {})[change.template] = change
    return found


def message_template(base: MessageTemplate, change: MessageChange) -> MessageTemplate:
    """The template's own message with the arm's texts put in where the arm has one."""
    return MessageTemplate(
        name=f"{base.name} (experiment)",
        in_app=change.in_app.strip() or base.in_app,
        email_subject=change.email_subject.strip() or base.email_subject,
        email_body=change.email_body.strip() or base.email_body,
        help_article=base.help_article,
    )


@dataclass(frozen=True, slots=True)
class KindFigures:
    """The figure the experiment's changing kind targets, per arm."""

    kind: VariantKind
    label: str
    by_variant: Mapping[str, Share]


def _targeted(
    session: Session, experiment: Experiment, keys: Collection[str], today: dt.date
) -> list[tuple[int | None, str | None, Milestone]]:
    """(variant id, template key, milestone as of today) of the arms' targeted milestones
    (every milestone when ``keys`` is empty); unschedulable ones (no due date, no K) are left
    out, as the ladder loader leaves them out."""
    chosen = AccountFilter(experiment_id=experiment.id, include_archived=True)
    template_of = milestone_template_keys(session, chosen)
    variant_of = {v.name: v.id for v in experiment.variants}  # names are unique in one
    result: list[tuple[int | None, str | None, Milestone]] = []
    for account in account_ladders(session, chosen):
        variant_id = variant_of.get(account.variant) if account.variant else None
        for milestone in account.milestones:
            key = template_of.get(milestone.id) if milestone.id is not None else None
            if keys and key not in keys:
                continue
            result.append((variant_id, key, as_of(milestone, today)))
    return result


def kind_figures(session: Session, experiment: Experiment, today: dt.date) -> KindFigures | None:
    """The first changing kind's figure for every arm, over the same targeted milestones;
    None for an experiment that only reorders."""
    from csm_desktop.domain.metrics.experiment_kinds import (
        KIND_METRIC_LABELS,
        criterion_met_by_due,
        nudge_response,
        on_time_among_judged,
    )

    changing = [
        (variant_kind(v), variant_change(v))
        for v in experiment.variants
        if variant_kind(v) is not VariantKind.ORDER
    ]
    if not changing:
        return None
    kind = changing[0][0]
    keys = sorted(
        {key for k, change in changing if k is kind for key in targeted_templates(change)}
    )
    if kind is VariantKind.TIMING and any(
        not targeted_templates(change) for k, change in changing if k is kind
    ):
        keys = []  # some arm retimes every milestone: measure every milestone
    names = {v.id: v.name for v in experiment.variants}
    rows = _targeted(session, experiment, keys, today)
    by_variant: dict[str, Share] = {}
    if kind is VariantKind.MESSAGE:
        since = experiment.started_on or dt.date.min
        first_nudge = first_touchpoints(
            session, [m.id for _v, _k, m in rows if m.id is not None], since, today
        )
        for variant_id, name in names.items():
            pairs = [
                (first_nudge[m.id], m.achieved_on)
                for v, _k, m in rows
                if v == variant_id and m.id in first_nudge
            ]
            by_variant[name] = nudge_response(pairs, today)
    else:
        measure = on_time_among_judged if kind is VariantKind.TIMING else criterion_met_by_due
        for variant_id, name in names.items():
            by_variant[name] = measure([m for v, _k, m in rows if v == variant_id], today)
    return KindFigures(kind, KIND_METRIC_LABELS[kind.value], by_variant)

"""Gather one account's QBR story from the book: the plain data the PDF and the deck show.

Reads the account page's data and ladder (``store.queries.accounts.account_page_and_ladder``,
as ``services.accounts`` does for the page: that module, ~7 ms of a first report's imports,
is not needed), its metrics, the book
settings (vendor name, logo, accent colour, currency), the feature vocabulary (so features
print by display name), contacts by role (the customer owners of next steps), risks and
asks, value metrics with their money value, and the usage of the review period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from csm_desktop.domain.features import FeatureVocabulary
from csm_desktop.domain.ladder import first_value_milestone
from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.review import ReviewPeriod, last_full_quarter, period_weeks
from csm_desktop.domain.story import capability_name
from csm_desktop.domain.value_money import value_realized
from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.reports.qbr_model import (
    AdoptionLine,
    AskLine,
    Branding,
    CustomerQuote,
    DoneCriterionLine,
    FeatureWeeks,
    MilestoneLine,
    QbrData,
    ValueStory,
)
from csm_desktop.services.book_settings import DEFAULT_ACCENT, read_settings
from csm_desktop.services.features import read_vocabulary
from csm_desktop.services.metrics import account_metrics, value_changes
from csm_desktop.store.database import Database
from csm_desktop.store.queries.accounts import account_page_and_ladder, logo_and_arr
from csm_desktop.store.queries.asks import asks
from csm_desktop.store.queries.usage_rows import last_usage_day, usage_rows
from csm_desktop.store.queries.values import value_histories

KEY_FEATURES_SHOWN = 4
FALLBACK_FEATURES_SHOWN = 4
ASKS_SHOWN = 8
SPONSOR_ROLES = ("executive sponsor", "sponsor", "administrator")
"""Whom the review is prepared for, in order of preference (role names, case ignored)."""


def qbr_story(
    database: Database,
    account_id: int,
    today: dt.date,
    *,
    period: ReviewPeriod | None = None,
    internal: bool = False,
) -> QbrData:
    """Everything the QBR of one account shows, as of ``today`` for ``period``.

    ``period`` defaults to the last full quarter up to ``today``; wins, usage and the money
    value of outcomes follow it; status and plan dates are as of ``today``.
    """
    from csm_desktop.services.reports import internal_fields

    period = period or last_full_quarter(today)
    with database.session() as session:
        read = account_page_and_ladder(session, account_id, with_answers=False)
    if read is None:
        raise UnknownAccount.gone(account_id)
    detail, ladder = read
    due_by_id = {m.id: m.due_on for m in ladder.milestones}
    kickoff = detail.kickoff_on or detail.signed_on
    if kickoff is None:
        raise BadInput(
            f"{detail.name} has no kickoff or signed-on date yet, so there is no progress to "
            "report; log its kickoff first."
        )
    metrics = account_metrics(database, account_id, today)
    with database.session() as session:
        settings = read_settings(session)
        vocabulary = read_vocabulary(session)
        found = logo_and_arr(session, account_id)
    if found is None:
        raise UnknownAccount.gone(account_id)
    logo, arr = found
    owners: dict[str, str] = {}
    for contact in detail.contacts:
        if contact.role and contact.role not in owners:
            owners[contact.role] = contact.name
    milestones = tuple(
        MilestoneLine(
            title=step.title,
            role=step.role,
            target_day=step.target_day,
            due_on=due_by_id.get(step.id),
            status=Status(step.status),
            achieved_on=step.achieved_on,
            evidence=step.evidence,
            first_value=step.first_value,
            unlocks=capability_name(step.unlocks, vocabulary) or None,
            definition_of_done=step.definition_of_done,
            status_reason=step.status_reason,
            replanned_on=step.replanned_on,
            customer_owner=owners.get(step.role, ""),
        )
        for step in detail.milestones
    )
    first = first_value_milestone(metrics.account.milestones)
    first_line = next(
        (
            line
            for step, line in zip(detail.milestones, milestones, strict=True)
            if first is not None and step.id == first.id
        ),
        None,
    )
    kickoff_summary = detail.kickoff
    weeks = period_weeks(period, today)
    usage, active, until = period_usage(
        database, account_id, metrics.account.key_workflows, weeks, vocabulary, period.end
    )
    return QbrData(
        account=detail.name,
        external_id=detail.external_id,
        csm=detail.owner,
        today=today,
        period=period,
        kickoff_on=kickoff,
        playbook=detail.playbook,
        age_days=metrics.age_days,
        milestones=milestones,
        completion=metrics.completion,
        completion_by_role=tuple(metrics.completion_by_role.items()),
        ttfv_days=metrics.ttfv_days,
        first_value=first_line,
        adoptions=tuple(
            AdoptionLine(
                a.milestone, capability_name(a.feature, vocabulary), a.unlocked_on, a.adopted
            )
            for a in metrics.adoptions
        ),
        values=value_stories(database, account_id, today, period, arr),
        usage=usage,
        active_users=active,
        seats=detail.seats,
        usage_until=until,
        success_statement=kickoff_summary.success_statement if kickoff_summary else "",
        done_criteria=tuple(
            DoneCriterionLine(text_, met_on)
            for _id, text_, met_on in (kickoff_summary.done_criteria if kickoff_summary else ())
        ),
        asks=open_asks(database, account_id, today),
        prepared_for=_prepared_for(detail.contacts),
        arr=arr,
        segment=detail.segment,
        branding=Branding(
            company_name=settings.company_name,
            accent_colour=settings.accent_colour or DEFAULT_ACCENT,
            currency=settings.currency_code,
            vendor_logo=settings.logo_path,
            customer_logo=logo or "",
        ),
        internal=internal_fields(database, detail.arr, detail.renewal_on, metrics, today)
        if internal
        else None,
        quote=customer_quote(database, account_id, period, today),
    )


def customer_quote(
    database: Database, account_id: int, period: ReviewPeriod, today: dt.date
) -> CustomerQuote | None:
    """The best remark the customer allowed quoting, given in the period up to today."""
    from csm_desktop.services.feedback import quotable_feedback

    quotes = quotable_feedback(database, account_id, (period.start, min(period.end, today)))
    if not quotes:
        return None
    best = quotes[0]
    return CustomerQuote(
        best.text, ", ".join(p for p in (best.contact, best.account) if p), best.given_on
    )


def _prepared_for(contacts: Sequence[object]) -> str:
    """The sponsor's name (or the first administrator's); else the first contact's."""
    by_role: dict[str, str] = {}
    for contact in contacts:
        role = (getattr(contact, "role", None) or "").casefold()
        by_role.setdefault(role, getattr(contact, "name", ""))
    for role in SPONSOR_ROLES:
        if by_role.get(role):
            return by_role[role]
    return getattr(contacts[0], "name", "") if contacts else ""


def value_stories(
    database: Database,
    account_id: int,
    today: dt.date,
    period: ReviewPeriod,
    arr: float | None,
) -> tuple[ValueStory, ...]:
    """Each value metric's change, its money value over ``period`` and its measurements."""
    lines: list[ValueLine] = value_changes(database, account_id, today)
    with database.session() as session:
        histories = value_histories(session, account_id, today)
    by_name = {history.name: history for history in histories}
    stories = []
    for line in lines:
        row = by_name.get(line.metric)
        if row is None:
            continue
        series = list(row.measurements)
        if row.baseline is not None and row.baseline_on is not None:
            series.insert(0, (row.baseline_on, row.baseline))
        money = value_realized(
            line.baseline,
            line.latest,
            line.direction if isinstance(line.direction, Direction) else Direction.HIGHER,
            money_per_unit=row.money_per_unit,
            rate_per=row.rate_per,
            period_days=period.days,
            arr=arr,
        )
        stories.append(ValueStory(line, money, tuple(series), row.money_per_unit, row.rate_per))
    return tuple(stories)


def open_asks(database: Database, account_id: int, today: dt.date) -> tuple[AskLine, ...]:
    """The account's risks and asks still open on ``today``, asks first, soonest due first."""
    with database.session() as session:
        rows = asks(session, account_id, open_on=today)
    far = dt.date.max
    ordered = sorted(rows, key=lambda r: (r.kind != "ask", r.due_on or far, r.text))
    return tuple(
        AskLine(row.kind, row.text, row.owner or "", row.due_on, row.milestone)
        for row in ordered[:ASKS_SHOWN]
    )


def period_usage(
    database: Database,
    account_id: int,
    key_features: Sequence[str],
    weeks: Sequence[tuple[dt.date, dt.date]],
    vocabulary: FeatureVocabulary,
    period_end: dt.date,
) -> tuple[tuple[FeatureWeeks, ...], tuple[tuple[dt.date, int | None], ...], dt.date | None]:
    """Weekly use of key features (display names), weekly active users, last usage day.

    Key features are those the ladder unlocks or measures, in ladder order, keeping those
    used in the weeks shown; when none was, the most used features stand in. Active users
    of a week are the most reported on any one day of it (the export gives a count per day
    and feature, not people, so days cannot be added up).
    """
    with database.session() as session:
        until = last_usage_day(session, account_id, period_end)
        if not weeks:
            return (), (), until
        first, last = weeks[0][0], weeks[-1][1]
        rows = usage_rows(session, account_ids=[account_id], since=first, until=last)
    per_week: dict[str, dict[dt.date, int]] = {}
    users: dict[dt.date, int] = {}
    for _account, day, feature, count, active in rows:
        monday = day - dt.timedelta(days=day.weekday())
        if count > 0:
            weekly = per_week.setdefault(feature, {})
            weekly[monday] = weekly.get(monday, 0) + count
        if active is not None:
            users[monday] = max(users.get(monday, 0), active)
    chosen = [f for f in dict.fromkeys(key_features) if f in per_week][:KEY_FEATURES_SHOWN]
    if not chosen:
        by_volume = sorted(per_week, key=lambda f: (-sum(per_week[f].values()), f))
        chosen = by_volume[:FALLBACK_FEATURES_SHOWN]
    usage = tuple(
        FeatureWeeks(
            capability_name(feature, vocabulary),
            tuple((monday, per_week[feature].get(monday, 0)) for monday, _ in weeks),
        )
        for feature in chosen
    )
    has_users = bool(users)
    active_users = tuple(
        (monday, users.get(monday, 0 if has_users and (until or dt.date.min) >= monday else None))
        for monday, _ in weeks
    )
    return usage, active_users if has_users else (), until

"""The bundled demo book: a realistic, deterministic book to explore the app with.

About 40 accounts over three segments, kickoffs spread over the nine months before
``today``, contacts in every role, the Standard and Enterprise playbooks of
``data/demo_playbooks.json``, milestones in every status, value metrics with baselines,
touchpoints, an experiment, and daily usage from kickoff to today. Eight more accounts are
last year's customers, past their first yearly renewal: renewed (most with expansion) or
churned, with advocacy from a few happy ones, so that "does onboarding pay off?" has an
answer; the first-year accounts renewing next are pending. A seeded random generator makes
the same book for the same ``today``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from csm_desktop.domain.text import plural
from csm_desktop.domain.vocabulary import Channel, Evidence, Status
from csm_desktop.errors import BadInput
from csm_desktop.services.default_playbook import add_playbooks, load_shipped_playbooks
from csm_desktop.services.demo_feedback import add_demo_feedback
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.features import write_feature
from csm_desktop.services.ladder import apply_playbook, change_status
from csm_desktop.services.renewals import add_advocacy, save_renewal
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Experiment,
    Kickoff,
    KickoffAnswer,
    Measurement,
    Playbook,
    Touchpoint,
    ValueMetric,
    Variant,
)
from csm_desktop.store.queries.accounts import account_count
from csm_desktop.store.queries.milestones import milestones_with_evidence
from csm_desktop.store.queries.playbooks import roles_by_name
from csm_desktop.store.queries.usage_rows import store_usage_rows

SEED = 20260101
OWNERS = ("Maya Chen", "Jonas Keller", "Priya Raman")
INDUSTRIES = ("Logistics", "Healthcare", "Retail", "Manufacturing", "Financial services", "SaaS")
ACCOUNT_NAMES = (
    "Northwind Traders", "Contoso Health", "Fabrikam Manufacturing", "Tailspin Freight",
    "Alpine Ski House", "Blue Yonder Airlines", "Coho Winery", "Adventure Works",
    "Wide World Importers", "Litware Analytics", "Proseware Clinics", "Lucerne Publishing",
    "Margie's Travel", "Humongous Insurance", "Graphic Design Institute", "Trey Research",
    "Woodgrove Bank", "Fourth Coffee", "Southridge Video", "Relecloud Logistics",
    "Åkerlund & Berg AB", "Łódź Freight Sp. z o.o.", "Müller & Söhne GmbH", "Zoë Ødegård Design",
    "Café Lumière SARL", "Nordlys Energi AS", "Θάλασσα Shipping", "Baltic Amber OÜ",
    "Pinecrest Dental", "Redwood Credit Union", "Silverline Retail", "Harborview Hospital",
    "Brightpath Schools", "Summit Outdoor Co", "Evergreen Foods", "Quantum Parts Ltd",
    "Ironclad Security", "Meridian Hotels", "Cobalt Robotics", "Starlight Media",
)  # fmt: skip
FIRST_NAMES = (
    "Alex", "Sam", "Jordan", "Taylor", "Chris", "Robin", "Ana", "Mateusz", "Zoë", "Björn",
    "Ingrid", "Luis", "Hannah", "Kenji", "Fatima", "Oskar", "Léa", "Dmitri", "Aisha", "Noah",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Nowak", "Ødegård", "García", "Johansson", "Müller", "Okafor", "Tanaka",
    "Dubois", "Kowalski", "Rossi", "Novák", "Singh", "Brown", "Larsen", "Petrov",
)  # fmt: skip
TITLES = {
    "Administrator": ("IT Manager", "Systems Administrator", "Head of IT"),
    "Power user": ("Operations Analyst", "Automation Lead", "Process Engineer"),
    "Operator": ("Shift Lead", "Operations Coordinator", "Support Agent"),
}
SUCCESS_ANSWERS = {
    "Administrator": "Access and integrations run without tickets; audit questions answered "
    "from the platform.",
    "Power user": "Our recurring reports and hand-offs run automatically and the team reuses "
    "the same templates.",
    "Operator": "The shift starts from one dashboard and alerts reach the right person first.",
}
DONE_CRITERIA = (
    "All first-wave users can sign in",
    "One weekly manual task is automated on live data",
    "The operations team has stopped updating the old tracker",
)
OTHER_FEATURES = ("login", "search")
# The demo's feature vocabulary (DESIGN §9): what people read instead of the keys, and a few
# spellings an analytics export would use for the same events.
FEATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "sso_login": ("SSO sign-in", ("SSO Login", "saml_login")),
    "scim_provisioning": ("SCIM provisioning", ()),
    "user_invited": ("User invited", ("User Invited", "invite_sent")),
    "integration_sync": ("Integration sync", ("Sync Completed",)),
    "integration_dashboard": ("Integration dashboard", ()),
    "permission_change": ("Permission change", ()),
    "audit_export": ("Audit log export", ()),
    "audit_search": ("Audit search", ()),
    "workflow_run": ("Workflow run", ("Workflow Executed",)),
    "workflow_schedule": ("Workflow schedule", ()),
    "template_created": ("Template created", ()),
    "rule_created": ("Rule created", ()),
    "approval_rule": ("Approval rules", ()),
    "api_call": ("API call", ("API Request",)),
    "api_webhook": ("API webhooks", ()),
    "task_completed": ("Task completed", ()),
    "dashboard_view": ("Dashboard view", ("Dashboard Viewed",)),
    "dashboard_share": ("Dashboard sharing", ()),
    "alert_ack": ("Alert acknowledged", ("Alert Acknowledged",)),
    "alert_routing": ("Alert routing", ()),
    "report_export": ("Report export", ()),
    "login": ("Sign-in", ("Logged In",)),
    "search": ("Search", ()),
}


@dataclass(frozen=True)
class Veteran:
    """One of last year's customers: how its onboarding went and how its renewal ended."""

    name: str
    segment: str
    age: int  # days from kickoff to today: over a year, so its first renewal is decided
    pace: float  # as in ``_DemoBuilder._pace``: below 1 reaches first value on time
    stall_day: int | None
    outcome: str  # "renewed" or "churned"
    growth: float = 1.0  # ARR after ÷ ARR before, for a renewal
    advocacy: tuple[str, int, str] | None = None  # kind, days after kickoff, note


# One cohort from a year ago (one row more in the dashboard's cohorts): fast first value
# renews, most with expansion; late first value renews flat or churns.
VETERANS = (
    Veteran("Harbor & Pine Logistics", "Enterprise", 406, 0.65, None, "renewed", 1.3,
            ("case study", 385, "Case study published: how they retired the weekly spreadsheet")),
    Veteran("Orchard Lane Pharmacy", "SMB", 404, 0.7, None, "renewed", 1.2,
            ("reference", 200, "Reference call with a prospect in retail pharmacy")),
    Veteran("Kestrel Aviation", "Enterprise", 402, 1.6, None, "renewed", 1.0),
    Veteran("Granite Peak Builders", "SMB", 400, 1.7, 40, "churned"),
    Veteran("Copperfield Analytics", "Mid-market", 399, 0.7, None, "renewed", 1.15,
            ("review", 375, "Five-star review on a software review site")),
    Veteran("Lakeside Veterinary", "SMB", 397, 0.65, None, "renewed", 1.0,
            ("review", 380, "Review on a software review site: live in an afternoon")),
    Veteran("Sundial Insurance", "Mid-market", 396, 1.5, 55, "churned"),
    Veteran("Bellwether Labs", "Mid-market", 394, 0.7, None, "renewed", 1.25,
            ("reference", 300, "Spoke to a prospect's COO about the first 90 days")),
)  # fmt: skip
PENDING_WITHIN_DAYS = 120  # first-year accounts renewing this soon have a pending renewal
BLOCK_REASONS = (
    "Waiting for the customer's security review of the service account",
    "IT change freeze until the end of the quarter",
    "Champion on leave; no replacement named yet",
)
SKIP_REASONS = (
    "Customer uses its own SIEM export instead",
    "Not needed: single small team, no approvals",
)


@dataclass(frozen=True)
class DemoSummary:
    accounts: int
    milestones: int
    usage_rows: int

    def __str__(self) -> str:
        return ", ".join(
            (
                plural(self.accounts, "account"),
                plural(self.milestones, "milestone"),
                plural(self.usage_rows, "usage row"),
            )
        )


def load_demo_content() -> dict[str, Any]:
    return load_shipped_playbooks()


def create_demo_book(database: Database, *, today: dt.date) -> DemoSummary:
    """Fill an empty book with the demo data, in one transaction."""
    with database.session() as session:
        if account_count(session):
            raise BadInput(
                f"{database.path} already holds accounts; the demo book needs an empty database."
            )
        builder = _DemoBuilder(session, today)
        builder.build()
        session.flush()
        refresh_usage_evidence(session)  # "criterion met on …" from the generated usage
        _evidence_only_where_usage_shows_it(session)
        add_demo_feedback(session, today)  # the customer's voice (issue 18)
    # After day 90 (issue 18), through the service that checks and stores what a CSM enters.
    for account_id, renewal_on, outcome, before, after in builder.renewals:
        save_renewal(database, account_id, renewal_on, outcome, before, after)
    for account_id, kind, happened_on, note in builder.advocacy:
        add_advocacy(database, account_id, kind, happened_on, note)
    return DemoSummary(builder.accounts, builder.milestones, builder.usage_rows)


def _evidence_only_where_usage_shows_it(session: Session) -> None:
    """A demo milestone says "usage" only if its criterion was met by the day it was achieved."""
    for milestone in milestones_with_evidence(session, Evidence.USAGE.value):
        met = milestone.criterion_met_on
        if met is None or milestone.achieved_on is None or met > milestone.achieved_on:
            milestone.evidence = Evidence.MANUAL.value


class _DemoBuilder:
    def __init__(self, session: Session, today: dt.date) -> None:
        self.session = session
        self.today = today
        self.rng = random.Random(SEED)
        self.accounts = self.milestones = self.usage_rows = 0
        self.roles = roles_by_name(session)
        # (account id, renewal on, outcome, ARR before, ARR after), stored after the book
        self.renewals: list[tuple[int, dt.date, str, float | None, float | None]] = []
        self.advocacy: list[tuple[int, str, dt.date, str]] = []  # (account id, kind, on, note)

    def build(self) -> None:
        for key, (display_name, aliases) in FEATURES.items():
            write_feature(self.session, key, display_name, aliases)
        playbooks = self._playbooks()
        experiment = self._experiment(playbooks["Standard"])
        count = len(ACCOUNT_NAMES)
        for index, name in enumerate(ACCOUNT_NAMES):
            segment = ("SMB", "Mid-market", "Enterprise")[index % 3]
            # Kickoffs spread evenly over the last nine months, newest last.
            age = 270 - round(index * 262 / (count - 1)) + self.rng.randint(-3, 3)
            kickoff = self.today - dt.timedelta(days=max(age, 2))
            playbook = playbooks["Enterprise" if segment == "Enterprise" else "Standard"]
            account = self._account(index, name, segment, kickoff, playbook, experiment)
            renewal_on = account.renewal_on
            if renewal_on and (renewal_on - self.today).days <= PENDING_WITHIN_DAYS:
                self.renewals.append((account.id, renewal_on, "pending", account.arr, None))
        for offset, veteran in enumerate(VETERANS):
            self._veteran(count + offset, veteran, playbooks, experiment)

    def _playbooks(self) -> dict[str, Playbook]:
        return add_playbooks(
            self.session, load_demo_content(), created_on=self.today - dt.timedelta(days=600)
        )

    def _veteran(
        self, index: int, veteran: Veteran, playbooks: dict[str, Playbook], experiment: Experiment
    ) -> None:
        """A customer past its first renewal: renewed (ARR and next renewal updated) or
        churned (archived, as a CSM files a lost customer)."""
        kickoff = self.today - dt.timedelta(days=veteran.age)
        playbook = playbooks["Enterprise" if veteran.segment == "Enterprise" else "Standard"]
        account = self._account(
            index, veteran.name, veteran.segment, kickoff, playbook, experiment,
            pace=(veteran.pace, veteran.stall_day),
        )  # fmt: skip
        renewal_on, before = kickoff + dt.timedelta(days=365), account.arr
        if veteran.outcome == "renewed" and before is not None:
            account.arr = round(before * veteran.growth, -2)
            account.renewal_on = renewal_on + dt.timedelta(days=365)
            self.renewals.append((account.id, renewal_on, "renewed", before, account.arr))
        else:
            account.archived = True
            self.renewals.append((account.id, renewal_on, veteran.outcome, before, None))
        if veteran.advocacy is not None:
            kind, day, note = veteran.advocacy
            on = min(kickoff + dt.timedelta(days=day), self.today)
            self.advocacy.append((account.id, kind, on, note))

    def _experiment(self, standard: Playbook) -> Experiment:
        keys = [step.template.key for step in standard.steps]
        swapped = list(keys)
        a, b = swapped.index("pu-first-workflow"), swapped.index("admin-integration")
        swapped[a], swapped[b] = swapped[b], swapped[a]
        experiment = Experiment(
            name="Integration before first workflow",
            hypothesis="Connecting the core integration before building the first workflow "
            "gets SMB and mid-market customers to first value sooner.",
            started_on=self.today - dt.timedelta(days=200),
            read_on=self.today - dt.timedelta(days=20),  # planned, and due: results readable
            seed=SEED,
            locked=True,
        )
        experiment.variants = [
            Variant(name="A: workflow first", playbook_id=standard.id, ordering="\n".join(keys)),
            Variant(
                name="B: integration first", playbook_id=standard.id, ordering="\n".join(swapped)
            ),
        ]
        self.session.add(experiment)
        self.session.flush()
        return experiment

    def _account(
        self,
        index: int,
        name: str,
        segment: str,
        kickoff: dt.date,
        playbook: Playbook,
        experiment: Experiment,
        pace: tuple[float, int | None] | None = None,
    ) -> Account:
        """A new account with its ladder, kickoff, usage and value; ``pace``: (pace, day it
        stalled) if chosen, else drawn by ``_pace``."""
        rng = self.rng
        seats = {"SMB": rng.randint(15, 60), "Mid-market": rng.randint(80, 400)}.get(
            segment, rng.randint(500, 3000)
        )
        account = Account(
            name=name,
            external_id=f"ACC-{1001 + index}",
            segment=segment,
            industry=INDUSTRIES[index % len(INDUSTRIES)],
            seats=seats,
            arr=float(round(seats * rng.uniform(180, 420), -2)),
            owner=OWNERS[index % len(OWNERS)],
            signed_on=kickoff - dt.timedelta(days=rng.randint(5, 20)),
            kickoff_on=kickoff,
            renewal_on=kickoff + dt.timedelta(days=365),
        )
        ordering = None
        if (
            playbook.name == "Standard"
            and experiment.started_on
            and kickoff >= experiment.started_on
        ):
            variant = experiment.variants[index % 2]
            account.variant = variant
            ordering = variant.ordering.split("\n")
        self.session.add(account)
        contacts = self._contacts(account)
        self.session.flush()
        apply_playbook(self.session, account, playbook, ordering=ordering)
        self._kickoff(account, contacts, kickoff)
        speed, stall_day = pace or self._pace(index)
        activations = self._progress(account, kickoff, speed, stall_day)
        self._usage(account, kickoff, activations, stall_day)
        self._value_metrics(account, kickoff, speed)
        self._touchpoints(account, contacts, kickoff)
        self.accounts += 1
        self.milestones += len(account.milestones)
        return account

    def _contacts(self, account: Account) -> list[Contact]:
        contacts = []
        for role_name, role in self.roles.items():
            for _ in range(self.rng.choice((1, 1, 2))):
                first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
                domain = "".join(ch for ch in account.name.lower() if ch.isascii() and ch.isalnum())
                contact = Contact(
                    role=role,
                    name=f"{first} {last}",
                    email=f"{first.lower()}.{last.lower()}@{domain[:16] or 'customer'}.example",
                    title=self.rng.choice(TITLES[role_name]),
                )
                account.contacts.append(contact)
                contacts.append(contact)
        return contacts

    def _kickoff(self, account: Account, contacts: list[Contact], kickoff: dt.date) -> None:
        age = (self.today - kickoff).days
        record = Kickoff(
            held_on=kickoff,
            attendees=", ".join(c.name for c in contacts[:4]),
            success_statement=f"In 90 days {account.name} runs its weekly operations on the "
            "platform and reports the time saved to its leadership.",
        )
        record.answers = [
            KickoffAnswer(role=role, answer=SUCCESS_ANSWERS[name])
            for name, role in self.roles.items()
            if name in SUCCESS_ANSWERS
        ]
        record.done_criteria = [
            DoneCriterion(
                position=position,
                text=text,
                met_on=kickoff + dt.timedelta(days=10 + 12 * position)
                if age > 10 + 12 * position and position < 3
                else None,
            )
            for position, text in enumerate(DONE_CRITERIA, start=1)
        ]
        account.kickoff = record

    def _pace(self, index: int) -> tuple[float, int | None]:
        """How fast this account climbs (1.0 = on plan) and the day it stalled, if it did."""
        kind = index % 7
        if index in (6, 32):
            return 1.7, self.rng.randint(6, 9)  # never reached first value: off track
        if kind in (0, 3):
            return self.rng.uniform(0.6, 0.9), None  # fast
        if kind == 5:
            return self.rng.uniform(1.4, 1.9), self.rng.randint(25, 70)  # struggling, stalled
        return self.rng.uniform(0.9, 1.3), None

    def _progress(
        self, account: Account, kickoff: dt.date, pace: float, stall_day: int | None
    ) -> dict[str, dt.date]:
        """Set statuses from the account's pace; return the day each feature came into use."""
        activations: dict[str, dt.date] = {}
        age = (self.today - kickoff).days
        for milestone in account.milestones:
            day = max(2, round(milestone.target_day * pace + self.rng.randint(-3, 4)))
            feature = milestone.success_feature
            stalled = stall_day is not None and day > stall_day
            roll = self.rng.random()
            if roll < 0.04 and milestone.target_day > 40:
                self._set(
                    milestone,
                    Status.SKIPPED,
                    kickoff + dt.timedelta(days=min(age, 30)),
                    reason=self.rng.choice(SKIP_REASONS),
                )
            elif day <= age and not stalled:
                evidence = Evidence.USAGE if feature and roll < 0.7 else Evidence.MANUAL
                start = kickoff + dt.timedelta(days=max(0, day - 6))
                self._set(milestone, Status.IN_PROGRESS, start)
                self._set(milestone, Status.ACHIEVED, kickoff + dt.timedelta(days=day), evidence)
                if feature:
                    activations[feature] = kickoff + dt.timedelta(days=max(0, day - 3))
                # Most accounts pick up what a milestone unlocks within a few weeks.
                if milestone.unlocks and self.rng.random() < 0.75:
                    activations[milestone.unlocks] = kickoff + dt.timedelta(
                        days=day + self.rng.randint(2, 24)
                    )
            elif day - 8 <= age and (stall_day is None or day - 8 <= stall_day):
                start_day = max(0, min(age, day - 8))
                if roll < 0.2 and age - start_day > 3:
                    self._set(milestone, Status.IN_PROGRESS, kickoff + dt.timedelta(days=start_day))
                    self._set(
                        milestone,
                        Status.BLOCKED,
                        kickoff + dt.timedelta(days=age - 2),
                        reason=self.rng.choice(BLOCK_REASONS),
                    )
                else:
                    self._set(milestone, Status.IN_PROGRESS, kickoff + dt.timedelta(days=start_day))
        return activations

    def _set(
        self,
        milestone: AccountMilestone,
        status: Status,
        on: dt.date,
        evidence: Evidence = Evidence.MANUAL,
        reason: str = "",
    ) -> None:
        on = min(on, self.today)
        recorded = dt.datetime.combine(on, dt.time(9 + self.rng.randint(0, 8), 0))
        change_status(
            self.session,
            milestone,
            status,
            on=on,
            reason=reason,
            evidence=evidence,
            recorded_at=recorded,
        )

    def _usage(
        self,
        account: Account,
        kickoff: dt.date,
        activations: dict[str, dt.date],
        stall_day: int | None,
    ) -> None:
        """Daily counts per feature from kickoff to today, rising after each activation."""
        thresholds = {
            m.success_feature: (m.success_threshold or 1, m.success_window_days or 7)
            for m in account.milestones
            if m.success_feature
        }
        trial_features = set(thresholds)
        # Unlocked capabilities are used a few times a week once picked up.
        thresholds.update({m.unlocks: (3, 7) for m in account.milestones if m.unlocks})
        rows = []
        last_day = self.today if stall_day is None else kickoff + dt.timedelta(days=stall_day)
        last_day = min(last_day, self.today)
        day = kickoff
        while day <= last_day:
            weekend = day.weekday() >= 5
            for feature in (*OTHER_FEATURES, *thresholds):
                if feature in OTHER_FEATURES:
                    rate = 6.0
                elif feature in activations and day >= activations[feature]:
                    threshold, window = thresholds[feature]
                    rate = 1.6 * threshold / window
                elif feature in trial_features and self.rng.random() < 0.05:
                    rate = 1.0  # trying it out before the milestone
                else:
                    continue
                count = round(rate * (0.25 if weekend else 1.0) * self.rng.uniform(0.6, 1.4))
                if count > 0:
                    users = max(1, min(count, (account.seats or 10) // 4))
                    rows.append((account.id, day, feature, count, users))
            day += dt.timedelta(days=1)
        store_usage_rows(self.session, rows)
        self.usage_rows += len(rows)

    def _value_metrics(self, account: Account, kickoff: dt.date, pace: float) -> None:
        age = (self.today - kickoff).days
        specs = (
            ("Hours on weekly reporting", "hours", "lower", self.rng.randint(12, 30), 0.35),
            (
                "Tickets resolved per agent per week",
                "tickets",
                "higher",
                self.rng.randint(20, 45),
                0.25,
            ),
        )
        for name, unit, direction, baseline, gain in specs:
            target = baseline * (1 - gain) if direction == "lower" else baseline * (1 + gain)
            metric = ValueMetric(
                name=name,
                unit=unit,
                direction=direction,
                baseline=float(baseline),
                baseline_on=kickoff,
                target=round(target, 1),
            )
            for checkpoint in (30, 60, 90, 180, 270):
                if checkpoint > age:
                    break
                progress = min(1.0, checkpoint / (90 * pace)) * gain * self.rng.uniform(0.7, 1.2)
                value = (
                    baseline * (1 - progress) if direction == "lower" else baseline * (1 + progress)
                )
                metric.measurements.append(
                    Measurement(
                        measured_on=kickoff + dt.timedelta(days=checkpoint), value=round(value, 1)
                    )
                )
            account.value_metrics.append(metric)

    def _touchpoints(self, account: Account, contacts: list[Contact], kickoff: dt.date) -> None:
        age = (self.today - kickoff).days
        self.session.add(
            Touchpoint(
                account_id=account.id,
                channel=Channel.MEETING.value,
                template="Kickoff",
                happened_on=kickoff,
                note="Kickoff held; success criteria agreed.",
            )
        )
        for day in range(14, min(age, 120), 21):
            contact = self.rng.choice(contacts)
            channel = self.rng.choice((Channel.EMAIL, Channel.CALL, Channel.IN_APP))
            self.session.add(
                Touchpoint(
                    account_id=account.id,
                    contact_id=contact.id,
                    channel=channel.value,
                    template="Next milestone nudge",
                    happened_on=kickoff + dt.timedelta(days=day),
                    note=f"Nudged {contact.name} about the next milestone.",
                )
            )

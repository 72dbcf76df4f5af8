"""A small book worked out by hand for the report tests, with hostile and non-Latin names.

Today is 2026-04-15 (a Wednesday).

- ``Zoë's <Bakery> & Co`` (ZB-1), kickoff 2026-01-05 (age 100), owner Łucja Kowalska, ARR
  48,000. Ladder: Setup (achieved day 5), First report (first value, target 14, achieved day
  12, unlocks reports.run), Dashboards (target 30, achieved day 36, unlocks dashboards.view),
  Automation (target 60, blocked: overdue), an audit step (skipped), and a Cyrillic alerts
  step (target 110, not started). 3 of 5 counted achieved = 60 %; TTFV 12 against 14.
  Adoption: reports.run used on day 15 (adopted), dashboards.view never (not adopted).
  Health: at risk (Automation overdue since 2026-03-06).
  For the QBR story: book settings (EUR, "Northwind Analytics", accent #0F766E); 25 seats;
  contacts Amélie Admin (Administrator), Ingrid Kowalczyk (Power user); Automation re-planned
  to 2026-04-30 (due_on keeps 2026-03-06); the alerts step unlocks the key
  ``alert_routing``; the feature ``reports.run`` is named "Scheduled reports"; hours on
  weekly reporting are worth 60 an hour per week; one open ask, one open risk, one resolved
  ask; usage rows carry active users (4, 6, 5, 7, 2).
- ``Ленинград Logistics`` (LL-2), kickoff 2026-01-10: its first value (target 14, due
  2026-01-24) is not started, 81 days late: off track.
- ``Echo (no kickoff)``: no K, left out of every figure.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from csm_desktop.services.book_settings import BookSettings, write_settings
from csm_desktop.store.database import Database
from csm_desktop.store.models import (
    Account,
    AccountAsk,
    AccountMilestone,
    Contact,
    DoneCriterion,
    Feature,
    Kickoff,
    Measurement,
    Playbook,
    Role,
    Touchpoint,
    UsageEvent,
    ValueMetric,
)

TODAY = dt.date(2026, 4, 15)
HOSTILE = "Zoë's <Bakery> & Co"
CYRILLIC = "Ленинград Logistics"
SETUP = 'Setup <img src="/etc/passwd"/> & users'
ALERTS = "Алерты настроены"
SECRET_NOTE = "Champion said: budget <tight> & renewal at risk"


def _day(kickoff: dt.date, day: int | None) -> dt.date | None:
    return None if day is None else kickoff + dt.timedelta(days=day)


def store_hand_book(database: Database) -> dict[str, int]:
    """Store the book of the module docstring; returns account ids by name."""
    with database.session() as session:
        roles = {r.name: r for r in session.scalars(select(Role))}
        playbook = Playbook(name="Standard")
        session.add(playbook)
        kickoff = dt.date(2026, 1, 5)
        zoe = Account(
            name=HOSTILE, external_id="ZB-1", segment="SMB", owner="Łucja Kowalska",
            arr=48000.0, signed_on=kickoff - dt.timedelta(days=7), kickoff_on=kickoff,
            renewal_on=dt.date(2027, 1, 5), playbook=playbook, seats=25,
        )  # fmt: skip
        session.add(zoe)
        session.flush()
        ladder = (  # title, role, target, status, achieved day, first value, unlocks, reason
            (SETUP, "Administrator", 7, "achieved", 5, False, None, ""),
            ("First report", "Power user", 14, "achieved", 12, True, "reports.run", ""),
            ("Dashboards", "Operator", 30, "achieved", 36, False, "dashboards.view", ""),
            ("Automation", "Power user", 60, "blocked", None, False, None,
             "Waiting for the customer's security review"),
            ("Θ audit export", "Administrator", 45, "skipped", None, False, None, "Not needed"),
            (ALERTS, "Operator", 110, "not started", None, False, "alert_routing", ""),
        )  # fmt: skip
        for position, (title, role, target, status, achieved, first, unlocks, reason) in enumerate(
            ladder, start=1
        ):
            session.add(
                AccountMilestone(
                    account=zoe, position=position, title=title, role=roles[role],
                    target_day=target, due_on=_day(kickoff, target), status=status,
                    achieved_on=_day(kickoff, achieved), first_value=first, unlocks=unlocks,
                    status_reason=reason, evidence="usage" if title == "Dashboards" else None,
                    definition_of_done="Alerts reach the on-call person <first>"
                    if title == ALERTS else "",
                    replanned_on=dt.date(2026, 4, 30) if title == "Automation" else None,
                )
            )  # fmt: skip
        zoe.kickoff = Kickoff(
            held_on=kickoff,
            success_statement="Reports run themselves & nobody copies <data> by hand",
        )
        zoe.kickoff.done_criteria = [
            DoneCriterion(position=1, text="Everyone signs in", met_on=dt.date(2026, 1, 20)),
            DoneCriterion(position=2, text="<script>alert(1)</script> removed", met_on=None),
        ]
        hours = ValueMetric(
            name="Hours on weekly reporting", unit="hours", direction="lower",
            baseline=20.0, baseline_on=kickoff, target=12.0, money_per_unit=60.0,
            rate_per="week",
        )  # fmt: skip
        hours.measurements = [
            Measurement(measured_on=dt.date(2026, 2, 1), value=18.0),
            Measurement(measured_on=dt.date(2026, 3, 1), value=15.0),
            Measurement(measured_on=dt.date(2026, 5, 1), value=1.0),  # after today: unknown
        ]
        nps = ValueMetric(
            name="NPS", unit="points", direction="higher", baseline=10.0, baseline_on=kickoff
        )
        nps.measurements = [Measurement(measured_on=dt.date(2026, 4, 1), value=8.0)]
        zoe.value_metrics = [hours, nps]
        usage = (
            (dt.date(2026, 1, 20), "reports.run", 3, 4),  # U+3 after First report: adopted
            (dt.date(2026, 4, 6), "reports.run", 5, 6),
            (dt.date(2026, 4, 7), "reports.run", 2, 5),
            (dt.date(2026, 4, 14), "reports.run", 9, 7),  # this week is not complete
            (dt.date(2026, 3, 2), "login", 4, 2),
        )
        for day, feature, count, users in usage:
            session.add(
                UsageEvent(
                    account_id=zoe.id, day=day, feature=feature, count=count, active_users=users
                )
            )
        session.add(Feature(key="reports.run", display_name="Scheduled reports"))
        zoe.contacts = [
            Contact(name="Amélie Admin", role=roles["Administrator"]),
            Contact(name="Ingrid Kowalczyk", role=roles["Power user"]),
        ]
        automation = next(m for m in zoe.milestones if m.title == "Automation")
        session.add_all(
            [
                AccountAsk(account_id=zoe.id, kind="ask", text="Sign off the access checklist",
                           owner="Amélie Admin", due_on=dt.date(2026, 4, 24),
                           milestone_id=automation.id, created_on=dt.date(2026, 3, 10)),
                AccountAsk(account_id=zoe.id, kind="risk", text="Two admins leave in May",
                           owner="Amélie Admin", created_on=dt.date(2026, 4, 1)),
                AccountAsk(account_id=zoe.id, kind="ask", text="Old ask, done",
                           created_on=dt.date(2026, 2, 1), resolved_on=dt.date(2026, 2, 10)),
            ]
        )  # fmt: skip
        write_settings(
            session,
            BookSettings(
                company_name="Northwind Analytics", accent_colour="#0F766E", currency="EUR"
            ),
        )
        session.add(
            Touchpoint(
                account_id=zoe.id, channel="call", template="Check-in",
                happened_on=dt.date(2026, 4, 2), note=SECRET_NOTE,
            )
        )  # fmt: skip

        k2 = dt.date(2026, 1, 10)
        leningrad = Account(
            name=CYRILLIC, external_id="LL-2", owner="Jonas Keller", arr=12000.0,
            kickoff_on=k2, playbook=playbook,
        )  # fmt: skip
        session.add(leningrad)
        session.flush()
        session.add(
            AccountMilestone(
                account=leningrad, position=1, title="First report", role=roles["Power user"],
                target_day=14, due_on=_day(k2, 14), status="not started", first_value=True,
            )
        )  # fmt: skip
        session.add(Account(name="Echo (no kickoff)"))
        session.flush()
        return {a.name: a.id for a in session.scalars(select(Account))}


def pdf_text(path: object) -> str:
    """All the text of a PDF, pages joined, whitespace runs (line wraps) made single spaces."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)

"""Usage evidence after an import: criterion dates, auto-confirm, and a manual status winning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from sqlalchemy import select

from csm_desktop.services.evidence import set_auto_confirm_usage
from csm_desktop.services.import_usage import import_usage
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role, StatusChange

KICKOFF = dt.date(2026, 3, 1)
RECORDED = dt.datetime(2026, 3, 20, 9, 0)


def make_book(book: Database, *, auto_confirm: bool | None, statuses: tuple[str, ...]) -> None:
    """Account Acme (kickoff 1 March) with one milestone per status, each criterion
    "export used 5 times within 7 days"; one more milestone on another feature."""
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Operator")).one()  # seeded
        account = Account(name="Acme", kickoff_on=KICKOFF, signed_on=dt.date(2026, 2, 1))
        session.add(account)
        session.flush()
        for position, status in enumerate(statuses, start=1):
            account.milestones.append(
                AccountMilestone(
                    position=position,
                    title=f"Milestone {position}",
                    role_id=role.id,
                    target_day=14,
                    status=status,
                    success_feature="Export",
                    success_threshold=5,
                    success_window_days=7,
                )
            )
        account.milestones.append(
            AccountMilestone(
                position=len(statuses) + 1,
                title="Dashboards",
                role_id=role.id,
                target_day=30,
                success_feature="dashboard",
                success_threshold=1,
                success_window_days=1,
            )
        )
        if auto_confirm is not None:
            set_auto_confirm_usage(session, auto_confirm)


def usage_file(tmp_path: Path) -> Path:
    path = tmp_path / "usage.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Account", "Date", "Feature", "Count"])
    for day, count in ((1, 2), (3, 1), (6, 1), (7, 1), (10, 2)):
        sheet.append(["Acme", dt.date(2026, 3, day), "export", count])
    workbook.save(path)
    workbook.close()
    return path


def milestones(book: Database) -> list[tuple[str, str, dt.date | None, dt.date | None, str | None]]:
    with book.session() as session:
        return [
            (m.title, m.status, m.criterion_met_on, m.achieved_on, m.evidence)
            for m in session.scalars(select(AccountMilestone).order_by(AccountMilestone.position))
        ]


# By hand, 7-day windows ending on: 6 March (1–6) 2+1+1 = 4; 7 March (1–7) 2+1+1+1 = 5 ≥ 5.
MET = dt.date(2026, 3, 7)


def test_criterion_date_is_recorded_without_changing_status_by_default(
    book: Database, tmp_path: Path
) -> None:
    make_book(book, auto_confirm=None, statuses=("not started",))
    report = import_usage(book, usage_file(tmp_path), recorded_at=RECORDED)
    assert milestones(book) == [
        ("Milestone 1", "not started", MET, None, None),
        ("Dashboards", "not started", None, None, None),
    ]
    assert report.evidence.milestones_checked == 2
    assert report.evidence.criteria_met == 1
    assert report.evidence.auto_achieved == ()


def test_setting_no_keeps_the_milestone_open(book: Database, tmp_path: Path) -> None:
    make_book(book, auto_confirm=False, statuses=("in progress",))
    import_usage(book, usage_file(tmp_path), recorded_at=RECORDED)
    assert milestones(book)[0] == ("Milestone 1", "in progress", MET, None, None)


def test_auto_confirm_achieves_open_milestones_on_the_met_day_and_logs_it(
    book: Database, tmp_path: Path
) -> None:
    make_book(book, auto_confirm=True, statuses=("not started", "in progress"))
    report = import_usage(book, usage_file(tmp_path), recorded_at=RECORDED)
    assert milestones(book) == [
        ("Milestone 1", "achieved", MET, MET, "usage"),
        ("Milestone 2", "achieved", MET, MET, "usage"),
        ("Dashboards", "not started", None, None, None),
    ]
    assert len(report.evidence.auto_achieved) == 2
    with book.session() as session:
        log = [
            (c.changed_on, c.recorded_at, c.from_status, c.to_status, c.reason)
            for c in session.scalars(select(StatusChange).order_by(StatusChange.id))
        ]
    assert log == [
        (MET, RECORDED, "not started", "achieved", "usage criterion met"),
        (MET, RECORDED, "in progress", "achieved", "usage criterion met"),
    ]


def test_a_manual_status_wins_over_auto_confirmed_evidence(book: Database, tmp_path: Path) -> None:
    make_book(book, auto_confirm=True, statuses=("blocked", "skipped", "achieved"))
    import_usage(book, usage_file(tmp_path), recorded_at=RECORDED)
    assert [row[:4] for row in milestones(book)] == [
        ("Milestone 1", "blocked", MET, None),
        ("Milestone 2", "skipped", MET, None),
        ("Milestone 3", "achieved", MET, None),
        ("Dashboards", "not started", None, None),
    ]
    with book.session() as session:
        assert session.scalars(select(StatusChange)).all() == []


def test_reimport_does_not_achieve_a_milestone_twice(book: Database, tmp_path: Path) -> None:
    make_book(book, auto_confirm=True, statuses=("not started",))
    source = usage_file(tmp_path)
    import_usage(book, source, recorded_at=RECORDED)
    again = import_usage(book, source, recorded_at=RECORDED)
    assert again.evidence.auto_achieved == ()
    assert again.evidence.met_dates_changed == 0
    with book.session() as session:
        assert len(session.scalars(select(StatusChange)).all()) == 1


def test_two_spellings_of_the_criterion_feature_count_together(book: Database) -> None:
    """Stored as "export" on 1 and 3 March (2 + 1) and as "EXPORT" on 6 and 7 March (1 + 1):
    one feature for the criterion, so the 7-day window ending 7 March holds 5 ≥ 5 (MET);
    either spelling alone never reaches 5."""
    from csm_desktop.services.evidence import refresh_usage_evidence
    from csm_desktop.store.queries.usage_rows import store_usage

    make_book(book, auto_confirm=None, statuses=("not started",))
    with book.session() as session:
        acme = session.scalars(select(Account)).one()
        days = [dt.date(2026, 3, d) for d in (1, 3, 6, 7)]
        spellings = ["export", "export", "EXPORT", "EXPORT"]
        store_usage(session, [acme.id] * 4, days, spellings, [2, 1, 1, 1], [None] * 4)
        update = refresh_usage_evidence(session, {acme.id})
    assert update.criteria_met == 1
    assert milestones(book)[0][2] == MET

"""Files in the shapes real tools export, imported into a real book: every stored row checked.

Each test writes a file as the tool writes it (xlsx, CSV, JSON, JSON Lines), imports it into
a migrated SQLite book in ``tmp_path`` and compares the whole ``usage_event`` table with
rows computed by hand.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, insert, select, text

from csm_desktop.errors import BadInput
from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.evidence import refresh_usage_evidence
from csm_desktop.services.features import save_feature
from csm_desktop.services.import_usage import (
    NothingImported,
    UsageImportOptions,
    import_usage,
    preview_usage_file,
)
from csm_desktop.spreadsheets.usage_features import UnknownFeature
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, ImportRecord, Role, UsageEvent
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL

LIST_REASON = "a list of accounts, not one account: put one account per row"


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    workbook.close()
    return path


def add_accounts(book: Database, *accounts: str | tuple[str, str]) -> None:
    with book.session() as session:
        session.execute(
            insert(Account),
            [
                {"name": a, "archived": False}
                if isinstance(a, str)
                else {"name": a[0], "external_id": a[1], "archived": False}
                for a in accounts
            ],
        )


def stored(book: Database) -> list[tuple[object, ...]]:
    with book.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT a.name, u.day, u.feature, u.count, u.active_users "
                    f"FROM ({READABLE_USAGE_SQL}) u "
                    "JOIN account a ON a.id = u.account_id ORDER BY a.name, u.day, u.feature"
                )
            )
        ]


def test_pivot_with_dates_as_columns(book: Database, tmp_path: Path) -> None:
    """Excel pivot: filter line names the feature, date cells are the columns; the Grand
    Total row and column are skipped; Globex's blank day stores nothing."""
    add_accounts(book, "Acme", "Globex")
    source = write_xlsx(
        tmp_path / "pivot.xlsx",
        [
            ["Feature", "login"],
            [],
            ["Sum of Count", "Column Labels"],
            ["Row Labels", dt.datetime(2026, 3, 1), dt.datetime(2026, 3, 2), "Grand Total"],
            ["Acme", 5, 3, 8],
            ["Globex", None, 2, 2],
            ["Grand Total", 5, 5, 10],
        ],
    )
    report = import_usage(book, source, UsageImportOptions(strict=True))
    assert stored(book) == [
        ("Acme", "2026-03-01", "login", 5, None),
        ("Acme", "2026-03-02", "login", 3, None),
        ("Globex", "2026-03-02", "login", 2, None),
    ]
    assert (report.form, report.header_row, report.rows_read) == ("dates", 4, 3)
    assert (report.rows_stored, report.rows_rejected, report.lines_skipped) == (3, 0, 1)


def test_dates_as_columns_csv_with_the_feature_option(book: Database, tmp_path: Path) -> None:
    add_accounts(book, "Acme")
    source = tmp_path / "chart.csv"
    source.write_text("Company,2026-03-01,2026-03-02\nAcme,4,1\n", encoding="utf-8")
    import_usage(book, source, UsageImportOptions(feature="User Invited"))
    assert stored(book) == [
        ("Acme", "2026-03-01", "User Invited", 4, None),
        ("Acme", "2026-03-02", "User Invited", 1, None),
    ]


def test_event_log_in_the_book_time_zone_sums_one_per_row(book: Database, tmp_path: Path) -> None:
    """Heap-style CSV, one row per event. In Paris (UTC+1): 22:30 UTC → 1 March, 23:30 UTC
    → 2 March, so Acme has 2 invites on 1 March (rows 2, 3: users u1, u2) and 1 on 2 March
    (row 4: u3); the User column makes the active users the distinct users of each day."""
    add_accounts(book, "Acme")
    save_book_settings(book, BookSettings(time_zone="Europe/Paris"))
    source = tmp_path / "events.csv"
    source.write_text(
        "Event Name,Time,Company,User\n"
        "User Invited,2026-03-01T09:00:00Z,Acme,u1\n"
        "User Invited,2026-03-01T22:30:00Z,Acme,u2\n"
        "User Invited,2026-03-01T23:30:00Z,Acme,u3\n"
        "Login,2026-03-01T23:30:00+01:00,Acme,u1\n",
        encoding="utf-8",
    )
    report = import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "Login", 1, 1),
        ("Acme", "2026-03-01", "User Invited", 2, 2),
        ("Acme", "2026-03-02", "User Invited", 1, 1),
    ]
    assert report.form == "events"
    assert report.warnings == (
        "Each row counted as one event: 4 events added up to 3 daily counts per account and "
        "feature; active users are the distinct users of each.",
    )
    utc = import_usage(book, source, UsageImportOptions(time_zone="UTC"))  # option wins
    assert utc.rows_stored == 2  # UTC: 3 invites and 1 login (22:30 UTC) on 1 March
    assert ("Acme", "2026-03-01", "User Invited", 3, 3) in stored(book)


def test_unknown_time_zone_option_is_bad_input(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "events.csv"
    source.write_text("Event,Time,Company\nx,2026-03-01,Acme\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"--time-zone 'Mars/Olympus' is unknown"):
        import_usage(book, source, UsageImportOptions(time_zone="Mars/Olympus"))


def test_json_array_with_epoch_milliseconds_and_external_ids(
    book: Database, tmp_path: Path
) -> None:
    """Pendo-style: accountId holds external ids, day is epoch ms (1772323200000 = 1 March
    2026 00:00 UTC), numEvents and numVisitors."""
    add_accounts(book, ("Acme", "ACC-1"), ("Globex", "ACC-2"))
    save_book_settings(book, BookSettings(time_zone="UTC"))
    source = tmp_path / "pendo.json"
    source.write_text(
        json.dumps(
            {
                "results": [
                    {
                        "accountId": "ACC-1",
                        "day": 1772323200000,
                        "featureId": "export",
                        "numEvents": 7,
                        "numVisitors": 2,
                    },
                    {
                        "accountId": "ACC-2",
                        "day": 1772409600000,
                        "featureId": "export",
                        "numEvents": 1,
                        "numVisitors": 1,
                    },
                ]
            }
        ),
        encoding="utf-8",
    )
    import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "export", 7, 2),
        ("Globex", "2026-03-02", "export", 1, 1),
    ]


def test_json_lines_nested_properties_and_criterion_on_the_vocabulary_key(
    book: Database, tmp_path: Path
) -> None:
    """Mixpanel export: "User Invited" events count for a criterion on ``user_invited``
    (3 within 7 days: the third invite, on 3 March, meets it) and are stored as the key."""
    save_book_settings(book, BookSettings(time_zone="UTC"))
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        account = Account(name="Acme", kickoff_on=dt.date(2026, 3, 1))
        session.add(account)
        session.flush()
        session.add(
            AccountMilestone(
                account_id=account.id, position=1, title="Invite the team", role_id=role.id,
                target_day=7, success_feature="user_invited", success_threshold=3,
                success_window_days=7,
            )
        )  # fmt: skip
    source = tmp_path / "mixpanel.jsonl"
    lines = [
        {"event": "User Invited", "properties": {"time": 1772323200, "account": "Acme"}},
        {"event": "user-invited", "properties": {"time": 1772409600, "account": "Acme"}},
        {"event": "User Invited", "properties": {"time": 1772496000, "account": "Acme"}},
    ]
    source.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    report = import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "user_invited", 1, None),
        ("Acme", "2026-03-02", "user_invited", 1, None),
        ("Acme", "2026-03-03", "user_invited", 1, None),
    ]
    assert report.unknown_features == ()
    with book.session() as session:
        met = session.scalars(select(AccountMilestone.criterion_met_on)).one()
    assert met == dt.date(2026, 3, 3)


def test_evidence_counts_every_stored_spelling_of_a_feature(book: Database) -> None:
    """Usage stored before the vocabulary existed ("User Invited", "USER_INVITED ") still
    counts for ``user_invited``: 2 + 1 = 3 on 1–2 March meets "3 within 7 days"."""
    with book.session() as session:
        role = session.scalars(select(Role).where(Role.name == "Administrator")).one()
        account = Account(name="Acme", kickoff_on=dt.date(2026, 3, 1))
        session.add(account)
        session.flush()
        session.add(
            AccountMilestone(
                account_id=account.id, position=1, title="Invite", role_id=role.id,
                target_day=7, success_feature="user_invited", success_threshold=3,
                success_window_days=7,
            )
        )  # fmt: skip
        session.add_all(
            UsageEvent(**row)
            for row in [
                {"account_id": account.id, "day": dt.date(2026, 3, 1), "feature": "User Invited",
                 "count": 2},
                {"account_id": account.id, "day": dt.date(2026, 3, 2),
                 "feature": "USER_INVITED ", "count": 1},
                {"account_id": account.id, "day": dt.date(2026, 3, 2), "feature": "login",
                 "count": 9},
            ]
        )  # fmt: skip
        update = refresh_usage_evidence(session)
        met = session.scalars(select(AccountMilestone.criterion_met_on)).one()
    assert (update.criteria_met, met) == (1, dt.date(2026, 3, 2))


def test_aliases_map_to_the_key_and_unknown_features_are_listed_with_the_nearest(
    book: Database, tmp_path: Path
) -> None:
    add_accounts(book, "Acme")
    save_feature(book, "report_run", "Report run", ["Reports generated"])
    source = tmp_path / "usage.csv"
    source.write_text(
        "Account,Date,Feature,Count\n"
        "Acme,2026-03-01,Reports generated,2\n"
        "Acme,2026-03-01,Report Run,1\n"
        "Acme,2026-03-01,Reprt run,4\n"
        "Acme,2026-03-01,Dashboard Viewed,5\n"
        "Acme,2026-03-02,dashboard_viewed,6\n",
        encoding="utf-8",
    )
    report = import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "Dashboard Viewed", 5, None),
        ("Acme", "2026-03-01", "Reprt run", 4, None),
        ("Acme", "2026-03-01", "report_run", 3, None),
        ("Acme", "2026-03-02", "Dashboard Viewed", 6, None),
    ]
    assert report.unknown_features == (
        UnknownFeature("Dashboard Viewed"),
        UnknownFeature("Reprt run", "report_run"),
    )


def test_grouped_report_with_footers_passes_strict(book: Database, tmp_path: Path) -> None:
    add_accounts(book, "Acme", "Globex")
    source = write_xlsx(
        tmp_path / "report.xlsx",
        [
            ["Usage by Account"],
            ["As of 31/03/2026"],
            [],
            ["Account Name", "Feature", "Date", "Count"],
            ["Acme", "login", dt.date(2026, 3, 1), 3],
            [None, None, dt.date(2026, 3, 2), 4],
            [None, "export", dt.date(2026, 3, 1), 1],
            ["Acme Total", None, None, 8],
            ["Globex", "login", dt.date(2026, 3, 1), 2],
            ["Grand Totals (4 records)", None, None, 10],
            [],
            ["Confidential Information - Do Not Distribute"],
            ["Generated by Salesforce on 31/03/2026"],
        ],
    )
    report = import_usage(book, source, UsageImportOptions(strict=True))
    assert stored(book) == [
        ("Acme", "2026-03-01", "export", 1, None),
        ("Acme", "2026-03-01", "login", 3, None),
        ("Acme", "2026-03-02", "login", 4, None),
        ("Globex", "2026-03-01", "login", 2, None),
    ]
    assert (report.rows_rejected, report.lines_skipped) == (0, 5)
    assert report.warnings == (
        "2 blank Account Name cells under a group label were filled from the row above (a "
        "grouped report).",
        "1 blank Feature cell under a group label was filled from the row above (a grouped "
        "report).",
    )


def test_wide_file_never_stores_a_licence_count(book: Database, tmp_path: Path) -> None:
    add_accounts(book, "Acme")
    save_feature(book, "login")
    source = write_xlsx(
        tmp_path / "wide.xlsx",
        [
            ["Account", "Date", "Licensed Users", "Login", "Utilization %", "Total Events"],
            ["Acme", dt.date(2026, 3, 1), 50, 3, 0.1, 3],
            ["Acme", dt.date(2026, 3, 2), 50, 4, 0.12, 4],
        ],
    )
    preview = preview_usage_file(source, book=book)
    assert preview.layout is not None
    assert [preview.layout.column_name(p) for p, _why in preview.layout.ignored_columns] == [
        "Licensed Users", "Utilization %", "Total Events",
    ]  # fmt: skip
    import_usage(book, source)
    assert stored(book) == [
        ("Acme", "2026-03-01", "login", 3, None),
        ("Acme", "2026-03-02", "login", 4, None),
    ]


def test_decimal_setting_decides_when_the_file_does_not(book: Database, tmp_path: Path) -> None:
    """ "1,234" alone could be either: with the book's decimal comma it is 1.234, not whole;
    the --decimal option overrides the setting."""
    add_accounts(book, "Acme")
    save_book_settings(book, BookSettings(decimal_separator=","))
    source = tmp_path / "usage.csv"
    source.write_text(
        'Account,Date,Feature,Count\nAcme,2026-03-01,a,"1,234"\nAcme,2026-03-01,b,7\n',
        encoding="utf-8",
    )
    report = import_usage(book, source)
    assert stored(book) == [("Acme", "2026-03-01", "b", 7, None)]
    assert [(p.row, p.reason) for p in report.rejected_rows] == [(2, "not a whole number")]
    import_usage(book, source, UsageImportOptions(decimal="."))
    assert stored(book) == [
        ("Acme", "2026-03-01", "a", 1234, None),
        ("Acme", "2026-03-01", "b", 7, None),
    ]


def test_create_accounts_never_makes_one_account_of_a_list(book: Database, tmp_path: Path) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(
        "Account,Date,Feature,Count\n"
        "Acme;Globex,2026-03-01,login,1\n"
        '"Initech, Umbrella and Hooli",2026-03-01,login,2\n'
        '"Acme, Inc.",2026-03-01,login,3\n',
        encoding="utf-8",
    )
    report = import_usage(book, source, UsageImportOptions(create_accounts=True))
    assert stored(book) == [("Acme, Inc.", "2026-03-01", "login", 3, None)]
    assert report.created_accounts == ("Acme, Inc.",)
    assert [(p.row, p.value, p.reason) for p in report.rejected_rows] == [
        (2, "Acme;Globex", LIST_REASON),
        (3, "Initech, Umbrella and Hooli", LIST_REASON),
    ]
    assert report.unmatched_accounts == ()


def test_nothing_usable_raises_with_the_option_that_helps_and_stores_nothing(
    book: Database, tmp_path: Path
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text(
        "Account,Date,Feature,Count\nInitech,2026-03-01,login,1\nHooli,2026-03-01,login,2\n",
        encoding="utf-8",
    )
    with pytest.raises(NothingImported) as caught:
        import_usage(book, source)
    assert str(caught.value) == (
        "usage.csv: nothing was imported: all 2 rows were rejected (2 for: unknown account). "
        f"They are listed in {tmp_path / 'usage.rejected-rows.csv'}. To import them, add the "
        "accounts to the book first, or import with create accounts (--create-accounts)."
    )
    with book.session() as session:
        assert session.scalar(select(func.count()).select_from(ImportRecord)) == 0
        assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_a_file_of_totals_only_is_refused_as_holding_no_usage(
    book: Database, tmp_path: Path
) -> None:
    source = tmp_path / "usage.csv"
    source.write_text("Account,Date,Feature,Count\nGrand Total,,,0\n", encoding="utf-8")
    with pytest.raises(
        NothingImported, match=r"the line under the header is a total, a footer or blank"
    ):
        import_usage(book, source)

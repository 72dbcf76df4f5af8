"""A book file's Usage sheet is written from the store's codes (ids, day numbers), not from
a ``UsageRow`` per row, and its milestones are read from SQLite's raw cursor (issue 17): the
sheets must be byte for byte those of the reference path (SQLAlchemy rows and records, as on
a team server), awkward names and keys included, split or not."""

from __future__ import annotations

import datetime as dt
import threading
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select, text

from csm_desktop.errors import BadFile, Cancelled
from csm_desktop.services import book_export
from csm_desktop.services.book_workbook import export_book
from csm_desktop.services.progress import progress_of
from csm_desktop.spreadsheets import book_writer
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountMilestone, Role
from csm_desktop.store.queries import book_rows
from csm_desktop.store.queries.usage_rows import store_usage_rows

FIRST = dt.date(2026, 1, 5)
NAMES = [
    "=SUM(1)",  # a formula: neutralised with an apostrophe
    "<&> \"quoted\" 'x'",
    "  spaced  ",  # kept with xml:space
    "bell\x07and_x0001_escape",  # control characters dropped
    "Ünïcødé ☃ 株式会社",
    "-5",
    "'=already quoted",
    "{braces} %s %d",
]
KEYS_FIRST = ["zeta.run", "=cmd", " spaced key "]  # interned first: ids not in key order
KEYS_LATER = ["<b>&amp;", "alpha", "Ärger"]


def fill(database: Database, keys: list[list[str]]) -> None:
    """An account per name of NAMES with two milestones (one with every date, evidence and
    first value, one with none); for each account, day and key, a usage row (every third
    without active users), stored one key list at a time (each interned in turn)."""
    with database.session() as session:
        accounts = [Account(name=name) for name in NAMES]
        role = Role(name="=CSM")
        session.add_all([*accounts, role])
        session.flush()
        for account in accounts:
            session.add_all([
                AccountMilestone(
                    account_id=account.id, position=1, title="=Kickoff <held>", role_id=role.id,
                    target_day=0, due_on=FIRST, status="achieved", started_on=FIRST,
                    achieved_on=FIRST + dt.timedelta(days=2), evidence="-signed", first_value=True,
                    unlocks="  go live ", success_feature="alpha", success_threshold=3,
                    success_window_days=7,
                ),
                AccountMilestone(
                    account_id=account.id, position=2, title="Adoption", role_id=role.id,
                    target_day=30,
                ),
            ])  # fmt: skip
        for batch in keys:
            rows = [
                (
                    account.id,
                    FIRST + dt.timedelta(days=d),
                    key,
                    i + d,
                    None if (i + d) % 3 == 0 else d,
                )
                for i, account in enumerate(accounts)
                for d in range(3)
                for key in batch
            ]
            store_usage_rows(session, rows)


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as workbook:
        return {name: workbook.read(name) for name in workbook.namelist()}


def both_ways(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **options: object
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The workbook's parts written from codes, then by the reference path."""
    coded, reference = tmp_path / "coded.xlsx", tmp_path / "reference.xlsx"
    export_book(book, coded, **options)  # type: ignore[arg-type]
    with monkeypatch.context() as patch:
        patch.setattr(book_export, "use_fast_path", lambda *_a, **_k: False)
        patch.setattr(book_rows, "use_fast_path", lambda *_a, **_k: False)
        export_book(book, reference, **options)  # type: ignore[arg-type]
    return parts(coded), parts(reference)


@pytest.mark.parametrize(
    "keys", [[KEYS_FIRST, KEYS_LATER], [KEYS_FIRST + KEYS_LATER]], ids=["joined", "by-id"]
)
def test_the_coded_usage_sheet_is_the_reference_byte_for_byte(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keys: list[list[str]]
) -> None:
    """Feature ids out of key order (the query sorts by key) or in it (the primary key's
    order): every part of the workbook is the same bytes."""
    fill(book, keys)
    coded, reference = both_ways(book, tmp_path, monkeypatch)
    assert coded == reference
    usage = coded["xl/worksheets/sheet6.xml"]
    assert b"<t>'=SUM(1)</t>" in usage
    assert b'<t xml:space="preserve">  spaced  </t>' in usage
    assert b"&lt;b&gt;&amp;amp;" in usage and b"bell" in usage and b"\x07" not in usage
    milestones = coded["xl/worksheets/sheet3.xml"]
    assert b"<t>'=Kickoff &lt;held&gt;</t>" in milestones and b"<t>yes</t>" in milestones


def test_split_usage_sheets_are_the_reference_byte_for_byte(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """144 usage rows, 50 a sheet: Usage, Usage 2 and Usage 3 (an account's rows run over
    a sheet's end) as the reference writes them."""
    fill(book, [KEYS_FIRST, KEYS_LATER])
    coded, reference = both_ways(book, tmp_path, monkeypatch, usage="split", max_rows=50)
    assert coded == reference
    assert b'<row r="51">' in coded["xl/worksheets/sheet7.xml"]  # Usage 2: 50 rows
    usage_3 = coded["xl/worksheets/sheet8.xml"]  # the last 44
    assert b'<row r="45">' in usage_3 and b'<row r="46">' not in usage_3


def test_a_name_too_long_for_a_cell_is_refused_as_the_reference_refuses_it(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feature key over Excel's 32,767 characters: the same refusal, naming the row, the
    column and the account (the long key sorts first: row 2), and no file."""
    with book.session() as session:
        acme = Account(name="Acme")
        session.add(acme)
        session.flush()
        rows = [(acme.id, FIRST, "login", 1, 1), (acme.id, FIRST, "k" * 32_768, 2, None)]
        store_usage_rows(session, rows)
    messages = []
    for fast in (True, False):
        with monkeypatch.context() as patch:
            if not fast:
                patch.setattr(book_export, "use_fast_path", lambda *_a, **_k: False)
                patch.setattr(book_rows, "use_fast_path", lambda *_a, **_k: False)
            with pytest.raises(BadFile) as refused:
                export_book(book, tmp_path / "book.xlsx")
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert "the Usage sheet, row 2, column Feature (Acme) holds 32,768 characters" in messages[0]
    assert not (tmp_path / "book.xlsx").exists()


@pytest.mark.file_book  # a server's integer column keeps no fraction
def test_rows_of_another_shape_are_written_as_the_reference_writes_them(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A count or active users that is not a whole number (a book edited by hand) leaves
    the one-format row for the generic cell rendering: still the reference's bytes."""
    fill(book, [KEYS_FIRST])
    with book.session() as session:
        session.execute(text("UPDATE usage_event SET count = 2.5 WHERE day % 2 = 0"))
        session.execute(text("UPDATE usage_event SET active_users = 0.5 WHERE count = 1"))
    coded, reference = both_ways(book, tmp_path, monkeypatch)
    assert coded == reference
    usage = coded["xl/worksheets/sheet6.xml"]
    assert b"<v>2.5</v>" in usage and b"<v>0.5</v>" in usage


def test_a_cancel_mid_usage_stops_the_deflating_thread_and_leaves_the_book_writable(
    book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows read 10 at a time and progress every 10 rows, Cancel after the first usage
    progress: the deflating thread is gone when the Cancel arrives, the usage cursor is
    closed, and the book takes a write and reads it back."""
    fill(book, [KEYS_FIRST, KEYS_LATER])
    monkeypatch.setattr(book_rows, "BATCH", 10)
    monkeypatch.setattr(book_writer, "PROGRESS_ROWS", 10)
    heard: list[int] = []
    cancel = lambda: bool(heard) and heard[-1] >= 18  # noqa: E731 (8 accounts, 10 usage rows)
    progress = progress_of(lambda done, _t, _x: heard.append(done), cancel)
    with pytest.raises(Cancelled):
        export_book(book, tmp_path / "book.xlsx", progress=progress)
    assert "xlsx deflate" not in [thread.name for thread in threading.enumerate()]
    assert not (tmp_path / "book.xlsx").exists()
    with book.session() as session:
        session.add(Account(name="After"))
    with book.session() as session:
        assert session.scalar(select(Account.id).where(Account.name == "After")) is not None

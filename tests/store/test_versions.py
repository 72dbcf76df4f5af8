"""Versions and authors (issue 16): two sessions on the same book never overwrite each other.

Each test opens the same book twice (two engines, as two windows or two CSMs on the team
server would) and signs each with a name, then saves the same row from both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from csm_desktop.errors import ConflictError
from csm_desktop.store.authorship import author, sign_as, utc_now
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, AccountEvent, TeamMember
from csm_desktop.store.queries.edits import local_time, refuse_if_moved, saving


def open_again(book: Database) -> Database:
    """The same book opened a second time: its own engine and connections."""
    if book.path is not None:
        return open_database(book.path)
    from csm_desktop.store.server import open_server_database

    return open_server_database(book.engine.url.render_as_string(hide_password=False))


@pytest.fixture
def two(book: Database) -> Iterator[tuple[Database, Database]]:
    other = open_again(book)
    sign_as(book.engine, "Ravi Patel")
    sign_as(other.engine, "Maya Chen")
    with book.session() as session:
        session.add(Account(name="Acme", owner="Ravi Patel"))
    yield book, other
    other.close()


def acme(session: object) -> Account:
    return session.scalars(select(Account).where(Account.name == "Acme")).one()  # type: ignore[attr-defined, no-any-return]


def test_a_new_row_starts_at_version_1_stamped_with_its_author(
    two: tuple[Database, Database],
) -> None:
    """Created by Ravi just now: version 1, changed_by Ravi, changed_at within the test."""
    mine, _theirs = two
    before = utc_now()
    with mine.session() as session:
        row = acme(session)
        assert (row.version, row.changed_by) == (1, "Ravi Patel")
        assert row.changed_at is not None and before - dt.timedelta(seconds=5) <= row.changed_at


def test_each_update_adds_one_to_the_version_and_names_its_author(
    two: tuple[Database, Database],
) -> None:
    """Ravi creates (1), Maya edits the segment (2), Ravi the seats (3)."""
    mine, theirs = two
    with theirs.session() as session:
        acme(session).segment = "SMB"
    with mine.session() as session:
        acme(session).seats = 40
    with theirs.session() as session:
        row = acme(session)
        assert (row.version, row.changed_by, row.segment, row.seats) == (3, "Ravi Patel", "SMB", 40)


def test_adding_a_child_row_does_not_count_as_changing_the_account(
    two: tuple[Database, Database],
) -> None:
    """A timeline line hangs off the account but changes none of its columns: version
    stays 1; the line itself records Maya."""
    _mine, theirs = two
    with theirs.session() as session:
        row = acme(session)
        session.add(
            AccountEvent(account_id=row.id, happened_on=dt.date(2026, 4, 1),
                         recorded_at=dt.datetime(2026, 4, 1, 9), kind="value", text="x")
        )  # fmt: skip
    with theirs.session() as session:
        assert acme(session).version == 1
        assert session.scalars(select(AccountEvent.changed_by)).one() == "Maya Chen"


def test_a_save_over_a_version_someone_else_replaced_is_refused_naming_them(
    two: tuple[Database, Database],
) -> None:
    """Ravi's screen shows version 1; Maya saves (version 2); Ravi's save expecting 1 is
    refused with her name and her time, and the row keeps her change."""
    mine, theirs = two
    with theirs.session() as session:
        acme(session).segment = "Enterprise"
    with theirs.session() as session:
        at = local_time(acme(session).changed_at)
    assert at is not None
    with pytest.raises(ConflictError) as refused, mine.session() as session:
        row = acme(session)
        refuse_if_moved(row, 1, "Acme")
        row.segment = "SMB"
    assert str(refused.value) == (
        f"Acme was changed by Maya Chen at {at:%H:%M} — reload to see it."
    )
    assert refused.value.version == 2
    with mine.session() as session:
        assert (acme(session).segment, acme(session).version) == ("Enterprise", 2)


def test_a_save_racing_another_between_read_and_write_is_refused(
    two: tuple[Database, Database],
) -> None:
    """Both read version 1; Maya commits first; Ravi's flush matches no row (the version
    column) and is refused, nothing of his stored."""
    mine, theirs = two
    with pytest.raises(ConflictError) as refused, mine.session() as session:
        row = acme(session)
        with saving(session, row, "Acme", seen=1):  # still 1 here
            with theirs.session() as other:
                acme(other).segment = "Enterprise"
            row.seats = 12
    assert refused.value.changed_by == "Maya Chen"
    with mine.session() as session:
        assert (acme(session).seats, acme(session).segment) == (None, "Enterprise")


def test_the_same_version_saves_and_returns_the_next_one(two: tuple[Database, Database]) -> None:
    mine, _theirs = two
    with mine.session() as session:
        row = acme(session)
        with saving(session, row, "Acme", seen=1):
            row.seats = 12
        assert row.version == 2


def test_a_refusal_from_another_day_gives_the_date_and_an_unknown_author_someone_else() -> None:
    refused = ConflictError("“SSO”", None, dt.datetime(2026, 3, 2, 9, 5), 4,
                            today=dt.date(2026, 3, 3))  # fmt: skip
    assert (
        str(refused)
        == "“SSO” was changed by someone else at 09:05 on 2026-03-02 — reload to see it."
    )


def test_the_author_of_a_file_book_is_its_csm_name_setting(book: Database) -> None:
    """A file book's author is the book's ``csm_name`` setting (on a server: the role's
    team_member name, checked in tests/team)."""
    from csm_desktop.store.models import Setting

    fresh = open_again(book)
    try:
        with fresh.session() as session:
            session.add(Setting(key="csm_name", value="Lena Ortiz"))
            session.add(TeamMember(role="maya", name="Maya Chen"))
        with fresh.session() as session:
            name = author(session)
        if book.path is not None:
            assert name == "Lena Ortiz"
        else:
            assert name  # the signed-in role, mapped in tests/team
    finally:
        fresh.close()


def test_the_author_is_asked_again_after_a_names_change_unless_named_outright(
    book: Database,
) -> None:
    """The author is asked once per engine; after ``names_may_have_changed`` (a teammate's
    ``*`` notice) the next change asks again and picks up the book's new ``csm_name`` (on a
    server, the role's new team_member name). A name given by ``sign_as`` stays."""
    from csm_desktop.services.opening import names_may_have_changed
    from csm_desktop.store.models import Setting

    if book.path is None:
        pytest.skip("the file book's csm_name; the server's team_member name is in tests/team")
    fresh = open_again(book)
    try:
        with fresh.session() as session:
            session.add(Setting(key="csm_name", value="Lena Ortiz"))
        with fresh.session() as session:
            assert author(session) == "Lena Ortiz"
            session.get(Setting, "csm_name").value = "Lena Ortiz-Berg"  # type: ignore[union-attr]
        with fresh.session() as session:
            assert author(session) == "Lena Ortiz"  # asked once
        names_may_have_changed(fresh)
        with fresh.session() as session:
            assert author(session) == "Lena Ortiz-Berg"
        sign_as(fresh.engine, "Maya Chen")
        names_may_have_changed(fresh)
        with fresh.session() as session:
            assert author(session) == "Maya Chen"
    finally:
        fresh.close()

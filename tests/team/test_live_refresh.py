"""Live refresh on a team server (issue 16): a teammate's change reaches an open window
within seconds, through PostgreSQL's LISTEN/NOTIFY, without losing the user's place.

Maya is a second session on the same server book (another engine, as another CSM's app);
the window is Ravi's. The triggers of migration 0008 announce the accounts each committed
statement touched; a window is not told of its own changes.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, QSettings
from sqlalchemy import create_engine, text

from csm_desktop.domain.vocabulary import Status
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import AccountFields
from csm_desktop.services.accounts import LadderStep, account_detail
from csm_desktop.services.book import book_rows
from csm_desktop.services.demo import create_demo_book
from csm_desktop.services.experiments import VariantSpec, create_experiment, playbook_choices
from csm_desktop.services.live_changes import ChangeFeed, Changes, listen_for_changes
from csm_desktop.services.opening import open_team_book, open_team_book_for_window
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.live_changes import own_processes
from csm_desktop.ui import workers
from csm_desktop.ui.controllers import live_refresh
from csm_desktop.ui.main_window import MainWindow

pytestmark = [pytest.mark.postgresql, pytest.mark.qt_log_ignore("propagateSizeHints")]

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def team_demo(team_book_url: str) -> str:
    with open_team_book(team_book_url) as book:
        create_demo_book(book, today=TODAY)
    return team_book_url


@pytest.fixture
def maya(team_demo: str) -> Iterator[Database]:
    with open_team_book(team_demo) as database:
        yield database


def first_open_milestone(database: Database, account_id: int) -> tuple[int, int, Status]:
    """(id, version, status) of the account's first milestone not yet achieved."""
    detail = account_detail(database, account_id, TODAY)
    step = next(s for s in detail.ladder if s.status is not Status.ACHIEVED)
    return step.id, step.version, step.status


def move_on(database: Database, account_id: int) -> int:
    """Change one milestone of the account (its first open one) to a status it did not
    have; the milestone's id."""
    milestone_id, version, status = first_open_milestone(database, account_id)
    new = Status.BLOCKED if status is not Status.BLOCKED else Status.IN_PROGRESS
    account_edits.set_status(
        database, milestone_id, new, on=TODAY, reason="waiting on IT", seen=version
    )
    return milestone_id


def step_of(database: Database, account_id: int, milestone_id: int) -> LadderStep:
    return next(
        s for s in account_detail(database, account_id, TODAY).ladder if s.id == milestone_id
    )


def read_until_some(feed: ChangeFeed, seconds: float = 10.0) -> Changes:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        changes = feed.read()
        if changes:
            return changes
        time.sleep(0.05)
    return Changes()


def terminate_listeners(url: str) -> int:
    """Cut every connection listening for change notices, as a server restart would."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return len(
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE query LIKE 'LISTEN csm_desktop_changes%'"
                    )
                ).all()
            )
    finally:
        admin.dispose()


def test_the_feed_names_the_accounts_others_changed_and_not_our_own(
    team_demo: str, maya: Database
) -> None:
    """Maya changes a milestone of account 7 and one of account 20 (two transactions); the
    feed says {7, 20}. A change made through the feed's own book (account 6) is not
    announced to it; a playbook change, a book setting or a teammate's display name may
    touch every account; a cut connection says so."""
    with open_team_book(team_demo) as mine:
        feed = listen_for_changes(mine)
        assert feed is not None
        try:
            move_on(mine, 6)
            move_on(maya, 7)
            move_on(maya, 20)
            changes = read_until_some(feed)
            time.sleep(0.3)  # the second notice may arrive a moment later
            changes = changes | feed.read()
            assert changes == Changes(frozenset({7, 20}))
            assert not changes.touches(6) and changes.touches(20)

            move_on(mine, 13)
            with maya.engine.begin() as connection:
                connection.execute(text("UPDATE playbook SET name = name"))
            assert read_until_some(feed) == Changes(everything=True)
            # a book setting and a teammate's display name show on any account too (0009)
            for change in (
                "INSERT INTO setting (key, value) VALUES ('team_test', '1')",
                "INSERT INTO team_member (role, name) VALUES ('ravi_test', 'Ravi Test')",
            ):
                with maya.engine.begin() as connection:
                    connection.execute(text(change))
                assert read_until_some(feed) == Changes(everything=True)

            assert terminate_listeners(team_demo) == 1
            with pytest.raises(ConnectionError, match="change notices stopped"):
                read_until_some(feed)
        finally:
            feed.close()


def test_a_file_book_has_no_feed(tmp_path: Path) -> None:
    """Nobody else writes a file book while a window holds its lock: nothing to listen to."""
    book = open_database(tmp_path / "mine.sqlite3")
    try:
        assert listen_for_changes(book) is None
    finally:
        book.close()


@pytest.fixture
def window(qtbot, team_demo: str, tmp_path: Path, monkeypatch) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(live_refresh, "RETRY_MS", 300)
    monkeypatch.setattr(live_refresh, "MIN_GAP_MS", 1000)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(
        open_team_book_for_window(team_demo), today=lambda: TODAY, settings=settings
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading and window.live.listening, timeout=30000)
    yield window
    workers.wait_all()
    window.database.close()


def book_name(window: MainWindow, account_id: int) -> str:
    rows = window.book_view.model.rows()
    return next(r.name for r in rows if r.account_id == account_id)


def test_the_book_shows_a_teammates_rename_and_keeps_the_selection(
    qtbot, window: MainWindow, maya: Database
) -> None:  # type: ignore[no-untyped-def]
    """Ravi has the Book on show with account 9 selected and scrolled to; Maya renames
    account 9. Within seconds the Book shows the new name, account 9 still selected and
    current, and the status bar says why it changed."""
    window.show_book()
    table, model = window.book_view.table, window.book_view.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).account_id == 9)
    table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    detail = account_detail(maya, 9, TODAY)
    fields = AccountFields("Renamed by Maya", segment=detail.segment, owner=detail.owner)
    account_edits.update_account(maya, 9, fields, seen=detail.version)
    qtbot.waitUntil(lambda: book_name(window, 9) == "Renamed by Maya", timeout=10000)
    assert window.book_view.selected_account_ids() == [9]
    assert window.book_view.model.row_at(table.currentIndex().row()).account_id == 9
    assert window.statusBar().currentMessage() == "Updated with your team's latest changes"


def test_the_account_on_show_reloads_in_place_and_after_a_lost_connection(
    qtbot, window: MainWindow, maya: Database
) -> None:  # type: ignore[no-untyped-def]
    """Ravi has account 27 open with a milestone selected. Maya changes another account (28):
    the page is not reloaded. She changes a milestone of account 27: the page shows her
    status, the selected milestone still selected. The listening connection is cut (a
    server restart): the window listens again and still follows Maya's changes."""
    window.open_account(27)
    qtbot.waitUntil(
        lambda: window.account_view is not None and window.account_view.detail is not None,
        timeout=10000,
    )
    view = window.account_view
    selected = view.detail.ladder[-1].id
    view.select_milestone(selected)
    shown = view.detail

    move_on(maya, 28)
    qtbot.wait(2000)  # the page of account 27 is not read again
    assert view.detail is shown

    changed = move_on(maya, 27)
    before = view.step(changed).status
    qtbot.waitUntil(lambda: view.step(changed).status is not before, timeout=10000)
    assert view.step(changed).status is step_of(maya, 27, changed).status
    assert view.selected_milestone_id() == selected

    assert terminate_listeners(window.database.engine.url.render_as_string(False)) == 1
    qtbot.waitUntil(lambda: not window.live.listening, timeout=10000)
    qtbot.waitUntil(lambda: window.live.listening, timeout=10000)
    # The catch-up refresh for notices missed meanwhile comes first: the change below must
    # then reach the page through the new feed.
    qtbot.waitUntil(
        lambda: window.live.pending is None and not window.live.settle.isActive(), timeout=10000
    )
    again = view.step(changed).status
    account_edits.set_status(
        maya, changed, Status.IN_PROGRESS if again is not Status.IN_PROGRESS else Status.BLOCKED,
        on=TODAY, reason="waiting on IT", seen=step_of(maya, 27, changed).version,
    )  # fmt: skip
    qtbot.waitUntil(lambda: view.step(changed).status is not again, timeout=10000)


def test_only_open_connections_count_as_ours_and_they_keep_alive(team_demo: str) -> None:
    """Server process numbers come back (a restart, a container's fresh numbering): the app's
    own are those of connections it has open. A process cut off (as by a restart) stops
    being ours when a feed opens; closed connections stop at once. Every connection asks for
    TCP keepalives after 30 s, so a feed on a dead network path is found broken."""
    with open_team_book(team_demo) as mine:
        with mine.engine.connect() as connection:
            cut = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
            parameters = connection.connection.driver_connection.info.get_parameters()
        assert cut in own_processes(mine.engine)
        assert (parameters["keepalives"], parameters["keepalives_idle"]) == ("1", "30")
        admin = create_engine(team_demo, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": cut})
        admin.dispose()
        feed = listen_for_changes(mine)
        assert feed is not None
        feed.close()
        assert cut not in own_processes(mine.engine)
        with mine.engine.connect() as connection:
            kept = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        assert kept in own_processes(mine.engine)
        mine.engine.dispose()
        assert kept not in own_processes(mine.engine)


def test_a_teammates_status_change_replaces_only_that_line_of_the_book(
    qtbot, window: MainWindow, maya: Database
) -> None:  # type: ignore[no-untyped-def]
    """Ravi has the Book on show, sorted by name, account 28 selected; Maya moves a
    milestone of account 28 on. Its line is read on its own and put in place (no whole read of
    the Book starts): the other lines are the same objects, account 28 still selected, and
    its line is what a fresh read gives."""
    window.show_book()
    table, model = window.book_view.table, window.book_view.model
    row = next(r for r in range(model.rowCount()) if model.row_at(r).account_id == 28)
    table.selectionModel().setCurrentIndex(
        model.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    others = [r for r in model.rows() if r.account_id != 28]
    old = model.row_at(row)
    whole_reads = window._book_reads
    move_on(maya, 28)
    qtbot.waitUntil(lambda: model.row_at(row) is not old, timeout=10000)
    assert window._book_reads == whole_reads
    now = [r for r in model.rows() if r.account_id != 28]
    assert all(a is b for a, b in zip(others, now, strict=True))
    assert model.row_at(row) == book_rows(maya, TODAY, only=(28,))[0]
    assert window.book_view.selected_account_ids() == [28]
    assert window.statusBar().currentMessage() == "Updated with your team's latest changes"


def test_the_experiments_page_shows_a_teammates_new_experiment(
    qtbot, window: MainWindow, maya: Database
) -> None:  # type: ignore[no-untyped-def]
    """Ravi has the Experiments page on show; Maya starts a draft experiment on the demo
    book's playbook. Within seconds Ravi's list has it, and his current experiment is still
    the current one."""
    window.show_experiments()
    view = window.experiments_view
    assert view is not None
    qtbot.waitUntil(lambda: view.list.count() > 0, timeout=10000)
    shown = view.current_id
    choice = playbook_choices(maya)[0]
    keys = tuple(key for key, _ in choice.steps)
    create_experiment(
        maya, "Maya's ordering test", "", [
            VariantSpec("A: as is", choice.id, keys),
            VariantSpec("B: reversed", choice.id, keys[::-1]),
        ], seed=3,
    )  # fmt: skip
    qtbot.waitUntil(
        lambda: any(
            "Maya's ordering test" in view.list.item(r).text() for r in range(view.list.count())
        ),
        timeout=10000,
    )
    assert view.current_id == shown

"""A new account in a brand-new book gets a ladder: the Standard playbook is offered first."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import select

from csm_desktop.services.book_settings import BookSettings, save_book_settings
from csm_desktop.services.default_playbook import choices_with_default
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, Playbook
from csm_desktop.ui.dialogs import account_dialogs
from csm_desktop.ui.main_window import MainWindow
from tests.ui.saving import press_ok

TODAY = dt.date(2026, 11, 26)


def test_new_account_in_a_new_book_gets_the_standard_ladder(
    qtbot, book: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(book, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    offered: list[str] = []

    def create(dialog: account_dialogs.NewAccountDialog) -> int:
        offered.extend(dialog.playbook.itemText(i) for i in range(dialog.playbook.count()))
        dialog.name.setText("Acme Freight")
        return press_ok(qtbot, dialog)  # OK creates it, off the UI thread

    monkeypatch.setattr(account_dialogs.NewAccountDialog, "exec", create)
    window.new_account()  # the playbooks are read first, off the UI thread
    qtbot.waitUntil(lambda: bool(offered), timeout=10000)
    assert offered == ["No playbook yet", "Standard v1"]
    with book.session() as session:
        acme = session.scalars(select(Account)).one()
        assert (acme.playbook.name, len(acme.milestones)) == ("Standard", 10)


def test_the_default_playbook_setting_comes_first(book: Database) -> None:
    with book.session() as session:
        session.add_all([Playbook(name="Alpha", version=1), Playbook(name="Zeta", version=2)])
    save_book_settings(book, BookSettings(default_playbook="zeta"))
    assert [label for _id, label in choices_with_default(book, today=TODAY)] == [
        "Zeta v2",
        "Alpha v1",
    ]

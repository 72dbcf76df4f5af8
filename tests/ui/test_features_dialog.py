"""View → Features…: name a feature, give it aliases, map an export's key to a feature."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from sqlalchemy import func, select

from csm_desktop.services.features import load_vocabulary
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, UsageEvent
from csm_desktop.ui.dialogs.features_dialog import FeaturesDialog
from csm_desktop.ui.main_window import MainWindow

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(demo_copy: Callable[[dt.date], Path]) -> Iterator[Database]:
    """The demo book plus 3 usage rows an export wrote as "Dashboard Viewed"."""
    database = open_database(demo_copy(TODAY))
    with database.session() as session:
        account_id = session.scalars(select(Account.id).order_by(Account.id)).first()
        for day in range(3):
            session.add(
                UsageEvent(
                    account_id=account_id,
                    day=dt.date(2020, 1, 1 + day),
                    feature="Dashboard Viewed",
                    count=2,
                )
            )
    yield database
    database.close()


def loaded(qtbot, dialog: FeaturesDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not dialog.busy and dialog.tree.topLevelItemCount() > 0, timeout=10000)


def usage_rows(database: Database, feature: str) -> int:
    with database.session() as session:
        return (
            session.scalar(
                select(func.count()).select_from(UsageEvent).where(UsageEvent.feature == feature)
            )
            or 0
        )


def test_the_menu_opens_features_and_an_edit_is_saved(
    qtbot, tmp_path: Path, demo: Database
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(demo, today=lambda: TODAY, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.loading, timeout=10000)
    next(a for a in window.view_menu.actions() if a.text() == "&Features…").trigger()
    dialog = window.features_dialog
    loaded(qtbot, dialog)
    dialog.select("integration_dashboard")
    assert dialog.display_name.text() == "Integration dashboard"
    dialog.display_name.setText("Integrations overview")
    dialog.aliases.setText("Integration Dashboard Opened; int_dash")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.message.text() == "integration_dashboard saved.", timeout=10000)
    vocabulary = load_vocabulary(demo)
    assert vocabulary.display_name("integration_dashboard") == "Integrations overview"
    assert vocabulary.resolve("int dash") == "integration_dashboard"
    loaded(qtbot, dialog)
    assert dialog.selected().aliases == ("Integration Dashboard Opened", "int_dash")  # type: ignore[union-attr]
    dialog.close()


def test_an_unknown_key_is_mapped_to_an_existing_feature(qtbot, demo: Database) -> None:  # type: ignore[no-untyped-def]
    before = usage_rows(demo, "dashboard_view")
    dialog = FeaturesDialog(demo)
    qtbot.addWidget(dialog)
    loaded(qtbot, dialog)
    dialog.select("Dashboard Viewed")
    row = dialog.selected()
    assert row is not None and (row.known, row.usage_rows) == (False, 3)
    assert dialog.merge_button.isVisibleTo(dialog)
    assert dialog.merge_target.currentText() == "dashboard_view"  # it is a known spelling
    dialog.merge_button.click()
    qtbot.waitUntil(
        lambda: "is now a spelling of dashboard_view" in dialog.message.text(), timeout=10000
    )
    assert usage_rows(demo, "Dashboard Viewed") == 0
    assert usage_rows(demo, "dashboard_view") == before + 3  # 2020 days: no rows to add up
    loaded(qtbot, dialog)
    assert [r.key for r in dialog.rows if not r.known] == []


def test_an_alias_of_another_feature_is_refused_and_nothing_changes(
    qtbot, demo: Database, message_boxes
) -> None:  # type: ignore[no-untyped-def]
    dialog = FeaturesDialog(demo)
    qtbot.addWidget(dialog)
    loaded(qtbot, dialog)
    dialog.select("search")
    dialog.aliases.setText("Logged In")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.shown), timeout=10000)
    assert message_boxes.texts() == ["'Logged In' already names the feature 'login'."]
    assert load_vocabulary(demo).resolve("logged in") == "login"

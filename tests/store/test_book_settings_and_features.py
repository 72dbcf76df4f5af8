"""Book settings and the feature vocabulary are stored in the book and validated first."""

from pathlib import Path

import pytest

from csm_desktop.errors import UserError
from csm_desktop.services.book_settings import BookSettings, load_book_settings, save_book_settings
from csm_desktop.services.features import load_vocabulary, save_feature
from csm_desktop.store.database import open_database


def test_settings_round_trip_and_a_bad_value_changes_nothing(tmp_path: Path) -> None:
    database = open_database(tmp_path / "book.sqlite3")
    assert load_book_settings(database) == BookSettings()
    saved = save_book_settings(
        database, BookSettings(company_name="Acme", currency="eur", time_zone="Europe/Paris")
    )
    assert saved.currency == "EUR"
    with pytest.raises(UserError, match="Accent colour"):
        save_book_settings(database, BookSettings(company_name="Other", accent_colour="blue"))
    with pytest.raises(UserError, match="Time zone"):
        save_book_settings(database, BookSettings(time_zone="Mars/Olympus"))
    reloaded = load_book_settings(database)
    assert (reloaded.company_name, reloaded.currency, reloaded.time_zone) == (
        "Acme",
        "EUR",
        "Europe/Paris",
    )
    assert reloaded.currency_code == "EUR"
    database.close()


def test_vocabulary_refuses_an_alias_that_names_another_feature(tmp_path: Path) -> None:
    database = open_database(tmp_path / "book.sqlite3")
    save_feature(database, "user_invited", "Invite a teammate", ["Invite sent"])
    with pytest.raises(UserError, match="already names the feature 'user_invited'"):
        save_feature(database, "report_exported", "Export", ["invite_sent"])
    vocabulary = load_vocabulary(database)
    assert vocabulary.keys() == ["user_invited"]
    assert vocabulary.resolve("INVITE SENT") == "user_invited"
    database.close()

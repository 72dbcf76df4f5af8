"""Every script renders and no text can break the layout (issue 12's "done when").

Names in Japanese with an emoji, Greek, Arabic and Polish come back out of the PDF through
poppler's ``pdftotext``; a 10,000-character note, a 2,000-character milestone title and a
500-character word still give a QBR, and the portfolio report over such a book succeeds.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hand_book import HOSTILE, TODAY
from sqlalchemy import select
from tools import pdftotext

from csm_desktop.reports.fonts import REPLACEMENT, Run, runs
from csm_desktop.services.reports import write_portfolio_report, write_qbr_report
from csm_desktop.store.database import Database
from csm_desktop.store.models import Account, AccountAsk, AccountMilestone, Kickoff, Touchpoint

Book = tuple[Database, dict[str, int]]
JAPANESE = "東京テクノロジー株式会社 🚀"
GREEK = "Θάλασσα Ναυτιλιακή Α.Ε."
ARABIC = "شركة الرياض للتقنية"
POLISH = "Łódź Spółka Żółć z o.o."
KOREAN = "서울데이터 주식회사"


def _rename(database: Database, account_id: int, name: str) -> None:
    with database.session() as session:
        account = session.get(Account, account_id)
        assert account is not None
        account.name = name


@pytest.mark.parametrize("name", [JAPANESE, GREEK, ARABIC, POLISH, KOREAN])
def test_pdftotext_of_the_customer_edition_contains_the_name(
    name: str, hand_book: Book, tmp_path: Path
) -> None:
    database, ids = hand_book
    _rename(database, ids[HOSTILE], name)
    text = pdftotext(write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "q.pdf"))
    # poppler marks right-to-left text with embedding marks; the letters are as typed.
    assert name in text.replace("\u202b", "").replace("\u202c", "")


def test_runs_pick_the_first_font_of_the_chain_that_has_the_characters() -> None:
    assert list(runs("Zoë Ødegård")) == [Run("Zoë Ødegård", None)]
    assert list(runs(JAPANESE)) == [
        Run("東京テクノロジー株式会社", "CJKFallback"),
        Run(" ", None),
        Run("🚀", "SymbolFallback"),
    ]
    assert list(runs(KOREAN)) == [
        Run("서울데이터", "HangulFallback"),
        Run(" ", None),
        Run("주식회사", "HangulFallback"),
    ]
    # A character no bundled font has prints as a visible mark (a hieroglyph here).
    assert list(runs("A\U00013000B")) == [Run(f"A{REPLACEMENT}B", None)]


def test_arabic_is_joined_and_laid_out_right_to_left() -> None:
    """The three words in reverse order, each in its joined forms (U+FExx)."""
    (run,) = runs(ARABIC)
    assert run.text.split(" ") == ["ﺔﻴﻨﻘﺘﻠﻟ", "ﺽﺎﻳﺮﻟﺍ", "ﺔﻛﺮﺷ"]
    assert list(runs("Order 42 من الرياض")) == [Run("Order 42 ﺽﺎﻳﺮﻟﺍ ﻦﻣ", None)]
    # A number after Arabic words belongs to their right-to-left run: it shows on their left.
    assert list(runs("شركة 2026")) == [Run("2026 ﺔﻛﺮﺷ", None)]


@pytest.fixture
def huge_book(hand_book: Book) -> Book:
    """The hand book with text no layout expects: a 10,000-character note and goal and ask,
    a 2,000-character milestone title, a 500-character word as a title, a name and a role
    owner's words."""
    database, ids = hand_book
    note = ("A long note about the account. " * 330)[:10_000]
    word = "x" * 500
    with database.session() as session:
        zoe = session.get(Account, ids[HOSTILE])
        assert zoe is not None
        ladder = select(AccountMilestone).where(AccountMilestone.account_id == zoe.id)
        milestones = list(session.scalars(ladder.order_by(AccountMilestone.position)))
        milestones[0].title = ("Set up everything " * 120)[:2_000]
        milestones[1].title = word
        milestones[1].unlocks = word
        milestones[3].definition_of_done = note
        milestones[3].status_reason = note
        kickoff = session.scalar(select(Kickoff).where(Kickoff.account_id == zoe.id))
        assert kickoff is not None
        kickoff.success_statement = note
        session.add(Touchpoint(account_id=zoe.id, channel="call", template=word,
                               happened_on=dt.date(2026, 4, 3), note=note))  # fmt: skip
        session.add(AccountAsk(account_id=zoe.id, kind="ask", text=note, owner=word))
        leningrad = session.scalars(select(Account).where(Account.external_id == "LL-2")).one()
        leningrad.name = "Ж" * 500
    return database, ids


def test_huge_texts_still_give_both_editions(huge_book: Book, tmp_path: Path) -> None:
    database, ids = huge_book
    customer = write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "c.pdf")
    internal = write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "i.pdf", internal=True)
    text = pdftotext(customer)
    assert "A long note about the account." in text
    assert "…" in text  # table cells are cut, not the layout
    assert "Set up everything" in pdftotext(internal)


def test_the_portfolio_report_over_a_book_with_huge_texts_succeeds(
    huge_book: Book, tmp_path: Path
) -> None:
    database, _ids = huge_book
    path = write_portfolio_report(database, TODAY, tmp_path / "p.pdf")
    assert re.search("Ж{8}", pdftotext(path))

"""Text safety of the PDFs: escaping, reportlab markup attacks, file names; no database needed.

A report is built straight from hand-made dataclasses here, which also pins that the
``reports`` package needs nothing but plain data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from csm_desktop.domain.metrics.value import ValueLine
from csm_desktop.domain.review import ReviewPeriod
from csm_desktop.domain.vocabulary import Direction, Status
from csm_desktop.reports.model import MilestoneLine, QbrData
from csm_desktop.reports.qbr import write_qbr
from csm_desktop.reports.qbr_text import value_sentence
from csm_desktop.reports.text import escape, number, plain
from csm_desktop.services.reports import batch_file_names, safe_file_name

TODAY = dt.date(2026, 4, 15)
KICKOFF = dt.date(2026, 3, 1)


def _data(name: str, title: str = "First report") -> QbrData:
    first = MilestoneLine(
        title=title,
        role="Power user",
        target_day=14,
        due_on=dt.date(2026, 3, 15),
        status=Status.ACHIEVED,
        achieved_on=dt.date(2026, 3, 11),
        first_value=True,
    )
    return QbrData(
        account=name,
        external_id=None,
        csm="Ødegård",
        today=TODAY,
        period=ReviewPeriod(KICKOFF, TODAY),
        kickoff_on=KICKOFF,
        playbook=None,
        age_days=45,
        milestones=(first,),
        completion=1.0,
        completion_by_role=(("Power user", 1.0),),
        ttfv_days=10,
        first_value=first,
    )


def test_escape_turns_markup_into_entities() -> None:
    assert escape("Zoë's <Bakery> & Co") == "Zoë's &lt;Bakery&gt; &amp; Co"
    assert escape("a &amp; b") == "a &amp;amp; b"  # an entity typed by a user stays text
    assert escape("line one\r\nline two") == "line one<br/>line two"
    assert escape("bell\x07 and nul\x00 go") == "bell and nul go"


def test_plain_text_for_canvas_and_charts_has_no_line_breaks_or_controls() -> None:
    assert plain("a\nb\rc\x1bd") == "a b cd"


def test_numbers_print_without_noise() -> None:
    assert [number(24.0), number(16.5), number(1250), number(None)] == ["24", "16.5", "1,250", "–"]


@pytest.mark.parametrize(
    "name",
    [
        "Zoë's <Bakery> & Co",
        '<img src="/etc/passwd"/>Acme',
        "<b>A&B</b>",
        "Łódź Freight Sp. z o.o.",
        "Åkerlund & Berg AB — Müller & Söhne GmbH",
        "Θάλασσα Shipping",
        "Ленинград Logistics",
    ],
)
def test_a_name_prints_literally_in_the_pdf(
    name: str, tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    path = tmp_path / "r.pdf"
    write_qbr(_data(name), path)
    assert name in read_pdf(path)


def test_the_cve_2023_33733_payload_is_printed_not_evaluated(
    tmp_path: Path, read_pdf: Callable[[object], str]
) -> None:
    marker = tmp_path / "pwned"
    payload = (
        "<para><font color=\"[ [ getattr(pow, Word('__globals__'))['os'].system('touch "
        f"{marker}') for Word in [ orgTypeFun( 'Word', (str,), {{ 'mutated': 1, "
        "'startswith': lambda self, x: 1 == 0, '__eq__': lambda self, x: self.mutate() and "
        "self.mutated < 0 and str(self) == x, 'mutate': lambda self: {setattr(self, "
        "'mutated', self.mutated - 1)}, '__hash__': lambda self: hash(str(self)), }, ) ] ] "
        "and 'red'\">exploit</font></para>"
    )
    path = tmp_path / "r.pdf"
    write_qbr(_data("Acme", title=payload), path)
    assert not marker.exists()
    assert "<font color=" in read_pdf(path)
    assert "exploit</font></para>" in read_pdf(path)


def test_value_sentences_give_the_change_in_unit_and_percent() -> None:
    value = ValueLine(
        metric="Hours on weekly reporting",
        unit="hours",
        direction=Direction.LOWER,
        baseline=24.0,
        baseline_on=KICKOFF,
        latest=16.5,
        latest_on=TODAY,
        target=16.0,
        change_percent=31.25,
    )
    assert value_sentence(value) == (
        "Hours on weekly reporting: from 24\u00a0hours to 16.5\u00a0hours (−7.5\u00a0hours, "
        "31.2\u00a0% better). Target 16\u00a0hours: not yet reached."
    )


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Zoë's <Bakery> & Co", "Zoë's _Bakery_ & Co"),
        ('A/B\\C:D*E?F"G|H', "A_B_C_D_E_F_G_H"),
        ("Łódź Freight Sp. z o.o.", "Łódź Freight Sp. z o.o"),
        ("CON", "_CON"),
        ("nul.txt", "_nul.txt"),
        ("  ...  ", "account"),
        ("tab\tand\nnewline", "tab_and_newline"),
        ("x" * 200, "x" * 80),
    ],
)
def test_file_names_are_safe_on_every_os(name: str, safe: str) -> None:
    assert safe_file_name(name) == safe


def test_batch_file_names_stay_distinct_ignoring_case() -> None:
    names = batch_file_names([(1, "Acme/Co"), (2, "acme_co"), (3, "Θάλασσα")], TODAY)
    assert names == {
        1: "Acme_Co - QBR 2026-04-15.pdf",
        2: "acme_co - QBR 2026-04-15 (2).pdf",
        3: "Θάλασσα - QBR 2026-04-15.pdf",
    }


def test_decks_and_pdfs_colour_health_and_accent_from_one_place() -> None:
    """The portfolio PDF and deck paint on track / at risk / off track with layout's GOOD,
    WARN and DANGER and use text.ACCENT: a colour changed there changes every report."""
    from csm_desktop.reports import layout, portfolio, portfolio_deck, portfolio_deck_long_term
    from csm_desktop.reports.text import ACCENT

    assert portfolio.HEALTH_COLOURS is layout.HEALTH_COLOURS
    assert portfolio_deck.HEALTH_COLOURS is layout.HEALTH_COLOURS
    assert portfolio_deck.ACCENT == portfolio_deck_long_term.ACCENT == ACCENT
    from csm_desktop.reports import charts, story_charts

    assert story_charts.GOOD is layout.GOOD
    assert not hasattr(charts, "GOOD")  # charts paint no "good" colour of their own
    assert story_charts.GRID is charts.GRID


def test_bold_and_italic_faces_are_read_when_a_text_first_uses_them(tmp_path: Path) -> None:
    """Only the regular face is read up front; <b>, <i> and both pick their DejaVu face on
    first use, and the PDF embeds all four (pypdf lists each font's BaseFont)."""
    from pypdf import PdfReader
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from csm_desktop.reports.text import register_fonts

    font = register_fonts()
    style = ParagraphStyle("body", fontName=font, fontSize=10)
    words = ["plain", "<b>bold</b>", "<i>oblique</i>", "<b><i>bold oblique</i></b>"]
    target = tmp_path / "faces.pdf"
    SimpleDocTemplate(str(target)).build([Paragraph(text, style) for text in words])
    page = PdfReader(target).pages[0]
    fonts = page["/Resources"]["/Font"]
    names = {str(fonts[key].get_object()["/BaseFont"]).split("+")[-1] for key in fonts}
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique"} <= (
        names
    )
    assert "bold oblique" in page.extract_text()

"""The QBR as an editable deck: the PDF's story on slides, native charts, notes, LibreOffice.

Built for the hand-made book (tests/reports/hand_book.py, today 2026-04-15, Q1 2026) and read
back with python-pptx, as PowerPoint would open it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hand_book import HOSTILE, TODAY
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from tools import ensure_tool, pdftotext

from csm_desktop.services.reports import write_qbr_report
from csm_desktop.store.database import Database

Book = tuple[Database, dict[str, int]]


@pytest.fixture
def deck(hand_book: Book, tmp_path: Path) -> Path:
    database, ids = hand_book
    return write_qbr_report(database, ids[HOSTILE], TODAY, tmp_path / "q.pptx", format="pptx")


def _texts(slide) -> list[str]:  # type: ignore[no-untyped-def]
    texts = []
    for shape in slide.shapes:
        if shape.has_text_frame:
            texts.append(shape.text_frame.text)
        if shape.has_table:
            texts += [cell.text for row in shape.table.rows for cell in row.cells]
    return texts


def _charts(slide) -> list:  # type: ignore[no-untyped-def,type-arg]
    return [shape.chart for shape in slide.shapes if shape.has_chart]


def test_one_slide_per_section_in_story_order(deck: Path) -> None:
    slides = list(Presentation(str(deck)).slides)
    titles = [_texts(slide)[0] for slide in slides[1:]]
    assert titles == [
        "Executive summary",
        "Value realized",
        "Wins in Q1 2026",
        "Adoption",
        "Plan by role",
        "Next steps",
        "Risks and asks",
    ]
    cover = " ".join(_texts(slides[0]))
    assert "Northwind Analytics" in cover and HOSTILE in cover
    assert "Q1 2026 (1 Jan – 31 Mar 2026)" in cover
    assert "Prepared for Amélie Admin" in cover


def test_charts_are_native_with_editable_data(deck: Path) -> None:
    """Active users per week of Q1 (13 weeks): 4 in the week of 19 Jan, 2 in the week of
    2 Mar, 0 between, nothing known after the data stops; seats 25 all along."""
    slides = list(Presentation(str(deck)).slides)
    value, adoption, plan = slides[2], slides[4], slides[5]
    assert [c.chart_type for c in _charts(value)] == [XL_CHART_TYPE.XY_SCATTER_LINES] * 2
    hours = _charts(value)[0].plots[0].series[0]
    assert list(hours.values) == [20.0, 18.0, 15.0]
    users, features = _charts(adoption)
    assert users.chart_type == XL_CHART_TYPE.LINE_MARKERS
    active, seats = users.plots[0].series
    # Weeks of 29 Dec, 5 Jan, 12 Jan, 19 Jan (4), … 2 Mar (2), then 9, 16 and 23 Mar.
    assert list(active.values) == [0.0, 0.0, 0.0, 4.0, *[0.0] * 5, 2.0, None, None, None]
    assert set(seats.values) == {25.0}
    assert features.chart_type == XL_CHART_TYPE.COLUMN_CLUSTERED
    assert [s.name for s in features.plots[0].series] == ["Scheduled reports"]
    (roles,) = _charts(plan)
    assert roles.chart_type == XL_CHART_TYPE.BAR_CLUSTERED
    assert list(roles.plots[0].categories) == ["Administrator", "Power user", "Operator"]
    assert list(roles.plots[0].series[0].values) == [1.0, 0.5, 0.5]


def test_plan_and_next_steps_show_the_re_planned_date(deck: Path) -> None:
    slides = list(Presentation(str(deck)).slides)
    assert "30 Apr 2026\nmoved from 6 Mar 2026" in _texts(slides[5])
    steps = _texts(slides[6])
    assert "30 Apr 2026\nmoved from 6 Mar 2026" in steps
    assert "Ingrid Kowalczyk" in steps and "Łucja Kowalska" in steps
    assert "Operator: to be named" in steps


def test_speaker_notes_define_the_figures(deck: Path) -> None:
    slides = list(Presentation(str(deck)).slides)
    value_notes = slides[2].notes_slide.notes_text_frame.text
    assert "Value in money: improvement × units in the period × money per unit" in value_notes
    assert (
        "Hours on weekly reporting: EUR\u00a060 per unit (hours), a rate per week; "
        "improvement 5; EUR\u00a03,857 over 90 days."
    ) in value_notes
    assert "Active users: the most users active on any one day" in (
        slides[4].notes_slide.notes_text_frame.text
    )


def test_no_internal_key_or_field_in_the_customer_deck(deck: Path) -> None:
    text = " ".join(
        t for slide in Presentation(str(deck)).slides for t in _texts(slide)
    ) + " ".join(s.notes_slide.notes_text_frame.text for s in Presentation(str(deck)).slides)
    for hidden in ("alert_routing", "reports.run", "48,000", "overdue", "security review"):
        assert hidden not in text


def test_libreoffice_converts_the_deck(deck: Path, tmp_path: Path) -> None:
    soffice = ensure_tool("soffice", "libreoffice-impress")
    out = tmp_path / "converted"
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo-profile",
         "--convert-to", "pdf", "--outdir", str(out), str(deck)],
        capture_output=True, timeout=240, check=True,
    )  # fmt: skip
    pdf = out / "q.pdf"
    assert pdf.is_file()
    text = pdftotext(pdf)
    assert HOSTILE in text and "Risks and asks" in text


def test_the_internal_deck_adds_health_arr_and_red_overdue(hand_book: Book, tmp_path: Path) -> None:
    database, ids = hand_book
    path = write_qbr_report(
        database, ids[HOSTILE], TODAY, tmp_path / "i.pptx", format="pptx", internal=True
    )
    slides = list(Presentation(str(path)).slides)
    assert _texts(slides[-1])[0] == "Internal: health and notes"
    internal = _texts(slides[-1])
    assert "EUR\u00a048,000" in internal
    assert "at risk\n1 overdue: “Automation” (due 2026-03-06)." in internal
    assert "30 Apr 2026\nmoved from 6 Mar 2026; overdue" in _texts(slides[5])
    assert any("INTERNAL" in t for t in _texts(slides[0]))

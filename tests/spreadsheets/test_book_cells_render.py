"""Rendering a book's field values into cells: short texts are neutralised once and kept
(issue 17: an export repeats account names and feature keys millions of times); what comes
out is the same as neutralising every time, for short and long texts alike."""

from __future__ import annotations

import datetime as dt

from csm_desktop.domain.vocabulary import Status
from csm_desktop.spreadsheets.book_cells import SHORT_TEXT, render
from csm_desktop.spreadsheets.safe_cells import neutralise_text


def test_texts_render_as_neutralised_every_time_short_or_long() -> None:
    hostile = '=HYPERLINK("http://x")'
    for text in (hostile, "Acme\x01 GmbH", "-1+2", "plain", hostile + "x" * SHORT_TEXT):
        expected = neutralise_text(text)
        assert render(text) == expected and render(text) == expected, text  # kept, then read
    assert render(hostile).startswith("'=")
    assert render("") is None


def test_other_kinds_render_as_before() -> None:
    day = dt.date(2026, 3, 1)
    assert [render(v) for v in (None, 3, 2.5, day, True, False, Status.ACHIEVED)] == [
        None, 3, 2.5, day, "yes", "no", "achieved",
    ]  # fmt: skip
    assert render(dt.datetime(2026, 3, 1, 14, 0)) == day
    assert render(("one", "two")) == "one\ntwo"

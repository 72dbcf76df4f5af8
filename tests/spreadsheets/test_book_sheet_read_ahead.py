"""A book workbook's sheets are read by calamine in a thread, ahead of the parse
(``book_workbook._SheetRows``, issue 17): the reading is the one the sheets give, a sheet's
read error comes when that sheet is asked for (after the sheets before it are parsed, so a
bad header there is still the error), at most one big sheet waits ahead, and the workbook is
closed once, after its last read."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from csm_desktop.errors import BadFile
from csm_desktop.spreadsheets import book_workbook
from csm_desktop.spreadsheets.book_workbook import _SheetRows, read_sheets_as_book
from tests.spreadsheets.workbooks import workbook

SHEETS: dict[str, list[list[Any]]] = {
    "Accounts": [["Account", "Seats"], ["Acme", 10], ["Beta", "many"]],
    "Notes": [["anything"]],
    "Milestones": [["Account", "Milestone", "Role", "Target day"], ["Acme", "Kickoff", "CSM", 0]],
    "Usage": [["Account", "Date", "Feature", "Count"]],
    "Usage 2": [["Account", "Date", "Feature", "Count"]],
}


class _Sheet:
    def __init__(self, rows: list[list[Any]]) -> None:
        self.rows = rows
        self.start = (0, 0)
        self.height = len(rows)
        self.width = max(len(row) for row in rows)

    def iter_rows(self) -> Iterator[list[Any]]:
        return iter(self.rows)


class _Workbook:
    """calamine's workbook as ``_SheetRows`` uses it: one call at a time (calamine says
    "Already borrowed" otherwise), reads recorded; ``failing`` names a sheet it cannot read."""

    def __init__(self, failing: str | None = None, gate: threading.Event | None = None) -> None:
        self.sheet_names = list(SHEETS)
        self.failing = failing
        self.gate = gate
        self.read: list[str] = []
        self.closed = 0
        self.busy = threading.Lock()

    def get_sheet_by_name(self, name: str) -> _Sheet:
        assert self.busy.acquire(blocking=False), "two workbook calls at once"
        try:
            assert not self.closed
            if self.gate is not None:
                self.gate.wait(5)
            self.read.append(name)
            if name == self.failing:
                raise RuntimeError(f"cannot read {name}")
            return _Sheet(SHEETS[name])
        finally:
            self.busy.release()

    def close(self) -> None:
        self.closed += 1


def _read(workbook: _Workbook) -> Any:
    sheets = _SheetRows(workbook)
    try:
        return read_sheets_as_book("t.xlsx", sheets)
    finally:
        sheets.close()


def test_the_reading_is_the_one_the_sheets_give_and_the_workbook_closes_once() -> None:
    workbook = _Workbook()
    reading = _read(workbook)
    assert reading == read_sheets_as_book("t.xlsx", SHEETS)
    assert workbook.read == ["Accounts", "Milestones", "Usage", "Usage 2"]  # no "Notes"
    assert workbook.closed == 1
    assert reading.ignored[0] == 'sheet "Notes"'


def test_a_read_error_comes_when_its_sheet_is_asked_for() -> None:
    with pytest.raises(RuntimeError, match=r"cannot read Usage$"):
        _read(_Workbook(failing="Usage"))


def test_a_bad_header_before_an_unreadable_sheet_is_still_the_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(SHEETS, "Milestones", [["Account", "Role"], ["Acme", "CSM"]])
    workbook = _Workbook(failing="Usage")
    with pytest.raises(BadFile, match="Milestones"):
        _read(workbook)


def test_at_most_one_big_sheet_waits_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """With room for 2 cells ahead, the thread reads Milestones while Accounts is parsed,
    and no further until Milestones is asked for."""
    monkeypatch.setattr(_SheetRows, "AHEAD_CELLS", 2)
    workbook = _Workbook()
    sheets = _SheetRows(workbook)
    sheets.read_in_order(["Accounts", "Milestones", "Usage"])
    list(sheets["Accounts"])
    for _ in range(100):
        if workbook.read == ["Accounts", "Milestones"]:
            break
        threading.Event().wait(0.01)
    assert workbook.read == ["Accounts", "Milestones"]
    list(sheets["Milestones"])
    list(sheets["Usage"])
    assert workbook.read == ["Accounts", "Milestones", "Usage"]
    sheets.close()
    assert workbook.closed == 1


def test_closing_during_a_read_closes_the_workbook_after_it() -> None:
    gate = threading.Event()
    workbook = _Workbook(gate=gate)
    sheets = _SheetRows(workbook)
    sheets.read_in_order(list(SHEETS))
    sheets.close()  # the first read waits at the gate
    assert workbook.closed == 0
    gate.set()
    for _ in range(100):
        if workbook.closed:
            break
        threading.Event().wait(0.01)
    assert workbook.closed == 1
    assert workbook.read == ["Accounts"]


def test_a_sheet_not_in_the_order_is_read_once_the_thread_stops() -> None:
    workbook = _Workbook()
    sheets = _SheetRows(workbook)
    sheets.read_in_order(["Accounts", "Milestones"])
    assert list(sheets["Notes"]) == SHEETS["Notes"]
    assert workbook.read[-1] == "Notes"
    sheets.close()
    assert workbook.closed == 1


def test_a_real_file_reads_as_its_cells_do(tmp_path: Path) -> None:
    source = workbook(tmp_path / "t.xlsx", SHEETS)
    assert book_workbook.read_book_workbook(source) == read_sheets_as_book(
        str(source), book_workbook.read_sheets(source)
    )

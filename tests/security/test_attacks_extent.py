"""Attack 3: one far-away cell made the reader allocate a grid from A1 to it.

A 1.7 KB .xlsx with a cell at XFD1048576 aborted the process (a 512 GB allocation, exit 134)
in import-usage, import-book and the wizard's preview; one at CV500000 cost 2 GB and 500,000
"blank row" rejections. The guard now reads the declared dimension and every cell reference
before any reader runs and refuses absurd extents with one line. The imports run as real
processes under a 2 GiB address-space limit, so a regression aborts instead of swapping.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from book_checks import book_state, one_line_error
from hostile_workbooks import hand_made_workbook, usage_sheet

from csm_desktop.errors import BadFile
from csm_desktop.services.import_usage import preview_usage_file
from csm_desktop.spreadsheets.guards import check_workbook, column_letters, column_number

MEMORY_LIMIT = 2 * 1024**3


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limited,
    )


FAR_CELL = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
STRAY_CELL = '<row r="500000"><c r="CV500000"><v>1</v></c></row>'


@pytest.mark.parametrize(
    ("cell", "reaches"),
    [(FAR_CELL, "cell XFD1048576 (17,179,869,184 cells"), (STRAY_CELL, "cell CV500000")],
)
@pytest.mark.parametrize("command", ["import-usage", "import-book"])
def test_a_far_cell_is_refused_in_one_line_before_any_reader_allocates(
    demo_book: Path, tmp_path: Path, cell: str, reaches: str, command: str
) -> None:
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(cell))
    assert source.stat().st_size < 2000
    before = book_state(demo_book)

    done = run_limited("--db", str(demo_book), command, str(source))

    assert done.returncode == 2, done.stderr[-2000:]
    assert reaches in one_line_error(done.stderr)
    assert book_state(demo_book) == before and before[1] == "ok"
    assert not list(tmp_path.glob("*rejected*"))


def test_a_declared_dimension_is_not_trusted(tmp_path: Path) -> None:
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(dimension="A1:XFD1048576"))
    with pytest.raises(BadFile, match=r"declares a size up to cell XFD1048576"):
        check_workbook(source)


def test_a_far_cell_written_before_the_data_is_seen_too(tmp_path: Path) -> None:
    """Rows out of order: the far cell comes first, the data after it."""
    sheet = usage_sheet().replace(b"<sheetData>", b"<sheetData>" + FAR_CELL.encode())
    source = hand_made_workbook(tmp_path / "usage.xlsx", sheet)
    with pytest.raises(BadFile, match="reaches cell XFD1048576"):
        check_workbook(source)


def test_leading_zeros_do_not_hide_a_far_cell(tmp_path: Path) -> None:
    masks = '<row r="4"><c r="A0000004"><v>1</v></c></row>'
    far = '<row r="900000"><c r="D900000"><v>1</v></c></row>'
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(masks, far))
    with pytest.raises(BadFile, match="D900000"):
        check_workbook(source)


def test_a_stray_cell_below_the_data_is_named(tmp_path: Path) -> None:
    """D40000 is only 160,000 cells, but 39,997 blank rows below 3 rows of data is a stray."""
    stray = '<row r="40000"><c r="D40000"><v>1</v></c></row>'
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(stray))
    with pytest.raises(BadFile, match=r"stray cell at D40000, far below its 4 rows of data"):
        check_workbook(source)


def test_a_reference_beyond_excel_is_refused(tmp_path: Path) -> None:
    beyond = '<row r="2"><c r="A123456789"><v>1</v></c></row>'
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(beyond))
    with pytest.raises(BadFile, match="beyond Excel's last one"):
        check_workbook(source)


def test_the_wizard_preview_refuses_it_the_same_way(tmp_path: Path) -> None:
    source = hand_made_workbook(tmp_path / "usage.xlsx", usage_sheet(FAR_CELL))
    with pytest.raises(BadFile, match="reaches cell XFD1048576"):
        preview_usage_file(source)


def test_an_ordinary_sheet_with_a_note_far_right_still_imports(tmp_path: Path) -> None:
    """A note in Z1 above a few rows is 26 × 3 cells: nothing absurd, nothing refused."""
    note = usage_sheet().replace(
        b"</row>", b'<c r="Z1" t="inlineStr"><is><t>n</t></is></c></row>', 1
    )
    source = hand_made_workbook(tmp_path / "usage.xlsx", note)
    check_workbook(source)
    assert preview_usage_file(source).layout is not None


def test_column_numbers_and_letters() -> None:
    numbers = [1, 26, 27, 100, 16384]
    assert [column_number(x) for x in ("A", "Z", "AA", "CV", "XFD")] == numbers
    assert [column_letters(n) for n in numbers] == ["A", "Z", "AA", "CV", "XFD"]

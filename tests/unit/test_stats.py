"""Median and Fisher's exact test against values worked out by hand."""

from __future__ import annotations

import pytest

from csm_desktop.domain.stats import fisher_exact, median


def test_median_of_an_odd_count_is_the_middle_value() -> None:
    assert median([12, 3, 40]) == 12.0


def test_median_of_an_even_count_is_the_mean_of_the_two_middle_values() -> None:
    assert median([10, 3, 13, 40]) == 11.5


def test_median_with_ties_in_the_middle() -> None:
    assert median([5, 5, 5, 9]) == 5.0


def test_median_of_nothing_is_none() -> None:
    assert median([]) is None


def test_fisher_tea_tasting_table() -> None:
    # Margins 4/4/4/4: weights C(4,x)·C(4,4−x) = 1, 16, 36, 16, 1 of 70; observed x=3 has 16.
    # Tables no more likely: x = 0, 1, 3, 4 → (1 + 16 + 16 + 1) / 70.
    assert fisher_exact(((3, 1), (1, 3))) == pytest.approx(34 / 70)
    assert round(fisher_exact(((3, 1), (1, 3))), 4) == 0.4857


def test_fisher_most_extreme_table() -> None:
    # Only x = 0 and x = 4 are as unlikely as the observed x = 4: (1 + 1) / 70.
    assert fisher_exact(((4, 0), (0, 4))) == pytest.approx(2 / 70)


def test_fisher_asymmetric_margins() -> None:
    # Rows 5 and 5, columns 3 (yes) and 7 (no): weights C(3,x)·C(7,5−x) for x = 0..3
    # = 21, 105, 105, 21 of C(10,5) = 252. Observed x = 3 (weight 21): x = 0 and 3 qualify.
    assert fisher_exact(((3, 2), (0, 5))) == pytest.approx((21 + 21) / 252)


def test_fisher_of_an_unremarkable_table_is_one() -> None:
    # The observed table is the most likely one, so every table counts.
    assert fisher_exact(((2, 2), (2, 2))) == pytest.approx(1.0)


def test_fisher_is_symmetric_in_rows_and_columns() -> None:
    table = ((7, 2), (3, 8))
    swapped_rows = ((3, 8), (7, 2))
    transposed = ((7, 3), (2, 8))
    assert fisher_exact(table) == pytest.approx(fisher_exact(swapped_rows))
    assert fisher_exact(table) == pytest.approx(fisher_exact(transposed))


def test_fisher_of_empty_table_is_one() -> None:
    assert fisher_exact(((0, 0), (0, 0))) == 1.0


def test_fisher_refuses_negative_counts() -> None:
    with pytest.raises(ValueError, match="counts"):
        fisher_exact(((1, -1), (0, 2)))

"""The little statistics the metrics need, in pure Python so the app ships without SciPy.

Medians for time-to-first-value and Fisher's exact test for experiment results (DESIGN §3).
Fisher's test works on whole numbers (hypergeometric weights as exact integers), so ties
between tables of equal probability are exact and need no floating-point tolerance.
"""

from __future__ import annotations

from collections.abc import Iterable
from math import comb


def median(values: Iterable[float]) -> float | None:
    """The middle value; the mean of the two middle ones for an even count; None when empty."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def fisher_exact(table: tuple[tuple[int, int], tuple[int, int]]) -> float:
    """Two-sided p of Fisher's exact test on a 2×2 table of counts.

    Rows are the groups (e.g. two variants), columns the outcome (yes, no). The p-value is
    the total probability, with all margins fixed, of every table no more likely than the
    observed one.
    """
    (a, b), (c, d) = table
    if min(a, b, c, d) < 0:
        raise ValueError(f"Fisher's exact test needs counts ≥ 0, got {table!r}")
    first_row = a + b
    first_column = a + c
    total = a + b + c + d
    if total == 0:
        return 1.0

    def weight(x: int) -> int:
        """Tables with x in the top-left cell, among all with the same margins."""
        return comb(first_column, x) * comb(total - first_column, first_row - x)

    observed = weight(a)
    lowest = max(0, first_row + first_column - total)
    highest = min(first_row, first_column)
    as_extreme = sum(w for x in range(lowest, highest + 1) if (w := weight(x)) <= observed)
    return min(1.0, as_extreme / comb(total, first_row))

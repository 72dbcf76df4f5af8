"""The Book: one row of plain values per account, for the table, filters and exports.

The rows are computed with the metrics (``services.metrics.book_rows``), so the table's
health, completion, overdue count and next milestone are the very numbers the dashboard and
``metrics --json`` report. This module is the Book's name for them.
"""

from csm_desktop.services.metrics import BookRow, book_rows

__all__ = ["BookRow", "book_rows"]

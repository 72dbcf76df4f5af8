"""The Book: one row of plain values per account, for the table, filters and exports.

The rows are computed with the metrics (``services.metrics.book_rows``), so the table's
health, completion, overdue count and next milestone are the very numbers the dashboard and
``metrics --json`` report. This module is the Book's name for them.
"""

from csm_desktop.services.metrics import BookRow, book_rows
from csm_desktop.store.database import Database

__all__ = ["BookRow", "book_rows", "page_counts"]


def page_counts(database: Database) -> tuple[int, int]:
    """How many playbooks (by name, any version) and experiments the book holds.

    The window's navigation shows them beside the page names.
    """
    from sqlalchemy import func, select

    from csm_desktop.store.models import Experiment, Playbook

    with database.session() as session:
        playbooks = session.scalar(select(func.count(func.distinct(Playbook.name)))) or 0
        experiments = session.scalar(select(func.count(Experiment.id))) or 0
    return int(playbooks), int(experiments)

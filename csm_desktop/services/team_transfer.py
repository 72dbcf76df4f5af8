"""Moving a book between a laptop and the team server (team mode, docs/team_mode.md).

``publish_book`` copies a laptop book, whole, into an empty team database: the way a CSM or
a team lead moves from the file to the server without retyping anything. It is all or
nothing (one transaction on the server; a cancel or a failure leaves the team database
empty), and it never changes the book file except for the schema upgrade any opening does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import BadInput, Cancelled
from csm_desktop.services.opening import is_team_address, open_book_for_reading, open_team_book
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.store.failures import one_transaction
from csm_desktop.store.transfer import check_empty, copy_book, row_counts


@dataclass(frozen=True, slots=True)
class Published:
    """What a publish copied: rows per table, and where to."""

    source: Path
    target: str
    rows: dict[str, int]

    @property
    def accounts(self) -> int:
        return self.rows.get("account", 0)

    @property
    def milestones(self) -> int:
        return self.rows.get("account_milestone", 0)

    @property
    def usage_rows(self) -> int:
        return self.rows.get("usage_event", 0)


def publish_book(path: Path, address: str, progress: Progress = NO_PROGRESS) -> Published:
    """Copy the book file at ``path`` into the empty team database at ``address``.

    ``BadInput`` when ``address`` is not a team server or its database already holds a
    book; ``Cancelled`` when ``progress.cancelled`` turns true (nothing is kept). The team
    database must have this app's schema (``csm-desktop admin upgrade`` by its owner).
    """
    if not is_team_address(address):
        raise BadInput(
            f"{address} is not a team server's address: publish copies a book into one, "
            "e.g. --to postgresql+psycopg://maya@db.example.com/csm_book."
        )

    def copied(table: str, done: int, total: int) -> None:
        if progress.cancelled:
            raise Cancelled("Publishing was cancelled; the team database was left empty.")
        progress(done, total, f"Copying {table}…")

    with open_book_for_reading(Path(path)) as book, open_team_book(address) as team:
        # A lost connection or a refusal is one line, and the server rolls the copy back.
        with one_transaction(
            team.engine,
            team.where,
            file=book.path,
            uncertain=(
                f"The connection to the team server {team.where} broke while the copy was "
                "being committed: it may or may not have been stored. Publish again: it says "
                "whether the team database already holds the book."
            ),
        ) as target:
            check_empty(row_counts(target), team.where)
            with book.engine.connect() as source:
                rows = copy_book(source, target, copied)
        return Published(Path(path), team.where, rows)

"""Taking one CSM's accounts off the team server into a book file, for a flight (team mode).

``take_offline`` writes a new book file holding the owner's accounts with everything on them
and the rows the team shares (playbooks, templates, roles, features, experiments, settings),
from one consistent read of the server. The file is written beside the target under a
temporary name and moved into place only when complete: a failure or a cancel leaves no
file. The copy opens read-only (its changes could never reach the server); the server is only
read.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from csm_desktop.errors import BadInput, Cancelled, OutputNotWritten
from csm_desktop.services.opening import is_team_address, open_team_book
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.store.database import open_database
from csm_desktop.store.failures import explained
from csm_desktop.store.offline import copy_owner_book, owned_accounts, owners


@dataclass(frozen=True, slots=True)
class TakenOffline:
    """What a take-offline copied: rows per table, from where, into which file."""

    source: str
    target: Path
    owner: str
    rows: dict[str, int]

    @property
    def accounts(self) -> int:
        return self.rows.get("account", 0)

    @property
    def usage_rows(self) -> int:
        return self.rows.get("usage_event", 0)


def take_offline(
    address: str, owner: str, target: Path, progress: Progress = NO_PROGRESS
) -> TakenOffline:
    """Copy ``owner``'s accounts on the team server at ``address`` into the new book file
    ``target``. ``BadInput`` when ``address`` is not a server, ``target`` exists or the owner
    has no account (the message names the owners there are); ``Cancelled`` leaves no file."""
    if not is_team_address(address):
        raise BadInput(
            f"{address} is not a team server's address: take-offline copies from one, "
            "e.g. --db postgresql+psycopg://maya@db.example.com/csm_book."
        )
    target = Path(target).expanduser().absolute()
    if target.exists():
        raise BadInput(f"{target} already exists: take-offline writes a new book file.")
    if not target.parent.is_dir():
        raise OutputNotWritten(f"The folder {target.parent} does not exist; create it first.")
    temporary = target.with_name(f".{target.name}.partial")

    def copied(table: str, done: int) -> None:
        if progress.cancelled:
            raise Cancelled("Taking the book offline was cancelled; no file was written.")
        progress(0, 0, f"Copying {table}: {done:,} rows…")

    with open_team_book(address) as team, explained(team.where, file=target):
        # One snapshot: an import going on meanwhile is in the copy whole or not at all.
        snapshot = team.engine.execution_options(isolation_level="REPEATABLE READ")
        with snapshot.connect() as source:
            if not owned_accounts(source, owner):
                known = ", ".join(owners(source)) or "none"
                raise BadInput(
                    f"No account on {team.where} is owned by {owner!r}. Owners: {known}."
                )
            when = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
            mark = f"{owner.strip()}'s accounts taken off the team server {team.where} on {when}"
            temporary.unlink(missing_ok=True)
            try:
                book = open_database(temporary)
                try:
                    with book.engine.begin() as written:
                        rows = copy_owner_book(source, written, owner, mark, copied)
                finally:
                    book.close()
                os.replace(temporary, target)
            except BaseException:
                for leftover in (temporary, *temporary.parent.glob(f"{temporary.name}-*")):
                    leftover.unlink(missing_ok=True)
                raise
    return TakenOffline(team.where, target, owner.strip(), rows)

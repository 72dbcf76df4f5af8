"""Which account of the book a usage row belongs to: the one matching rule, without SQL.

Accounts match by external id, then by name ignoring case and surrounding space (DESIGN
§5). Exports call their account column "accountId" whatever it holds, so a file whose only
account column holds ids also matches them against names, and one whose only column holds
names also matches them against external ids. A cell that lists several accounts ("A;B",
"A, B and C") is never one account. The import (which may create accounts) and the
wizard's preview (which says which rows will be rejected before anything is stored) both
ask this module, so they count the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from csm_desktop.domain.text import name_key
from csm_desktop.spreadsheets.usage_cells import is_account_list

UNKNOWN_ACCOUNT = (
    "unknown account: no account has this external id or name; add it to the book or "
    "import with create accounts"
)
ACCOUNT_LIST = "a list of accounts, not one account: put one account per row"


@dataclass(slots=True)
class KnownAccounts:
    """The book's accounts by name and by external id."""

    by_name: dict[str, int] = field(default_factory=dict)
    by_external: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[int, str, str | None]]) -> KnownAccounts:
        """From (id, name, external id) rows."""
        known = cls()
        for account_id, name, external_id in rows:
            known.add(account_id, name, external_id)
        return known

    def add(self, account_id: int, name: str, external_id: str | None) -> None:
        self.by_name[name_key(name)] = account_id
        if external_id and external_id.strip():
            self.by_external[external_id.strip()] = account_id

    def find(
        self, external_id: str, name: str, *, file_has_ids: bool, file_has_names: bool
    ) -> int | None:
        """The account a row names, or None. ``file_has_ids``/``file_has_names``: which
        account columns the file has (a lone column may hold the other kind)."""
        found = self.by_external.get(external_id) if external_id else None
        if found is None and name:
            found = self.by_name.get(name_key(name))
            if found is None and not file_has_ids:
                found = self.by_external.get(name.strip())
        elif found is None and external_id and not file_has_names:
            found = self.by_name.get(name_key(external_id))
        return found


def why_unmatched(label: str) -> str:
    """The reason a row whose account the book does not have is rejected."""
    return ACCOUNT_LIST if is_account_list(label) else UNKNOWN_ACCOUNT

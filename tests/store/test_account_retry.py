"""OK again after a refused account save (issue 16: nothing overwritten).

Ravi's dialog opened on version 1 and he changed only the owner; Maya raised the ARR
meanwhile (version 2). His save is refused; OK again saves over version 2 what he changed,
the owner, and her ARR stays (it went back to the old value when the dialog re-sent every
field it showed). On a file and, with ``--backend postgresql``, on the server.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from csm_desktop.errors import ConflictError
from csm_desktop.services import account_edits
from csm_desktop.services.account_edits import AccountFields
from csm_desktop.services.accounts import account_detail
from csm_desktop.store.database import Database

TODAY = dt.date(2026, 11, 26)


def test_ok_again_writes_only_what_the_user_changed(book: Database) -> None:
    opened = AccountFields("Coho Winery", segment="SMB", arr=1000.0, owner="Maya Chen")
    account_id = account_edits.create_account(book, opened, None)
    assert account_detail(book, account_id, TODAY).version == 1
    maya = replace(opened, arr=999_999.0)
    assert account_edits.update_account(book, account_id, maya, seen=1, opened=opened) == 2
    ravi = replace(opened, owner="Ravi Patel")
    with pytest.raises(ConflictError) as refused:
        account_edits.update_account(book, account_id, ravi, seen=1, opened=opened)
    assert refused.value.version == 2
    assert account_edits.update_account(book, account_id, ravi, seen=2, opened=opened) == 3
    detail = account_detail(book, account_id, TODAY)
    assert (detail.arr, detail.owner, detail.segment) == (999_999.0, "Ravi Patel", "SMB")

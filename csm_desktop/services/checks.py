"""Checks the services share on what a person typed or picked, with one wording each.

A sentiment, a renewal outcome and a kind of advocacy are each one word out of a short
list, typed on the command line or picked in a dialog; ``choose`` is the one rule for
reading such a word (any case, spaces around it) and the one refusal naming the choices.
``existing_account`` is the one check that the account a change hangs on still exists (an
edit of the account, its contacts, kickoff, asks, value metrics; a feedback entry, a
touchpoint, a renewal, an advocacy act).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.store.models import Account


def choose(text: str, choices: Sequence[str], what: str) -> str:
    """The one of ``choices`` (lower-case words) that ``text`` names, ignoring case and
    surrounding spaces; BadInput "Unknown <what> “<text>”; use one of …" otherwise."""
    cleaned = text.strip().casefold()
    if cleaned in choices:
        return cleaned
    raise BadInput(f"Unknown {what} “{text}”; use one of {', '.join(choices)}.")


def existing_account(session: Session, account_id: int) -> Account:
    """The account, or ``UnknownAccount.gone``."""
    account = session.get(Account, account_id)
    if account is None:
        raise UnknownAccount.gone(account_id)
    return account

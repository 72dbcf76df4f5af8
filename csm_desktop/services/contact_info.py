"""A contact as the pages show it: plain values, safe to hand to another thread.

Its own module so that Today, which fills messages for contacts, does not import the whole
account page service (``services.accounts``, with renewals, evidence and the metrics behind
them) before its first lines: start-up time (issue 17). ``services.accounts`` re-exports it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContactInfo:
    id: int
    name: str
    role: str | None
    email: str | None
    title: str | None

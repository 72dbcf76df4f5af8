"""One account's QBR (DESIGN §9): find the account, gather its data, write it atomically.

Split from ``services.reports``, which re-exports every public name here. The batch
(``report_batch``) and the portfolio report (``portfolio_report``) write through
``write_atomically`` too, so every report is built in a temporary file and moved into place
only when complete.

reportlab is imported only when a report is made: the window imports this module at start-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from csm_desktop.domain.ladder import first_value_milestone
from csm_desktop.domain.metrics import (
    HEALTH_QUIET_DAYS,
    AccountMetrics,
    recently_active,
)
from csm_desktop.domain.metrics.account import OFF_TRACK_GRACE_DAYS
from csm_desktop.domain.review import ReviewPeriod
from csm_desktop.domain.text import did_you_mean
from csm_desktop.errors import BadInput, UnknownAccount
from csm_desktop.reports.model import (
    InternalFields,
    QbrData,
)
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.gc_pause import freeze_start_up, gc_paused
from csm_desktop.services.ladder import account_by_name
from csm_desktop.store.database import Database
from csm_desktop.store.queries.accounts import account_names
from csm_desktop.store.queries.timeline import touchpoints

NOTES_SHOWN = 12


# --- finding an account ------------------------------------------------------------------------


def find_account(database: Database, name_or_external_id: str) -> int:
    """The id of the account with this external id, or this name ignoring case and spaces."""
    with database.session() as session:
        account = account_by_name(session, name_or_external_id)
        if account is None:
            meant = did_you_mean(name_or_external_id, account_names(session).values())
            hint = f" Did you mean {meant!r}?" if meant else ""
            raise UnknownAccount(
                f"No account is named or has the external id {name_or_external_id!r} in "
                f"{database.name}; check the spelling in the Book.{hint}"
            )
        return account.id


# --- gathering the QBR ---------------------------------------------------------------------------


def qbr_data(
    database: Database,
    account_id: int,
    today: dt.date,
    *,
    internal: bool = False,
    period: ReviewPeriod | None = None,
) -> QbrData:
    """Everything the QBR of one account shows (``services.qbr_story`` gathers it)."""
    from csm_desktop.services.qbr_story import qbr_story

    return qbr_story(database, account_id, today, period=period, internal=internal)


def health_reasons(metrics: AccountMetrics, today: dt.date) -> tuple[str, ...]:
    """Why an account is off track or at risk, one short sentence per cause (DESIGN §3)."""
    reasons = []
    first = first_value_milestone(metrics.account.milestones)
    if (
        first is not None
        and first.status.is_open
        and (today - first.due_on).days > OFF_TRACK_GRACE_DAYS
    ):
        late = (today - first.due_on).days
        reasons.append(
            f"First value “{first.title}” was due on {first.due_on.isoformat()} "
            f"({late} days ago) and is not achieved."
        )
    if metrics.overdue:
        shown = ", ".join(
            f"“{m.title}” (due {m.due_on.isoformat()})"
            for m in sorted(metrics.overdue, key=lambda m: m.due_on)[:3]
        )
        more = len(metrics.overdue) - 3
        reasons.append(
            f"{len(metrics.overdue)} overdue: {shown}" + (f" and {more} more." if more > 0 else ".")
        )
    usage = metrics.account.usage
    if usage.has_data and not recently_active(metrics.account, today):
        reasons.append(f"No product use in the last {HEALTH_QUIET_DAYS} days.")
    return tuple(reasons)


def internal_fields(
    database: Database,
    arr: float | None,
    renewal_on: dt.date | None,
    metrics: AccountMetrics,
    today: dt.date,
) -> InternalFields:
    rows = []
    if metrics.account.id is not None:
        with database.session() as session:
            rows = touchpoints(session, metrics.account.id, until=today, limit=NOTES_SHOWN)
    notes = tuple(
        (t.happened_on, f"{t.channel}: {t.template}" + (f" — {t.note}" if t.note else ""))
        for t in rows
    )
    return InternalFields(
        arr=arr,
        renewal_on=renewal_on,
        health=metrics.health,
        health_reasons=health_reasons(metrics, today),
        overdue_count=metrics.overdue_count,
        notes=notes,
    )


# --- writing files ---------------------------------------------------------------------------


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Write a PDF through ``write_output_file`` (never over the book, atomic, umask)."""
    from csm_desktop.reports.text import register_fonts

    register_fonts()  # a missing font is a broken install, not a file problem: fail first
    return write_output_file(Path(path), write)


REPORT_FORMATS = ("pdf", "pptx")
"""A QBR is a PDF document or an editable PowerPoint deck."""


def write_qbr_report(
    database: Database,
    account_id: int,
    today: dt.date,
    path: Path,
    *,
    internal: bool = False,
    period: ReviewPeriod | None = None,
    format: str = "pdf",
) -> Path:
    """Write one account's QBR to ``path`` as a PDF or a deck; customer-facing unless
    ``internal``. ``period`` defaults to the last full quarter up to ``today``."""
    if format not in REPORT_FORMATS:
        raise BadInput(f"Unknown report format {format!r}; use pdf or pptx.")
    # Parsing the fonts and laying out the pages make tens of thousands of short-lived
    # objects; each pass of the cyclic collector would also walk the long-lived ones
    # (SQLAlchemy, reportlab): a fifth of a first report's time (services.gc_pause).
    with gc_paused():
        data = qbr_data(database, account_id, today, internal=internal, period=period)
        if format == "pptx":
            from csm_desktop.reports.deck import write_deck

            return write_atomically(Path(path), lambda target: write_deck(data, target))
        from csm_desktop.reports.fonts import FONT_BOLD, FONT_ITALIC, load_faces
        from csm_desktop.reports.qbr import write_qbr

        # The faces its titles and the goal's quote use are read before the freeze: read
        # during the layout, they were young objects the collector's pass at the report's
        # end walked (that pass: 17-22 -> 4-11 ms at load ~7, issue 17).
        load_faces(FONT_BOLD, FONT_ITALIC)
        freeze_start_up()  # what the imports, reads and fonts made: never walked again
        return write_atomically(Path(path), lambda target: write_qbr(data, target))

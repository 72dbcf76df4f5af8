"""PDF reports from the book: gather plain data, hand it to ``csm_desktop.reports``, write safely.

One account's QBR value report, a batch of them (both cores, one process per core, each with
its own database connection) and the internal portfolio report. Every PDF is built in a
temporary file next to its target and moved into place only when complete, so a failed or
cancelled export never leaves a half-written file behind.

reportlab is imported only when a report is made: the window imports this module at start-up.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from sqlalchemy import func, select

from csm_desktop.domain.ladder import first_value_milestone
from csm_desktop.domain.metrics import (
    HEALTH_QUIET_DAYS,
    AccountMetrics,
    PortfolioMetrics,
    kickoff_month,
    recently_active,
)
from csm_desktop.domain.metrics.account import OFF_TRACK_GRACE_DAYS
from csm_desktop.domain.review import ReviewPeriod
from csm_desktop.domain.story import capability_name
from csm_desktop.domain.text import did_you_mean
from csm_desktop.domain.value_money import money_text
from csm_desktop.domain.vocabulary import Health
from csm_desktop.errors import BadInput, Cancelled, UnknownAccount, UserError
from csm_desktop.reports.model import (
    AccountAtRisk,
    CohortLine,
    ComparisonLine,
    ExperimentSection,
    FunnelLine,
    InternalFields,
    Kpi,
    PortfolioReportData,
    QbrData,
    VariantLine,
)
from csm_desktop.safe_output import write_output_file
from csm_desktop.services.book_settings import load_book_settings
from csm_desktop.services.features import load_vocabulary
from csm_desktop.services.ladder import account_by_name
from csm_desktop.services.metrics import experiment_results, portfolio_metrics
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.models import Account, Experiment, Touchpoint

NOTES_SHOWN = 12
SERIAL_BATCH_BELOW = 4
"""Batches smaller than this run in this process: starting workers would cost more."""


def _batch_cancelled(written: Sequence[Path]) -> Cancelled:
    return Cancelled(f"Cancelled after {len(written)} reports; those are kept.", written)


class BatchIncomplete(UserError):
    """Some reports of a batch could not be made; the rest were written."""

    def __init__(self, message: str, written: Sequence[Path]) -> None:
        super().__init__(message)
        self.written = list(written)

    def __reduce__(self) -> tuple[object, ...]:
        return (BatchIncomplete, (str(self), self.written))


# --- finding an account ------------------------------------------------------------------------


def find_account(database: Database, name_or_external_id: str) -> int:
    """The id of the account with this external id, or this name ignoring case and spaces."""
    with database.session() as session:
        account = account_by_name(session, name_or_external_id)
        if account is None:
            meant = did_you_mean(name_or_external_id, session.scalars(select(Account.name)))
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
    query = (
        select(Touchpoint.happened_on, Touchpoint.channel, Touchpoint.template, Touchpoint.note)
        .where(Touchpoint.account_id == metrics.account.id)
        .where(Touchpoint.happened_on <= today)
        .order_by(Touchpoint.happened_on.desc(), Touchpoint.id.desc())
        .limit(NOTES_SHOWN)
    )
    with database.session() as session:
        notes = tuple(
            (day, f"{channel}: {template}" + (f" — {note}" if note else ""))
            for day, channel, template, note in session.execute(query)
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


def _write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
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
    data = qbr_data(database, account_id, today, internal=internal, period=period)
    if format == "pptx":
        from csm_desktop.reports.deck import write_deck

        return _write_atomically(Path(path), lambda target: write_deck(data, target))
    from csm_desktop.reports.qbr import write_qbr

    return _write_atomically(Path(path), lambda target: write_qbr(data, target))


_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_UNSAFE_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def safe_file_name(name: str, limit: int = 80) -> str:
    """``name`` as a file name that Windows, macOS and Linux all accept.

    Keeps letters of every script (Zoë, Łódź, Θάλασσα), replaces path separators and the
    characters Windows forbids, drops trailing dots and spaces, avoids device names such as
    ``CON`` and keeps the name short enough for deep folders.
    """
    cleaned = _UNSAFE_IN_NAMES.sub("_", unicodedata.normalize("NFC", name))
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    cleaned = cleaned[:limit].rstrip(" .")
    if not cleaned or set(cleaned) <= {"_"}:
        cleaned = "account"
    if _WINDOWS_RESERVED.match(cleaned):
        cleaned = f"_{cleaned}"
    return cleaned


def batch_file_names(
    accounts: Sequence[tuple[int, str]],
    today: dt.date,
    *,
    internal: bool = False,
    format: str = "pdf",
) -> dict[int, str]:
    """A distinct, OS-safe file name per account id (case-insensitively distinct)."""
    edition = "QBR internal" if internal else "QBR"
    names: dict[int, str] = {}
    taken: set[str] = set()
    for account_id, name in accounts:
        stem = f"{safe_file_name(name)} - {edition} {today.isoformat()}"
        candidate = f"{stem}.{format}"
        if candidate.casefold() in taken:
            candidate = f"{stem} ({account_id}).{format}"
        taken.add(candidate.casefold())
        names[account_id] = candidate
    return names


# The batch runs in worker processes; each opens the book once (read-only) in its initializer.
_worker_database: Database | None = None


def _start_worker(database_path: str) -> None:
    global _worker_database
    _worker_database = open_database(Path(database_path), read_only=True)


def _write_one(
    account_id: int,
    today: dt.date,
    path: str,
    internal: bool,
    period: ReviewPeriod | None = None,
    format: str = "pdf",
) -> str:
    assert _worker_database is not None, "worker started without a database"
    return str(
        write_qbr_report(
            _worker_database,
            account_id,
            today,
            Path(path),
            internal=internal,
            period=period,
            format=format,
        )
    )


def write_qbr_batch(
    database: Database,
    account_ids: Sequence[int],
    today: dt.date,
    folder: Path,
    *,
    internal: bool = False,
    progress: Progress = NO_PROGRESS,
    workers: int | None = None,
    period: ReviewPeriod | None = None,
    format: str = "pdf",
) -> list[Path]:
    """Write a QBR (PDF or deck) per account into ``folder``; returns the files written.

    Uses one process per core (each with its own connection), reports ``progress(done,
    total)`` and stops at the next report once ``progress.cancelled``, raising ``Cancelled``
    with the reports finished so far in ``written`` (no partial file is left). Accounts whose
    report cannot be made (no kickoff yet) do not stop the others: ``BatchIncomplete`` lists
    them at the end.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"The folder {folder} does not exist. Choose an existing folder.")
    ids = list(dict.fromkeys(account_ids))
    with database.session() as session:
        found: dict[int, str] = {
            account_id: name
            for account_id, name in session.execute(
                select(Account.id, Account.name).where(Account.id.in_(ids))
            )
        }
    missing = [i for i in ids if i not in found]
    if missing:
        raise UnknownAccount(
            f"{len(missing)} of the chosen accounts no longer exist; refresh the Book and "
            "choose again."
        )
    if format not in REPORT_FORMATS:
        raise BadInput(f"Unknown report format {format!r}; use pdf or pptx.")
    names = batch_file_names([(i, found[i]) for i in ids], today, internal=internal, format=format)
    total = len(ids)
    written: list[Path] = []
    failures: list[tuple[str, str]] = []

    def finished(account_id: int, outcome: Path | BaseException) -> None:
        if isinstance(outcome, UserError):
            failures.append((found[account_id], str(outcome)))
        elif isinstance(outcome, BaseException):
            raise outcome
        else:
            written.append(outcome)
        progress(len(written) + len(failures), total, f"QBR reports: {len(written)} of {total}")

    progress(0, total, f"QBR reports: 0 of {total}")
    processes = min(workers or os.cpu_count() or 1, total)
    if total < SERIAL_BATCH_BELOW or processes <= 1:
        for account_id in ids:
            if progress.cancelled:
                raise _batch_cancelled(written)
            try:
                path = write_qbr_report(
                    database,
                    account_id,
                    today,
                    folder / names[account_id],
                    internal=internal,
                    period=period,
                    format=format,
                )
            except UserError as exc:
                finished(account_id, exc)
            else:
                finished(account_id, path)
    else:
        _run_in_processes(
            database,
            ids,
            names,
            (today, internal, period, format),
            folder,
            processes,
            finished,
            progress,
        )
        if progress.cancelled:
            raise _batch_cancelled(written)
    if failures:
        listed = "; ".join(f"{name}: {reason}" for name, reason in failures[:3])
        more = f" (and {len(failures) - 3} more)" if len(failures) > 3 else ""
        raise BatchIncomplete(
            f"{len(failures)} of {total} reports were not written — {listed}{more}. The other "
            f"{len(written)} are in {folder}.",
            written,
        )
    order = {folder / names[i]: n for n, i in enumerate(ids)}
    return sorted(written, key=lambda p: order.get(p, total))


def _run_in_processes(
    database: Database,
    ids: Sequence[int],
    names: dict[int, str],
    options: tuple[dt.date, bool, ReviewPeriod | None, str],
    folder: Path,
    processes: int,
    finished: Callable[[int, Path | BaseException], None],
    progress: Progress,
) -> None:
    """Fan the reports out over ``processes`` workers; stop submitting once cancelled."""
    import multiprocessing

    # "spawn" everywhere: forking a process that runs Qt threads can deadlock, and spawn is
    # what Windows and macOS do anyway, so every platform behaves the same.
    context = multiprocessing.get_context("spawn")
    executor = ProcessPoolExecutor(
        max_workers=processes,
        mp_context=context,
        initializer=_start_worker,
        initargs=(str(database.file_path),),
    )
    pending: dict[Future[str], int] = {}
    queue = list(ids)
    try:
        # Keep a few reports queued per worker so cancelling stops quickly.
        while queue or pending:
            while queue and len(pending) < processes * 3:
                account_id = queue.pop(0)
                today, internal, period, format = options
                future = executor.submit(
                    _write_one,
                    account_id,
                    today,
                    str(folder / names[account_id]),
                    internal,
                    period,
                    format,
                )
                pending[future] = account_id
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                account_id = pending.pop(future)
                error = future.exception()
                finished(account_id, error if error is not None else Path(future.result()))
            if progress.cancelled:
                queue.clear()
                for future in pending:
                    future.cancel()
                # Reports already running finish (each is atomic); their files are counted.
                for future in list(pending):
                    if not future.cancelled() and future.exception() is None:
                        finished(pending[future], Path(future.result()))
                pending.clear()
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# --- the portfolio report -------------------------------------------------------------------


def _share_text(part: int, counted: int) -> str:
    return "–" if not counted else f"{part / counted * 100:.0f} %"


def portfolio_report_data(database: Database, today: dt.date) -> PortfolioReportData:
    """Everything the internal portfolio report shows, as of ``today``."""
    from csm_desktop.services.long_term import long_term

    metrics = portfolio_metrics(database, today)
    with database.session() as session:
        money = {
            row.id: (row.arr, row.owner)
            for row in session.execute(select(Account.id, Account.arr, Account.owner))
        }
        experiments = session.execute(
            select(
                Experiment.id, Experiment.name, Experiment.hypothesis, Experiment.started_on
            ).order_by(Experiment.id)
        ).all()
        unlinked = session.scalar(
            select(func.count()).select_from(Account).where(Account.archived.is_(False))
        )
    at_risk = _accounts_at_risk(metrics, money, today)
    arr_at_risk = sum(a.arr or 0.0 for a in at_risk)
    currency = load_book_settings(database).currency_code
    vocabulary = load_vocabulary(database)
    kpis = _kpis(metrics, len(at_risk), money_text(arr_at_risk, currency))
    months: dict[str, int] = {}
    for account in metrics.by_account:
        month = kickoff_month(account.account)
        months[month] = months.get(month, 0) + 1
    sections = []
    for experiment_id, name, hypothesis, started_on in experiments:
        result = experiment_results(database, experiment_id, today)
        if not result.variants:
            continue
        sections.append(
            ExperimentSection(
                name=name,
                hypothesis=hypothesis,
                started_on=started_on,
                variants=tuple(
                    VariantLine(
                        v.variant,
                        v.accounts,
                        v.first_value_within_target.part,
                        v.first_value_within_target.counted,
                        v.ttfv_median_days,
                        v.completion_at_day_30,
                    )
                    for v in result.variants
                ),
                comparisons=tuple(
                    ComparisonLine(c.variant, c.against, c.difference, c.p_value, c.small_sample)
                    for c in result.comparisons
                ),
            )
        )
    return PortfolioReportData(
        today=today,
        accounts=metrics.accounts,
        kpis=kpis,
        health=tuple((h, metrics.health.get(h, 0)) for h in Health),
        funnels=tuple(
            (
                playbook,
                tuple(
                    FunnelLine(s.milestone, s.role, s.achieved.part, s.achieved.counted, s.drop_off)
                    for s in steps
                ),
            )
            for playbook, steps in metrics.funnel.items()
        ),
        cohorts=tuple(
            CohortLine(
                month,
                months.get(month, 0),
                tuple((c, s.part, s.counted) for c, s in checkpoints.items()),
            )
            for month, checkpoints in metrics.cohorts.items()
        ),
        at_risk=at_risk,
        adoption_by_feature=tuple(
            (capability_name(feature, vocabulary), s.part, s.counted)
            for feature, s in metrics.adoption_by_feature.items()
        ),
        experiments=tuple(sections),
        book_name=Path(database.name).stem,
        accounts_without_kickoff=max((unlinked or 0) - metrics.accounts, 0),
        currency=currency,
        long_term=long_term(database, today),
    )


def _kpis(metrics: PortfolioMetrics, risky: int, arr_at_risk: str) -> tuple[Kpi, ...]:
    median = metrics.ttfv_median_days
    fv, adoption, on_time = metrics.first_value_on_time, metrics.adoption, metrics.on_time
    return (
        Kpi("Accounts", str(metrics.accounts), "active, with a kickoff"),
        Kpi(
            "Time to first value",
            "–" if median is None else f"{median:g} days",
            "median over accounts that reached it",
        ),
        Kpi(
            "First value on time",
            _share_text(fv.part, fv.counted),
            f"{fv.part} of {fv.counted} judged accounts",
        ),
        Kpi(
            "Adoption after unlock",
            _share_text(adoption.part, adoption.counted),
            f"{adoption.part} of {adoption.counted} unlocks; {metrics.adoption_pending} pending",
        ),
        Kpi(
            "Milestones on time",
            _share_text(on_time.part, on_time.counted),
            f"{on_time.part} of {on_time.counted} achieved",
        ),
        Kpi("At risk or off track", str(risky), f"ARR {arr_at_risk}"),
    )


def _accounts_at_risk(
    metrics: PortfolioMetrics,
    money: dict[int, tuple[float | None, str | None]],
    today: dt.date,
) -> tuple[AccountAtRisk, ...]:
    rank = {Health.OFF_TRACK: 0, Health.AT_RISK: 1}
    risky = [m for m in metrics.by_account if m.health in rank]
    risky.sort(key=lambda m: (rank[m.health], m.name.casefold()))
    return tuple(
        AccountAtRisk(
            name=m.name,
            health=m.health,
            reasons=health_reasons(m, today),
            owner=money.get(m.account.id or -1, (None, None))[1],
            arr=money.get(m.account.id or -1, (None, None))[0],
            completion=m.completion,
        )
        for m in risky
    )


def write_portfolio_report(
    database: Database, today: dt.date, path: Path, *, format: str = "pdf"
) -> Path:
    """Write the internal portfolio report of the whole book to ``path`` (PDF or deck)."""
    if format not in REPORT_FORMATS:
        raise BadInput(f"Unknown report format {format!r}; use pdf or pptx.")
    data = portfolio_report_data(database, today)
    if format == "pptx":
        from csm_desktop.reports.portfolio_deck import write_portfolio_deck

        return _write_atomically(Path(path), lambda target: write_portfolio_deck(data, target))
    from csm_desktop.reports.portfolio import write_portfolio

    return _write_atomically(Path(path), lambda target: write_portfolio(data, target))


__all__ = [
    "REPORT_FORMATS",
    "BatchIncomplete",
    "batch_file_names",
    "find_account",
    "health_reasons",
    "internal_fields",
    "portfolio_report_data",
    "qbr_data",
    "safe_file_name",
    "write_portfolio_report",
    "write_qbr_batch",
    "write_qbr_report",
]

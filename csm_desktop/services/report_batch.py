"""A batch of QBRs: one worker process per core, progress, cancelling, partial failures.

Split from ``services.reports`` (which re-exports the public names): each worker opens the
book read-only once and writes its reports through ``qbr_report.write_qbr_report``; a
cancelled or partly failed batch keeps the reports already written.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path

from csm_desktop.domain.review import ReviewPeriod
from csm_desktop.errors import BadInput, Cancelled, UnknownAccount, UserError
from csm_desktop.services.progress import NO_PROGRESS, Progress
from csm_desktop.services.qbr_report import REPORT_FORMATS, write_qbr_report
from csm_desktop.store.database import Database, open_database
from csm_desktop.store.queries.accounts import account_names
from csm_desktop.store.server import open_server_database

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


# The batch runs in worker processes; each opens the book once in its initializer: a file
# book read-only, a team server's book with the same login (and the password the window's
# engine holds, handed over the worker's pipe, never written anywhere).
_worker_database: Database | None = None


def _book_for_workers(database: Database) -> tuple[str | None, str | None, str | None]:
    """(file, server address, password): what a worker process needs to open the book."""
    if database.on_server:
        return None, database.server, database.engine.url.password
    return str(database.file_path), None, None


def _start_worker(file: str | None, server: str | None, password: str | None) -> None:
    global _worker_database
    if server is not None:
        _worker_database = open_server_database(server, password)
    else:
        _worker_database = open_database(Path(str(file)), read_only=True)


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
        found = account_names(session, ids)
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
        initargs=_book_for_workers(database),
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

"""Writing a file for the user without ever destroying anything else: ``write_output_file``.

Every file the app writes outside the book itself goes through ``write_output_file``: QBR
and portfolio PDFs, the playbook PDF, QBR decks, the book workbook, CSV exports, backups and
rejected-rows files. A report written over the open book would replace a CSM's whole book
with a PDF, so the one function refuses, before anything is written:

- a book that is open in this process (registered by ``store.database`` through
  ``protect_book``), its ``-wal``/``-shm``/``-journal`` files, its lock file and its backups
  folder;
- any existing SQLite database (a book of another window, a backup) and the companion files
  of one (``book.sqlite3-wal``, ``book.sqlite3.lock``);
- a folder.

It writes to a temporary file in the target's folder, flushes it to disk and moves it into
place with one atomic rename, so a failed or killed write leaves the old file as it was and
never a half-written one. The rename replaces a symbolic link at the target name instead of
following it, so a link planted where the app writes can never redirect the write onto
another file. Files the user exports get the user's normal permissions (umask); backups are
``private`` (0600).

A file the user did not choose (a rejected-rows file beside an import, a backup) is written
with ``chosen_by_user=False``: an existing file at that name is kept unless
``replaces_own`` recognises it as an earlier file of the same kind, and a fresh name
(``name (2).csv``) is taken instead.
"""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from csm_desktop.errors import BadInput, OutputNotWritten

SQLITE_MAGIC = b"SQLite format 3\x00"
# Files SQLite and the app keep beside a book; they are part of the book.
BOOK_COMPANION_SUFFIXES = ("-wal", "-shm", "-journal", ".lock")
_FRESH_NAMES = 1000  # ``name (2).csv`` … ``name (1000).csv``; beyond that something is wrong

_lock = threading.Lock()
_protected: Counter[Path] = Counter()  # resolved book path -> number of open handles
_extra: dict[Path, tuple[Path, ...]] = {}  # resolved book path -> its lock file, backups folder


def protect_book(book: Path, *companions: Path) -> None:
    """Mark ``book`` (and its lock file, backups folder, …) as never a writing target.

    Called when a book is opened; ``release_book`` undoes one call.
    """
    key = _absolute(book).resolve()
    with _lock:
        _protected[key] += 1
        _extra[key] = tuple(_absolute(path).resolve() for path in companions)


def release_book(book: Path) -> None:
    """Undo one ``protect_book`` for ``book`` (when it is closed)."""
    key = _absolute(book).resolve()
    with _lock:
        _protected[key] -= 1
        if _protected[key] <= 0:
            del _protected[key]
            _extra.pop(key, None)


def check_output_target(target: Path) -> None:
    """Refuse, in one line, a target that cannot or must not be written.

    ``BadInput`` when it is a book, part of one, or a folder; ``OutputNotWritten`` when its
    folder does not exist. Writers that build a big file first call this before building.
    A new file inside a book's backups folder is allowed (that is how backups are made);
    an existing one there never is.
    """
    target = _absolute(target)
    if not target.parent.is_dir():
        raise OutputNotWritten(
            f"Cannot write {target}: the folder {target.parent} does not exist. Create it or "
            "choose another folder."
        )
    named = target.parent.resolve() / target.name  # the name itself, a link not followed
    real = target.resolve()  # where a link at that name points
    with _lock:
        books = {book: (book, *_extra.get(book, ())) for book in _protected}
    for book, protected in books.items():
        for candidate in (named, real):
            own = {Path(f"{book}{suffix}") for suffix in BOOK_COMPANION_SUFFIXES}
            if (
                candidate in own
                or candidate in protected
                or (
                    os.path.lexists(candidate)
                    and any(folder in candidate.parents for folder in protected[1:])
                )
            ):
                raise BadInput(
                    f"{target} is the open book {book.name} or one of its own files; writing "
                    "there would destroy the book. Choose another file name."
                )
    for candidate in (named, real):
        if candidate.is_dir():
            raise BadInput(f"{target} is a folder. Give a file name, e.g. {target / 'report'}.")
        if _is_database(candidate):
            raise BadInput(
                f"{target} is a database (a CSM Desktop book or backup); it is never "
                "overwritten by an export. Choose another file name."
            )
        for suffix in BOOK_COMPANION_SUFFIXES:
            if candidate.name.endswith(suffix) and _is_database(
                candidate.with_name(candidate.name[: -len(suffix)])
            ):
                raise BadInput(
                    f"{target} belongs to the database beside it; writing there would damage "
                    "it. Choose another file name."
                )


def write_output_file(
    target: Path,
    write: Callable[[Path], object],
    *,
    chosen_by_user: bool = True,
    replaces_own: Callable[[Path], bool] | None = None,
    private: bool = False,
) -> Path:
    """Write a file through ``write(temporary_path)`` and move it to ``target``; the path written.

    The one way the app writes a file for the user (PDF, deck, workbook, CSV, backup). What
    it promises, whatever ``write`` does:

    - ``target`` is refused (``BadInput``) when it is the open book or one of its files, any
      SQLite database or database companion, or a folder (``check_output_target``);
    - a missing folder, a read-only place, a full disk or a file held open by another
      program is one ``OutputNotWritten`` line saying which, and the old file is unchanged;
    - ``write`` gets a fresh, empty file in the target's folder (same suffix as ``target``)
      and may replace or rewrite it; only when it returns is the file synced and renamed
      over ``target`` in one step, never following a symbolic link at ``target``;
    - ``chosen_by_user=False`` (a file the user did not name): an existing file is only
      replaced when ``replaces_own(path)`` says it is an earlier file of ours (never a
      link); otherwise ``name (2).ext``, ``name (3).ext``, … is used, never overwriting;
    - the file gets the user's normal permissions (umask), an existing file's own
      permissions when it is replaced, or 0600 when ``private``.

    Errors raised by ``write`` itself pass through unchanged, after the temporary file is
    removed.
    """
    target = _absolute(target)
    folder = target.parent
    check_output_target(target)
    try:
        handle, temporary_name = tempfile.mkstemp(
            dir=folder, prefix=f".{target.stem[:40]}-", suffix=f".part{target.suffix}"
        )
    except OSError as exc:
        raise _not_written(target, exc) from exc
    os.close(handle)
    temporary = Path(temporary_name)
    try:
        write(temporary)
        written = _move_into_place(temporary, target, chosen_by_user, replaces_own, private)
    except OSError as exc:
        raise _not_written(target, exc) from exc
    finally:
        temporary.unlink(missing_ok=True)
    return written


def _move_into_place(
    temporary: Path,
    target: Path,
    chosen_by_user: bool,
    replaces_own: Callable[[Path], bool] | None,
    private: bool,
) -> Path:
    with temporary.open("rb+") as handle:
        os.fsync(handle.fileno())
    if chosen_by_user:
        _set_mode(temporary, _mode_for(target, private))
        os.replace(temporary, target)
        _sync_folder(target.parent)
        return target
    _set_mode(temporary, 0o600 if private else default_file_mode())
    for candidate in _names_for(target):
        if os.path.lexists(candidate):
            if candidate.is_symlink() or not candidate.is_file():
                continue
            if replaces_own is None or not replaces_own(candidate):
                continue
            check_output_target(candidate)
            os.replace(temporary, candidate)
            _sync_folder(target.parent)
            return candidate
        check_output_target(candidate)
        try:
            os.link(temporary, candidate)  # creates the name only if nothing holds it yet
        except FileExistsError:
            continue  # taken meanwhile: try the next name
        except OSError:  # a file system without hard links: rename, just checked free
            os.replace(temporary, candidate)
        _sync_folder(target.parent)
        return candidate
    raise OutputNotWritten(
        f"Cannot write {target}: {_FRESH_NAMES} files of that name exist already. Tidy the "
        "folder and try again."
    )


def _names_for(target: Path) -> list[Path]:
    return [target] + [
        target.with_name(f"{target.stem} ({number}){target.suffix}")
        for number in range(2, _FRESH_NAMES + 1)
    ]


def default_file_mode() -> int:
    """The permissions a new file of the user gets: ``0o666`` less the process umask."""
    return 0o666 & ~_umask()


def _mode_for(target: Path, private: bool) -> int:
    if private:
        return 0o600
    try:
        if target.is_file() and not target.is_symlink():
            return target.stat().st_mode & 0o777  # replacing a file keeps its permissions
    except OSError:
        pass
    return default_file_mode()


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)  # elsewhere: set and restore at once (race-free enough for a mask)
    os.umask(mask)
    return mask


def _set_mode(path: Path, mode: int) -> None:
    if os.name != "nt":  # Windows has no permission bits to give
        os.chmod(path, mode)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); best effort, the file itself is already synced."""
    if os.name == "nt":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _is_database(path: Path) -> bool:
    try:
        if not path.is_file():
            return False
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _absolute(path: Path) -> Path:
    return Path(os.path.abspath(Path(path).expanduser()))


def _not_written(target: Path, exc: OSError) -> OutputNotWritten:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        why = "the disk is full. Free some space or choose another place"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = (
            "permission denied (a read-only folder or file, or the file is open in another "
            "program). Close it there, or choose a folder you can write to"
        )
    elif exc.errno == errno.ENOENT and not target.parent.is_dir():
        why = "the folder does not exist. Create it or choose another folder"
    else:
        why = f"{exc.strerror or exc}. Choose another folder or file name"
    return OutputNotWritten(f"Cannot write {target}: {why}; nothing was changed there.")


__all__ = [
    "BOOK_COMPANION_SUFFIXES",
    "check_output_target",
    "default_file_mode",
    "protect_book",
    "release_book",
    "write_output_file",
]

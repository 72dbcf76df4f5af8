"""One writer per book: an exclusive lock file beside it, and a check for network drives.

SQLite's own locks protect single transactions, not a CSM's session: two windows on the same
book would each show stale rows and overwrite each other's edits. The app therefore holds an
exclusive operating-system lock on ``<book>.lock`` for as long as the book is open (a handle
kept open with ``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows). The operating system
drops the lock when the process ends, even when it is killed, so a crash never leaves a
stale lock; the small file itself stays beside the book and is reused.

SQLite's locking cannot be trusted on network file systems (NFS, SMB, sshfs), so
``is_network_path`` lets the app warn when a book sits on one (DESIGN §1).
"""

from __future__ import annotations

import os
import socket
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO

from csm_desktop.errors import DatabaseLocked, DatabaseReadOnly

# File-system types of network mounts as /proc/mounts (Linux) or statfs (macOS) name them.
NETWORK_FS_TYPES = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb3", "smbfs", "ncpfs", "afs", "afpfs", "coda",
        "ceph", "glusterfs", "lustre", "gpfs", "ocfs2", "gfs2", "davfs", "webdav",
        "sshfs", "fuse.sshfs", "fuse.glusterfs", "fuse.davfs2", "fuse.rclone", "fuse.s3fs",
        "fuse.cephfs", "fuse.gcsfuse", "fuse.smbnetfs", "fuse.curlftpfs",
    }
)  # fmt: skip
DRIVE_REMOTE = 4  # what GetDriveTypeW returns for a network drive
LOCK_POLL_SECONDS = 0.1  # how often a waiting command tries the lock again


def lock_path(database_path: Path) -> Path:
    """The lock file that guards ``database_path``: ``<book file name>.lock`` beside it."""
    return database_path.with_name(database_path.name + ".lock")


class BookLock:
    """The exclusive right to write one book, held until ``release`` (or process exit)."""

    def __init__(self, database_path: Path, handle: IO[bytes]) -> None:
        self.database_path = database_path
        self._handle: IO[bytes] | None = handle

    @property
    def held(self) -> bool:
        return self._handle is not None

    def release(self) -> None:
        """Give the book back; safe to call twice."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        try:
            _unlock(handle)
        finally:
            handle.close()

    def __enter__(self) -> BookLock:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.release()


def acquire_book_lock(database_path: Path, *, wait_seconds: float = 0.0) -> BookLock:
    """Take the book's lock or say who holds it.

    Raises ``DatabaseLocked`` when another CSM Desktop window or command (on this or another
    computer) has the book open and does not let go within ``wait_seconds``, and
    ``DatabaseReadOnly`` when the book's folder cannot be written (so no lock file can
    exist): such a book can only be opened read-only.
    """
    database_path = Path(database_path).expanduser().resolve()
    path = lock_path(database_path)
    try:
        handle = open(path, "a+b")  # noqa: SIM115 - the handle lives as long as the lock
    except OSError as exc:
        raise DatabaseReadOnly(
            f"The folder of {database_path} cannot be written ({exc.strerror}); the book can "
            "only be opened read-only. Copy it to a writable folder to edit it."
        ) from exc
    deadline = time.monotonic() + max(wait_seconds, 0.0)
    while True:
        try:
            _lock(handle)
            break
        except OSError as exc:
            if time.monotonic() < deadline:
                time.sleep(LOCK_POLL_SECONDS)
                continue
            holder = read_lock_holder(database_path)
            handle.close()
            by = f" (held by {holder})" if holder else ""
            raise DatabaseLocked(
                f"The book {database_path} is already open in another CSM Desktop window or "
                f"command{by}. Open it read-only, or close the other one and try again."
            ) from exc
    _write_holder(handle)
    return BookLock(database_path, handle)


def book_in_use(database_path: Path) -> bool:
    """True when another process holds the book's lock (the lock is not kept)."""
    try:
        acquire_book_lock(database_path).release()
    except DatabaseLocked:
        return True
    except DatabaseReadOnly:
        return False
    return False


def read_lock_holder(database_path: Path) -> str:
    """Who wrote the lock file last, e.g. ``process 4242 on LAPTOP-7``; empty if unknown."""
    try:
        with open(lock_path(Path(database_path)), "rb") as handle:
            handle.seek(1)  # byte 0 is the locked byte on Windows; the text follows it
            return handle.read(200).decode("utf-8", "replace").strip()
    except OSError:
        return ""


def _write_holder(handle: IO[bytes]) -> None:
    text = f" process {os.getpid()} on {socket.gethostname()}\n".encode()
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(text)
        handle.flush()
    except OSError:  # the lock is what matters; the note is a courtesy
        pass


if sys.platform == "win32":
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


# --- network drives ------------------------------------------------------------------------


def is_network_fs_type(fs_type: str) -> bool:
    """True for the name of a network file system (``nfs4``, ``cifs``, ``fuse.sshfs``, …)."""
    name = fs_type.strip().lower()
    return name in NETWORK_FS_TYPES or name.startswith(("nfs", "smb", "cifs"))


def is_network_path(path: Path | str) -> bool:
    """True when ``path`` (or, for a new file, its nearest existing folder) is on a network
    drive, where SQLite's locking cannot be trusted. Unknown means False: never block work.
    """
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True  # a UNC path: \\server\share\book.sqlite3
    existing = _nearest_existing(Path(path).expanduser())
    try:
        if sys.platform == "win32":
            return _windows_drive_is_remote(existing)
        if sys.platform == "darwin":
            return is_network_fs_type(_macos_fs_type(existing))
        return is_network_fs_type(linux_fs_type(existing))
    except (OSError, ValueError, AttributeError):
        return False


def _nearest_existing(path: Path) -> Path:
    path = path.absolute()
    while not path.exists() and path.parent != path:
        path = path.parent
    return path.resolve()


def linux_fs_type(path: Path, mounts: str | None = None) -> str:
    """The file-system type of the mount holding ``path``, from ``/proc/mounts`` text."""
    if mounts is None:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
    target = str(path)
    best, best_type = "", ""
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        mount_point = _unescape_mount(fields[1])
        inside = (
            target == mount_point
            or mount_point == "/"
            or target.startswith(mount_point.rstrip("/") + "/")
        )
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, fields[2]
    return best_type


def _unescape_mount(field: str) -> str:
    """``/proc/mounts`` writes space, tab, newline and backslash as octal escapes."""
    for escape, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        field = field.replace(escape, char)
    return field


def _windows_drive_is_remote(path: Path) -> bool:
    import ctypes

    anchor = path.anchor or str(path)
    if anchor.startswith("\\\\"):
        return True
    get_drive_type = ctypes.windll.kernel32.GetDriveTypeW  # type: ignore[attr-defined]
    return bool(get_drive_type(ctypes.c_wchar_p(anchor)) == DRIVE_REMOTE)


def _macos_fs_type(path: Path) -> str:
    """``f_fstypename`` of ``statfs(2)`` (64-bit-inode layout, the default since 10.6)."""
    import ctypes
    import ctypes.util

    class StatFs(ctypes.Structure):
        _fields_ = [
            ("f_bsize", ctypes.c_uint32),
            ("f_iosize", ctypes.c_int32),
            ("f_blocks", ctypes.c_uint64),
            ("f_bfree", ctypes.c_uint64),
            ("f_bavail", ctypes.c_uint64),
            ("f_files", ctypes.c_uint64),
            ("f_ffree", ctypes.c_uint64),
            ("f_fsid", ctypes.c_int32 * 2),
            ("f_owner", ctypes.c_uint32),
            ("f_type", ctypes.c_uint32),
            ("f_flags", ctypes.c_uint32),
            ("f_fssubtype", ctypes.c_uint32),
            ("f_fstypename", ctypes.c_char * 16),
            ("f_mntonname", ctypes.c_char * 1024),
            ("f_mntfromname", ctypes.c_char * 1024),
            ("f_flags_ext", ctypes.c_uint32),
            ("f_reserved", ctypes.c_uint32 * 7),
        ]

    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    try:
        statfs = getattr(libc, "statfs$INODE64")  # Intel Macs
    except AttributeError:
        statfs = libc.statfs  # Apple silicon: statfs is the 64-bit-inode call
    result = StatFs()
    if statfs(os.fsencode(str(path)), ctypes.byref(result)) != 0:
        raise OSError(ctypes.get_errno(), "statfs failed")
    return bytes(result.f_fstypename).decode("utf-8", "replace")


__all__ = [
    "BookLock",
    "acquire_book_lock",
    "book_in_use",
    "is_network_fs_type",
    "is_network_path",
    "linux_fs_type",
    "lock_path",
    "read_lock_holder",
]

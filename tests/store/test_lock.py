"""One writer per book: the lock file, seen from a second process, and network drives."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from csm_desktop.errors import DatabaseLocked
from csm_desktop.store.lock import (
    acquire_book_lock,
    book_in_use,
    is_network_fs_type,
    is_network_path,
    linux_fs_type,
    lock_path,
    read_lock_holder,
)

SECOND_INSTANCE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from csm_desktop.errors import DatabaseLocked
    from csm_desktop.store.lock import acquire_book_lock
    try:
        lock = acquire_book_lock(Path(sys.argv[1]))
    except DatabaseLocked as exc:
        print(exc)
        sys.exit(3)
    print("got the lock")
    lock.release()
    """
)


def second_instance(db_path: Path) -> subprocess.CompletedProcess[str]:
    """Another program on the same machine trying to open the book for writing."""
    return subprocess.run(
        [sys.executable, "-c", SECOND_INSTANCE, str(db_path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_second_process_is_told_the_book_is_in_use_while_the_lock_is_held(
    db_path: Path,
) -> None:
    with acquire_book_lock(db_path) as lock:
        assert lock.held
        other = second_instance(db_path)
    assert other.returncode == 3, other.stderr
    assert "is already open in another CSM Desktop window" in other.stdout
    assert "Open it read-only, or close the other one" in other.stdout
    assert "(held by process " in other.stdout
    assert not lock.held


def test_second_process_gets_the_lock_once_the_first_released_it(db_path: Path) -> None:
    acquire_book_lock(db_path).release()
    other = second_instance(db_path)
    assert (other.returncode, other.stdout.strip()) == (0, "got the lock")


def test_lock_of_a_killed_process_is_free_again(db_path: Path) -> None:
    with subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path;"
            "from csm_desktop.store.lock import acquire_book_lock;"
            "lock = acquire_book_lock(Path(sys.argv[1])); print('held', flush=True);"
            "time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert book_in_use(db_path)
        holder.kill()
        holder.wait(timeout=30)
    assert not book_in_use(db_path)
    assert lock_path(db_path).exists()  # the file stays; only the lock went away


def test_lock_file_sits_beside_the_book_and_names_its_holder(db_path: Path) -> None:
    import os

    with acquire_book_lock(db_path):
        assert lock_path(db_path) == db_path.with_name("book.sqlite3.lock")
        assert read_lock_holder(db_path).startswith(f"process {os.getpid()} on ")


def test_same_process_cannot_take_the_lock_twice(db_path: Path) -> None:
    with acquire_book_lock(db_path), pytest.raises(DatabaseLocked):
        acquire_book_lock(db_path)


MOUNTS = textwrap.dedent(
    """\
    overlay / overlay rw,relatime 0 0
    proc /proc proc rw,nosuid 0 0
    /dev/sda1 /home ext4 rw,relatime 0 0
    server:/export/csm /home/maya/shared nfs4 rw,relatime 0 0
    //files/team /mnt/team\\040drive cifs rw,relatime 0 0
    maya@box:/books /home/maya/remote fuse.sshfs rw,nosuid 0 0
    """
)


@pytest.mark.parametrize(
    ("path", "fs_type"),
    [
        ("/home/maya/book.sqlite3", "ext4"),
        ("/home/maya/shared/book.sqlite3", "nfs4"),
        ("/home/maya/sharedness/book.sqlite3", "ext4"),
        ("/mnt/team drive/q3/book.sqlite3", "cifs"),
        ("/home/maya/remote/book.sqlite3", "fuse.sshfs"),
        ("/tmp/book.sqlite3", "overlay"),
    ],
)
def test_linux_mount_of_a_path_is_the_longest_matching_mount_point(path: str, fs_type: str) -> None:
    assert linux_fs_type(Path(path), MOUNTS) == fs_type


@pytest.mark.parametrize(
    ("fs_type", "network"),
    [
        ("nfs4", True),
        ("cifs", True),
        ("smb3", True),
        ("smbfs", True),
        ("fuse.sshfs", True),
        ("sshfs", True),
        ("afpfs", True),
        ("ext4", False),
        ("apfs", False),
        ("overlay", False),
        ("tmpfs", False),
        ("", False),
    ],
)
def test_network_file_system_types(fs_type: str, network: bool) -> None:
    assert is_network_fs_type(fs_type) is network


def test_unc_paths_are_network_paths() -> None:
    assert is_network_path(Path("//files/team/book.sqlite3"))
    assert is_network_path(r"\\files\team\book.sqlite3")


def test_local_temporary_folder_and_a_new_file_in_it_are_not_network_paths(
    tmp_path: Path,
) -> None:
    assert not is_network_path(tmp_path)
    assert not is_network_path(tmp_path / "not-yet" / "book.sqlite3")

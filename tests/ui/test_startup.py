"""Starting the window: missing X11 libraries named with the apt line, a missing book folder
created, and ``--start-check`` proving the window opens and quits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from csm_desktop.ui.system_libraries import (
    install_advice,
    missing_in,
    package_of,
    startup_problem,
    uses_xcb,
)

# What ldd printed for PySide6 6.11's libqxcb.so on a fresh Debian 12 container.
LDD = """\
\tlinux-vdso.so.1 (0x00007ffd5e9f1000)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f3a1c000000)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f3a1bd00000)
"""


def test_missing_libraries_become_one_apt_get_line() -> None:
    missing = missing_in(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    advice = install_advice(missing)
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1\n" in advice
    assert advice.startswith("CSM Desktop cannot open its window")


def test_unknown_libraries_follow_debian_package_naming() -> None:
    assert package_of("libxcb-xinput.so.0") == "libxcb-xinput0"
    assert package_of("libfoo.so.3") == "libfoo3"
    assert package_of("libbar2.so.1") == "libbar2-1"  # a name ending in a digit gets a dash


def test_the_check_runs_only_when_qt_will_use_x11() -> None:
    assert uses_xcb({})
    assert uses_xcb({"QT_QPA_PLATFORM": "xcb"})
    assert not uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 start-up is Linux only")
def test_no_display_is_said_plainly() -> None:
    problem = startup_problem({"QT_QPA_PLATFORM": "xcb"})
    assert problem is not None and "no graphical display was found" in problem


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 start-up is Linux only")
def test_the_window_without_a_display_says_so_and_exits_2(tmp_path: Path) -> None:
    """The library check runs beside the start-up imports; its answer still comes before
    Qt would abort: one plain message and exit status 2."""
    done = run_app("--db", str(tmp_path / "book.sqlite3"), home=tmp_path, platform="xcb")
    assert done.returncode == 2, done.stderr
    assert "no graphical display was found" in done.stderr
    assert "Traceback" not in done.stderr


def run_app(
    *args: str, home: Path, platform: str = "offscreen"
) -> subprocess.CompletedProcess[str]:
    """The app as a process with its own home; on ``platform`` "xcb" without a display."""
    dropped = {"DISPLAY", "WAYLAND_DISPLAY"} if platform == "xcb" else set()
    environ = {
        **{name: value for name, value in os.environ.items() if name not in dropped},
        "QT_QPA_PLATFORM": platform,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "XDG_CACHE_HOME": str(home / "cache"),
    }
    return subprocess.run(
        [sys.executable, "-m", "csm_desktop", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=environ,
        check=False,
    )


@pytest.mark.slow
def test_start_check_creates_a_missing_folder_opens_the_window_and_quits(
    tmp_path: Path,
) -> None:
    """A book in a folder that does not exist yet: the folder is made, the window opens on
    the empty book, no dialog, exit 0, and no lock is held afterwards."""
    book = tmp_path / "not" / "yet" / "book.sqlite3"
    done = run_app("--db", str(book), "--start-check", home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("window opened on platform offscreen: CSM Desktop — book")
    assert book.exists()
    from csm_desktop.services.opening import book_is_free

    assert book_is_free(book)


def test_readme_names_the_packages_the_start_check_installs() -> None:
    """The README's apt-get line and CI's list are the same packages (plus python3-venv)."""
    from csm_desktop.ui.system_libraries import README_PACKAGES

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("sudo apt-get install python3-venv")
    line = readme[start : readme.index("```", start)].replace("\\\n", " ")
    named = line.split()[3:]
    assert named[0] == "python3-venv"
    assert named[1:] == list(README_PACKAGES)


@pytest.mark.slow
def test_demo_start_backs_up_the_demo_not_an_empty_book(tmp_path: Path) -> None:
    """``--demo`` on a fresh machine: the day's backup is taken once the 48 demo accounts
    are in, never of the empty file the demo is built in."""
    import sqlite3

    home = tmp_path / "home"
    done = run_app("--demo", "--start-check", home=home)
    assert done.returncode == 0, done.stderr
    backups = sorted((home / "data").rglob("*.sqlite3"))
    daily = [p for p in backups if "backup" in str(p).lower()]
    assert len(daily) == 1, backups
    with sqlite3.connect(daily[0]) as connection:
        assert connection.execute("select count(*) from account").fetchone() == (48,)


XDG = ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME")

GC_PROBE = """
import gc, sys
from csm_desktop.cli import main
made = [0, 0, 0]
def count(phase, info):
    if phase == "stop":
        made[info["generation"]] += 1
gc.callbacks.append(count)
code = main(["--db", sys.argv[1], "--start-check"])
print(code, sum(made))
"""


@pytest.mark.slow
def test_start_up_does_not_walk_the_imported_modules_objects_again_and_again(
    tmp_path: Path,
) -> None:
    """The ~100,000 objects that importing SQLAlchemy, the models and the services makes
    live as long as the window; they are frozen out of the collector's passes (issue 17).
    Before, the automatic collector ran ~148 times during a start-check (135 young, 12
    middle, 1 full pass, ~50-70 ms of CPU); now ~19 (measured on this machine)."""
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", GC_PROBE, str(tmp_path / "book.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env={
            **os.environ,
            "QT_QPA_PLATFORM": "offscreen",
            "HOME": str(home),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_STATE_HOME": str(home / "state"),
            "XDG_CACHE_HOME": str(home / "cache"),
        },
        check=False,
    )
    assert done.returncode == 0, done.stderr
    code, collections = map(int, done.stdout.strip().splitlines()[-1].split())
    assert code == 0
    assert collections < 50


SCAN_PROBE = """
import sys
from PySide6.QtCore import QObject  # Qt first, as when a test or a benchmark starts the app
from csm_desktop.cli import main
code = main(["--db", sys.argv[1], "--start-check"])
scanned = sys.modules["PySide6.support.feature"].pyside_feature_dict
print(code, sum(name.startswith(("sqlalchemy", "csm_desktop.store", "csm_desktop.ui"))
                for name in scanned))
"""


@pytest.mark.slow
def test_start_up_imports_are_not_read_by_pysides_feature_hook(tmp_path: Path) -> None:
    """PySide's ``__feature__`` import hook read the source of every module imported after
    Qt (SQLAlchemy, the models, the window: ~80 ms of a 1 s start, issue 17); the window
    takes it off ``import`` first, so none of those modules is in its table."""
    home = tmp_path / "home"
    done = subprocess.run(
        [sys.executable, "-c", SCAN_PROBE, str(tmp_path / "book.sqlite3")],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)}
        | {name: str(home / name.lower()) for name in XDG},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "0 0"

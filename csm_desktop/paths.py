"""Where the app keeps its files: user data and logs (platformdirs) and bundled resources.

Resources are found next to the package in a source tree and inside the bundle when frozen
by PyInstaller (``sys._MEIPASS``). platformdirs is imported only when a user folder is asked
for: a report finds its fonts through ``resources_dir`` on its first run (issue 17).
"""

import sys
from pathlib import Path

APP_DIR_NAME = "csm-desktop"


def user_data_dir() -> Path:
    """The folder holding the default database and backups (created on demand)."""
    from platformdirs import user_data_path

    path = user_data_path(APP_DIR_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return user_data_dir() / "book.sqlite3"


def log_dir() -> Path:
    from platformdirs import user_log_path

    path = user_log_path(APP_DIR_NAME, appauthor=False)
    path.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The ``resources/`` folder, whether running from source or from the bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    """The ``data/`` folder of shipped sample files."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "data"
    return Path(__file__).resolve().parent.parent / "data"

"""CSM Desktop: the offline-first desktop app for Customer Success Managers."""

from functools import cache
from typing import Any

APP_NAME = "CSM Desktop"


@cache
def app_version() -> str:
    """The installed version (from pyproject.toml via the package metadata).

    Read on first use: importing ``importlib.metadata`` costs about 30 ms of start-up.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("csm-desktop")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+src"


def __getattr__(name: str) -> Any:
    if name == "__version__":
        return app_version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""CSM Desktop: the offline-first desktop app for Customer Success Managers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("csm-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+src"

APP_NAME = "CSM Desktop"

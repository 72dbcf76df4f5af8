"""External tools the report tests read documents with: pdftotext and LibreOffice.

Installed with apt-get where missing and allowed (CI runs as root on Debian); otherwise the
test that needs one is skipped with the reason, never silently passed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

_tried: set[str] = set()


def ensure_tool(binary: str, package: str) -> str:
    """The path of ``binary``, installing Debian ``package`` once if it is missing."""
    found = shutil.which(binary)
    if found:
        return found
    if package not in _tried and shutil.which("apt-get") and os.geteuid() == 0:
        _tried.add(package)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        for command in (
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
            ["apt-get", "update", "-qq"],
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
        ):
            subprocess.run(command, env=env, capture_output=True, timeout=900, check=False)
            found = shutil.which(binary)
            if found:
                return found
    pytest.skip(f"{binary} is not installed and apt-get could not install {package}")


def pdftotext(path: Path) -> str:
    """The PDF's text as poppler reads it (what a customer's viewer search finds)."""
    tool = ensure_tool("pdftotext", "poppler-utils")
    result = subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=60, check=True
    )
    return result.stdout.decode("utf-8")

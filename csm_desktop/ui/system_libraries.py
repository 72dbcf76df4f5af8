"""Before the window opens on Linux: are the system libraries Qt's X11 plugin needs there?

Without them Qt aborts with "Could not load the Qt platform plugin "xcb"" and a list of
plugins, which tells a CSM nothing. The PySide6 wheel carries Qt but not the X11 client
libraries (``libxcb-cursor0``, ``libxcb-icccm4``, ``libxcb-keysyms1`` …) that a fresh
Debian or Ubuntu may lack. ``startup_problem`` asks the dynamic linker (``ldd``) which
libraries the xcb plugin cannot find and turns them into the ``apt-get install`` line that
fixes it. It imports nothing of Qt, so it can run before ``QApplication`` exists.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

# Debian/Ubuntu package of each library the xcb plugin and its Qt libraries load.
PACKAGES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libSM.so.6": "libsm6",
    "libICE.so.6": "libice6",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libOpenGL.so.0": "libopengl0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
}
# Everything the xcb plugin needs on a minimal Debian 12 / Ubuntu 22.04 (what the README and
# CI install).
README_PACKAGES = (
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-xkb1",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-xinerama0",
    "libxkbcommon-x11-0",
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libdbus-1-3",
)

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.MULTILINE)


def package_of(library: str) -> str:
    """The Debian/Ubuntu package that ships ``library`` (Debian's naming rule as fallback)."""
    if library in PACKAGES:
        return PACKAGES[library]
    match = re.match(r"^lib(.+)\.so\.(\d+)", library)
    if match is None:
        return library
    name, version = match.group(1).lower(), match.group(2)
    return f"lib{name}-{version}" if name[-1].isdigit() else f"lib{name}{version}"


def missing_in(ldd_output: str) -> list[str]:
    """Library names that ``ldd`` reports as "not found", each once, in order."""
    return list(dict.fromkeys(_NOT_FOUND.findall(ldd_output)))


def xcb_plugin() -> Path | None:
    """The xcb platform plugin of PySide6 (the wheel's, or the bundle's), without importing
    Qt."""
    roots = []
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        roots.append(Path(frozen_root) / "PySide6")
    spec = importlib.util.find_spec("PySide6")
    if spec is not None and spec.origin is not None:
        roots.append(Path(spec.origin).parent)
    for root in roots:
        plugin = root / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.exists():
            return plugin
    return None


def missing_libraries(plugin: Path) -> list[str]:
    """What the dynamic linker cannot find for ``plugin`` (empty when ldd is unavailable)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        done = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    return missing_in(done.stdout)


def uses_xcb(environ: Mapping[str, str]) -> bool:
    """Will Qt pick its X11 plugin? (An explicit choice wins; a Wayland session uses Wayland.)"""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(";")[0].split(":")[0] == "xcb"
    return not environ.get("WAYLAND_DISPLAY")


def install_advice(missing: list[str]) -> str:
    packages = " ".join(dict.fromkeys(package_of(library) for library in missing))
    return (
        "CSM Desktop cannot open its window: Qt's X11 platform plugin (xcb) needs system "
        f"libraries that are not installed: {', '.join(missing)}.\n"
        "Install them, then start CSM Desktop again:\n"
        f"    sudo apt-get install {packages}\n"
        "(On Fedora: sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms.)"
    )


def startup_problem(environ: Mapping[str, str] | None = None) -> str | None:
    """A message saying what is missing and how to install it, or None when the window can
    open (or when this is not a Linux X11 start, where Qt reports for itself)."""
    environ = os.environ if environ is None else environ
    if not sys.platform.startswith("linux") or not uses_xcb(environ):
        return None
    if not environ.get("DISPLAY"):
        return (
            "CSM Desktop cannot open its window: no graphical display was found (DISPLAY is "
            "not set). Start it from a desktop session, or use the headless commands "
            "(csm-desktop --help)."
        )
    plugin = xcb_plugin()
    if plugin is None:
        return None
    missing = missing_libraries(plugin)
    return install_advice(missing) if missing else None


def startup_problem_in_background() -> Callable[[], str | None]:
    """``startup_problem`` started on a thread; the function returned waits for its answer.
    Asking ``ldd`` takes ~20 ms of a separate process on every X11 start: the app imports
    Qt and its own modules meanwhile (neither loads the xcb plugin; ``QApplication`` does)."""
    answer: list[str | None] = []
    thread = threading.Thread(
        target=lambda: answer.append(startup_problem()), name="library-check", daemon=True
    )
    thread.start()

    def wait() -> str | None:
        thread.join()
        return answer[0] if answer else None

    return wait

"""reportlab's imports without the work a report never uses: two patterns and PIL's Image.

A first report pays for importing reportlab (issue 17). Three things its imports do are
left for first use by the import hook installed here (``install``, from
``csm_desktop.reports``):

- ``reportlab.platypus.paragraph`` compiles a case-insensitive pattern of web addresses
  (``uri_pat``) whose character classes span U+00A1–U+FFFF: ``re`` folds the case of each of
  those 65,000 characters, 35 ms of CPU. reportlab matches it only to hyphenate a web address
  at a line end (``rl_config.uriWasteReduce``, off by default and in these reports).
- ``reportlab.lib.textsplit`` compiles a pattern over U+2E80–U+FFFF (``rx``, ~5 ms), used only
  to wrap CJK text by characters (``cjkwrap``, which in reportlab 5.1 cannot even run: it
  calls ``reduce`` without importing it).
- ``reportlab.lib.utils`` imports ``PIL.Image`` (~15 ms of CPU, with its tag tables) only to
  read bitmaps; a report without a logo reads none. Its ``Image`` is a stand-in that imports
  the real module on first use (``_PilImage``).

Everything else imports as before; a reportlab whose patterns differ, or a module imported
before the hook, is only as slow as it was.
"""

from __future__ import annotations

import functools
import importlib
import importlib.abc
import re
import sys
import threading
import types
from collections.abc import Callable, Sequence
from typing import Any

_DEFERRED_PATTERNS = {
    "reportlab.platypus.paragraph": (re.IGNORECASE, "\xa1-\uffff"),
    "reportlab.lib.textsplit": (re.UNICODE, "\u2e80-\uffff"),
}
"""Module -> (flags, character range) that mark the one pattern its import compiles lazily."""
PIL_USER = "reportlab.lib.utils"
"""The reportlab module that imports ``PIL.Image`` when it is imported."""


class LazyPattern:
    """A compiled pattern that compiles on first use; otherwise it is the ``re.Pattern``."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.flags = flags

    @functools.cached_property
    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, self.flags)

    def __getattr__(self, name: str) -> Any:
        # Only attributes the instance lacks (match, search, groups, …) come here.
        return getattr(self.compiled, name)


class _Loader:
    """A module's own loader, running its code with one change (``exec_module``)."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> types.ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]


class _PatternLoader(_Loader):
    """Runs the module with ``re.compile`` deferring the pattern marked by ``flags`` and a
    character range (``_DEFERRED_PATTERNS``)."""

    def __init__(self, loader: Any, flags: int, wide_class: str) -> None:
        super().__init__(loader)
        self._flags = flags
        self._wide_class = wide_class

    def _is_deferred(self, pattern: object, flags: int) -> bool:
        return flags == self._flags and isinstance(pattern, str) and self._wide_class in pattern

    def exec_module(self, module: types.ModuleType) -> None:
        compile_now = re.compile
        importing = threading.get_ident()  # ``re.compile`` is the process's: other threads
        # (the window's, while a worker imports reportlab) compile as always

        def compile_or_defer(pattern: Any, flags: int = 0) -> Any:
            if threading.get_ident() == importing and self._is_deferred(pattern, flags):
                return LazyPattern(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_or_defer
        try:
            self._loader.exec_module(module)
        finally:
            re.compile = compile_now


class _PilImage(types.ModuleType):
    """Stands for ``PIL.Image`` in ``reportlab.lib.utils``: every attribute is the real
    module's, which is imported (thread-safely, by the import system) on first use."""

    def __getattr__(self, name: str) -> Any:
        # Only attributes the stand-in lacks come here: all of the module's.
        return getattr(importlib.import_module("PIL.Image"), name)


class _PilLoader(_Loader):
    """Runs ``reportlab.lib.utils`` with ``from PIL import Image`` giving the stand-in.

    For that import the stand-in is the PIL package's ``Image`` attribute, removed again
    afterwards so any later ``from PIL import Image`` imports the real module (a thread that
    imports it meanwhile gets the stand-in, which works the same)."""

    def exec_module(self, module: types.ModuleType) -> None:
        if "PIL.Image" in sys.modules:
            self._loader.exec_module(module)
            return
        import PIL

        stand_in = _PilImage("PIL.Image")
        PIL.Image = stand_in  # type: ignore[attr-defined]
        try:
            self._loader.exec_module(module)
        finally:
            if vars(PIL).get("Image") is stand_in:
                del PIL.Image  # type: ignore[attr-defined]


def _wrapper(fullname: str) -> Callable[[Any], _Loader] | None:
    if fullname in _DEFERRED_PATTERNS:
        flags, wide_class = _DEFERRED_PATTERNS[fullname]
        return lambda loader: _PatternLoader(loader, flags, wide_class)
    if fullname == PIL_USER:
        return _PilLoader
    return None


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the modules above through the other finders and wraps their loaders."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> Any:
        wrap = _wrapper(fullname)
        if wrap is None:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = wrap(spec.loader)
                return spec
        return None


def install() -> None:
    """Put the hook first on ``sys.meta_path`` (once: a second call changes nothing)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())

"""reportlab's paragraph module without the 35 ms its import spends on a pattern left unused.

``reportlab.platypus.paragraph`` compiles, when imported, a case-insensitive pattern of web
addresses (``uri_pat``) whose character classes span U+00A1–U+FFFF: ``re`` folds the case of
each of those 65,000 characters, 35 ms of CPU, about a tenth of a first report's cold time.
reportlab matches it only to hyphenate a web address at a line end (``rl_config.
uriWasteReduce``, off by default and in these reports). The import hook installed here
(``install``, from ``csm_desktop.reports``) has that one pattern compiled when it is first
used instead. Every other pattern compiles as before, and a reportlab whose pattern is
different, or a paragraph module imported before the hook, is only as slow as it was.
"""

from __future__ import annotations

import functools
import importlib.abc
import re
import sys
import threading
from collections.abc import Sequence
from types import ModuleType
from typing import Any

MODULE = "reportlab.platypus.paragraph"
_WIDE_CLASS = "\xa1-\uffff"
"""What marks the pattern: a case-insensitive class over almost all of Unicode."""


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


def _is_deferred(pattern: object, flags: int) -> bool:
    return flags == re.IGNORECASE and isinstance(pattern, str) and _WIDE_CLASS in pattern


class _Loader:
    """The module's own loader, running it with ``re.compile`` deferring that one pattern."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> ModuleType | None:
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        compile_now = re.compile
        importing = threading.get_ident()  # ``re.compile`` is the process's: other threads
        # (the window's, while a worker imports reportlab) compile as always

        def compile_or_defer(pattern: Any, flags: int = 0) -> Any:
            if threading.get_ident() == importing and _is_deferred(pattern, flags):
                return LazyPattern(pattern, flags)
            return compile_now(pattern, flags)

        re.compile = compile_or_defer
        try:
            self._loader.exec_module(module)
        finally:
            re.compile = compile_now


class _Finder(importlib.abc.MetaPathFinder):
    """Finds the paragraph module through the other finders and wraps its loader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if fullname != MODULE:
            return None
        for finder in sys.meta_path:
            find = getattr(finder, "find_spec", None)
            if finder is self or find is None:
                continue
            spec = find(fullname, path, target)
            if spec is not None:
                if hasattr(spec.loader, "exec_module"):
                    spec.loader = _Loader(spec.loader)
                return spec
        return None


def install() -> None:
    """Put the hook first on ``sys.meta_path`` (once: a second call changes nothing)."""
    if not any(isinstance(finder, _Finder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _Finder())

"""Text safe to show in a terminal or write to a log: control characters escaped.

Account, feature and file names come from spreadsheets other people wrote. Echoed raw, a
name holding ``ESC ]0;…`` or ``ESC [2J`` retitles or clears the CSM's terminal, a carriage
return overwrites the line before it, and a bidirectional override reverses what a log
line seems to say. ``printable`` writes every such character as a visible escape
(``\\x1b``, ``\\u202e``) and leaves everything else, accents and all, as it is; the CLI's
output streams and every log formatter of the app go through it.
"""

from __future__ import annotations

import logging
import re
from typing import TextIO

# C0 controls but tab and newline (which end and lay out lines), DEL, C1 controls, and the
# bidirectional embeddings, overrides and isolates.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """``text`` with control characters written as escapes; tab and newline kept."""
    return _UNPRINTABLE.sub(_escape, text)


class PrintableStream:
    """A text stream that escapes control characters on their way to ``target``."""

    def __init__(self, target: TextIO) -> None:
        self.target = target

    def write(self, text: str) -> int:
        self.target.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.target.flush()

    def __getattr__(self, name: str) -> object:  # encoding, isatty, fileno, …
        return getattr(self.target, name)


class PrintableFormatter(logging.Formatter):
    """A log formatter whose lines never carry raw control characters."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))


__all__ = ["PrintableFormatter", "PrintableStream", "printable"]

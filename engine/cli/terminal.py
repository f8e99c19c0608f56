"""Every command's terminal output goes through `terminal_text` (issue 7, item 13).

Commands print cell text in many places (the problem table, explain, diff, summaries);
instead of escaping at each call, `escaped_terminal` wraps stdout and stderr for the
duration of a command, so nothing a workbook holds reaches the terminal raw.
"""
from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from engine.xlsx_safe import terminal_text


class _Escaping:
    """A text stream that escapes control characters in what is written to it."""

    def __init__(self, inner: TextIO):
        self._inner = inner

    def write(self, text: Any) -> int:
        return self._inner.write(terminal_text(text) if isinstance(text, str) else text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@contextlib.contextmanager
def escaped_terminal() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Escaping(sys.stdout), _Escaping(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved

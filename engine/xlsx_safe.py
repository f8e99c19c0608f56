"""Safe text for everything the engine writes: xlsx/CSV cells and the terminal.

Cells: text from a workbook typed by hand can start with = + - @ (or a tab / CR
before them); a spreadsheet would run it as a formula. We prefix such text with an
apostrophe, the OWASP-recommended neutraliser, so it shows as typed text (SPEC
section 6). Control characters XML cannot hold (a vertical tab from a Word line
break, stored by Excel as _x000B_; \\x01 from other systems) would make openpyxl
refuse the whole file: they are written as visible escapes (\\x0b) instead.

Terminal: ESC, BEL and the other control characters in cell text could retitle the
window or clear the screen; `terminal_text` shows them escaped the same way.
"""
from __future__ import annotations

import re
from typing import Any

_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")        # what XML 1.0 (and openpyxl) refuses
_TERMINAL_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")   # C0 but tab and newline, DEL, C1


def _escape(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}"


def safe_cell(value: Any) -> Any:
    """Return value unchanged unless it is text a spreadsheet could execute or XML cannot hold."""
    if isinstance(value, str):
        if _XML_ILLEGAL.search(value):
            value = _XML_ILLEGAL.sub(_escape, value)
        if value.startswith(_DANGEROUS_FIRST):
            return "'" + value
    return value


def terminal_text(text: str) -> str:
    """Text for the terminal: control characters (ESC, BEL, CR, C1 ...) as \\xNN; tab and newline kept."""
    return _TERMINAL_CONTROL.sub(_escape, text) if _TERMINAL_CONTROL.search(text) else text

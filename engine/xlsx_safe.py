"""Formula-injection guard for every xlsx/CSV cell the engine writes (SPEC section 6).

Text from a workbook typed by hand can start with = + - @ (or a tab / CR before
them); a spreadsheet would run it as a formula. We prefix such text with an
apostrophe, the OWASP-recommended neutraliser, so it shows as typed text.
"""
from __future__ import annotations

from typing import Any

_DANGEROUS_FIRST = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def safe_cell(value: Any) -> Any:
    """Return value unchanged unless it is text a spreadsheet could execute."""
    if isinstance(value, str) and value.startswith(_DANGEROUS_FIRST):
        return "'" + value
    return value

"""Print setup for report sheets: A4, one page wide, header rows repeated, rows tall enough for their text.

`print_setup(ws, ...)` is applied to every sheet of a report (and of the 个人评分表), so a sheet
another module adds prints the same way. Row heights are computed here (Excel does not grow a
wrapped row on opening a file; LibreOffice does not either once a height is stored), from the
column widths and the CJK-aware display width of each line — deterministic, so reports stay
byte-identical.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from engine.xlsxio import display_width

LINE_HEIGHT = 16.0       # points per printed line of 11-point text in a CJK font (Noto Sans CJK: ~1.45 em)
DEFAULT_WIDTH = 8.43     # Excel's default column width
MAX_ROW_HEIGHT = 409.0   # Excel's limit
TOP_WRAP = Alignment(wrap_text=True, vertical="top")


def footer_text(rules_fingerprint: str, input_fingerprint: str) -> tuple[str, str]:
    """(left, centre) footer: page x of y; the two fingerprints that identify the run, one per line
    (side by side they overlap on a narrow sheet)."""
    return "第 &P 页 / 共 &N 页", f"规则指纹 {rules_fingerprint}\n输入指纹 {input_fingerprint}"


def print_setup(ws: Worksheet, fingerprints: tuple[str, str] | None = None, *, landscape: bool = True,
                title_rows: int = 1, fit_height: bool = False) -> None:
    """A4, fit to one page wide (and tall with fit_height), the first `title_rows` rows on every page,
    print area over the used range, footer with page number and fingerprints."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if fit_height else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    last_col = get_column_letter(max(ws.max_column, 1))
    ws.print_area = f"A1:{last_col}{max(ws.max_row, 1)}"
    if title_rows:
        ws.print_title_rows = f"1:{title_rows}"
    if fingerprints:
        left, centre = footer_text(*fingerprints)
        for part, text in ((ws.oddFooter.left, left), (ws.oddFooter.center, centre)):
            part.text = text
            part.size = 7


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def wrap_all(ws: Worksheet, first_row: int = 1) -> None:
    """Wrap every cell from first_row on, aligned to the top (long text grows downwards)."""
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is not None:
                cell.alignment = TOP_WRAP


def lines_needed(value: Any, width: float) -> int:
    """How many printed lines a wrapped cell takes in a column `width` characters wide."""
    if value is None:
        return 1
    usable = max(width * 1.2 - 2, 1.0)   # measured: a column w wide holds about 1.2·w display units
    return sum(max(1, math.ceil(display_width(line) / usable)) for line in str(value).split("\n"))


def fit_row_heights(ws: Worksheet, first_row: int = 1, min_lines: int = 1) -> None:
    """Set each row's height from the tallest wrapped cell in it."""
    widths = {col: (ws.column_dimensions[get_column_letter(col)].width or DEFAULT_WIDTH)
              for col in range(1, ws.max_column + 1)}
    for row_no, row in enumerate(ws.iter_rows(min_row=first_row), start=first_row):
        lines = min_lines
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            lines = max(lines, lines_needed(cell.value, widths.get(cell.column, DEFAULT_WIDTH)))
        if lines > 1:
            ws.row_dimensions[row_no].height = min(lines * LINE_HEIGHT + 2, MAX_ROW_HEIGHT)

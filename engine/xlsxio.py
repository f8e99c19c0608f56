"""Writing xlsx files the project's way: reproducible bytes, safe cells, styled and fitted tables.

Shared by the report (engine.output), the template and the sample writer (engine.input), so it
sits beside them rather than in either.
"""
from __future__ import annotations

import json
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from engine.xlsx_safe import safe_cell

# Fixed instead of "now": a report must be reproducible byte for byte.
FIXED_TIMESTAMP = datetime(2000, 1, 1)
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")
MAX_WIDTH = 60
QUOTE_WIDTH = 80
_MIN_WIDTH = 6
EXCEL_CELL_MAX = 32_767   # Excel's limit on characters in one cell


# --------------------------------------------------------------------------- saving

class _FixedTimeZip(zipfile.ZipFile):
    """A ZipFile that stamps every member with one fixed time (zip entries carry mtimes)."""

    def writestr(self, zinfo_or_arcname: Any, data: Any,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo = zipfile.ZipInfo(zinfo_or_arcname, date_time=_ZIP_TIME)
            zinfo.compress_type = zipfile.ZIP_DEFLATED
            zinfo.external_attr = 0o600 << 16
            zinfo_or_arcname = zinfo
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename: Any, arcname: Any = None,
              compress_type: int | None = None, compresslevel: int | None = None) -> None:
        # openpyxl streams worksheets through temp files; their mtime must not leak in.
        with open(filename, "rb") as handle:
            self.writestr(arcname or Path(filename).name, handle.read())


def save_workbook_stable(wb: Workbook, path: Path) -> None:
    """Save `wb` to exactly `path` with fixed document and zip timestamps."""
    wb.properties.creator = "scorecard"
    wb.properties.lastModifiedBy = "scorecard"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    # openpyxl's save_workbook() would overwrite `modified` with now(); drive the writer directly.
    with _FixedTimeZip(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()


# --------------------------------------------------------------------------- cell text

def compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def format_value(value: Any) -> str:
    """Plain text for one fact/parameter value: 4.0 -> "4", true -> 是, lists/dicts as compact JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)
    return compact_json(value)


def format_mapping(mapping: dict[str, Any]) -> str:
    """"name=value; ..." sorted by name, so the same facts always read the same."""
    return "; ".join(f"{name}={format_value(mapping[name])}" for name in sorted(mapping))


def cell_value(value: Any) -> Any:
    """What goes into a cell: numbers stay numbers, None stays empty, text is made safe."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float, date)):  # date covers datetime
        return value
    if isinstance(value, str):
        return safe_cell(value)
    return safe_cell(compact_json(value))


def readable_parameter(value: Any) -> Any:
    """A parameter value as a clerk reads it: 1、2 for a list, 好 95；较好 85 for a mapping, 是/否."""
    if isinstance(value, (list, tuple)):
        return safe_cell("、".join(str(readable_parameter(v)) for v in value)) if value else "（空）"
    if isinstance(value, dict):
        return safe_cell("；".join(f"{k} {readable_parameter(v)}" for k, v in value.items()))
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return parameter_cell(value)


def parameter_cell(value: Any) -> Any:
    """Lists and mappings as compact JSON (the `--set NAME=VALUE` syntax); true/false as 是/否."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, dict, tuple)):
        return safe_cell(compact_json(value))
    return cell_value(value)


def display_width(value: Any) -> int:
    """Column width of the longest line; a wide (CJK) character counts as two."""
    if value is None:
        return 0
    text = str(value)
    if text.isascii() and "\n" not in text:
        return len(text)  # the common case (codes, numbers, ids): no per-character lookup
    lines = text.split("\n")
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)
               for line in lines)


# --------------------------------------------------------------------------- table helpers

def write_header(ws: Worksheet, row: int, headers: Sequence[str], col: int = 1) -> None:
    for offset, header in enumerate(headers):
        cell = ws.cell(row=row, column=col + offset, value=safe_cell(header))
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")


def write_rows(ws: Worksheet, first_row: int, rows: Iterable[Sequence[Any]]) -> int:
    """Write rows from `first_row`; return the last row written (first_row - 1 if none)."""
    row_no = first_row - 1
    appending = first_row == ws.max_row + 1  # ws.append is much faster than cell-by-cell
    for row_no, row in enumerate(rows, start=first_row):
        if appending:
            ws.append([cell_value(v) for v in row])
        else:
            for col_no, value in enumerate(row, start=1):
                ws.cell(row=row_no, column=col_no, value=cell_value(value))
    return row_no


def table_ref(first_row: int, last_row: int, n_cols: int) -> str:
    # An autofilter needs at least the header row.
    return f"A{first_row}:{get_column_letter(n_cols)}{max(last_row, first_row)}"


def fit_columns(ws: Worksheet, wrap_cols: Sequence[int] = (), skip_rows: Sequence[int] = ()) -> None:
    """Widths from content (CJK-aware, capped); wrap columns get a fixed wide column."""
    widths: dict[int, int] = {}
    skip = set(skip_rows)
    for row_no, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if row_no in skip:
            continue
        for col, value in enumerate(row, start=1):
            if value is not None:
                width = display_width(value)
                if width > widths.get(col, 0):
                    widths[col] = width
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, _MIN_WIDTH), MAX_WIDTH)
    for col in wrap_cols:
        ws.column_dimensions[get_column_letter(col)].width = QUOTE_WIDTH
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.alignment = WRAP


def table_sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                wrap_cols: Sequence[int] = ()) -> Worksheet:
    """A sheet holding one table from A1: styled header, frozen, filtered, fitted."""
    ws = wb.create_sheet(title)
    write_header(ws, 1, headers)
    last = write_rows(ws, 2, rows)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = table_ref(1, last, len(headers))
    fit_columns(ws, wrap_cols)
    return ws

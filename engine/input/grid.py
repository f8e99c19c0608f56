"""One sheet's cells as calamine reads them, within the size limits, plus the special cells."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Any

import python_calamine

from engine.input.issues import make_issue
from engine.input.xlsx_cells import Special, column_letter, scan_specials
from engine.input.xlsx_zip import MAX_SHEET_XML_BYTES, ZIP_ERRORS, BookXml, Fatal, calamine_errors, corrupt

def is_blank(value: Any) -> bool:
    return value is None or (type(value) is str and not value.strip())


def row_blank(row: list[Any]) -> bool:
    for value in row:
        if value != "" and not (type(value) is str and value.isspace()):
            return False
    return True



@dataclass
class Grid:
    """calamine's used range plus the cells it shows as empty but that are not."""

    rows: list[list[Any]]
    top: int                 # 0-based sheet row of rows[0]
    left: int                # 0-based sheet column of rows[i][0]
    specials: dict[tuple[int, int], Special]
    merges: list[tuple[tuple[int, int], tuple[int, int]]]

    def cell(self, row: int, col: int) -> Any:
        i, j = row - self.top, col - self.left
        if 0 <= i < len(self.rows):
            line = self.rows[i]
            if 0 <= j < len(line):
                return line[j]
        return ""

    def width_end(self) -> int:
        """One past the last used 0-based column."""
        ends = [self.left + len(r) for r in self.rows[:1]] + [c + 1 for _, c in self.specials]
        return max(ends, default=0)

    def row_end(self) -> int:
        ends = [self.top + len(self.rows)] + [r + 1 for r, _ in self.specials]
        return max(ends)



def load_grid(book: python_calamine.CalamineWorkbook, name: str, archive: zipfile.ZipFile,
               xml: BookXml, file: str, max_rows: int, max_columns: int) -> Grid:
    member = xml.paths.get(name)
    if member is None or member not in archive.namelist():
        raise corrupt(file, f"找不到工作表“{name}”的内容")
    size = archive.getinfo(member).file_size
    if size > MAX_SHEET_XML_BYTES:
        raise Fatal(make_issue("FILE_TOO_LARGE", sheet=name, value=str(size),
                                detail=f"工作表解压后有 {size} 字节，超过上限 {MAX_SHEET_XML_BYTES} 字节",
                                detail_en=f"the sheet inflates to {size} bytes, more than {MAX_SHEET_XML_BYTES}"))
    try:
        specials = scan_specials(archive, member, xml.full_calc_on_load)
    except ZIP_ERRORS:
        raise corrupt(file, f"工作表“{name}”") from None
    with calamine_errors(file, f"工作表“{name}”"):
        sheet = book.get_sheet_by_name(name)
        return _grid_within_limits(sheet, specials, name, max_rows, max_columns)


def _grid_within_limits(sheet: python_calamine.CalamineSheet, specials: dict[tuple[int, int], Special],
                        name: str, max_rows: int, max_columns: int) -> Grid:
    """Check the size limits on calamine's used range first, and only then build Python rows."""
    start, end = sheet.start, sheet.end
    first_row = min(([start[0]] if start else []) + [r for r, _ in specials], default=0)
    last_row = max(([end[0]] if end else []) + [r for r, _ in specials], default=-1)
    last_col = max(([end[1]] if end else []) + [c for _, c in specials], default=-1)
    if last_col + 1 > max_columns:
        raise Fatal(make_issue("TOO_MANY_COLUMNS", sheet=name, value=str(last_col + 1),
                                expected=str(max_columns), letter=column_letter(last_col)))
    if last_row - first_row > max_rows:
        raise Fatal(make_issue("TOO_MANY_ROWS", sheet=name, value=str(last_row - first_row),
                                expected=str(max_rows)))
    rows = sheet.to_python() if start else []
    return Grid(rows, start[0] if start else 0, start[1] if start else 0, specials,
                 list(sheet.merged_cell_ranges or []))



"""One sheet's cells as calamine reads them, within the size limits, plus what calamine cannot tell."""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from typing import Any

import python_calamine

from engine.input import limits
from engine.input.issues import make_issue
from engine.input.sheet_scan import ScanLimit, percent_styles, scan_sheet, shared_string_lengths
from engine.input.xlsx_cells import Special, column_letter
from engine.input.xlsx_zip import (
    ZIP_ERRORS, BookXml, Fatal, TooLarge, calamine_errors, corrupt, inflate, read_part,
)


@dataclass
class Package:
    """The open file and the workbook-wide facts every sheet scan needs."""

    data: bytes
    archive: zipfile.ZipFile
    xml: BookXml
    file: str
    string_lengths: list[int] = field(default_factory=list)
    percent_styles: frozenset[int] = frozenset()


def measure_package(data: bytes, archive: zipfile.ZipFile, xml: BookXml, file: str) -> Package:
    """Check the parts calamine reads when it opens the file (shared strings, styles) before it does,
    and refuse any member that claims to inflate past the sheet limit."""
    sheets = {member: name for name, member in xml.paths.items()}
    for info in archive.infolist():
        if info.file_size > limits.MAX_SHEET_XML_BYTES:
            raise TooLarge(info.filename, limits.MAX_SHEET_XML_BYTES, sheets.get(info.filename)).fatal(file)
    package = Package(data, archive, xml, file)
    names = archive.NameToInfo
    try:
        if xml.shared_strings in names:
            package.string_lengths = shared_string_lengths(
                inflate(data, archive, xml.shared_strings, limits.MAX_SHARED_STRINGS_BYTES))
        if xml.styles in names:
            package.percent_styles = percent_styles(read_part(data, archive, xml.styles, limits.MAX_XML_PART_BYTES))
    except TooLarge as exc:
        raise exc.fatal(file) from None
    except (SyntaxError, *ZIP_ERRORS):          # ET.ParseError is a SyntaxError
        raise corrupt(file, "xl/styles.xml / xl/sharedStrings.xml") from None
    return package


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
    hidden_rows: set[int] = field(default_factory=set)           # 0-based rows hidden in Excel
    filter_active: bool = False                                  # ... by an AutoFilter condition
    percent: set[tuple[int, int]] = field(default_factory=set)   # (row0, col0) with a percent format

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



def load_grid(book: python_calamine.CalamineWorkbook, name: str, package: Package,
              max_rows: int, max_columns: int) -> Grid:
    file, xml = package.file, package.xml
    member = xml.paths.get(name)
    if member is None or member not in package.archive.NameToInfo:
        raise corrupt(file, f"找不到工作表“{name}”的内容")
    try:
        scan = scan_sheet(inflate(package.data, package.archive, member, limits.MAX_SHEET_XML_BYTES, sheet=name),
                          string_lengths=package.string_lengths, percent_styles=package.percent_styles,
                          full_calc=xml.full_calc_on_load, max_rows=max_rows, max_columns=max_columns)
    except TooLarge as exc:
        raise exc.fatal(file) from None
    except ScanLimit as exc:
        raise Fatal(limit_issue(exc, name)) from None
    except ZIP_ERRORS:
        raise corrupt(file, f"工作表“{name}”") from None
    with calamine_errors(file, f"工作表“{name}”"):
        sheet = book.get_sheet_by_name(name)
        grid = _grid_within_limits(sheet, scan.specials, name, max_rows, max_columns)
    grid.hidden_rows, grid.filter_active, grid.percent = scan.hidden_rows, scan.filter_active, scan.percent
    return grid


def limit_issue(exc: ScanLimit, sheet: str):
    """The issue for a limit the scan found passed: it names the limit, and the cell where there is one."""
    fields = dict(exc.fields)
    limit = fields.pop("limit")
    if exc.code == "FILE_TOO_LARGE":
        mb = int(limit) >> 20
        return make_issue("FILE_TOO_LARGE", sheet=sheet, value=str(fields["value"]),
                          detail=f"单元格中的文字（共享字符串按每个引用它的单元格计）超过上限 {limit} 字节（{mb} MB）",
                          detail_en=f"the text its cells hold (a shared string counted once per cell using it) "
                                    f"passes the limit of {limit} bytes ({mb} MB)",
                          expected=f"不超过 {limit} 字节", expected_en=f"at most {limit} bytes")
    return make_issue(exc.code, sheet=sheet, expected=str(limit), expected_en=str(limit), **fields)


def _grid_within_limits(sheet: python_calamine.CalamineSheet, specials: dict[tuple[int, int], Special],
                        name: str, max_rows: int, max_columns: int) -> Grid:
    """Check the limits again on calamine's own used range (the scan already did on the XML)."""
    start, end = sheet.start, sheet.end
    first_row = min(([start[0]] if start else []) + [r for r, _ in specials], default=0)
    last_row = max(([end[0]] if end else []) + [r for r, _ in specials], default=-1)
    last_col = max(([end[1]] if end else []) + [c for _, c in specials], default=-1)
    far = f"{column_letter(max(last_col, 0))}{last_row + 1}"
    if last_col + 1 > max_columns:
        raise Fatal(make_issue("TOO_MANY_COLUMNS", sheet=name, value=str(last_col + 1), cell=far,
                               expected=str(max_columns), letter=column_letter(last_col)))
    if last_row - first_row > max_rows:
        raise Fatal(make_issue("TOO_MANY_ROWS", sheet=name, value=str(last_row - first_row), cell=far,
                               expected=str(max_rows)))
    rows = sheet.to_python() if start else []
    return Grid(rows, start[0] if start else 0, start[1] if start else 0, specials,
                list(sheet.merged_cell_ranges or []))

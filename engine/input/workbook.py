"""Read the input workbook (SPEC sections 4 and 6) into typed tables, or say exactly why not.

Design, for speed and for honesty:

* python-calamine reads cell values (about ten times faster than openpyxl);
* `xlsx_zip` opens the file safely, `xlsx_cells` reads what calamine cannot tell
  from the sheet XML (formula cells with no cached value, Excel error cells),
  `grid` loads one sheet within the limits, `headers` matches the header row;
* merged ranges and sheet visibility come from calamine;
* `validate.py` normalises every cell, `checks.py` runs the cross-row checks.

Every problem becomes an `InputIssue`; strict mode raises `InputError` once,
after every sheet was read. The input file is only ever opened for reading.
"""
from __future__ import annotations

import bisect
import contextlib
import hashlib
import operator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import python_calamine

from engine.input.checks import check_across, ranking_group_columns, skipped_indices
from engine.input import limits
from engine.input.grid import Grid, Package, is_blank, load_grid, measure_package, row_blank
from engine.input.headers import SHEET_KEYS, apply_transforms, map_header, match_header, match_key
from engine.input.issue_table import format_issues, sort_issues, write_issues_xlsx
from engine.input.issues import CODES, InputError, InputIssue, make_issue, shorten
from engine.input.normalise import INVALID, Problem, display_value
from engine.input.review_form import REVIEW_SHEET
from engine.input.sheets import FAMILY_NAMES, SHEETS, ColumnSpec, Kind, SheetSpec
from engine.input.validate import SheetData, normalise_sheet
from engine.input.xlsx_cells import column_letter, special_detail
from engine.input.xlsx_zip import (
    HAS_VALUE, ZIP_ERRORS, Fatal, TooLarge, book_xml, open_calamine, open_zip, read_bytes, stream_has,
)

GUIDE_SHEET = "说明"               # the guide sheet `scorecard template` writes first

@dataclass
class Workbook:
    path: Path
    fingerprint: str                      # sha256 hex of the file bytes
    tables: dict[str, pd.DataFrame]       # key = SheetSpec.en, only for sheets present in the file
    absent_sheets: list[str]              # SheetSpec.en of contract sheets not in the file
    extra_sheets: list[str]               # sheet names in the file not in the contract (listed, ignored)
    extra_columns: dict[str, list[str]]   # sheet en -> header names not in the contract
    issues: list[InputIssue]              # every note, and in lenient mode the errors of skipped rows
    skipped_rows: dict[str, list[int]]    # sheet en -> Excel row numbers skipped (lenient mode)
    rows_in_sheet: dict[str, int]         # sheet en -> data rows in the sheet (non-blank rows below the header)
    # sheet en -> for each skipped row, its Excel row and whichever key cells were readable
    # (year, leader_id, unit, round), so results can say what a skipped row leaves unevaluated
    skipped_keys: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class SheetResult:
    data: SheetData
    rows_in_sheet: int
    extra_columns: list[str] = field(default_factory=list)



def _read_sheet(grid: Grid, spec: SheetSpec, name: str, full_calc: bool) -> SheetResult:
    data = SheetData(spec=spec, name=name)
    header = _find_header(grid)
    if header is None:
        data.issues.append(make_issue("EMPTY_SHEET", sheet=name))
        return SheetResult(data, 0)
    if header > 0:
        data.issues.append(make_issue("BLANK_ROWS_BEFORE_HEADER", sheet=name, row=header + 1, count=header))
    columns, extras = map_header(grid, header, spec, data, full_calc)
    kept = _data_rows(grid, header)
    data.rows = [r + 1 for r in kept]
    data.present = set(columns)
    if not kept:
        data.issues.append(make_issue("NO_DATA_ROWS", sheet=name, row=header + 1))
    lines = _kept_lines(grid, kept)
    _unnamed_columns(grid, header, kept, lines, columns, extras, data)
    for en, col in columns.items():
        data.raw[en] = _column_cells(grid, lines, col)
    _percent_cells(grid, kept, columns, data)
    _hidden_rows(grid, kept, data)
    normalise_sheet(data, _cell_specials(grid, header, kept, columns, full_calc))
    apply_transforms(data, ranking_group_columns(data))
    return SheetResult(data, len(kept), [text for _, text in extras])


_PERCENT_KINDS = (Kind.SCORE_OR_GRADE, Kind.SCORE)   # 0–100 scores: 95% typed as a percent means 95


def _percent_cells(grid: Grid, kept: list[int], columns: dict[str, int], data: SheetData) -> None:
    """Cells formatted as a percentage hold 0.95 for what the clerk sees as 95%: a score becomes 95 with a
    note; on a column where a percentage has no meaning (points, amounts, ranks) it is an error."""
    if not grid.percent:
        return
    position = {r: i for i, r in enumerate(kept)}
    for en, col in columns.items():
        spec = data.spec.column(en)
        for r in sorted(r for r, c in grid.percent if c == col and r in position):
            index = position[r]
            raw = data.raw[en][index]
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                continue
            shown = f"{round(raw * 100, 10):g}%"
            if spec.kind in _PERCENT_KINDS:
                data.raw[en][index] = round(raw * 100, 10)
                data.issue("PERCENT_CONVERTED", index, en, value=shown, normalised=f"{round(raw * 100, 10):g}")
            elif spec.kind in (Kind.POINTS, Kind.AMOUNT, Kind.RANK, Kind.YEAR, Kind.ROUND):
                data.issue("PERCENT_NOT_ALLOWED", index, en, value=shown)


def _hidden_rows(grid: Grid, kept: list[int], data: SheetData) -> None:
    """Rows hidden in Excel (or filtered out by an active AutoFilter) are data: read, and each noted, since
    the clerk does not see them on screen."""
    for index, r in enumerate(kept):
        if r in grid.hidden_rows:
            data.issue("FILTERED_ROW" if grid.filter_active else "HIDDEN_ROW", index, None)


def _find_header(grid: Grid) -> int | None:
    """0-based row of the header: the first row holding anything."""
    candidates = [r for r, _ in grid.specials]
    for i, row in enumerate(grid.rows):
        if not row_blank(row):
            candidates.append(grid.top + i)
            break
    return min(candidates, default=None)


def _data_rows(grid: Grid, header: int) -> list[int]:
    """0-based sheet rows below the header that hold anything (blank rows are not data)."""
    special_rows = {r for r, _ in grid.specials if r > header}
    kept = []
    first = header + 1 - grid.top
    for i in range(max(first, 0), len(grid.rows)):
        row = grid.top + i
        if not row_blank(grid.rows[i]) or row in special_rows:
            kept.append(row)
    # Formula/error cells calamine left out of its range lie above or below it.
    before = sorted(r for r in special_rows if r < grid.top)
    beyond = sorted(r for r in special_rows if r >= grid.top + len(grid.rows))
    return before + kept + beyond


def _kept_lines(grid: Grid, kept: list[int]) -> list[list[Any]]:
    """The grid rows of the kept sheet rows, padded to one width so columns slice with itemgetter."""
    width = grid.width_end() - grid.left
    blank = [""] * width
    rows, top, count = grid.rows, grid.top, len(grid.rows)
    lines = []
    for r in kept:
        i = r - top
        line = rows[i] if 0 <= i < count else blank
        lines.append(line if len(line) == width else (line + blank)[:width])
    return lines


def _column_cells(grid: Grid, lines: list[list[Any]], col: int) -> list[Any]:
    j = col - grid.left
    if j < 0 or not lines or j >= len(lines[0]):
        return [""] * len(lines)
    return list(map(operator.itemgetter(j), lines))


def _cell_specials(grid: Grid, header: int, kept: list[int], columns: dict[str, int],
                   full_calc: bool) -> dict[tuple[int, str], Problem]:
    """(data index, column en) -> the problem that overrides the cell's own value."""
    index_of = {r: i for i, r in enumerate(kept)}
    en_of = {c: en for en, c in columns.items()}
    out: dict[tuple[int, str], Problem] = {}
    for (r, c), special in grid.specials.items():
        if r in index_of and c in en_of:
            out[(index_of[r], en_of[c])] = (special.code, {"shown": special.shown,
                                                           **special_detail(special, full_calc)})
    for (r1, c1), (r2, c2) in grid.merges:
        if r2 <= header:
            continue
        ref = f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"
        lo, hi = bisect.bisect_left(kept, max(r1, header + 1)), bisect.bisect_right(kept, r2)
        for r in kept[lo:hi]:
            for c in range(c1, c2 + 1):
                if (r, c) != (r1, c1) and c in en_of:
                    out.setdefault((index_of[r], en_of[c]), ("MERGED_CELL", {"range": ref}))
    return out


def _unnamed_columns(grid: Grid, header: int, kept: list[int], lines: list[list[Any]],
                     columns: dict[str, int], extras: list[tuple[int, str]], data: SheetData) -> None:
    """Note data sitting in columns without a header: ignored, but never silently. Not when no header was
    found at all: HEADER_NOT_FOUND already names the row that looks like the header (issue 7 item 22)."""
    if not columns:
        return
    named = set(columns.values()) | {c for c, _ in extras}
    for col in range(grid.width_end()):
        if col in named or (header, col) in grid.specials:
            continue
        cells = _column_cells(grid, lines, col)
        if cells.count("") == len(cells):       # the usual case, decided at C speed
            continue
        for r, raw in zip(kept, cells):
            if not is_blank(raw):
                data.issues.append(make_issue("UNNAMED_COLUMN", sheet=data.name, row=header + 1,
                                              value=display_value(raw), letter=column_letter(col),
                                              first_row=r + 1))
                break


# --------------------------------------------------------------------------
# Tables
# --------------------------------------------------------------------------

def _dtype(col: ColumnSpec) -> str:
    if col.required and col.kind in (Kind.YEAR, Kind.RANK, Kind.ROUND):
        return "int64"
    if col.required and col.kind in (Kind.POINTS, Kind.AMOUNT):
        return "float64"
    if col.required and col.kind is Kind.FLAG:
        return "bool"
    return "object"


def _table(data: SheetData, keep: list[int]) -> pd.DataFrame:
    everything = len(keep) == len(data.rows)
    columns: dict[str, pd.Series] = {}
    for col in data.spec.columns:
        values = data.values.get(col.en, [None] * len(data.rows))
        picked = values if everything else [values[i] for i in keep]
        if INVALID in picked:     # cannot happen: every INVALID cell has an error, so its row is dropped
            raise AssertionError(f"invalid cell kept in {data.spec.en}.{col.en}")
        columns[col.en] = pd.Series(picked, dtype=_dtype(col))
    rows = data.rows if everything else [data.rows[i] for i in keep]
    columns["_row"] = pd.Series(rows, dtype="int64")
    return pd.DataFrame(columns)


# --------------------------------------------------------------------------
# The whole workbook
# --------------------------------------------------------------------------

def _match_sheets(book: python_calamine.CalamineWorkbook
                  ) -> tuple[dict[str, tuple[str, Any]], list[str], list[InputIssue]]:
    """Contract en -> (name in file, visibility); extra sheet names; notes."""
    matched: dict[str, tuple[str, Any]] = {}
    extras: list[str] = []
    issues: list[InputIssue] = []
    for meta in book.sheets_metadata:
        spec = SHEET_KEYS.get(match_key(meta.name))
        if spec is None and match_key(meta.name) in (match_key(GUIDE_SHEET), match_key(REVIEW_SHEET)):
            continue  # the template's own 说明 and 复核意见 sheets: expected, not extras
        if spec is None or meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
            extras.append(meta.name)
            hint = next((s for s in SHEETS if s.zh in meta.name), None)
            issues.append(make_issue(
                "EXTRA_SHEET", sheet=meta.name,
                hint=f"如果这是“{hint.zh}”，请把工作表改名为“{hint.zh}”。" if hint else "",
                hint_en=f" If it holds {hint.en}, rename it to \"{hint.zh}\"." if hint else ""))
            continue
        if spec.en in matched:
            raise Fatal(make_issue("DUPLICATE_SHEET", sheet=meta.name, value=matched[spec.en][0],
                                    expected=spec.zh, expected_en=f"{spec.zh} ({spec.en})"))
        matched[spec.en] = (meta.name, meta.visible)
    return matched, extras, issues


def _has_content(package: Package, name: str) -> bool:
    member = package.xml.paths.get(name)
    if member is None or member not in package.archive.NameToInfo:
        return False
    try:
        return stream_has(package.data, package.archive, member, HAS_VALUE)
    except (TooLarge, *ZIP_ERRORS):
        return True     # too big or damaged to tell: it is not "empty"


def _hidden_note(name: str, visible: Any) -> InputIssue | None:
    if visible == python_calamine.SheetVisibleEnum.Visible:
        return None
    very = visible == python_calamine.SheetVisibleEnum.VeryHidden
    return make_issue("HIDDEN_SHEET", sheet=name,
                      detail="深度隐藏（veryHidden），在 Excel 中无法直接取消隐藏" if very else "隐藏",
                      detail_en="very hidden, cannot be unhidden from the Excel menu" if very else "hidden")


_FAMILY_ZH = FAMILY_NAMES


def read_workbook(path: str | Path, *, lenient: bool = False, max_rows: int = limits.MAX_ROWS,
                  max_columns: int = limits.MAX_COLUMNS) -> Workbook:
    """Strict (default): if any issue has severity 'error' raise InputError(all_issues) AFTER
    collecting every problem in every sheet. Lenient: drop bad rows, keep going, record them.
    Limits (engine.input.limits) are checked before the bytes they guard are inflated."""
    path = Path(path)
    try:
        return _read(path, lenient=lenient, max_rows=max_rows, max_columns=max_columns)
    except Fatal as fatal:
        raise InputError([fatal.issue]) from None
    except MemoryError:
        # The limits keep every accepted file far below the machine's memory; if an allocation
        # still fails (a small machine, a ulimit), say so instead of crashing.
        raise InputError([make_issue("OUT_OF_MEMORY", file=path.name, value=path.name)]) from None


def _read(path: Path, *, lenient: bool, max_rows: int, max_columns: int) -> Workbook:
    file = path.name
    data = read_bytes(path)
    with contextlib.closing(open_zip(data, file)) as archive:
        package = measure_package(data, archive, book_xml(data, archive, file), file)
        with contextlib.closing(open_calamine(data, file)) as book:
            return _read_open(path, package, book, lenient=lenient, max_rows=max_rows,
                              max_columns=max_columns)


def _read_open(path: Path, package: Package, book: python_calamine.CalamineWorkbook, *, lenient: bool,
               max_rows: int, max_columns: int) -> Workbook:
    xml = package.xml
    fingerprint = hashlib.sha256(package.data).hexdigest()
    matched, extra_sheets, issues = _match_sheets(book)
    order = _sheet_order(matched, extra_sheets)
    results: dict[str, SheetResult] = {}
    fatal: list[InputIssue] = []
    for spec in SHEETS:
        if spec.en not in matched:
            issues.append(make_issue("SHEET_ABSENT", sheet=spec.zh, detail=_FAMILY_ZH.get(spec.family, spec.family),
                                     detail_en=spec.family))
            continue
        name, visible = matched[spec.en]
        note = _hidden_note(name, visible)
        if note:
            issues.append(note)
        try:
            grid = load_grid(book, name, package, max_rows, max_columns)
        except Fatal as exc:
            fatal.append(exc.issue)   # keep reading the other sheets: report everything at once
            continue
        results[spec.en] = _read_sheet(grid, spec, name, xml.full_calc_on_load)
    if not fatal:
        fatal += _emptiness(package, matched, extra_sheets, results)
    sheets = {en: r.data for en, r in results.items()}
    if not fatal:
        check_across(sheets, lenient=lenient)
    for result in results.values():
        issues.extend(result.data.issues)
    issues = sort_issues(issues + fatal, order)
    if fatal or (not lenient and any(i.severity == "error" for i in issues)):
        raise InputError(issues)
    return _assemble(path, fingerprint, matched, extra_sheets, results, issues)


def _emptiness(package: Package, matched: dict[str, tuple[str, Any]], extra_sheets: list[str],
               results: dict[str, SheetResult]) -> list[InputIssue]:
    file = package.file
    contract_content = any(_has_header(r) for r in results.values())
    if contract_content:
        return []
    extra_content = [n for n in extra_sheets if _has_content(package, n)]
    expected = "、".join(s.zh for s in SHEETS)
    expected_en = ", ".join(f"{s.zh} ({s.en})" for s in SHEETS)
    if not matched and extra_content:
        return [make_issue("NO_KNOWN_SHEETS", file=file, value="、".join(extra_sheets),
                           expected=expected, expected_en=expected_en)]
    if not extra_content:
        return [make_issue("EMPTY_WORKBOOK", file=file, expected=expected, expected_en=expected_en)]
    return []


def _has_header(result: SheetResult) -> bool:
    return not any(i.code == "EMPTY_SHEET" for i in result.data.issues)


_KEY_COLUMNS = ("year", "leader_id", "unit", "round")


def _readable_keys(data: SheetData, index: int) -> dict[str, Any]:
    keys: dict[str, Any] = {"row": data.rows[index]}
    for col in _KEY_COLUMNS:
        value = data.valid(index, col)
        if value is not None:
            keys[col] = value[0]
    return keys


def _assemble(path: Path, fingerprint: str, matched: dict[str, tuple[str, Any]], extra_sheets: list[str],
              results: dict[str, SheetResult], issues: list[InputIssue]) -> Workbook:
    tables: dict[str, pd.DataFrame] = {}
    skipped: dict[str, list[int]] = {}
    skipped_keys: dict[str, list[dict[str, Any]]] = {}
    for en, result in results.items():
        data = result.data
        drop = skipped_indices(data)
        keep = [i for i in range(len(data.rows)) if i not in drop]
        tables[en] = _table(data, keep)
        if drop:
            skipped[en] = sorted(data.rows[i] for i in drop)
            skipped_keys[en] = [_readable_keys(data, i) for i in sorted(drop)]
    return Workbook(
        path=path, fingerprint=fingerprint, tables=tables,
        absent_sheets=[s.en for s in SHEETS if s.en not in matched],
        extra_sheets=list(extra_sheets),
        extra_columns={en: r.extra_columns for en, r in results.items() if r.extra_columns},
        issues=issues, skipped_rows=skipped, skipped_keys=skipped_keys,
        rows_in_sheet={en: r.rows_in_sheet for en, r in results.items()},
    )


# --------------------------------------------------------------------------
# Ordering and presenting issues
# --------------------------------------------------------------------------

def _sheet_order(matched: dict[str, tuple[str, Any]], extra_sheets: list[str]) -> dict[str, int]:
    order: dict[str, int] = {}
    for index, spec in enumerate(SHEETS):
        order[spec.zh] = index
        if spec.en in matched:
            order[matched[spec.en][0]] = index
    for index, name in enumerate(extra_sheets):
        order.setdefault(name, len(SHEETS) + index)
    return order


__all__ = ["Workbook", "read_workbook", "format_issues", "write_issues_xlsx", "sort_issues",
           "match_key", "match_header", "column_letter", "CODES", "InputError", "InputIssue", "shorten"]

"""Presenting input issues: sorted, as a terminal table, and as the 数据问题.xlsx file."""
from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from engine.input.issues import InputIssue
from engine.input.sheets import SHEETS
from engine.input.xlsx_cells import column_letter
from engine.xlsx_safe import safe_cell


_COLUMN_ORDER: dict[str, int] = {}
for _spec in SHEETS:
    for _j, _col in enumerate(_spec.columns):
        _COLUMN_ORDER.setdefault(_col.zh, _j)


def sort_issues(issues: Iterable[InputIssue], sheet_order: dict[str, int] | None = None) -> list[InputIssue]:
    """Contract sheet order, then row, column (contract order), code; deterministic to the byte."""
    order = sheet_order or {s.zh: i for i, s in enumerate(SHEETS)}

    def key(issue: InputIssue) -> tuple[Any, ...]:
        sheet = -1 if issue.sheet is None else order.get(issue.sheet, len(SHEETS) + 100)
        row = -1 if issue.row is None else issue.row
        column = -1 if issue.column is None else _COLUMN_ORDER.get(issue.column, 1000)
        return (sheet, issue.sheet or "", row, column, issue.column or "", issue.code, issue.message_zh)

    return sorted(issues, key=key)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _fit(text: str, width: int) -> str:
    """Cut to a display width (CJK counts double), mark the cut with …, pad with spaces."""
    text = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    used = _width(text)
    if used > width:
        out, used = "", 0
        for ch in text:
            if used + _width(ch) > width - 1:
                break
            out += ch
            used += _width(ch)
        text, used = out + "…", used + 1
    return text + " " * (width - used)


_TABLE_HEADS = {
    "zh": ("级别", "工作表", "行", "列", "值", "代码", "说明"),
    "en": ("Severity", "Sheet", "Row", "Column", "Value", "Code", "Message"),
}
SEVERITY = {"zh": {"error": "错误", "note": "提示"}, "en": {"error": "error", "note": "note"}}


def _message_body(issue: InputIssue, lang: str) -> str:
    message = issue.message_zh if lang == "zh" else issue.message_en
    for prefix in (f"【{issue.code}】", f"[{issue.code}] "):
        if message.startswith(prefix):
            return message[len(prefix):]
    return message


def format_issues(issues: list[InputIssue], lang: str = "zh") -> str:
    """A readable terminal table (sheet, row, column, value, code, message) with a summary line."""
    lang = "en" if lang == "en" else "zh"
    errors = sum(1 for i in issues if i.severity == "error")
    notes = len(issues) - errors
    summary = (f"共 {errors} 个错误，{notes} 条提示。" if lang == "zh"
               else f"{errors} error(s), {notes} note(s).")
    if not issues:
        return "没有发现数据问题。" if lang == "zh" else "No input issues."
    rows = [(SEVERITY[lang][i.severity], i.sheet or "", "" if i.row is None else str(i.row), i.column or "",
             i.value or "", i.code, _message_body(i, lang)) for i in issues]
    caps = (8, 16, 7, 16, 24, 24)
    widths = [min(cap, max(_width(h), *(_width(r[k]) for r in rows)))
              for k, (h, cap) in enumerate(zip(_TABLE_HEADS[lang][:6], caps))]
    lines = ["  ".join(_fit(h, w) for h, w in zip(_TABLE_HEADS[lang][:6], widths)) + "  " + _TABLE_HEADS[lang][6]]
    lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 8)
    for row in rows:
        lines.append("  ".join(_fit(v, w) for v, w in zip(row[:6], widths)) + "  " + row[6])
    lines.append(summary)
    return "\n".join(line.rstrip() for line in lines)


# One wording for both places a clerk reads the problems: this standalone file and the report's
# 数据问题 sheet (engine.output.report imports these). "应为" (what the cell should hold) reads as an
# instruction; the English message column says what it is.
ISSUE_SHEET_HEADERS = ("级别", "代码", "工作表", "行", "列", "值", "应为", "说明", "说明（英文）")
ERROR_FILL_RGB = "FFC7CE"  # errors stand out from notes (Excel's light red "bad" fill)
_XLSX_HEADS = ISSUE_SHEET_HEADERS
_XLSX_WIDTHS = (8, 24, 16, 8, 16, 30, 30, 80, 80)


def write_issues_xlsx(issues: list[InputIssue], path: Path) -> None:
    """The 数据问题.xlsx file. Written to a temporary file and renamed, so a failed
    write never leaves half a file; every text cell goes through safe_cell."""
    # Imported here, not at the top: reading never needs openpyxl (a noticeable
    # part of a second to import). save_workbook_stable fixes the timestamps, so
    # the same issues give the same bytes.
    from openpyxl import Workbook as XlsxWorkbook  # noqa: PLC0415

    from engine.xlsxio import save_workbook_stable  # noqa: PLC0415

    def text(value: str | None) -> str:
        return safe_cell(value or "")

    path = Path(path)
    book = XlsxWorkbook(write_only=True)
    sheet = book.create_sheet("数据问题")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{column_letter(len(_XLSX_HEADS) - 1)}{len(issues) + 1}"
    for index, width in enumerate(_XLSX_WIDTHS):
        sheet.column_dimensions[column_letter(index)].width = width
    from openpyxl.cell import WriteOnlyCell  # noqa: PLC0415
    from openpyxl.styles import Font, PatternFill  # noqa: PLC0415

    error_fill, bold = PatternFill("solid", fgColor=ERROR_FILL_RGB), Font(bold=True)

    def styled(values: list[Any], fill: PatternFill | None = None, font: Font | None = None) -> list[Any]:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            if fill is not None:
                cell.fill = fill
            if font is not None:
                cell.font = font
            cells.append(cell)
        return cells

    sheet.append(styled([text(h) for h in _XLSX_HEADS], font=bold))
    for issue in issues:
        sheet.append(styled([text(SEVERITY["zh"][issue.severity]), text(issue.code), text(issue.sheet),
                             issue.row, text(issue.column), text(issue.value), text(issue.expected),
                             text(issue.message_zh), text(issue.message_en)],
                            fill=error_fill if issue.severity == "error" else None))
    # A uniquely named sibling, created with the user's umask (mkstemp would make it 0600).
    temp = path.with_name(f".{path.stem}-{uuid.uuid4().hex}.tmp.xlsx")
    try:
        save_workbook_stable(book, temp)
        os.replace(temp, path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


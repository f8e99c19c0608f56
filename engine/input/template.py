"""The blank input template (SPEC section 1: organization department staff).

Built from engine.input.sheets.SHEETS, so the template, the reader and the docs cannot
drift apart: a 说明 sheet explaining every sheet and column, then one sheet per
input table with its Chinese headers and drop-downs for the fixed-choice columns.
"""
from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.xlsxio import fit_columns, save_workbook_stable, table_sheet
from engine.input.sheets import GRADES, SHEETS, ColumnSpec, Kind, SheetSpec

GUIDE_SHEET = "说明"
GUIDE_HEADERS = ("工作表", "工作表（英文）", "工作表说明", "列名", "列名（英文）",
                 "必填", "类型", "填写说明", "可选值")
# Validations cover the rows a county will realistically fill in.
FIRST_DATA_ROW = 2
LAST_DATA_ROW = 5000
_MIN_DATA_WIDTH = 12

KIND_ZH: dict[Kind, str] = {
    Kind.YEAR: "年度：四位整数（1990–2100）",
    Kind.TEXT: "文本",
    Kind.UNIT: "单位名称：各工作表须一致，名称中的空格会被去除",
    Kind.ID: "编号：按文本处理（1001 与 1001.0 视为同一编号）",
    Kind.FLAG: "是/否",
    Kind.DATE: "日期，如 2025-03-15",
    Kind.POINTS: "扣分：大于 0 的数，最多两位小数",
    Kind.AMOUNT: "金额（元）：不小于 0 的数",
    Kind.RANK: "名次：正整数，1 为最好，并列名次相同",
    Kind.ROUND: "批次：1 或 2",
    Kind.CHOICE: "从下拉列表中选择",
    Kind.SCORE_OR_GRADE: "0–100 的分数，或等次 好/较好/一般/差",
}

NOTES_ZH: tuple[str, ...] = (
    "填写须知：",
    "1. 一个工作簿可以包含多个年度；多年条款（连续两年、连续三年）需要前一、二年的数据。",
    "2. 工作表名和列名可用中文或括号中的英文名；多余的工作表和列会被忽略并在报告中列出。",
    "3. 缺少某个工作表表示该项没有数据：相关规则在报告中标为“未评估”，不会视为合格。",
    "4. 干部在某年度没有扣分记录时按 0 分计；但未列入该年度干部名册的年度视为未考核，连续年度中断。",
    "5. “以上”“以下”均含本数（如 4分以上 即 ≥4）。名次 1 为最好；倒数第 b 名 = 同类单位数 − 名次 + 1。",
    "6. 请勿在单元格中填写公式；日期请填写日期格式或 2025-03-15 这样的文本。",
    "7. 本“说明”工作表不参与计算，可以保留或删除。",
)


def allowed_values(col: ColumnSpec) -> str:
    if col.kind is Kind.FLAG:
        return "是、否"
    if col.kind is Kind.CHOICE:
        return "、".join(col.choices)
    if col.kind is Kind.ROUND:
        return "1、2"
    if col.kind is Kind.SCORE_OR_GRADE:
        return "0–100 或 " + "、".join(GRADES)
    return ""


def guide_rows() -> list[list[str | None]]:
    """One row per column of every input sheet."""
    return [
        [sheet.zh, sheet.en, sheet.help_zh, col.zh, col.en, "必填" if col.required else "可选",
         KIND_ZH[col.kind], col.help_zh or None, allowed_values(col) or None]
        for sheet in SHEETS for col in sheet.columns
    ]


def _write_guide(wb: Workbook) -> None:
    rows = guide_rows()
    ws = table_sheet(wb, GUIDE_SHEET, GUIDE_HEADERS, rows)
    # Notes go below the table so the frozen header stays one row high.
    for offset, line in enumerate(NOTES_ZH):
        ws.cell(row=len(rows) + 3 + offset, column=1, value=line)
    # The notes are long single lines; do not let them widen column A.
    fit_columns(ws, skip_rows=range(len(rows) + 3, len(rows) + 3 + len(NOTES_ZH)))


def list_choices(col: ColumnSpec) -> tuple[str, ...]:
    """The drop-down items of a column, or () when it has none."""
    if col.kind is Kind.FLAG:
        return ("是", "否")
    if col.kind is Kind.CHOICE:
        return col.choices
    if col.kind is Kind.ROUND:
        return ("1", "2")
    return ()


def _numeric_validation(col: ColumnSpec) -> DataValidation | None:
    """Warn (not stop) on out-of-range numbers; the reader reports the details anyway."""
    specs = {
        Kind.YEAR: ("whole", "between", "1990", "2100"),
        Kind.RANK: ("whole", "greaterThanOrEqual", "1", None),
        Kind.POINTS: ("decimal", "greaterThan", "0", None),
        Kind.AMOUNT: ("decimal", "greaterThanOrEqual", "0", None),
    }
    if col.kind not in specs:
        return None
    kind, operator, low, high = specs[col.kind]
    return DataValidation(type=kind, operator=operator, formula1=low, formula2=high,
                          allow_blank=True, errorStyle="warning",
                          error=KIND_ZH[col.kind], errorTitle=col.zh)


def column_validation(col: ColumnSpec) -> DataValidation | None:
    choices = list_choices(col)
    if not choices:
        return _numeric_validation(col)
    return DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                          showErrorMessage=True, errorStyle="stop",
                          errorTitle=col.zh, error="请从下拉列表中选择：" + "、".join(choices))


def _write_data_sheet(wb: Workbook, spec: SheetSpec) -> Worksheet:
    headers = [c.zh for c in spec.columns]
    ws = table_sheet(wb, spec.zh, headers, [])
    ws.auto_filter.ref = None  # a filter over an empty header row only confuses users
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width, _MIN_DATA_WIDTH)
        if col.kind is Kind.ID:  # a text column, so Excel keeps the leading zeros of 0012
            ws.column_dimensions[letter].number_format = "@"
        validation = column_validation(col)
        if validation is None:
            continue
        validation.prompt, validation.promptTitle = col.help_zh, col.zh
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}")
        ws.add_data_validation(validation)
    return ws


def build_template() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _write_guide(wb)
    for spec in SHEETS:
        _write_data_sheet(wb, spec)
    return wb


def write_template(path: Path) -> None:
    """Write the blank input template to exactly `path`."""
    save_workbook_stable(build_template(), Path(path))

"""The blank input template (SPEC section 1: organization department staff).

Built from engine.input.sheets.SHEETS, so the template, the reader and the docs cannot
drift apart: a printable 说明 sheet (one row per column, grouped under its sheet, with an
example value for each, then the scorecard's deduction-item catalogue), then one sheet per
input table with its Chinese headers, column widths and number formats fitted to what each
column holds, and drop-downs:

* fixed choices (是/否, 单位类别, 批次, 岗位类别): a list that refuses anything else;
* 五个强化 grades, units and leader ids (read from the 干部名册 sheet through a named range) and
  扣分事项 (the catalogue on the 说明 sheet): lists that suggest but accept other values (scores
  are numbers; a unit or id may be entered before the roster; an item outside the catalogue is
  noted by the reader, DEDUCTION_ITEM_UNKNOWN);
* numbers and dates: warnings, the reader reports the details anyway.

Data sheets hold only the header row: examples live on the 说明 sheet, never in data rows the
reader would score.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from engine.input.review_form import write_review_sheet
from engine.input.sheets import GRADES, SHEETS, ColumnSpec, Kind, SheetSpec
from engine.xlsxio import HEADER_FILL, HEADER_FONT, display_width, save_workbook_stable, table_sheet

GUIDE_SHEET = "说明"
GUIDE_TITLE = "监督“一把手”年度考核录入模板 · 填写说明"
GUIDE_HEADERS = ("列名 [英文名]", "必填", "填写要求", "可选值", "示例")
GUIDE_WIDTHS = (24, 6, 50, 22, 22)
CATALOGUE_HEADERS = ("扣分事项", "标准扣分", "依据与性质")
# Validations cover the rows a county will realistically fill in.
FIRST_DATA_ROW = 2
LAST_DATA_ROW = 5000

# Named ranges the drop-downs read (Excel's Name Manager shows them by these names).
IDS_NAME, UNITS_NAME, ITEMS_NAME = "干部编号清单", "单位清单", "扣分事项目录"

KIND_ZH: dict[Kind, str] = {
    Kind.YEAR: "年度：四位整数（1990–2100）",
    Kind.TEXT: "文本",
    Kind.UNIT: "单位名称：各工作表须一致，名称中的空格会被去除",
    Kind.ID: "编号：按文本处理（本列已设为文本格式，0012 的前导 0 会保留）",
    Kind.FLAG: "是/否",
    Kind.DATE: "日期，如 2025-03-15（本列已设为日期格式）",
    Kind.POINTS: "扣分：大于 0 的数，最多两位小数",
    Kind.AMOUNT: "金额（元）：不小于 0 的数",
    Kind.RANK: "名次：正整数，1 为最好，并列名次相同",
    Kind.ROUND: "批次：1 或 2",
    Kind.CHOICE: "从下拉列表中选择",
    Kind.SCORE_OR_GRADE: "0–100 的分数，或等次 好/较好/一般/差（下拉列表可选等次）",
    Kind.SCORE: "0–100 的分数",
}

# What the 说明 sheet adds to a column's own help: how the template formats it.
_KIND_NOTE: dict[Kind, str] = {
    Kind.ID: "按文本处理（本列为文本格式，0012 的前导 0 会保留）",
    Kind.DATE: "日期，如 2025-03-15（本列为日期格式）",
}

# Column widths by what a column holds (Excel character units); long free text gets more.
_KIND_WIDTH: dict[Kind, int] = {
    Kind.YEAR: 8, Kind.TEXT: 14, Kind.UNIT: 18, Kind.ID: 12, Kind.FLAG: 10, Kind.DATE: 12,
    Kind.POINTS: 8, Kind.AMOUNT: 14, Kind.RANK: 8, Kind.ROUND: 8, Kind.CHOICE: 12, Kind.SCORE_OR_GRADE: 12, Kind.SCORE: 10,
}
_LONG_TEXT = {"portfolio": 36, "note": 30, "item": 24, "reason": 30, "title": 16}
_NUMBER_FORMATS = {Kind.ID: "@", Kind.DATE: "yyyy-mm-dd", Kind.AMOUNT: "#,##0.00"}

# One example value per column (by English column name, then by kind) for the 说明 sheet.
_EXAMPLES_BY_COLUMN: dict[str, Any] = {
    "name": "张三", "title": "党委书记", "post_since": "2022-03-01", "probation_end": "2026-06-30",
    "note": "超标准接待上级检查组，已退赔", "portfolio": "农业农村、财务", "amount": 50000,
    "countersigned": "是", "is_top": "是", "middle_level": "否",
}
_EXAMPLES_BY_KIND: dict[Kind, Any] = {
    Kind.YEAR: 2025, Kind.ID: "0012", Kind.UNIT: "清河镇", Kind.DATE: "2025-03-15", Kind.POINTS: 2,
    Kind.AMOUNT: 50000, Kind.RANK: 3, Kind.ROUND: 1, Kind.FLAG: "否", Kind.SCORE_OR_GRADE: "90 或 较好", Kind.SCORE: 85,
}
_EXAMPLE_ITEMS = {"deductions": "违规公务接待", "expenditures": "办公楼维修"}

NOTES_ZH: tuple[str, ...] = (
    "1. 一个工作簿可以包含多个年度；多年条款（连续两年、连续三年）需要前一、二年的数据。",
    "2. 工作表名和列名可用中文或方括号中的英文名；多余的工作表和列会被忽略并在报告中列出。",
    "3. 缺少某个工作表表示该项没有数据：相关规则在报告中标为“未评估”，不会视为合格。",
    "4. 干部在某年度没有扣分记录时按 0 分计；但未列入该年度干部名册的年度视为未考核，连续年度中断。",
    "5. “以上”“以下”均含本数（如 4分以上 即 ≥4）。名次 1 为最好；倒数第 b 名 = 同类单位数 − 名次 + 1。",
    "6. 请勿在单元格中填写公式；日期请填写日期格式或 2025-03-15 这样的文本。",
    "7. “示例”列只是说明，请在各工作表第 2 行起填写真实数据；本“说明”工作表不参与计算，可以保留或删除。",
    "8. 单位、干部编号的下拉列表取自“干部名册”工作表，请先填写干部名册。",
    "9. “复核意见”工作表供复核人员填写（年度、干部编号、代码、结论 确认/撤销、理由、复核人、日期），"
    "用 scorecard review 导入存储库；它不参与计分。",
)

_SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
_WRAP = Alignment(wrap_text=True, vertical="top", horizontal="left")
_LINE_HEIGHT = 15  # points per wrapped line at the default font size


@dataclass(frozen=True)
class CatalogueItem:
    item: str
    points: float
    note: str


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


def example_value(spec: SheetSpec, col: ColumnSpec) -> Any:
    if col.en == "item" and spec.en in _EXAMPLE_ITEMS:
        return _EXAMPLE_ITEMS[spec.en]
    if col.en in _EXAMPLES_BY_COLUMN:
        return _EXAMPLES_BY_COLUMN[col.en]
    if col.kind is Kind.CHOICE and col.choices:
        return col.choices[0]
    return _EXAMPLES_BY_KIND.get(col.kind)


def guide_rows(spec: SheetSpec) -> list[list[Any]]:
    """One row per column of one input sheet: name, required, what to write, choices, example."""
    return [[f"{col.zh} [{col.en}]", "必填" if col.required else "可选",
             "；".join(part for part in (col.help_zh or KIND_ZH[col.kind], _KIND_NOTE.get(col.kind)) if part),
             allowed_values(col) or None, example_value(spec, col)]
            for col in spec.columns]


def catalogue_items(scorecard: Any | None = None) -> list[CatalogueItem]:
    """The scorecard's deduction-item catalogue (default scorecard when none is given)."""
    if scorecard is None:
        from engine.rules import load
        from engine.rules.model import ScorecardDef

        # the definition only: the template needs no compiled rules
        definition = load.parse_model(load.DEFAULT_SCORECARD, ScorecardDef, load.read_yaml(load.DEFAULT_SCORECARD))
    else:
        definition = scorecard.definition
    return [CatalogueItem(d.item, d.points, d.citation) for d in definition.deduction_items]


def _set_row(ws: Worksheet, row: int, values: list[Any], *, font: Font | None = None,
             fill: PatternFill | None = None, widths: tuple[int, ...] = GUIDE_WIDTHS) -> None:
    """Write one row, wrapped, left-aligned, and tall enough for its longest cell: LibreOffice and
    Excel print a wrapped cell only as tall as its row."""
    lines = 1
    for col_no, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col_no, value=value)
        cell.alignment = _WRAP
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if value is not None and len(values) > 1:
            lines = max(lines, -(-display_width(value) // max(widths[col_no - 1] - 1, 1)))
    if lines > 1:
        ws.row_dimensions[row].height = _LINE_HEIGHT * lines


def _write_guide(wb: Workbook, catalogue: list[CatalogueItem]) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    width = len(GUIDE_HEADERS)
    ws.cell(row=1, column=1, value=GUIDE_TITLE).font = Font(bold=True, size=14)
    row = 3
    ws.cell(row=row, column=1, value="填写须知").font = Font(bold=True)
    for line in NOTES_ZH:
        row += 1
        ws.cell(row=row, column=1, value=line).alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    row += 2
    header_row = row
    _set_row(ws, row, list(GUIDE_HEADERS), font=HEADER_FONT, fill=HEADER_FILL)
    for spec in SHEETS:
        row += 1
        _set_row(ws, row, [f"工作表“{spec.zh}” [{spec.en}]：{spec.help_zh}"], font=Font(bold=True),
                 fill=_SECTION_FILL)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        for values in guide_rows(spec):
            row += 1
            _set_row(ws, row, values)
    row += 2
    ws.cell(row=row, column=1, value="扣分事项目录（评分卡规定的标准扣分，本地参数；“廉政监督卡”的扣分事项可从下拉列表选择，"
                                     "目录外的事项照常计分并在报告中提示）").font = Font(bold=True)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    ws.cell(row=row, column=1).alignment = _WRAP
    row += 1
    _set_row(ws, row, list(CATALOGUE_HEADERS), font=HEADER_FONT, fill=HEADER_FILL)
    first = row + 1
    for entry in catalogue:
        row += 1
        _set_row(ws, row, [entry.item, entry.points, entry.note], widths=(22, 6, sum(GUIDE_WIDTHS[2:])))
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=width)
    if catalogue:
        _define(wb, ITEMS_NAME, GUIDE_SHEET, "A", first, row)
    for index, col_width in enumerate(GUIDE_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = col_width
    _printable(ws, header_row)


def _printable(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, as wide as the page, as many pages tall as needed, the table header on each page."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_options.horizontalCentered = True


def _define(wb: Workbook, name: str, sheet: str, letter: str, first: int, last: int) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{sheet}'!${letter}${first}:${letter}${last}")


def _roster_lists(wb: Workbook) -> None:
    """Units and leader ids for the other sheets' drop-downs, read from the roster as typed."""
    roster = next(s for s in SHEETS if s.en == "roster")
    letters = {c.en: get_column_letter(i) for i, c in enumerate(roster.columns, start=1)}
    _define(wb, IDS_NAME, roster.zh, letters["leader_id"], FIRST_DATA_ROW, LAST_DATA_ROW)
    _define(wb, UNITS_NAME, roster.zh, letters["unit"], FIRST_DATA_ROW, LAST_DATA_ROW)


def list_choices(col: ColumnSpec) -> tuple[str, ...]:
    """The fixed drop-down items of a column, or () when it has none."""
    if col.kind is Kind.FLAG:
        return ("是", "否")
    if col.kind is Kind.CHOICE:
        return col.choices
    if col.kind is Kind.ROUND:
        return ("1", "2")
    return ()


def _numeric_validation(col: ColumnSpec) -> DataValidation | None:
    """Warn (not stop) on out-of-range numbers and dates; the reader reports the details anyway."""
    specs = {
        Kind.YEAR: ("whole", "between", "1990", "2100"),
        Kind.RANK: ("whole", "greaterThanOrEqual", "1", None),
        Kind.POINTS: ("decimal", "greaterThan", "0", None),
        Kind.AMOUNT: ("decimal", "greaterThanOrEqual", "0", None),
        Kind.SCORE: ("decimal", "between", "0", "100"),
        Kind.DATE: ("date", "between", "DATE(1990,1,1)", "DATE(2100,12,31)"),
    }
    if col.kind not in specs:
        return None
    kind, operator, low, high = specs[col.kind]
    return DataValidation(type=kind, operator=operator, formula1=low, formula2=high,
                          allow_blank=True, errorStyle="warning",
                          error=KIND_ZH[col.kind], errorTitle=col.zh)


def _suggestion_list(source: str) -> DataValidation:
    """A drop-down that suggests values but accepts any (no error message)."""
    return DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)


def column_validation(spec: SheetSpec, col: ColumnSpec, has_catalogue: bool) -> DataValidation | None:
    choices = list_choices(col)
    if choices:
        return DataValidation(type="list", formula1='"' + ",".join(choices) + '"', allow_blank=True,
                              showErrorMessage=True, errorStyle="stop",
                              errorTitle=col.zh, error="请从下拉列表中选择：" + "、".join(choices))
    if col.kind is Kind.SCORE_OR_GRADE:
        return _suggestion_list('"' + ",".join(GRADES) + '"')
    if spec.en != "roster" and col.kind is Kind.ID:
        return _suggestion_list(IDS_NAME)
    if spec.en != "roster" and col.kind is Kind.UNIT:
        return _suggestion_list(UNITS_NAME)
    if spec.en == "deductions" and col.en == "item" and has_catalogue:
        return _suggestion_list(ITEMS_NAME)
    return _numeric_validation(col)


def column_width(col: ColumnSpec) -> int:
    base = _LONG_TEXT.get(col.en, _KIND_WIDTH[col.kind]) if col.kind is Kind.TEXT else _KIND_WIDTH[col.kind]
    return max(base, display_width(col.zh) + 4)  # the header and its filter button stay readable


def _write_data_sheet(wb: Workbook, spec: SheetSpec, has_catalogue: bool) -> Worksheet:
    ws = table_sheet(wb, spec.zh, [c.zh for c in spec.columns], [])
    ws.auto_filter.ref = None  # a filter over an empty header row only confuses users
    for index, col in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        ws.column_dimensions[letter].width = column_width(col)
        if col.kind in _NUMBER_FORMATS:  # a column style: every cell typed into it takes the format
            ws.column_dimensions[letter].number_format = _NUMBER_FORMATS[col.kind]
        validation = column_validation(spec, col, has_catalogue)
        if validation is None:
            continue
        validation.prompt, validation.promptTitle = col.help_zh, col.zh
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}")
        ws.add_data_validation(validation)
    _printable(ws, 1)
    return ws


def build_template(scorecard: Any | None = None) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    catalogue = catalogue_items(scorecard)
    _write_guide(wb, catalogue)
    for spec in SHEETS:
        _write_data_sheet(wb, spec, bool(catalogue))
    _roster_lists(wb)
    write_review_sheet(wb)   # filled in by the reviewers (复核), read by `scorecard review --file`
    return wb


def write_template(path: Path, scorecard: Any | None = None) -> None:
    """Write the blank input template to exactly `path` (deduction items from `scorecard`, default county)."""
    save_workbook_stable(build_template(scorecard), Path(path))

"""Input problems (SPEC section 6): one record per failing cell, collected, raised once.

Stable English codes are the public API; Chinese messages are report text.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict


class InputIssue(BaseModel):
    """One problem or normalisation note about one cell (or sheet, or file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str                                  # stable, e.g. NEGATIVE_POINTS
    severity: Literal["error", "note"]         # error: strict mode stops; note: normalised
    sheet: str | None = None                   # Chinese sheet name as in the workbook
    row: int | None = None                     # Excel row number as Excel shows it
    column: str | None = None                  # Chinese column header
    value: str | None = None                   # the value as typed (repr-safe text)
    expected: str = ""                         # what was expected, Chinese
    message_zh: str = ""
    message_en: str = ""


class InputError(Exception):
    """Raised once, after every problem has been collected."""

    def __init__(self, issues: list[InputIssue]):
        self.issues = issues
        errors = [i for i in issues if i.severity == "error"]
        super().__init__(f"{len(errors)} input error(s)")


# ---------------------------------------------------------------------------
# Reason codes. The code is the stable contract (tests, reports, scripts grep
# for it); the templates are report text. Template fields: {loc}/{loc_en} (where
# the problem is: sheet, row, column), {sheet_loc}/{sheet_loc_en} (the sheet
# only), {value}, {expected}/{expected_en}, plus per-code extras the reader
# passes to make_issue.
# ---------------------------------------------------------------------------

@dataclass(frozen=True)
class CodeInfo:
    severity: Literal["error", "note"]   # default; MISSING_COLUMN is a note for optional columns
    zh: str                              # what the code means
    en: str
    template_zh: str
    template_en: str
    fatal: bool = False                  # stops reading even in lenient mode (nothing usable)


def _c(severity: Literal["error", "note"], zh: str, en: str, tzh: str, ten: str,
       fatal: bool = False) -> CodeInfo:
    return CodeInfo(severity, zh, en, tzh, ten, fatal)


_BAD = "{loc}的值“{value}”无效："
_BAD_EN = "{loc_en}: value \"{value}\" is invalid: "

CODES: dict[str, CodeInfo] = {
    # --- the file itself -------------------------------------------------
    "FILE_NOT_FOUND": _c(
        "error", "找不到输入文件", "input file not found",
        "{loc}不存在或不是文件：{detail}。", "{loc_en} does not exist or is not a file: {detail_en}.",
        fatal=True),
    "FILE_UNREADABLE": _c(
        "error", "无法读取输入文件", "input file cannot be read",
        "{loc}无法读取：{detail}。", "{loc_en} cannot be read: {detail_en}.", fatal=True),
    "FILE_TOO_LARGE": _c(
        "error", "文件或工作表过大", "file or sheet too large",
        "{loc}过大：{detail}。", "{loc_en} is too large: {detail_en}.", fatal=True),
    "NOT_XLSX": _c(
        "error", "不是有效的 .xlsx 工作簿（CSV、.xls、加密、损坏等）",
        "not a valid .xlsx workbook (CSV, .xls, encrypted, corrupt, ...)",
        "{loc}不是有效的 .xlsx 工作簿：{detail}。", "{loc_en} is not a valid .xlsx workbook: {detail_en}.",
        fatal=True),
    "EMPTY_WORKBOOK": _c(
        "error", "工作簿没有任何数据", "workbook holds no data",
        "{loc}中的工作簿是空的：所有工作表都没有内容。应包含以下工作表：{expected}。",
        "{loc_en}: the workbook is empty, no sheet has any content. Expected sheets: {expected_en}.",
        fatal=True),
    "NO_KNOWN_SHEETS": _c(
        "error", "没有任何约定的工作表", "no contract sheet in the workbook",
        "{loc}中没有任何约定的工作表（现有工作表：{value}）。应包含以下工作表之一：{expected}。",
        "{loc_en} has no contract sheet (sheets found: {value}). Expected one of: {expected_en}.",
        fatal=True),
    "DUPLICATE_SHEET": _c(
        "error", "两个工作表对应同一约定工作表", "two sheets match the same contract sheet",
        "{loc}与工作表“{value}”都对应约定的工作表“{expected}”，无法确定读取哪一个：请删除或改名其中之一。",
        "{loc_en} and sheet \"{value}\" both match the contract sheet \"{expected_en}\"; "
        "cannot tell which to read: delete or rename one.", fatal=True),
    # --- sheets and headers ----------------------------------------------
    "SHEET_ABSENT": _c(
        "note", "约定的工作表不存在（该类规则未评估）", "contract sheet absent (its rules not evaluated)",
        "{loc}不存在：{detail}的规则将标记为“未评估”。",
        "{loc_en} is absent: rules of family {detail_en} are reported as not evaluated."),
    "DEDUCTION_ITEM_UNKNOWN": _c(
        "note", "扣分事项不在评分卡的扣分事项目录中（仍按填写的扣分计算）",
        "deduction item not in the scorecard's catalogue (scored as entered)",
        "{loc}的扣分事项“{value}”不在评分卡的扣分事项目录中（共 {count} 行），仍按填写的扣分计算；"
        "请核对名称，或在评分卡的 deduction_items 中补充。目录：{expected}。",
        "{loc_en}: deduction item \"{value}\" is not in the scorecard's catalogue ({count} row(s)); scored with "
        "the points entered; check the wording or add it to the scorecard's deduction_items. Catalogue: {expected_en}."),
    "EXTRA_SHEET": _c(
        "note", "不在约定范围内的工作表（已忽略）", "sheet outside the contract (ignored)",
        "{loc}不在约定范围内，已忽略。{hint}", "{loc_en} is not in the contract and was ignored.{hint_en}"),
    "HIDDEN_SHEET": _c(
        "note", "约定的工作表被隐藏（仍读取）", "contract sheet is hidden (still read)",
        "{loc}是隐藏的工作表（{detail}），仍按约定读取，请确认其中数据有效。",
        "{loc_en} is hidden ({detail_en}); it is read anyway, check that its data is meant to count."),
    "EMPTY_SHEET": _c(
        "note", "工作表为空（无表头无数据）", "sheet is empty (no header, no data)",
        "{loc}是空的（没有表头，也没有数据），按没有数据处理。",
        "{loc_en} is empty (no header, no data); treated as holding no rows."),
    "NO_DATA_ROWS": _c(
        "note", "工作表只有表头，没有数据行", "sheet has a header but no data rows",
        "{loc}只有表头，没有数据行。", "{loc_en} has a header but no data rows."),
    "BLANK_ROWS_BEFORE_HEADER": _c(
        "note", "表头上方有空行", "blank rows above the header",
        "{loc}上方有 {count} 个空行，已将第{row}行作为表头。",
        "{loc_en}: {count} blank row(s) above it; row {row} is taken as the header."),
    "HEADER_NOT_FOUND": _c(
        "error", "第一行不是表头（找不到任何约定列名）", "first row is not a header (no contract column name)",
        "{loc}不是表头：其中没有任何约定的列名（应有：{expected}）。{hint}",
        "{loc_en} is not a header: it holds none of the contract column names ({expected_en}).{hint_en}"),
    "MISSING_COLUMN": _c(
        "error", "缺少约定的列（必填列为错误，选填列为提示）",
        "contract column missing (error if required, note if optional)",
        "{sheet_loc}缺少{required}列“{column}”（{column_en}）：{detail}。",
        "{sheet_loc_en} lacks the {required_en} column \"{column}\" ({column_en}): {detail_en}."),
    "DUPLICATE_COLUMN": _c(
        "error", "两列表头对应同一约定列", "two header cells match the same contract column",
        "{sheet_loc}第{row}行：第{letter}列的表头“{value}”与第{other_letter}列的表头“{other_value}”都对应"
        "“{column}”列，无法确定使用哪一列，请删除或改名其中之一。",
        "{sheet_loc_en} row {row}: header \"{value}\" in column {letter} and header \"{other_value}\" in column "
        "{other_letter} both match \"{column}\" ({column_en}); delete or rename one."),
    "MERGED_HEADER": _c(
        "error", "表头含合并单元格", "merged cells in the header",
        "{sheet_loc}第{row}行（表头）含有合并单元格 {value}：表头每一列必须是独立的单元格，请取消合并。",
        "{sheet_loc_en} row {row} (header) holds merged cells {value}: every header cell must stand alone; "
        "unmerge them."),
    "EXTRA_COLUMN": _c(
        "note", "不在约定范围内的列（已忽略）", "column outside the contract (ignored)",
        "{loc}：第{letter}列“{value}”不在约定范围内，已忽略。",
        "{loc_en}: column {letter} \"{value}\" is not in the contract and was ignored."),
    "UNNAMED_COLUMN": _c(
        "note", "没有表头的列中有数据（已忽略）", "data in a column without header (ignored)",
        "{loc}：第{letter}列没有表头，但有数据（如第{first_row}行“{value}”），已忽略。",
        "{loc_en}: column {letter} has no header but holds data (e.g. row {first_row} \"{value}\"); ignored."),
    "HEADER_UNIT_CONVERTED": _c(
        "note", "表头带单位或方向，已换算", "header carries a unit or direction: converted",
        "{sheet_loc}第{row}行：第{letter}列的表头“{value}”按约定列“{column}”（{column_en}）读取，{how}。",
        "{sheet_loc_en} row {row}: header \"{value}\" in column {letter} is read as \"{column}\" ({column_en}); "
        "{how_en}."),
    "HEADER_QUALIFIER_UNKNOWN": _c(
        "error", "表头带有无法识别的单位或说明", "header carries an undefined unit or qualifier",
        "{sheet_loc}第{row}行：第{letter}列的表头“{value}”带有“{suffix}”，约定的“{column}”列没有这种单位或读法，"
        "不能按普通的“{column}”读取；请换算后把表头改为“{column}”。",
        "{sheet_loc_en} row {row}: header \"{value}\" in column {letter} carries \"{suffix}\", which the contract's "
        "\"{column}\" ({column_en}) does not define; convert the column and name it \"{column}\"."),
    "HEADER_ALIAS": _c(
        "note", "表头使用了别名（英文名或带单位说明）", "header given by an alias (English name or unit suffix)",
        "{sheet_loc}第{row}行：第{letter}列的表头“{value}”按约定列“{column}”（{column_en}）读取。",
        "{sheet_loc_en} row {row}: header \"{value}\" in column {letter} is read as \"{column}\" ({column_en})."),
    "TOO_MANY_ROWS": _c(
        "error", "行数超过上限", "too many rows",
        "{loc}有 {value} 行（直到最远的单元格 {cell}），超过上限 {expected} 行：如果这是误填的单元格，"
        "请删除它（或删除其所在的行）后重新保存。",
        "{loc_en} has {value} rows (down to the farthest cell {cell}), more than the limit of {expected_en}: "
        "if that cell is a stray, delete it (or its row) and save again.", fatal=True),
    "TOO_MANY_COLUMNS": _c(
        "error", "列数超过上限", "too many columns",
        "{loc}的数据延伸到第 {value} 列（{letter}，最远的单元格 {cell}），超过上限 {expected} 列：如果这是误填的单元格，"
        "请删除它（或删除其所在的列）后重新保存。",
        "{loc_en} has data up to column {value} ({letter}, farthest cell {cell}), more than the limit of "
        "{expected_en} columns: if that cell is a stray, delete it (or its column) and save again.",
        fatal=True),
    "TOO_MANY_CELLS": _c(
        "error", "单元格数超过上限", "too many cells",
        "{loc}写有超过 {expected} 个单元格（已数到 {value} 个时停止读取），超过上限 {expected} 个。",
        "{loc_en} holds more than {expected_en} cells (reading stopped at {value}), more than the limit of "
        "{expected_en}.", fatal=True),
    "STRAY_CELL": _c(
        "error", "远离数据区域的单元格（使用区域过大）", "a stray cell far from the data (used range too large)",
        "{loc}的单元格 {value} 远离其他数据：使用区域将达 {rows} 行 × {columns} 列 = {area} 个单元格，"
        "超过上限 {expected} 个。请在 Excel 中删除该单元格的内容（或整行、整列）后重新保存。",
        "{loc_en}: cell {value} lies far from the other data: the used range would be {rows} rows × {columns} "
        "columns = {area} cells, more than the limit of {expected_en}. Delete that cell's content (or its row "
        "or column) in Excel and save again.", fatal=True),
    "OUT_OF_MEMORY": _c(
        "error", "读取时内存不足", "out of memory while reading",
        "{loc}读取时内存不足，已停止读取：请关闭其他程序后重试，或把工作簿拆分为较小的文件（输入限制见 README“输入限制”）。",
        "{loc_en}: the machine ran out of memory while reading it; reading stopped. Close other programs and "
        "try again, or split the workbook (see \"Input limits\" in the README).", fatal=True),
    # --- cells ------------------------------------------------------------
    "FORMULA_WITHOUT_VALUE": _c(
        "error", "公式没有保存计算结果", "formula cell without a cached value",
        "{loc}是公式“{value}”，但{detail}：请在 Excel 中打开并保存，或直接填写数值。",
        "{loc_en} is the formula \"{value}\" but {detail_en}: open and save it in Excel, or type the value."),
    "CELL_ERROR": _c(
        "error", "单元格是 Excel 错误值", "cell holds an Excel error value",
        "{loc}的值是 Excel 错误值“{value}”：应为{expected}。",
        "{loc_en} holds the Excel error value \"{value}\": expected {expected_en}."),
    "MERGED_CELL": _c(
        "error", "数据区域含合并单元格", "merged cells in the data area",
        "{loc}属于合并单元格 {range}，只有左上角单元格有值：请取消合并，并在每一行填写。",
        "{loc_en} is inside the merged range {range}, only its top-left cell holds a value: "
        "unmerge and fill every row."),
    "MISSING_VALUE": _c(
        "error", "必填单元格为空", "required cell is blank",
        "{loc}为空：该列为必填项，应为{expected}。",
        "{loc_en} is blank: the column is required, expected {expected_en}."),
    "TEXT_TOO_LONG": _c(
        "error", "文本超过 1000 字", "text longer than 1000 characters",
        "{loc}的文本长度为 {length} 字，超过上限 1000 字。",
        "{loc_en} holds {length} characters of text, more than the limit of 1000."),
    "NOT_A_NUMBER": _c(
        "error", "应为数字", "not a number",
        _BAD + "应为{expected}。", _BAD_EN + "expected {expected_en}."),
    "NOT_AN_INTEGER": _c(
        "error", "应为整数", "not an integer",
        _BAD + "应为整数（{expected}）。", _BAD_EN + "expected a whole number ({expected_en})."),
    "NEGATIVE_POINTS": _c(
        "error", "扣分不是正数", "points not positive",
        _BAD + "扣分必须为大于 0 的数。", _BAD_EN + "points must be greater than 0."),
    "TOO_MANY_DECIMALS": _c(
        "error", "扣分超过两位小数", "points with more than 2 decimals",
        _BAD + "扣分最多保留两位小数。", _BAD_EN + "points may have at most 2 decimals."),
    "VALUE_TOO_LARGE": _c(
        "error", "数值大得不合常理", "implausibly large number",
        _BAD + "超过上限 {limit}（软件的合理性上限，请核对是否多输了位数）。",
        _BAD_EN + "above the limit {limit} (a plausibility limit; check for extra digits)."),
    "NEGATIVE_AMOUNT": _c(
        "error", "金额为负数", "negative amount",
        _BAD + "金额不能为负数。", _BAD_EN + "the amount may not be negative."),
    "BAD_FLAG": _c(
        "error", "应为 是/否", "not a yes/no flag",
        _BAD + "应为“是”或“否”。", _BAD_EN + "expected 是 (yes) or 否 (no)."),
    "BAD_DATE": _c(
        "error", "不是有效日期", "not a valid date",
        _BAD + "应为{expected}{detail}。", _BAD_EN + "expected {expected_en}{detail_en}."),
    "BAD_CHOICE": _c(
        "error", "不在可选值之内", "not one of the allowed values",
        _BAD + "应为以下之一：{expected}。", _BAD_EN + "expected one of: {expected_en}."),
    "BAD_YEAR": _c(
        "error", "年度无效", "invalid year",
        _BAD + "年度应为{expected}。", _BAD_EN + "the year must be {expected_en}."),
    "BAD_ROUND": _c(
        "error", "批次应为 1 或 2", "round must be 1 or 2",
        _BAD + "批次应为 1 或 2。", _BAD_EN + "the round must be 1 or 2."),
    "BAD_ID": _c(
        "error", "干部编号无效", "invalid leader id",
        _BAD + "{detail}。", _BAD_EN + "{detail_en}."),
    "SCORE_OUT_OF_RANGE": _c(
        "error", "分数不在 0–100 之间", "score outside 0-100",
        _BAD + "分数应在 0–100 之间。", _BAD_EN + "the score must be between 0 and 100."),
    "BAD_SCORE": _c(
        "error", "不是分数", "not a score",
        _BAD + "应为{expected}。", _BAD_EN + "expected {expected_en}."),
    "BAD_GRADE": _c(
        "error", "不是分数也不是等次", "neither a score nor a grade",
        _BAD + "应为{expected}。", _BAD_EN + "expected {expected_en}."),
    # --- across rows and sheets --------------------------------------------
    "DUPLICATE_KEY": _c(
        "error", "关键字段重复", "duplicate key",
        "{loc}与第{other_rows}行重复：（{key_columns}）=（{value}）只能有一行。",
        "{loc_en} duplicates row(s) {other_rows}: ({key_columns_en}) = ({value}) may appear only once."),
    "UNKNOWN_LEADER": _c(
        "error", "干部不在该年度干部名册中", "leader not on that year's roster",
        "{loc}的干部编号“{value}”不在{year}年度的干部名册中：请先在“干部名册”中登记该干部，或更正编号。",
        "{loc_en}: leader id \"{value}\" is not on the {year} roster: add the leader to 干部名册 "
        "(roster) or correct the id."),
    "ROSTER_ROW_SKIPPED": _c(
        "error", "所引用的干部名册行被跳过（宽松模式）", "the roster row referred to was skipped (lenient mode)",
        "{loc}的干部编号“{value}”在{year}年度干部名册中的行（第{rows}行）因错误被跳过，本行一并跳过。",
        "{loc_en}: the {year} roster row(s) {rows} of leader id \"{value}\" were skipped as invalid, "
        "so this row is skipped too."),
    "UNIT_TYPE_MISMATCH": _c(
        "error", "单位类别与干部名册不一致", "unit category differs from the roster",
        "{loc}的单位类别“{value}”与干部名册中“{unit}”{year}年度的单位类别“{roster_type}”不一致。",
        "{loc_en}: unit category \"{value}\" differs from the {year} roster's \"{roster_type}\" "
        "for unit \"{unit}\"."),
    "UNIT_TYPE_INCONSISTENT": _c(
        "error", "干部名册中同一单位的类别不一致", "one unit has several categories on the roster",
        "{loc}的单位类别“{value}”与干部名册中“{unit}”{year}年度其他行的类别（{others}）不一致。",
        "{loc_en}: unit category \"{value}\" of unit \"{unit}\" in {year} differs from other roster "
        "rows ({others})."),
    "RANK_OUT_OF_RANGE": _c(
        "error", "名次超出 1–N", "rank outside 1..N",
        "{loc}的名次“{value}”超出范围：{detail}。", "{loc_en}: rank \"{value}\" is out of range: {detail_en}."),
    "RANK_SKIPPED": _c(
        "error", "名次不连续（不是标准并列排名）", "ranks skip or repeat (not a standard competition ranking)",
        "{loc}的名次“{value}”不符合并列排名规则：{group}中名次更靠前的单位有 {better} 个，"
        "应为{expected}（并列名次如 1、2、2、4）。",
        "{loc_en}: rank \"{value}\" breaks the standard competition ranking: {better} unit(s) of "
        "{group_en} rank strictly better, so it should be {expected_en} (ties as in 1, 2, 2, 4)."),
    "RANK_GROUP_SKIPPED": _c(
        "error", "所在排名组有行被跳过，整组跳过（宽松模式）",
        "a row of the same ranking group was skipped, the whole group is skipped (lenient mode)",
        "{loc}所在的排名组（{group}）中第{rows}行因错误被跳过，该组名次不完整、倒数名次无法确定，本行一并跳过。",
        "{loc_en}: row(s) {rows} of its ranking group ({group_en}) were skipped as invalid; the group is "
        "incomplete and bottom positions cannot be known, so this row is skipped too."),
    # --- notes: normalised and said so ----------------------------------------
    "FULLWIDTH_NORMALISED": _c(
        "note", "全角字符已转为半角", "full-width characters normalised",
        "{loc}的值“{value}”含全角字符，已按“{normalised}”读取。",
        "{loc_en}: value \"{value}\" holds full-width characters; read as \"{normalised}\"."),
    "NUMBER_AS_TEXT": _c(
        "note", "以文本形式存储的数字", "number stored as text",
        "{loc}的值“{value}”是以文本形式存储的数字，已按数字 {normalised} 读取。",
        "{loc_en}: value \"{value}\" is a number stored as text; read as {normalised}."),
    "DUPLICATE_ROW": _c(
        "note", "与前面某行完全相同（可能重复粘贴）", "identical to an earlier row (pasted twice?)",
        "{loc}与第{first_row}行的每一列都相同，两行都已计入（如扣分 {value} 计了两次）；若是重复粘贴，请删除一行。",
        "{loc_en} is identical in every column to row {first_row}; both are counted (e.g. {value} points twice). "
        "Delete one if it was pasted twice."),
    "DATE_FAR_FROM_YEAR": _c(
        "note", "日期与年度相差两年以上", "date two or more years away from the year",
        "{loc}的日期 {value} 与本行年度 {year} 相差两年以上；扣分按年度 {year} 计算，请核对年度或日期。",
        "{loc_en}: the date {value} is two or more years away from the row's year {year}; the points count "
        "for {year}. Check the year or the date."),
    "PERCENT_CONVERTED": _c(
        "note", "百分比格式的分数已换算", "score in percent format converted",
        "{loc}设置为百分比格式，显示为 {value}，按 {normalised} 分读取。",
        "{loc_en} is formatted as a percentage, shown as {value}: read as a score of {normalised}."),
    "PERCENT_NOT_ALLOWED": _c(
        "error", "此列不能使用百分比格式", "percent format on a column that holds no percentage",
        "{loc}设置为百分比格式（显示为 {value}），此列应为{expected}；请取消百分比格式并填写实际数值。",
        "{loc_en} is formatted as a percentage ({value}) but the column holds {expected_en}; remove the percent "
        "format and type the actual number."),
    "HIDDEN_ROW": _c(
        "note", "隐藏的行仍已计入", "hidden row counted",
        "{loc}在 Excel 中是隐藏的（屏幕上看不到），仍已读取并计入；若不应计入，请删除该行。",
        "{loc_en} is hidden in Excel (not seen on screen) but was read and counted; delete it if it should not count."),
    "FILTERED_ROW": _c(
        "note", "被筛选隐藏的行仍已计入", "row hidden by a filter counted",
        "{loc}被自动筛选隐藏（屏幕上看不到），仍已读取并计入；若不应计入，请删除该行。",
        "{loc_en} is hidden by an active AutoFilter (not seen on screen) but was read and counted; delete it if "
        "it should not count."),
    "WHITESPACE_TRIMMED": _c(
        "note", "首尾空白已去除", "surrounding white space trimmed",
        "{loc}的值“{value}”首尾有空白，已去除。",
        "{loc_en}: value \"{value}\" had surrounding white space, trimmed."),
    "UNIT_SPACES_REMOVED": _c(
        "note", "单位名称中的空白已去除", "white space inside a unit name removed",
        "{loc}的单位名称“{value}”中含有空白，已按“{normalised}”与其他工作表匹配。",
        "{loc_en}: unit name \"{value}\" contains white space; matched across sheets as \"{normalised}\"."),
    "FLAG_NORMALISED": _c(
        "note", "是/否 的其他写法已规范", "yes/no written another way, normalised",
        "{loc}的值“{value}”已按“{normalised}”读取。", "{loc_en}: value \"{value}\" read as \"{normalised}\"."),
    "DATE_FROM_TEXT": _c(
        "note", "文本形式的日期", "date typed as text",
        "{loc}的值“{value}”是文本形式的日期，已按 {normalised} 读取。",
        "{loc_en}: value \"{value}\" is a date typed as text; read as {normalised}."),
    "DATE_FROM_SERIAL": _c(
        "note", "Excel 日期序号", "Excel date serial number",
        "{loc}的值“{value}”是 Excel 日期序号，已按 {normalised} 读取。",
        "{loc_en}: value \"{value}\" is an Excel date serial number; read as {normalised}."),
    "DATE_TIME_DROPPED": _c(
        "note", "日期中的时间部分已去掉", "time of day dropped from a date",
        "{loc}的值“{value}”含时间，只取日期 {normalised}。",
        "{loc_en}: value \"{value}\" holds a time of day; only the date {normalised} is kept."),
    "RANK_FROM_TEXT": _c(
        "note", "文本形式的名次", "rank typed as text",
        "{loc}的值“{value}”已按名次 {normalised} 读取。", "{loc_en}: value \"{value}\" read as rank {normalised}."),
    "YEAR_FROM_TEXT": _c(
        "note", "带“年”字的年度", "year typed with 年",
        "{loc}的值“{value}”已按年度 {normalised} 读取。", "{loc_en}: value \"{value}\" read as year {normalised}."),
}

VALUE_MAX_CHARS = 200     # SPEC: value as typed, truncated


def shorten(text: str, limit: int = VALUE_MAX_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(sheet: str | None, row: int | None, column: str | None, column_en: str | None,
           file: str | None) -> tuple[str, str]:
    """The '工作表“X”第N行“C”列' phrase every message starts with, in zh and en."""
    if sheet is None:
        name = file or ""
        return f"文件“{name}”", f"file \"{name}\""
    zh, en = f"工作表“{sheet}”", f"sheet \"{sheet}\""
    if row is not None:
        zh, en = zh + f"第{row}行", en + f" row {row}"
    if column is not None:
        alias = f" ({column_en})" if column_en and column_en != column else ""
        zh += f"“{column}”列" if row is not None else f"的“{column}”列"
        en += f" column \"{column}\"{alias}"
    return zh, en


def make_issue(code: str, *, sheet: str | None = None, row: int | None = None,
               column: str | None = None, column_en: str | None = None,
               value: str | None = None, expected: str = "", expected_en: str = "",
               severity: Literal["error", "note"] | None = None, file: str | None = None,
               **extra: object) -> InputIssue:
    """Build an InputIssue with both messages rendered from the code's templates."""
    info = CODES[code]
    shown = shorten(value) if value is not None else None
    loc, loc_en = _where(sheet, row, column, column_en, file)
    sheet_loc, sheet_loc_en = _where(sheet, None, None, None, file)
    fields: dict[str, object] = {
        "loc": loc, "loc_en": loc_en, "sheet_loc": sheet_loc, "sheet_loc_en": sheet_loc_en, "value": shown if shown is not None else "",
        "expected": expected, "expected_en": expected_en or expected,
        "column": column or "", "column_en": column_en or column or "",
        "sheet": sheet or "", "row": row if row is not None else "",
        "detail": "", "detail_en": "", "hint": "", "hint_en": "",
    }
    fields.update(extra)
    return InputIssue(
        code=code, severity=severity or info.severity, sheet=sheet, row=row, column=column,
        value=shown, expected=expected,
        message_zh=f"【{code}】" + info.template_zh.format(**fields),
        message_en=f"[{code}] " + info.template_en.format(**fields),
    )

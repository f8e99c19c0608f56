"""One test per reason code: a workbook that triggers it, and the exact issue it yields."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import engine.input.xlsx_zip as xlsx_zip_module
from engine.input.issues import CODES, InputError, InputIssue, make_issue
from engine.input.workbook import read_workbook
from wbtools import (ANNUAL, header, DEDUCTIONS, EXPENDITURES, FIVE, IMAGE, PORTFOLIOS, ROSTER, cache_formulas, cell_of,
                     deduction_row, encrypted_ole_bytes, make_workbook, put_error_cell, rewrite_member, roster_row,
                     sheet_member)

TESTED: set[str] = set()


def covers(*codes: str):
    """Register the codes a test pins down; test_every_code_is_tested checks the set."""
    def mark(test):
        TESTED.update(codes)
        return test
    return mark


def strict(path: Path, **kwargs) -> list[InputIssue]:
    with pytest.raises(InputError) as caught:
        read_workbook(path, **kwargs)
    return caught.value.issues


def only(issues: list[InputIssue], code: str) -> InputIssue:
    found = [i for i in issues if i.code == code]
    assert len(found) == 1, f"expected one {code}, got {[cell_of(i) for i in found]}"
    return found[0]


def codes(issues: list[InputIssue]) -> list[str]:
    return [i.code for i in issues]


def card(tmp_path: Path, *rows: list, header: list | None = None, **kwargs) -> Path:
    """A workbook with only the 廉政监督卡 sheet."""
    return make_workbook(tmp_path, {"廉政监督卡": [header or DEDUCTIONS, *rows]}, **kwargs)


def notes_of(path: Path) -> list[InputIssue]:
    book = read_workbook(path)
    assert not [i for i in book.issues if i.severity == "error"]
    return book.issues


# --- the file itself -----------------------------------------------------------

@covers("FILE_NOT_FOUND")
def test_file_not_found(tmp_path):
    path = tmp_path / "nope.xlsx"
    issue = only(strict(path), "FILE_NOT_FOUND")
    assert (issue.severity, issue.sheet, issue.row, issue.column, issue.value) == ("error", None, None, None, str(path))
    assert issue.message_zh == f"【FILE_NOT_FOUND】文件“{path}”不存在或不是文件：路径不存在。"


@covers("FILE_NOT_FOUND")
def test_directory_is_not_a_file(tmp_path):
    issue = only(strict(tmp_path), "FILE_NOT_FOUND")
    assert "文件夹" in issue.message_zh


@covers("FILE_UNREADABLE")
def test_file_unreadable(tmp_path, monkeypatch):
    path = card(tmp_path, deduction_row())

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    issue = only(strict(path), "FILE_UNREADABLE")
    assert issue.value == str(path)
    assert "没有读取权限" in issue.message_zh


@covers("FILE_TOO_LARGE")
def test_file_too_large(tmp_path, monkeypatch):
    path = card(tmp_path, deduction_row())
    monkeypatch.setattr(xlsx_zip_module, "MAX_FILE_BYTES", 100)
    issue = only(strict(path), "FILE_TOO_LARGE")
    assert issue.value == str(path.stat().st_size)


@covers("NOT_XLSX")
def test_not_xlsx_encrypted(tmp_path):
    path = tmp_path / "加密.xlsx"
    path.write_bytes(encrypted_ole_bytes())
    issue = only(strict(path), "NOT_XLSX")
    assert cell_of(issue) == ("NOT_XLSX", None, None, None, "encrypted")
    assert "打开密码" in issue.message_zh and issue.message_zh.startswith("【NOT_XLSX】文件“加密.xlsx”")


@covers("EMPTY_WORKBOOK")
def test_empty_workbook(tmp_path):
    path = make_workbook(tmp_path, {})
    issue = only(strict(path), "EMPTY_WORKBOOK")
    assert cell_of(issue) == ("EMPTY_WORKBOOK", None, None, None, None)


@covers("EMPTY_WORKBOOK")
def test_contract_sheets_without_any_cell_are_an_empty_workbook(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [], "廉政监督卡": []})
    assert codes(strict(path)).count("EMPTY_WORKBOOK") == 1


@covers("NO_KNOWN_SHEETS")
def test_no_known_sheets(tmp_path):
    path = make_workbook(tmp_path, {"Sheet1": [["a", "b"], [1, 2]], "数据": [["x"]]})
    issue = only(strict(path), "NO_KNOWN_SHEETS")
    assert issue.value == "Sheet1、数据"


@covers("DUPLICATE_SHEET")
def test_duplicate_sheet(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER], " Roster ": [ROSTER]})
    issue = only(strict(path, lenient=True), "DUPLICATE_SHEET")
    assert cell_of(issue) == ("DUPLICATE_SHEET", " Roster ", None, None, "干部名册")


# --- sheets and headers ----------------------------------------------------------

@covers("SHEET_ABSENT")
def test_sheet_absent_is_a_note(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row()))
    absent = [i for i in book.issues if i.code == "SHEET_ABSENT"]
    second_wave = ["任职经历", "试用期考核", "新提拔", "年度考核等次", "经济责任审计", "个人重大事项", "廉政报告",
                   "谈话记录", "责任清单", "巡察整改"]
    assert [i.sheet for i in absent] == ["干部名册", "综合考核排名", "形象测评", "分工", "大额支出", "五个强化",
                                         *second_wave]
    assert {i.severity for i in absent} == {"note"}
    assert book.absent_sheets == ["roster", "annual_ranking", "image_ranking", "portfolios", "expenditures",
                                  "five_reinforcements", "posts", "probation", "promotions", "assessment_grades",
                                  "audits", "personal_matters", "integrity_reviews", "talks", "responsibilities",
                                  "rectifications"]
    talks = next(i for i in absent if i.sheet == "谈话记录")
    assert "谈话义务（八个必谈）" in talks.message_zh


@covers("EXTRA_SHEET")
def test_extra_sheet(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row()], "干部名册2024": [["x"]]})
    book = read_workbook(path)
    issue = only(book.issues, "EXTRA_SHEET")
    assert cell_of(issue) == ("EXTRA_SHEET", "干部名册2024", None, None, None)
    assert "请把工作表改名为“干部名册”" in issue.message_zh
    assert book.extra_sheets == ["干部名册2024"]


@covers("HIDDEN_SHEET")
def test_hidden_sheet_is_read_and_noted(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row()], "说明": [["x"]]},
                         hidden=("廉政监督卡",))
    book = read_workbook(path)
    issue = only(book.issues, "HIDDEN_SHEET")
    assert (issue.severity, issue.sheet, issue.row) == ("note", "廉政监督卡", None)
    assert len(book.tables["deductions"]) == 1


@covers("EMPTY_SHEET")
def test_empty_sheet(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row()], "分工": []})
    book = read_workbook(path)
    issue = only(book.issues, "EMPTY_SHEET")
    assert cell_of(issue) == ("EMPTY_SHEET", "分工", None, None, None)
    assert book.rows_in_sheet["portfolios"] == 0
    assert list(book.tables["portfolios"].columns) == ["year", "leader_id", "portfolio", "_row"]


@covers("NO_DATA_ROWS")
def test_header_only_sheet(tmp_path):
    book = read_workbook(card(tmp_path))
    issue = only(book.issues, "NO_DATA_ROWS")
    assert cell_of(issue) == ("NO_DATA_ROWS", "廉政监督卡", 1, None, None)
    assert issue.severity == "note"
    assert len(book.tables["deductions"]) == 0 and book.rows_in_sheet["deductions"] == 0


@covers("BLANK_ROWS_BEFORE_HEADER")
def test_blank_rows_before_header(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [[], [None, None], DEDUCTIONS, deduction_row()]})
    book = read_workbook(path)
    issue = only(book.issues, "BLANK_ROWS_BEFORE_HEADER")
    assert cell_of(issue) == ("BLANK_ROWS_BEFORE_HEADER", "廉政监督卡", 3, None, None)
    assert book.tables["deductions"]["_row"].tolist() == [4]


@covers("HEADER_NOT_FOUND")
def test_title_row_above_header(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [["2024年廉政监督卡扣分登记表"], DEDUCTIONS, deduction_row()]})
    issues = strict(path)
    issue = only(issues, "HEADER_NOT_FOUND")
    assert cell_of(issue) == ("HEADER_NOT_FOUND", "廉政监督卡", 1, None, None)
    assert "第2行看起来才是表头" in issue.message_zh
    assert "MISSING_COLUMN" not in codes(issues)
    # issue 7 item 22: the title row gets the one piece of advice, not a note for every column under it
    assert [i.code for i in issues if i.sheet == "廉政监督卡"] == ["HEADER_NOT_FOUND"]


@covers("MISSING_COLUMN")
def test_missing_required_column(tmp_path):
    header = [h for h in DEDUCTIONS if h != "扣分"]
    path = card(tmp_path, [2024, "1001", None, "x", None], header=header)
    issue = only(strict(path), "MISSING_COLUMN")
    assert cell_of(issue) == ("MISSING_COLUMN", "廉政监督卡", None, "扣分", None)
    assert issue.severity == "error"
    assert issue.message_zh == "【MISSING_COLUMN】工作表“廉政监督卡”缺少必填列“扣分”（points）：请在表头（第1行）加入“扣分”列。"


@covers("MISSING_COLUMN")
def test_missing_optional_column_is_a_note(tmp_path):
    header = [h for h in DEDUCTIONS if h != "说明"]
    book = read_workbook(card(tmp_path, deduction_row()[:5], header=header))
    issue = only(book.issues, "MISSING_COLUMN")
    assert (issue.severity, issue.column) == ("note", "说明")
    assert book.tables["deductions"]["note"].tolist() == [None]


@covers("DUPLICATE_COLUMN")
def test_duplicate_column(tmp_path):
    path = card(tmp_path, deduction_row() + [3], header=DEDUCTIONS + [" 扣分 "])
    issue = only(strict(path), "DUPLICATE_COLUMN")
    assert cell_of(issue) == ("DUPLICATE_COLUMN", "廉政监督卡", 1, "扣分", " 扣分 ")
    assert "第G列" in issue.message_zh and "第E列" in issue.message_zh


@covers("MERGED_HEADER")
def test_merged_header(tmp_path):
    path = card(tmp_path, deduction_row(), merged={"廉政监督卡": ["A1:B1"]})
    issues = strict(path)
    issue = only(issues, "MERGED_HEADER")
    assert cell_of(issue) == ("MERGED_HEADER", "廉政监督卡", 1, "年度", "A1:B1")
    assert only(issues, "MISSING_COLUMN").column == "干部编号"   # the merge swallowed B1


@covers("EXTRA_COLUMN")
def test_extra_column(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row() + ["备注"], header=DEDUCTIONS + ["备注"]))
    issue = only(book.issues, "EXTRA_COLUMN")
    assert cell_of(issue) == ("EXTRA_COLUMN", "廉政监督卡", 1, None, "备注")
    assert book.extra_columns == {"deductions": ["备注"]}


@covers("UNNAMED_COLUMN")
def test_unnamed_column_with_data(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row(), deduction_row() + [None, "悄悄话"]))
    issue = only(book.issues, "UNNAMED_COLUMN")
    assert cell_of(issue) == ("UNNAMED_COLUMN", "廉政监督卡", 1, None, "悄悄话")
    assert "第H列" in issue.message_zh and "第3行" in issue.message_zh


@covers("HEADER_ALIAS")
def test_english_and_unit_suffix_headers(tmp_path):
    header = ["YEAR", "Leader ID", "日 期", "扣分事项", "扣分（分）", "说明"]
    book = read_workbook(card(tmp_path, deduction_row(), header=header))
    aliases = [cell_of(i) for i in book.issues if i.code == "HEADER_ALIAS"]
    assert aliases == [("HEADER_ALIAS", "廉政监督卡", 1, "年度", "YEAR"),
                       ("HEADER_ALIAS", "廉政监督卡", 1, "干部编号", "Leader ID"),
                       ("HEADER_ALIAS", "廉政监督卡", 1, "扣分", "扣分（分）")]
    assert book.tables["deductions"]["points"].tolist() == [2.0]


@covers("TOO_MANY_ROWS")
def test_too_many_rows(tmp_path):
    path = card(tmp_path, *[deduction_row() for _ in range(4)])
    issue = only(strict(path, max_rows=3, lenient=True), "TOO_MANY_ROWS")
    assert cell_of(issue) == ("TOO_MANY_ROWS", "廉政监督卡", None, None, "4")
    assert issue.expected == "3"
    assert read_workbook(path, max_rows=4).rows_in_sheet["deductions"] == 4


@covers("TOO_MANY_COLUMNS")
def test_too_many_columns(tmp_path):
    path = card(tmp_path, deduction_row() + [None] * 994 + ["x"])
    issue = only(strict(path), "TOO_MANY_COLUMNS")
    assert cell_of(issue) == ("TOO_MANY_COLUMNS", "廉政监督卡", None, None, "1001")
    assert "ALM" in issue.message_zh and issue.expected == "200"


# --- cells ----------------------------------------------------------------------

@covers("FORMULA_WITHOUT_VALUE")
def test_formula_without_cached_value(tmp_path):
    path = card(tmp_path, deduction_row(points="=1+1"))
    issue = only(strict(path), "FORMULA_WITHOUT_VALUE")
    assert cell_of(issue) == ("FORMULA_WITHOUT_VALUE", "廉政监督卡", 2, "扣分", "=1+1")


def test_formula_with_cached_value_is_read(tmp_path):
    path = card(tmp_path, deduction_row(points="=1+1"))
    cache_formulas(path, "廉政监督卡", "2")
    assert read_workbook(path).tables["deductions"]["points"].tolist() == [2.0]


@covers("FORMULA_WITHOUT_VALUE")
def test_formula_cached_but_full_calc_on_load_is_not_trusted(tmp_path):
    path = card(tmp_path, deduction_row(points="=1+1"))
    rewrite_member(path, sheet_member(path, "廉政监督卡"), lambda d: d.replace(b"<v />", b"<v>2</v>"))
    issue = only(strict(path), "FORMULA_WITHOUT_VALUE")
    assert "fullCalcOnLoad" in issue.message_zh


@covers("FORMULA_WITHOUT_VALUE")
def test_row_holding_only_a_formula_without_value_is_not_blank(tmp_path):
    path = card(tmp_path, deduction_row(), [None, None, None, None, "=SUM(E2:E2)"])
    issues = strict(path)
    assert only(issues, "FORMULA_WITHOUT_VALUE").row == 3
    assert {(i.code, i.row) for i in issues if i.severity == "error"} >= {("MISSING_VALUE", 3)}


@covers("CELL_ERROR")
def test_excel_error_cell(tmp_path):
    path = card(tmp_path, deduction_row())
    put_error_cell(path, "廉政监督卡", "E2", "#DIV/0!")
    issue = only(strict(path), "CELL_ERROR")
    assert cell_of(issue) == ("CELL_ERROR", "廉政监督卡", 2, "扣分", "#DIV/0!")


@covers("MERGED_CELL")
def test_merged_data_cells(tmp_path):
    path = card(tmp_path, deduction_row(), deduction_row(), merged={"廉政监督卡": ["A2:A3"]})
    issue = only(strict(path), "MERGED_CELL")
    assert cell_of(issue) == ("MERGED_CELL", "廉政监督卡", 3, "年度", "")
    assert "A2:A3" in issue.message_zh


@covers("MISSING_VALUE")
def test_missing_value(tmp_path):
    path = card(tmp_path, [2024, "1001", None, None, 2, None])
    issue = only(strict(path), "MISSING_VALUE")
    assert cell_of(issue) == ("MISSING_VALUE", "廉政监督卡", 2, "扣分事项", "")
    assert issue.message_zh == ("【MISSING_VALUE】工作表“廉政监督卡”第2行“扣分事项”列为空：该列为必填项，"
                                "应为不超过 1000 字的文本。")


@covers("MISSING_VALUE")
def test_white_space_only_is_missing(tmp_path):
    path = card(tmp_path, [2024, "1001", None, "x", "\u3000 ", None])
    assert cell_of(only(strict(path), "MISSING_VALUE"))[:4] == ("MISSING_VALUE", "廉政监督卡", 2, "扣分")


@covers("TEXT_TOO_LONG")
def test_text_too_long(tmp_path):
    path = card(tmp_path, deduction_row()[:5] + ["长" * 5000])
    issue = only(strict(path), "TEXT_TOO_LONG")
    assert cell_of(issue) == ("TEXT_TOO_LONG", "廉政监督卡", 2, "说明", "长" * 199 + "…")
    assert "5000 字" in issue.message_zh


@covers("NOT_A_NUMBER")
def test_not_a_number(tmp_path):
    issue = only(strict(card(tmp_path, deduction_row(points="两分"))), "NOT_A_NUMBER")
    assert cell_of(issue) == ("NOT_A_NUMBER", "廉政监督卡", 2, "扣分", "两分")


@covers("NOT_AN_INTEGER")
def test_not_an_integer(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲镇", "乡镇", 1.5]]})
    issue = only(strict(path), "NOT_AN_INTEGER")
    assert cell_of(issue) == ("NOT_AN_INTEGER", "综合考核排名", 2, "名次", "1.5")


@covers("NEGATIVE_POINTS")
def test_negative_points_message_is_the_spec_example(tmp_path):
    rows = [deduction_row() for _ in range(5)] + [deduction_row(points=-2)]
    issue = only(strict(card(tmp_path, *rows)), "NEGATIVE_POINTS")
    assert cell_of(issue) == ("NEGATIVE_POINTS", "廉政监督卡", 7, "扣分", "-2")
    assert issue.message_zh == "【NEGATIVE_POINTS】工作表“廉政监督卡”第7行“扣分”列的值“-2”无效：扣分必须为大于 0 的数。"
    assert issue.message_en == ('[NEGATIVE_POINTS] sheet "廉政监督卡" row 7 column "扣分" (points): value "-2" is '
                                'invalid: points must be greater than 0.')


@covers("NEGATIVE_POINTS")
def test_zero_points(tmp_path):
    assert only(strict(card(tmp_path, deduction_row(points=0))), "NEGATIVE_POINTS").value == "0"


@covers("TOO_MANY_DECIMALS")
def test_too_many_decimals(tmp_path):
    issue = only(strict(card(tmp_path, deduction_row(points=1.005))), "TOO_MANY_DECIMALS")
    assert cell_of(issue) == ("TOO_MANY_DECIMALS", "廉政监督卡", 2, "扣分", "1.005")


@covers("NEGATIVE_AMOUNT")
def test_negative_amount(tmp_path):
    path = make_workbook(tmp_path, {"大额支出": [EXPENDITURES, [2024, "甲镇", None, -5000, "采购", "是"]]})
    issue = only(strict(path), "NEGATIVE_AMOUNT")
    assert cell_of(issue) == ("NEGATIVE_AMOUNT", "大额支出", 2, "金额", "-5000")


@covers("BAD_FLAG")
def test_bad_flag(tmp_path):
    path = make_workbook(tmp_path, {"大额支出": [EXPENDITURES, [2024, "甲镇", None, 5000, "采购", "待定"]]})
    issue = only(strict(path), "BAD_FLAG")
    assert cell_of(issue) == ("BAD_FLAG", "大额支出", 2, "是否会签", "待定")


@covers("BAD_DATE")
@pytest.mark.parametrize("value, shown", [("2024-02-30", "2024-02-30"), ("下周", "下周"), (12, "12"),
                                          (dt.date(1900, 1, 1), "1900-01-01")])
def test_bad_date(tmp_path, value, shown):
    row = deduction_row()
    row[2] = value
    issue = only(strict(card(tmp_path, row)), "BAD_DATE")
    assert cell_of(issue) == ("BAD_DATE", "廉政监督卡", 2, "日期", shown)


@covers("BAD_CHOICE")
def test_bad_choice(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲镇", "街道", 1]]})
    issue = only(strict(path), "BAD_CHOICE")
    assert cell_of(issue) == ("BAD_CHOICE", "综合考核排名", 2, "单位类别", "街道")
    assert issue.expected == "乡镇 / 县直单位 / 其他"


@covers("BAD_YEAR")
@pytest.mark.parametrize("value, shown", [(24, "24"), ("二〇二四", "二〇二四"), (2024.5, "2024.5"), (True, "TRUE")])
def test_bad_year(tmp_path, value, shown):
    issue = only(strict(card(tmp_path, deduction_row(year=2024)[:0] + [value, "1001", None, "x", 2, None])),
                 "BAD_YEAR")
    assert cell_of(issue) == ("BAD_YEAR", "廉政监督卡", 2, "年度", shown)


@covers("BAD_ROUND")
def test_bad_round(tmp_path):
    path = make_workbook(tmp_path, {"形象测评": [IMAGE, [2024, 3, "乙局", 1]]})
    issue = only(strict(path), "BAD_ROUND")
    assert cell_of(issue) == ("BAD_ROUND", "形象测评", 2, "批次", "3")


@covers("BAD_ID")
@pytest.mark.parametrize("value, shown", [(1001.5, "1001.5"), (-3, "-3"), (3.2010219900101e17, "3.2010219900101e+17")])
def test_bad_id(tmp_path, value, shown):
    issue = only(strict(card(tmp_path, deduction_row(leader=value))), "BAD_ID")
    assert cell_of(issue) == ("BAD_ID", "廉政监督卡", 2, "干部编号", shown)


@covers("SCORE_OUT_OF_RANGE")
def test_score_out_of_range(tmp_path):
    path = make_workbook(tmp_path, {"五个强化": [FIVE, [2024, "1001", 90, 101, 80, 80, 80]]})
    issue = only(strict(path), "SCORE_OUT_OF_RANGE")
    assert cell_of(issue) == ("SCORE_OUT_OF_RANGE", "五个强化", 2, "贯彻决策部署", "101")


@covers("DUPLICATE_ROW")
def test_duplicate_row_is_noted_and_still_counted(tmp_path):
    """Issue 7 item 15: a deduction pasted twice (identical in every column) counts twice, with a note."""
    row = [2024, "1001", dt.date(2024, 3, 5), "违规公务接待", 1.5, "超标准接待"]
    other = [2024, "1001", dt.date(2024, 3, 5), "违规公务接待", 1.5, "另一次"]
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()], "廉政监督卡": [DEDUCTIONS, row, other, row]})
    book = read_workbook(path)
    (issue,) = [i for i in book.issues if i.code == "DUPLICATE_ROW"]
    assert (issue.severity, issue.sheet, issue.row, issue.column) == ("note", "廉政监督卡", 4, "扣分")
    assert "与第2行的每一列都相同" in issue.message_zh and "扣分 1.5 计了两次" in issue.message_zh
    assert book.tables["deductions"]["points"].sum() == 4.5


@covers("DATE_FAR_FROM_YEAR")
def test_card_date_two_years_from_its_year_is_noted(tmp_path):
    rows = [[2025, "1001", dt.date(2023, 12, 31), "公款吃喝", 1, None],   # two years away: noted
            [2025, "1001", dt.date(2024, 12, 31), "公款吃喝", 1, None],   # one year: a late entry, quiet
            [2025, "1001", dt.date(2025, 6, 1), "公款吃喝", 1, None]]
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(year=2025)], "廉政监督卡": [DEDUCTIONS, *rows]})
    (issue,) = [i for i in read_workbook(path).issues if i.code == "DATE_FAR_FROM_YEAR"]
    assert (issue.severity, issue.row, issue.column, issue.value) == ("note", 2, "日期", "2023-12-31")
    assert "与本行年度 2025 相差两年以上" in issue.message_zh


@covers("BAD_SCORE")
def test_bad_score(tmp_path):
    """A test score is a number 0–100: a grade word (fine in 五个强化) is refused here."""
    promo = [2025, "1001", "2025-03-01", "2025-03-05", "好", "是", "无问题", "否"]
    path = make_workbook(tmp_path, {"新提拔": [header("promotions"), promo]})
    issue = only(strict(path), "BAD_SCORE")
    assert cell_of(issue) == ("BAD_SCORE", "新提拔", 2, "廉政知识测试成绩", "好")
    assert "0–100 的分数" in issue.message_zh


@covers("BAD_GRADE")
def test_bad_grade(tmp_path):
    path = make_workbook(tmp_path, {"五个强化": [FIVE, [2024, "1001", "优秀", 90, 80, 80, 80]]})
    issue = only(strict(path), "BAD_GRADE")
    assert cell_of(issue) == ("BAD_GRADE", "五个强化", 2, "对党忠诚", "优秀")


# --- across rows and sheets -------------------------------------------------------

@covers("DUPLICATE_KEY")
def test_duplicate_roster_key_names_both_rows(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(), roster_row(leader="1002"),
                                             roster_row(leader=1001.0)]})
    found = [cell_of(i) + (i.message_zh,) for i in strict(path) if i.code == "DUPLICATE_KEY"]
    assert found == [
        ("DUPLICATE_KEY", "干部名册", 2, "干部编号", "2024、1001",
         "【DUPLICATE_KEY】工作表“干部名册”第2行“干部编号”列与第4行重复：（年度、干部编号）=（2024、1001）只能有一行。"),
        ("DUPLICATE_KEY", "干部名册", 4, "干部编号", "2024、1001",
         "【DUPLICATE_KEY】工作表“干部名册”第4行“干部编号”列与第2行重复：（年度、干部编号）=（2024、1001）只能有一行。"),
    ]


@covers("DUPLICATE_KEY")
@pytest.mark.parametrize("name, header, rows, column", [
    ("五个强化", FIVE, [[2024, "1001", 90, 90, 90, 90, 90], [2024, "1001", "好", 90, 90, 90, 90]], "干部编号"),
    ("综合考核排名", ANNUAL, [[2024, "甲镇", "乡镇", 1], [2024, "甲镇", "乡镇", 1]], "单位"),
    ("形象测评", IMAGE, [[2024, 1, "乙局", 1], [2024, 1, "乙局", 1]], "单位"),
])
def test_duplicate_keys_of_other_sheets(tmp_path, name, header, rows, column):
    found = [(i.sheet, i.row, i.column) for i in strict(make_workbook(tmp_path, {name: [header, *rows]}))
             if i.code == "DUPLICATE_KEY"]
    assert found == [(name, 2, column), (name, 3, column)]


@covers("UNKNOWN_LEADER")
@pytest.mark.parametrize("name, header, row", [
    ("廉政监督卡", DEDUCTIONS, deduction_row(leader="9999")),
    ("分工", PORTFOLIOS, [2024, "9999", "财务"]),
    ("五个强化", FIVE, [2024, "9999", 90, 90, 90, 90, 90]),
])
def test_unknown_leader(tmp_path, name, header, row):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()], name: [header, row]})
    issue = only(strict(path), "UNKNOWN_LEADER")
    assert cell_of(issue) == ("UNKNOWN_LEADER", name, 2, "干部编号", "9999")
    assert "不在2024年度的干部名册中" in issue.message_zh


def test_leader_of_another_year_is_unknown(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(year=2023)],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(year=2024)]})
    assert only(strict(path), "UNKNOWN_LEADER").row == 2


def test_no_roster_no_unknown_leader_check(tmp_path):
    assert read_workbook(card(tmp_path, deduction_row(leader="9999"))).tables["deductions"]["leader_id"].tolist() == ["9999"]


@covers("ROSTER_ROW_SKIPPED")
def test_roster_row_skipped_cascades_in_lenient_mode(tmp_path):
    bad_roster = roster_row()
    bad_roster[6] = "也许"          # 是否一把手: BAD_FLAG -> roster row 2 skipped
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, bad_roster, roster_row(leader="1002")],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(), deduction_row(leader="1002")]})
    book = read_workbook(path, lenient=True)
    issue = only(book.issues, "ROSTER_ROW_SKIPPED")
    assert cell_of(issue) == ("ROSTER_ROW_SKIPPED", "廉政监督卡", 2, "干部编号", "1001")
    assert book.skipped_rows == {"roster": [2], "deductions": [2]}
    assert book.tables["deductions"]["leader_id"].tolist() == ["1002"]
    # strict mode: only the roster's own error, the deduction row is fine by itself
    assert [i.code for i in strict(path) if i.severity == "error"] == ["BAD_FLAG"]


@covers("UNIT_TYPE_MISMATCH")
def test_unit_type_mismatch(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(unit="甲镇", unit_type="乡镇")],
                                    "综合考核排名": [ANNUAL, [2024, "甲镇", "县直单位", 1]]})
    issue = only(strict(path), "UNIT_TYPE_MISMATCH")
    assert cell_of(issue) == ("UNIT_TYPE_MISMATCH", "综合考核排名", 2, "单位类别", "县直单位")
    assert issue.expected == "乡镇"


@covers("UNIT_TYPE_INCONSISTENT")
def test_unit_type_inconsistent_on_roster(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(unit="甲镇", unit_type="乡镇"),
                                             roster_row(leader="1002", unit="甲镇", unit_type="其他")]})
    found = [cell_of(i) for i in strict(path) if i.code == "UNIT_TYPE_INCONSISTENT"]
    assert found == [("UNIT_TYPE_INCONSISTENT", "干部名册", 2, "单位类别", "乡镇"),
                     ("UNIT_TYPE_INCONSISTENT", "干部名册", 3, "单位类别", "其他")]


@covers("RANK_OUT_OF_RANGE")
def test_rank_above_n(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲镇", "乡镇", 1], [2024, "乙镇", "乡镇", 2],
                                               [2024, "丙镇", "乡镇", 4], [2024, "丁局", "县直单位", 1]]})
    issue = only(strict(path), "RANK_OUT_OF_RANGE")
    assert cell_of(issue) == ("RANK_OUT_OF_RANGE", "综合考核排名", 4, "名次", "4")
    assert "2024年度“乡镇”类单位共有 3 个单位参加排名，名次应在 1–3 之间" in issue.message_zh


def test_one_wrong_rank_is_reported_once_and_correct_rows_are_not_blamed(tmp_path):
    """Issue 7 item 7: 12 in a group of 8 gave RANK_OUT_OF_RANGE plus RANK_SKIPPED on the correct rows after
    it with wrong advice ("应为第 4 名"); now only the root cause is reported."""
    ranks = [1, 2, 3, 12, 5, 6, 7, 8]
    rows = [[2024, f"{chr(0x7532 + i)}镇", "乡镇", r] for i, r in enumerate(ranks)]
    issues = strict(make_workbook(tmp_path, {"综合考核排名": [ANNUAL, *rows]}))
    assert [(i.code, i.row, i.value) for i in issues if i.sheet == "综合考核排名"] == [("RANK_OUT_OF_RANGE", 5, "12")]


@covers("RANK_OUT_OF_RANGE")
def test_rank_below_one_in_image_ranking(tmp_path):
    path = make_workbook(tmp_path, {"形象测评": [IMAGE, [2024, 1, "乙局", 0], [2024, 1, "丙局", 1]]})
    issue = only(strict(path), "RANK_OUT_OF_RANGE")
    assert cell_of(issue) == ("RANK_OUT_OF_RANGE", "形象测评", 2, "名次", "0")


@covers("RANK_SKIPPED")
def test_rank_skipped(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲", "乡镇", 1], [2024, "乙", "乡镇", 2],
                                               [2024, "丙", "乡镇", 2], [2024, "丁", "乡镇", 3]]})
    issue = only(strict(path), "RANK_SKIPPED")
    assert cell_of(issue) == ("RANK_SKIPPED", "综合考核排名", 5, "名次", "3")
    assert issue.expected == "第 4 名"


@covers("RANK_SKIPPED")
def test_rank_skipped_in_image_round(tmp_path):
    path = make_workbook(tmp_path, {"形象测评": [IMAGE, [2024, 2, "甲", 1], [2024, 2, "乙", 3], [2024, 2, "丙", 3],
                                           [2024, 1, "甲", 1]]})
    assert [(i.row, i.value) for i in strict(path) if i.code == "RANK_SKIPPED"] == [(3, "3"), (4, "3")]


def test_standard_competition_ranks_are_fine(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲", "乡镇", 1], [2024, "乙", "乡镇", 2],
                                               [2024, "丙", "乡镇", 2], [2024, "丁", "乡镇", 4],
                                               [2024, "戊", "县直单位", 1], [2024, "己", "县直单位", 1]]})
    assert read_workbook(path).tables["annual_ranking"]["rank"].tolist() == [1, 2, 2, 4, 1, 1]


@covers("RANK_GROUP_SKIPPED")
def test_rank_group_skipped_in_lenient_mode(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲镇", "乡镇", 1], [2024, "乙镇", "乡镇", "二"],
                                               [2024, "丙镇", "乡镇", 3], [2024, "丁局", "县直单位", 1]]})
    book = read_workbook(path, lenient=True)
    skipped = [cell_of(i) for i in book.issues if i.code == "RANK_GROUP_SKIPPED"]
    assert skipped == [("RANK_GROUP_SKIPPED", "综合考核排名", 2, "名次", "1"),
                       ("RANK_GROUP_SKIPPED", "综合考核排名", 4, "名次", "3")]
    assert book.skipped_rows == {"annual_ranking": [2, 3, 4]}
    assert book.tables["annual_ranking"]["unit"].tolist() == ["丁局"]


# --- notes: normalised and said so ------------------------------------------------

@covers("FULLWIDTH_NORMALISED")
def test_fullwidth_digits(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row(points="４")))
    issue = only(book.issues, "FULLWIDTH_NORMALISED")
    assert cell_of(issue) == ("FULLWIDTH_NORMALISED", "廉政监督卡", 2, "扣分", "４")
    assert issue.severity == "note"
    assert book.tables["deductions"]["points"].tolist() == [4.0]


@covers("NUMBER_AS_TEXT")
def test_number_as_text(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row(points="12")))
    issue = only(book.issues, "NUMBER_AS_TEXT")
    assert cell_of(issue) == ("NUMBER_AS_TEXT", "廉政监督卡", 2, "扣分", "12")
    assert book.tables["deductions"]["points"].tolist() == [12.0]


@covers("WHITESPACE_TRIMMED")
def test_whitespace_trimmed(tmp_path):
    row = deduction_row()
    row[3] = "违规公务接待 "
    book = read_workbook(card(tmp_path, row))
    issue = only(book.issues, "WHITESPACE_TRIMMED")
    assert cell_of(issue) == ("WHITESPACE_TRIMMED", "廉政监督卡", 2, "扣分事项", "违规公务接待 ")
    assert book.tables["deductions"]["item"].tolist() == ["违规公务接待"]


@covers("UNIT_SPACES_REMOVED")
def test_unit_spaces_removed(tmp_path):
    # “城关　镇” on the roster and “城关镇” in the ranking are one unit, and the note says so.
    book = read_workbook(make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(2024, "1001", unit="城关\u3000镇")],
        "综合考核排名": [ANNUAL, [2024, "城关镇", "乡镇", 1]],
    }))
    issue = only(book.issues, "UNIT_SPACES_REMOVED")
    assert cell_of(issue) == ("UNIT_SPACES_REMOVED", "干部名册", 2, "单位", "城关\u3000镇")
    assert "城关镇" in issue.message_zh
    assert book.tables["roster"]["unit"].tolist() == ["城关镇"]


@covers("VALUE_TOO_LARGE")
def test_value_too_large(tmp_path):
    book = read_workbook(card(tmp_path, deduction_row(points=1e307), deduction_row(points=100.5)), lenient=True)
    found = [cell_of(i) for i in book.issues if i.code == "VALUE_TOO_LARGE"]
    assert [f[:4] for f in found] == [("VALUE_TOO_LARGE", "廉政监督卡", 2, "扣分"), ("VALUE_TOO_LARGE", "廉政监督卡", 3, "扣分")]
    assert "超过上限 100" in only([i for i in book.issues if i.row == 3], "VALUE_TOO_LARGE").message_zh


@covers("FLAG_NORMALISED")
@pytest.mark.parametrize("typed, shown, value", [
    ("Y", "Y", True), ("n", "n", False), ("Yes", "Yes", True), ("NO", "NO", False), ("✓", "✓", True),
    ("√", "√", True), ("×", "×", False), ("✗", "✗", False), ("是的", "是的", True), (True, "TRUE", True),
    (False, "FALSE", False), (1, "1", True), (0, "0", False), ("TRUE", "TRUE", True), ("false", "false", False)])
def test_flag_normalised(tmp_path, typed, shown, value):
    path = make_workbook(tmp_path, {"大额支出": [EXPENDITURES, [2024, "甲镇", None, 5000, "采购", typed]]})
    book = read_workbook(path)
    issue = only(book.issues, "FLAG_NORMALISED")
    assert cell_of(issue) == ("FLAG_NORMALISED", "大额支出", 2, "是否会签", shown)
    assert book.tables["expenditures"]["countersigned"].tolist() == [value]


@covers("DATE_FROM_TEXT")
@pytest.mark.parametrize("typed", ["2024年3月5日", "2024/3/5", "2024.3.5", "20240305", "2024-03-05", 20240305])
def test_date_from_text(tmp_path, typed):
    row = deduction_row()
    row[2] = typed
    book = read_workbook(card(tmp_path, row))
    issue = only(book.issues, "DATE_FROM_TEXT")
    assert cell_of(issue) == ("DATE_FROM_TEXT", "廉政监督卡", 2, "日期", str(typed))
    assert book.tables["deductions"]["date"].tolist() == [dt.date(2024, 3, 5)]


@covers("DATE_FROM_SERIAL")
def test_date_from_serial(tmp_path):
    row = deduction_row()
    row[2] = 45352
    book = read_workbook(card(tmp_path, row))
    issue = only(book.issues, "DATE_FROM_SERIAL")
    assert cell_of(issue) == ("DATE_FROM_SERIAL", "廉政监督卡", 2, "日期", "45352")
    assert book.tables["deductions"]["date"].tolist() == [dt.date(2024, 3, 1)]   # Excel shows 45352 as 2024-03-01


@covers("DATE_TIME_DROPPED")
def test_date_time_dropped(tmp_path):
    row = deduction_row()
    row[2] = dt.datetime(2024, 3, 5, 14, 30)
    book = read_workbook(card(tmp_path, row))
    issue = only(book.issues, "DATE_TIME_DROPPED")
    assert cell_of(issue) == ("DATE_TIME_DROPPED", "廉政监督卡", 2, "日期", "2024-03-05 14:30:00")
    assert book.tables["deductions"]["date"].tolist() == [dt.date(2024, 3, 5)]


@covers("RANK_FROM_TEXT")
def test_rank_from_text(tmp_path):
    path = make_workbook(tmp_path, {"综合考核排名": [ANNUAL, [2024, "甲镇", "乡镇", "第1名"],
                                               [2024, "乙镇", "乡镇", "第２名"]]})
    book = read_workbook(path)
    found = [cell_of(i) for i in book.issues if i.code in ("RANK_FROM_TEXT", "FULLWIDTH_NORMALISED")]
    assert found == [("RANK_FROM_TEXT", "综合考核排名", 2, "名次", "第1名"),
                     ("FULLWIDTH_NORMALISED", "综合考核排名", 3, "名次", "第２名"),
                     ("RANK_FROM_TEXT", "综合考核排名", 3, "名次", "第２名")]
    assert book.tables["annual_ranking"]["rank"].tolist() == [1, 2]


@covers("YEAR_FROM_TEXT")
def test_year_from_text(tmp_path):
    book = read_workbook(card(tmp_path, [" 2024年度", "1001", None, "x", 2, None]))
    found = [cell_of(i) for i in book.issues if i.row == 2]
    assert found == [("WHITESPACE_TRIMMED", "廉政监督卡", 2, "年度", " 2024年度"),
                     ("YEAR_FROM_TEXT", "廉政监督卡", 2, "年度", " 2024年度")]
    assert book.tables["deductions"]["year"].tolist() == [2024]


@covers("DEDUCTION_ITEM_UNKNOWN")
def test_items_outside_the_catalogue_get_a_note(tmp_path) -> None:
    # the scorecard's deduction-item catalogue (issue 7, item 21): a note once per item, still scored
    from engine import load_scorecard, score

    rows = [DEDUCTIONS, deduction_row(2024, points=1), deduction_row(2024, points=2),
            deduction_row(2024, points=2)]
    rows[1][3], rows[2][3], rows[3][3] = "违规公务接待", "违规公务接侍", "违规公务接侍"
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()], "廉政监督卡": rows})
    result = score(read_workbook(book), load_scorecard())
    notes = [i for i in result.input_issues if i.code == "DEDUCTION_ITEM_UNKNOWN"]
    assert [(n.severity, n.sheet, n.row, n.column, n.value) for n in notes] == \
        [("note", "廉政监督卡", 3, "扣分事项", "违规公务接侍")]
    assert "共 2 行" in notes[0].message_zh and "违规公务接待" in notes[0].expected
    assert result.results[0].scores["deduction_points"] == 5.0   # still scored as entered


# --- the registry ----------------------------------------------------------------

def test_every_code_is_tested():
    assert set(CODES) - TESTED == set()


def test_every_code_is_documented_and_renders():
    for code, info in CODES.items():
        assert code.isupper() and info.zh and info.en and info.severity in ("error", "note")
        issue = make_issue(code, sheet="廉政监督卡", row=7, column="扣分", column_en="points", value="v",
                           **{k: "x" for k in ("detail", "detail_en", "count", "letter", "other_letter",
                                                "other_value", "required", "required_en", "first_row",
                                                "length", "range", "other_rows", "key_columns",
                                                "key_columns_en", "year", "rows", "unit", "roster_type",
                                                "others", "group", "group_en", "better", "normalised",
                                                "limit", "cell", "columns", "area", "how", "how_en", "suffix")})
        assert issue.message_zh.startswith(f"【{code}】") and issue.message_en.startswith(f"[{code}] ")
        assert "{" not in issue.message_zh and "{" not in issue.message_en

import test_reader_codes  # noqa: E402,F401  (issue-7 reader codes register their tests through covers)


# --- headers carrying a unit or a direction (issue 7 item 4) ----------------------------------

def _spend(tmp_path, amount_header: str, amount) -> Path:
    header = ["年度", "单位", "日期", amount_header, "事项", "是否会签"]
    return make_workbook(tmp_path, {"大额支出": [header, [2024, "甲镇", dt.date(2024, 5, 1), amount, "会议费", "否"]]},
                         name=f"{amount_header}.xlsx")


@covers("HEADER_UNIT_CONVERTED")
@pytest.mark.parametrize(("header", "amount", "yuan"), [("金额（万元）", 0.35, 3500.0), ("金额(千元)", 4.2, 4200.0)])
def test_amount_in_wan_or_qian_yuan_is_converted_with_a_note(tmp_path, header, amount, yuan):
    """Read as 元 before the fix: 0.35 万元 was 0.35 元, and a 3,500 元 payment missed the 3000 threshold."""
    book = read_workbook(_spend(tmp_path, header, amount))
    assert book.tables["expenditures"]["amount"].tolist() == [yuan]
    (issue,) = [i for i in book.issues if i.code == "HEADER_UNIT_CONVERTED"]
    assert (issue.severity, issue.sheet, issue.row, issue.column) == ("note", "大额支出", 1, "金额")
    assert "换算为元" in issue.message_zh


@covers("HEADER_UNIT_CONVERTED")
def test_ranks_counted_from_the_bottom_are_inverted(tmp_path):
    """名次（倒数）: before the fix the worst unit (倒数 1) was read as the best (名次 1)."""
    header = ["年度", "单位", "单位类别", "名次（倒数）"]
    rows = [[2024, "甲镇", "乡镇", 1], [2024, "乙镇", "乡镇", 2], [2024, "丙镇", "乡镇", 3], [2024, "丁局", "县直单位", 1]]
    book = read_workbook(make_workbook(tmp_path, {"综合考核排名": [header, *rows]}))
    assert book.tables["annual_ranking"]["rank"].tolist() == [3, 2, 1, 1]
    assert "倒数名次换算为正数名次" in only(book.issues, "HEADER_UNIT_CONVERTED").message_zh


@covers("HEADER_QUALIFIER_UNKNOWN")
def test_an_undefined_unit_is_refused_with_the_cell_named(tmp_path):
    issues = strict(_spend(tmp_path, "金额(美元)", 500))
    issue = only(issues, "HEADER_QUALIFIER_UNKNOWN")
    assert (issue.severity, issue.sheet, issue.row, issue.column, issue.value) == \
        ("error", "大额支出", 1, "金额", "金额(美元)")
    assert "带有“美元”" in issue.message_zh
    assert [i.code for i in issues if i.sheet == "大额支出"] == ["HEADER_QUALIFIER_UNKNOWN"]
    # the contract's own unit stays a plain alias
    book = read_workbook(_spend(tmp_path, "金额（元）", 500))
    assert book.tables["expenditures"]["amount"].tolist() == [500.0]
    assert [i.code for i in book.issues if i.sheet == "大额支出"] == ["HEADER_ALIAS"]


# --- what the clerk does not see: percent formats and hidden rows (issue 7 items 5 and 6) ------------

def _five_book(tmp_path: Path, *, percent: dict[str, str] = {}, hide: int | None = None, filtered: bool = False,
               card_percent: bool = False) -> Path:
    from openpyxl import Workbook as Book
    wb = Book()
    roster = wb.active
    roster.title = "干部名册"
    for r in (ROSTER, roster_row(), roster_row(leader="1002")):
        roster.append(r)
    five = wb.create_sheet("五个强化")
    for r in (FIVE, [2024, "1001", 0.95, 0.9, 80, 85, "好"], [2024, "1002", 90, 90, 80, 85, "好"]):
        five.append(r)
    for ref, fmt in percent.items():
        five[ref].number_format = fmt
    if hide:
        five.row_dimensions[hide].hidden = True
    if filtered:
        five.auto_filter.ref = "A1:G3"
        five.auto_filter.add_filter_column(1, ["1001"])
    if card_percent:
        sheet = wb.create_sheet("廉政监督卡")
        sheet.append(DEDUCTIONS)
        sheet.append([2024, "1001", None, "公款吃喝", 0.02, None])
        sheet["E2"].number_format = "0%"
    path = tmp_path / "five.xlsx"
    wb.save(path)
    return path


@covers("PERCENT_CONVERTED")
def test_percent_formatted_scores_are_read_as_shown(tmp_path):
    """95% stored as 0.95 was read as 0.95 points: TALK_REMINDER for everyone (3 → 51 leaders)."""
    book = read_workbook(_five_book(tmp_path, percent={"C2": "0%", "D2": "0.0%"}))
    row = book.tables["five_reinforcements"].iloc[0]
    assert (row["loyalty"], row["implementation"]) == (95.0, 90.0)
    notes = [(i.row, i.column, i.value) for i in book.issues if i.code == "PERCENT_CONVERTED"]
    assert notes == [(2, "对党忠诚", "95%"), (2, "贯彻决策部署", "90%")]


@covers("PERCENT_NOT_ALLOWED")
def test_percent_format_on_points_is_refused(tmp_path):
    issue = only(strict(_five_book(tmp_path, card_percent=True)), "PERCENT_NOT_ALLOWED")
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("廉政监督卡", 2, "扣分", "2%")


@covers("HIDDEN_ROW")
def test_hidden_row_is_counted_and_noted(tmp_path):
    book = read_workbook(_five_book(tmp_path, hide=3))
    assert book.tables["five_reinforcements"]["leader_id"].tolist() == ["1001", "1002"]
    issue = only(book.issues, "HIDDEN_ROW")
    assert (issue.severity, issue.sheet, issue.row) == ("note", "五个强化", 3)


@covers("FILTERED_ROW")
def test_row_hidden_by_an_active_filter_is_counted_and_noted(tmp_path):
    book = read_workbook(_five_book(tmp_path, hide=3, filtered=True))
    assert len(book.tables["five_reinforcements"]) == 2
    issue = only(book.issues, "FILTERED_ROW")
    assert (issue.sheet, issue.row) == ("五个强化", 3) and "自动筛选" in issue.message_zh

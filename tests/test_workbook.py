"""The workbook reader: tables, normalisation, modes, hostile files, issue output."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import zipfile
from pathlib import Path

import openpyxl
import pytest

from engine.input.issues import InputError
from engine.input.sheets import SECOND_WAVE, SHEETS
from engine.input.workbook import Workbook, format_issues, read_workbook, sort_issues, write_issues_xlsx
from wbtools import (DEDUCTIONS, FIVE, ROSTER, cell_of, deduction_row, encrypted_ole_bytes, header,
                     make_workbook, put_error_cell, rewrite_member, roster_row, sheet_member, valid_workbook,
                     xls_ole_bytes, xlsx_bytes)


def strict_issues(path: Path, **kwargs):
    with pytest.raises(InputError) as caught:
        read_workbook(path, **kwargs)
    return caught.value.issues


def assert_consistent(book: Workbook) -> None:
    """The lenient invariant: every data row is either kept or skipped, never both."""
    for en, table in book.tables.items():
        skipped = book.skipped_rows.get(en, [])
        assert len(table) + len(skipped) == book.rows_in_sheet[en], en
        assert not set(table["_row"]) & set(skipped), en
        assert len(set(skipped)) == len(skipped), en


# --- tables ----------------------------------------------------------------------

def test_valid_workbook_tables(tmp_path):
    path = valid_workbook(tmp_path)
    book = read_workbook(path)
    assert [i for i in book.issues if i.severity == "error"] == []
    assert book.fingerprint == hashlib.sha256(path.read_bytes()).hexdigest()
    assert set(book.tables) == {s.en for s in SHEETS}
    assert book.absent_sheets == [] and book.extra_sheets == [] and book.skipped_rows == {}
    for spec in SHEETS:
        assert list(book.tables[spec.en].columns) == [c.en for c in spec.columns] + ["_row"]
    roster = book.tables["roster"]
    assert roster["_row"].tolist() == [2, 3, 4]
    assert roster.iloc[0].to_dict() == {
        "year": 2024, "leader_id": "1001", "name": "张三", "unit": "甲镇", "unit_type": "乡镇", "title": "党委书记",
        "is_top": True, "post_since": dt.date(2020, 3, 1), "post_kind": "普通", "middle_level": False,
        "probation_end": None, "_row": 2}
    assert str(roster["year"].dtype) == "int64" and str(roster["is_top"].dtype) == "bool"
    assert book.tables["five_reinforcements"].iloc[0][["loyalty", "implementation", "integrity"]].tolist() == \
        [90.0, "好", "较好"]
    assert book.tables["expenditures"]["amount"].tolist() == [5000.0]
    assert book.rows_in_sheet == {"roster": 3, "deductions": 2, "annual_ranking": 3, "image_ranking": 4,
                                  "portfolios": 1, "expenditures": 1, "five_reinforcements": 1,
                                  **{spec.en: 1 for spec in SECOND_WAVE}}
    # the second-wave kinds: dates as dates, a blank end as None, flags as bools, a test score as a number
    posts = book.tables["posts"].iloc[0]
    assert (posts["start"], posts["end"], posts["office_head"]) == (dt.date(2019, 7, 1), None, True)
    assert book.tables["promotions"]["test_score"].tolist() == [88.0]
    assert book.tables["integrity_reviews"].iloc[0][["reception", "vehicles", "conclusion"]].tolist() == \
        ["好", 90.0, "合格"]


def test_types_of_each_kind(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, [2024.0, 1001.0, dt.date(2024, 1, 2), 7, 0.25, None]]})
    row = read_workbook(path).tables["deductions"].iloc[0].to_dict()
    assert row == {"year": 2024, "leader_id": "1001", "date": dt.date(2024, 1, 2), "item": "7", "points": 0.25,
                   "note": None, "_row": 2}
    assert type(row["year"]) is int and type(row["leader_id"]) is str


def test_id_typed_as_text_keeps_leading_zeros_and_text(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row(leader="0012"),
                                               deduction_row(leader="1001.0")]})
    assert read_workbook(path).tables["deductions"]["leader_id"].tolist() == ["0012", "1001.0"]


def test_optional_column_absent_is_all_none(tmp_path):
    cols = [h for h in ROSTER if h != "试用期满日期"]
    path = make_workbook(tmp_path, {"干部名册": [cols, roster_row()[:10]]})
    table = read_workbook(path).tables["roster"]
    assert table["probation_end"].tolist() == [None]


def test_blank_rows_are_ignored_and_row_numbers_follow_excel(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row(), [], [None, "  "],
                                               deduction_row(points=3), []]})
    book = read_workbook(path)
    assert book.tables["deductions"]["_row"].tolist() == [2, 5]
    assert book.rows_in_sheet["deductions"] == 2


def test_header_not_in_column_a(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [[None, *DEDUCTIONS], [None, *deduction_row()]]})
    assert read_workbook(path).tables["deductions"]["points"].tolist() == [2.0]


def test_sheet_and_header_matching_ignores_space_width_and_case(tmp_path):
    cols = [" 年 度 ", "leader_ID", "日期", "扣分事项\u3000", "ＰＯＩＮＴＳ", "Note"]
    path = make_workbook(tmp_path, {" Deductions ": [cols, deduction_row()]})
    book = read_workbook(path)
    assert book.tables["deductions"]["points"].tolist() == [2.0]
    assert book.absent_sheets == ["roster", "annual_ranking", "image_ranking", "portfolios", "expenditures",
                                  "five_reinforcements", *(s.en for s in SECOND_WAVE)]


def test_english_headers_everywhere(tmp_path):
    path = make_workbook(tmp_path, {"roster": [header("roster", "en"), roster_row()]})
    assert read_workbook(path).tables["roster"]["name"].tolist() == ["张三"]


def test_reading_is_deterministic(tmp_path):
    path = make_workbook(tmp_path, {
        "廉政监督卡": [DEDUCTIONS, deduction_row(points="１"), deduction_row(points=-1), deduction_row(leader=" 7 ")],
        "干部名册": [ROSTER, roster_row(), roster_row()],
    })
    first = read_workbook(path, lenient=True)
    second = read_workbook(path, lenient=True)
    assert first.issues == second.issues
    for en in first.tables:
        assert first.tables[en].equals(second.tables[en])


def test_issues_sorted_by_contract_sheet_order_then_row_column_code(tmp_path):
    path = make_workbook(tmp_path, {
        "廉政监督卡": [DEDUCTIONS, deduction_row(points=-1), [2024, None, None, None, "x", None]],
        "干部名册": [ROSTER, roster_row(is_top="也许")],
    })
    issues = [i for i in strict_issues(path) if i.severity == "error"]
    assert [(i.sheet, i.row, i.column, i.code) for i in issues] == [
        ("干部名册", 2, "是否一把手", "BAD_FLAG"),
        ("廉政监督卡", 2, "扣分", "NEGATIVE_POINTS"),
        ("廉政监督卡", 3, "干部编号", "MISSING_VALUE"),
        ("廉政监督卡", 3, "扣分事项", "MISSING_VALUE"),
        ("廉政监督卡", 3, "扣分", "NOT_A_NUMBER"),
    ]
    assert sort_issues(list(reversed(issues))) == issues


# --- strict and lenient ------------------------------------------------------------

def test_strict_collects_every_problem_of_every_sheet_before_raising(tmp_path):
    path = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(unit_type="街道")],
        "廉政监督卡": [DEDUCTIONS, deduction_row(points=-1), deduction_row(points="x")],
        "五个强化": [FIVE, [2024, "1001", 120, 90, 90, 90, 90]],
    })
    issues = strict_issues(path)
    assert sorted(i.code for i in issues if i.severity == "error") == \
        ["BAD_CHOICE", "NEGATIVE_POINTS", "NOT_A_NUMBER", "SCORE_OUT_OF_RANGE"]


def test_lenient_drops_bad_rows_and_keeps_notes(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row(points="２"), deduction_row(points=-1),
                                               deduction_row(points=3)]})
    book = read_workbook(path, lenient=True)
    assert book.tables["deductions"]["_row"].tolist() == [2, 4]
    assert book.skipped_rows == {"deductions": [3]}
    assert [(i.code, i.severity, i.row) for i in book.issues if i.sheet == "廉政监督卡"] == [
        ("FULLWIDTH_NORMALISED", "note", 2), ("NEGATIVE_POINTS", "error", 3)]
    assert_consistent(book)


def test_lenient_structural_error_skips_the_whole_sheet(tmp_path):
    cols = [h for h in DEDUCTIONS if h != "扣分"]
    path = make_workbook(tmp_path, {"廉政监督卡": [cols, [2024, "1001", None, "x", None], [2024, "1002", None, "y", None]],
                                    "干部名册": [ROSTER, roster_row(), roster_row(leader="1002")]})
    book = read_workbook(path, lenient=True)
    assert book.skipped_rows == {"deductions": [2, 3]}
    assert len(book.tables["deductions"]) == 0 and len(book.tables["roster"]) == 2
    assert_consistent(book)


def test_lenient_duplicate_key_drops_both_rows(tmp_path):
    path = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(), roster_row(leader="1002"), roster_row()]})
    book = read_workbook(path, lenient=True)
    assert book.skipped_rows == {"roster": [2, 4]}
    assert book.tables["roster"]["leader_id"].tolist() == ["1002"]
    assert_consistent(book)


def test_fatal_errors_stop_lenient_mode_too(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"a,b\n1,2\n")
    with pytest.raises(InputError):
        read_workbook(path, lenient=True)


def test_lenient_invariant_on_a_messy_workbook(tmp_path):
    rng = random.Random(7)
    junk = [None, "", " ", "x", -1, 0, 1.234, "２", "第3名", True, dt.date(2024, 1, 1), "=1+1", 10 ** 20]
    sheets = {}
    for spec in SHEETS:
        rows = [[c.zh for c in spec.columns]]
        for _ in range(30):
            rows.append([rng.choice(junk) for _ in spec.columns])
        sheets[spec.zh] = rows
    sheets["干部名册"] += [roster_row(), roster_row()]
    book = read_workbook(make_workbook(tmp_path, sheets), lenient=True)
    assert_consistent(book)
    assert any(book.skipped_rows.values())


# --- hostile files --------------------------------------------------------------------

def hostile(tmp_path: Path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    issues = strict_issues(path)
    assert len(issues) == 1
    issue = issues[0]
    assert (issue.code, issue.severity, issue.sheet, issue.row) == ("NOT_XLSX", "error", None, None)
    return issue


def test_renamed_csv(tmp_path):
    issue = hostile(tmp_path, "名册.xlsx", "年度,干部编号\n2024,1001\n".encode())
    assert issue.value == "csv"
    assert issue.message_zh == ("【NOT_XLSX】文件“名册.xlsx”不是有效的 .xlsx 工作簿：这是文本/CSV 文件，只是扩展名是 .xlsx，"
                                "不是 Excel 工作簿：用 Excel 或 WPS 表格打开它，选“文件 → 另存为”，保存类型选“Excel 工作簿（*.xlsx）”，"
                                "再用新文件运行。")


def test_renamed_gbk_csv(tmp_path):
    assert hostile(tmp_path, "a.xlsx", "年度,姓名\n2024,张三\n".encode("gbk")).value == "csv"


def test_old_xls(tmp_path):
    issue = hostile(tmp_path, "old.xls", xls_ole_bytes())
    assert issue.value == "xls" and "Excel 97-2003" in issue.message_zh


def test_encrypted_xlsx(tmp_path):
    issue = hostile(tmp_path, "secret.xlsx", encrypted_ole_bytes())
    assert issue.value == "encrypted" and "密码" in issue.message_zh


def test_random_bytes(tmp_path):
    data = random.Random(1).randbytes(5000)
    assert hostile(tmp_path, "noise.xlsx", data).value == "unknown"


def test_empty_file(tmp_path):
    assert hostile(tmp_path, "empty.xlsx", b"").value == "empty"


def test_html_disguised_as_excel(tmp_path):
    assert hostile(tmp_path, "export.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>").value == "html"


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_zip(tmp_path, keep):
    data = xlsx_bytes({"廉政监督卡": [DEDUCTIONS, deduction_row()]})
    issue = hostile(tmp_path, "cut.xlsx", data[: int(len(data) * keep)])
    assert issue.value == "corrupt"


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    issue = strict_issues(path)[0]
    assert (issue.code, issue.value) == ("NOT_XLSX", "zip")


def test_ods(tmp_path):
    path = tmp_path / "a.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    assert strict_issues(path)[0].value == "ods"


def test_corrupt_sheet_member(tmp_path):
    data = bytearray(xlsx_bytes({"廉政监督卡": [DEDUCTIONS] + [deduction_row() for _ in range(200)]}))
    start = data.find(b"xl/worksheets/sheet1.xml") + 40   # inside the member's compressed data
    for i in range(start, start + 64):
        data[i] ^= 0xFF
    path = tmp_path / "bad.xlsx"
    path.write_bytes(bytes(data))
    errors = [i for i in strict_issues(path) if i.severity == "error"]
    assert [(i.code, i.value) for i in errors] == [("NOT_XLSX", "corrupt")]


def test_header_only_workbook_is_valid_with_notes(tmp_path):
    book = read_workbook(make_workbook(tmp_path, {s.zh: [[c.zh for c in s.columns]] for s in SHEETS}))
    assert {i.code for i in book.issues} == {"NO_DATA_ROWS"}
    assert all(len(t) == 0 for t in book.tables.values())


def test_wide_and_long_text_are_clean_errors(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS + [f"c{i}" for i in range(995)],
                                               deduction_row()[:5] + ["x" * 5000]]})
    assert [i.code for i in strict_issues(path) if i.severity == "error"] == ["TOO_MANY_COLUMNS"]
    assert read_workbook(path, max_columns=1001, lenient=True).skipped_rows == {"deductions": [2]}


def test_input_file_is_not_modified(tmp_path):
    good = valid_workbook(tmp_path, "good.xlsx")
    bad = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row(points="=1+1")]}, name="bad.xlsx")
    put_error_cell(bad, "廉政监督卡", "A2")
    old = 1_600_000_000
    for path in (good, bad):
        os.utime(path, (old, old))
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        for lenient in (False, True):
            try:
                read_workbook(path, lenient=lenient)
            except InputError:
                pass
        assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.xlsx", "good.xlsx"]


# --- presenting issues --------------------------------------------------------------------

def some_issues(tmp_path: Path):
    """Errors: NEGATIVE_POINTS (row 2) and a formula without value (row 3); note: full-width ３."""
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row(points=-2),
                                               [2024, "=HYPERLINK(\"x\")", None, "x", "３", None]]})
    return strict_issues(path)


def test_format_issues_table(tmp_path):
    text = format_issues(some_issues(tmp_path))
    lines = text.splitlines()
    assert lines[0].split() == ["级别", "工作表", "行", "列", "值", "代码", "说明"]
    assert any("NEGATIVE_POINTS" in line and "廉政监督卡" in line and "扣分必须为大于 0 的数" in line for line in lines)
    assert lines[-1] == "共 2 个错误，17 条提示。"   # 6 + 10 absent sheets (SHEET_ABSENT) and the full-width ３
    english = format_issues(some_issues(tmp_path), lang="en")
    assert english.splitlines()[0].split()[:3] == ["Severity", "Sheet", "Row"]
    assert "points must be greater than 0" in english
    assert format_issues([]) == "没有发现数据问题。"


def test_write_issues_xlsx(tmp_path):
    issues = some_issues(tmp_path)
    out = tmp_path / "数据问题.xlsx"
    write_issues_xlsx(issues, out)
    sheet = openpyxl.load_workbook(out)["数据问题"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("级别", "代码", "工作表", "行", "列", "值", "应为", "说明", "说明（英文）")
    assert len(rows) == len(issues) + 1
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == f"A1:I{len(issues) + 1}"
    assert sheet.column_dimensions["H"].width == 80
    values = [r[5] for r in rows[1:]]
    assert "'=HYPERLINK(\"x\")" in values and "'-2" in values     # escaped, shown as typed text
    for row in rows[1:]:
        for cell in row:
            assert not (isinstance(cell, str) and cell[:1] in "=+-@"), row
    assert ("错误", "NEGATIVE_POINTS", "廉政监督卡", 2, "扣分", "'-2") == rows[1 + [i.code for i in issues].index(
        "NEGATIVE_POINTS")][:6]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_formula_with_cached_empty_string_is_a_blank_cell(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row()[:5] + ["=\"\""]]})
    member = sheet_member(path, "廉政监督卡")
    rewrite_member(path, member, lambda d: d.replace(b'<c r="F2"><f>""</f><v /></c>',
                                                     b'<c r="F2" t="str"><f>""</f><v></v></c>'))
    rewrite_member(path, "xl/workbook.xml", lambda d: d.replace(b' fullCalcOnLoad="1"', b""))
    book = read_workbook(path)
    assert book.tables["deductions"]["note"].tolist() == [None]


def test_error_cell_in_optional_column_is_still_an_error(tmp_path):
    path = make_workbook(tmp_path, {"廉政监督卡": [DEDUCTIONS, deduction_row()[:5] + ["x"]]})
    put_error_cell(path, "廉政监督卡", "F2", "#N/A")
    issues = [i for i in strict_issues(path) if i.severity == "error"]
    assert [cell_of(i) for i in issues] == [("CELL_ERROR", "廉政监督卡", 2, "说明", "#N/A")]


def test_write_issues_xlsx_is_byte_stable_and_readable_by_others(tmp_path):
    issues = some_issues(tmp_path)
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    write_issues_xlsx(issues, first)
    write_issues_xlsx(issues, second)
    assert first.read_bytes() == second.read_bytes()
    mask = os.umask(0)
    os.umask(mask)
    assert first.stat().st_mode & 0o777 == 0o666 & ~mask     # the user's umask, not a private 0600 file

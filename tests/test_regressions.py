"""Regression tests for defects found in review (each was a failing test before its fix).

Each asserts the behaviour SPEC.md / the open issues ask for.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from engine import load_scorecard, read_workbook, score
from engine.cli import main
from engine.output.explain import explain_leader
from engine.input.issues import InputError
from engine.rules.load import RuleFileError
from engine.output.report import BASIS_HEADERS, DETAIL_HEADERS, build_report
from wbtools import (ANNUAL, DEDUCTIONS, EXPENDITURES, FIVE, IMAGE, ROSTER, deduction_row, make_workbook,
                     roster_row)


def _run_cli(tmp_path: Path, book: Path) -> int:
    return main(["run", str(book), "--json", str(tmp_path / "r.json"), "--out", str(tmp_path / "r.xlsx")])


def _score(path: Path, years=None, **overrides):
    return score(read_workbook(path), load_scorecard(overrides=overrides or None), years=years)


def _all_cells(wb):
    return [(ws.title, v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row
            if v is not None]


# ---------------------------------------------------------------------------
# 1. Valid numbers crash durable_rules (exit 4): exponent-notation JSON numbers
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("sheet,row", [
    ("五个强化", [2024, "1001", 0.00001, 90, 90, 90, 90]),                       # a 0-100 score
    ("大额支出", [2024, "甲镇", dt.date(2024, 5, 1), 0.00001, "邮费", "是"]),    # an amount >= 0
    ("大额支出", [2024, "甲镇", dt.date(2024, 5, 1), 5e11, "工程款", "否"]),     # a huge amount under the limit
], ids=["five-score-1e-05", "amount-1e-05", "amount-5e11"])
def test_exponent_notation_numbers_do_not_crash_the_rule_engine(tmp_path, sheet, row):
    header = FIVE if sheet == "五个强化" else EXPENDITURES
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001", "甲镇")], sheet: [header, row]})
    assert _run_cli(tmp_path, book) == 0


# ---------------------------------------------------------------------------
# 2. Huge deduction points: OverflowError in validate._two_decimals (exit 4)
# ---------------------------------------------------------------------------

def test_huge_deduction_points_give_an_input_issue_not_a_crash(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(2024, "1001", 1e307)]})
    with pytest.raises(InputError) as raised:
        read_workbook(book)
    errors = [(i.code, i.sheet, i.row, i.column) for i in raised.value.issues if i.severity == "error"]
    assert errors == [("VALUE_TOO_LARGE", "廉政监督卡", 2, "扣分")]


# ---------------------------------------------------------------------------
# 3. explain labels every workbook fact as "由规则推出的结论"
# ---------------------------------------------------------------------------

def test_explain_describes_workbook_facts_with_their_catalogue_meaning(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(points=4)]})
    result = _score(book)
    text = explain_leader(result, result.results[0])
    line = next(line for line in text.splitlines() if line.strip().startswith("条件："))
    assert "当年扣分 4 ≥ 4" in line and "deduction_points" not in line


# ---------------------------------------------------------------------------
# 4. Unit-level consequences of a unit without a 一把手 on the roster vanish from the report
# ---------------------------------------------------------------------------

def test_unit_consequence_without_top_leader_is_visible_in_the_report(tmp_path):
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(2024, "1001", "甲镇"),
                 roster_row(2024, "1002", "乙局", "县直单位", is_top="否")],
        "大额支出": [EXPENDITURES, [2024, "乙局", dt.date(2024, 5, 1), 5000, "采购", "否"],
                 [2024, "丁局", dt.date(2024, 5, 1), 9000, "采购", "否"]],   # 丁局 is on no roster at all
        "形象测评": [IMAGE, [2024, 1, "甲镇", 1], [2024, 1, "乙局", 2]],         # 乙局 last: 通报批评 (the unit)
    })
    result = _score(book)
    assert result.unmatched.get("unit_without_top_leader"), "precondition: the engine knows"
    texts = [str(v) for _, v in _all_cells(build_report(result))]
    for unit in ("乙局", "丁局"):
        assert any(unit in t and ("COUNTERSIGN" in t or "会签" in t) for t in texts) or \
            any(unit in (i.value or "") + (i.message_zh or "") for i in result.input_issues), unit
    assert any("乙局" in t and ("CIRCULATE_CRITICISM" in t or "通报批评" in t) for t in texts)


# ---------------------------------------------------------------------------
# 5. A 一把手 whose unit is not found in the year's ranking: elimination silently skipped
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("roster_unit", ["城关\u3000镇", "城关 镇", "城关\u00a0镇", "城关\u200b镇"],
                         ids=["ideographic-space", "space", "nbsp", "zero-width"])
def test_top_leader_unit_missing_from_ranking_is_not_silent(tmp_path, roster_unit):
    # 城关镇 is last of three townships (b = 1): its 一把手 must be eliminated, or at least told why not.
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(2024, "1001", roster_unit), roster_row(2024, "1002", "乙镇"),
                 roster_row(2024, "1003", "丙镇")],
        "综合考核排名": [ANNUAL, [2024, "乙镇", "乡镇", 1], [2024, "丙镇", "乡镇", 2], [2024, "城关镇", "乡镇", 3]],
    })
    result = _score(book)
    leader = next(r for r in result.results if r.leader_id == "1001")
    fired = {c.code for c in leader.consequences}
    noted = any(n["family"].startswith("elimination") for n in leader.not_evaluated)
    flagged = any(i.code not in ("SHEET_ABSENT", "FULLWIDTH_NORMALISED", "WHITESPACE_TRIMMED")
                  for i in result.input_issues)
    assert "ELIMINATION_ADJUST_POST" in fired or noted or flagged


def test_top_leader_unit_absent_from_ranking_gets_a_not_evaluated_note(tmp_path):
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(2024, "1001", "甲镇"), roster_row(2024, "1002", "乙镇")],
        "综合考核排名": [ANNUAL, [2024, "乙镇", "乡镇", 1]],
    })
    leader = next(r for r in _score(book).results if r.leader_id == "1001")
    assert any(n["family"].startswith("elimination") for n in leader.not_evaluated)


# ---------------------------------------------------------------------------
# 6. Two-year elimination window reaching before the ranking data: no note
# ---------------------------------------------------------------------------

def test_two_year_elimination_window_without_previous_ranking_says_why(tmp_path):
    # 2024 is the first year in the workbook; 甲镇 is second-last (b = 2, in the township two-year band).
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER] + [roster_row(2024, f"10{i}", u) for i, u in enumerate(("甲镇", "乙镇", "丙镇"))],
        "综合考核排名": [ANNUAL, [2024, "丙镇", "乡镇", 1], [2024, "甲镇", "乡镇", 2], [2024, "乙镇", "乡镇", 3]],
    })
    leader = next(r for r in _score(book).results if r.unit == "甲镇")
    assert leader.scores["bottom_position"] == 2 and leader.scores["bottom_position_prev"] is None
    assert any(n["family"].startswith("elimination") for n in leader.not_evaluated)


# ---------------------------------------------------------------------------
# 7. Non-finite parameter overrides are accepted
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("value", [float("inf"), float("nan")])
def test_non_finite_parameter_override_is_a_rule_file_error(value):
    with pytest.raises(RuleFileError):
        load_scorecard(overrides={"card.disqualify_awards": value})


# ---------------------------------------------------------------------------
# 8. Excel 触发依据 明细 silently truncated at Excel's cell limit
# ---------------------------------------------------------------------------

def test_basis_detail_cell_is_not_silently_truncated(tmp_path):
    rows = [[2024, "甲镇", dt.date(2024, 5, 1), 5000 + i, f"办公设备采购（第{i}批）", "否"] for i in range(400)]
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()], "大额支出": [EXPENDITURES, *rows]})
    ws = build_report(_score(book))["触发依据"]
    col = BASIS_HEADERS.index("依据记录（工作表 第几行）")
    cells = [row[col] for row in ws.iter_rows(min_row=2, values_only=True) if row[col]]
    assert cells and all("大额支出 第401行" in c or c.endswith("其余记录见 JSON 结果（evidence）") for c in cells)


# ---------------------------------------------------------------------------
# 9. Chinese report shows internal family ids in 未评估
# ---------------------------------------------------------------------------

def test_not_evaluated_column_is_chinese(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row()]})
    ws = build_report(_score(book))["结果明细"]
    col = DETAIL_HEADERS.index("未评估")
    values = [row[col] for row in ws.iter_rows(min_row=2, values_only=True) if row[col]]
    assert values and not any("card." in v for v in values)


# ---------------------------------------------------------------------------
# 10. explain omits the rows behind COUNTERSIGN_MISSING
# ---------------------------------------------------------------------------

def test_explain_countersign_names_the_excel_rows(tmp_path):
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row()],
        "大额支出": [EXPENDITURES, [2024, "甲镇", dt.date(2024, 5, 1), 2000, "办公", "否"],
                 [2024, "甲镇", dt.date(2024, 6, 1), 7000, "设备", "否"]],   # Excel row 3
    })
    result = _score(book)
    text = explain_leader(result, result.results[0])
    assert "COUNTERSIGN_MISSING" in text
    section = text.split("COUNTERSIGN_MISSING", 1)[1]
    basis = section.split("来源", 1)[0]
    assert re.search(r"第\s*3\s*行|row\W{0,4}3\b", basis), basis

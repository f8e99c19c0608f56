"""Regression tests from the second review: following the README and using the outputs as a person would.

Each asserts the correct behaviour; each failed before its fix.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tempfile
from pathlib import Path

import openpyxl
import pytest
import yaml

import engine.cli as cli
from engine import load_scorecard, read_workbook, score
from engine.cli import main
from engine.output.explain import explain_leader
from engine.rules.load import check_source, parse_model
from engine.rules.model import Rule
from engine.output.report import BASIS_HEADERS, build_report
from wbtools import (ANNUAL, DEDUCTIONS, FIVE, IMAGE, PORTFOLIOS, ROSTER, deduction_row, make_workbook, roster_row)

ROOT = Path(__file__).resolve().parent.parent


def _score(path: Path, years=None, **overrides):
    return score(read_workbook(path), load_scorecard(overrides=overrides or None), years=years)


def _bad_book(directory: Path) -> Path:
    """One negative deduction: an input error (exit 1)."""
    return make_workbook(directory, {"干部名册": [ROSTER, roster_row()],
                                     "廉政监督卡": [DEDUCTIONS, deduction_row(points=-2)]}, name="bad.xlsx")


def _deny_writes_in(monkeypatch, folder: Path) -> None:
    """Simulate a folder the user cannot write (root ignores chmod, so patch the temp-file call)."""
    real = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if Path(kwargs.get("dir", "")).resolve() == folder.resolve():
            raise PermissionError(13, "Permission denied", str(folder))
        return real(*args, **kwargs)

    monkeypatch.setattr(cli.tempfile, "mkstemp", mkstemp)


# ---------------------------------------------------------------------------
# 1. explain / diff / sweep on a workbook with input errors: exit 1 and print nothing at all
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [["explain"], ["diff", "--set", "card.disqualify_awards=5"],
                                  ["sweep", "card.disqualify_awards", "3", "4"]],
                         ids=["explain", "diff", "sweep"])
def test_every_command_lists_the_input_problems(tmp_path, capsys, args):
    book = _bad_book(tmp_path)
    assert main([args[0], str(book), *args[1:]]) == 1
    captured = capsys.readouterr()
    assert "NEGATIVE_POINTS" in captured.err + captured.out


# ---------------------------------------------------------------------------
# 2. Input errors in a folder the user cannot write: exit 4 "internal error", problem list never shown
# ---------------------------------------------------------------------------

def test_input_problems_are_shown_even_if_the_problem_file_cannot_be_written(tmp_path, monkeypatch, capsys):
    src = tmp_path / "share"
    src.mkdir()
    book = _bad_book(src)
    out = tmp_path / "out"
    _deny_writes_in(monkeypatch, src)
    rc = main(["run", str(book), "--out", str(out / "r.xlsx"), "--json", str(out / "r.json")])
    err = capsys.readouterr().err
    assert rc == 1
    assert "NEGATIVE_POINTS" in err and "内部错误" not in err


def test_validate_in_a_read_only_folder_still_validates(tmp_path, monkeypatch, capsys):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()]})   # valid; notes (absent sheets) only
    _deny_writes_in(monkeypatch, tmp_path)
    assert main(["validate", str(book)]) == 0
    assert "内部错误" not in capsys.readouterr().err


# ---------------------------------------------------------------------------
# 3. Output folder not writable: exit 4 "please report to the maintainer" instead of a clear usage error
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["run", "template"])
def test_unwritable_output_folder_is_a_clear_error_not_an_internal_one(tmp_path, monkeypatch, capsys, command):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()]})
    locked = tmp_path / "locked"
    locked.mkdir()
    _deny_writes_in(monkeypatch, locked)
    argv = (["run", str(book), "--out", str(locked / "r.xlsx"), "--json", str(locked / "r.json")]
            if command == "run" else ["template", str(locked / "t.xlsx")])
    rc = main(argv)
    err = capsys.readouterr().err
    assert rc == 2
    assert str(locked) in err and "内部错误" not in err


# ---------------------------------------------------------------------------
# 4. Outputs are created 0600 whatever the umask (mkstemp), unlike the input and every other file
# ---------------------------------------------------------------------------

def test_outputs_get_the_usual_file_mode(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()]})
    old = os.umask(0o022)
    try:
        assert main(["run", str(book)]) == 0
    finally:
        os.umask(old)
    for name in ("input_2024_评分结果.xlsx", "input_2024_results.json"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644, name


# ---------------------------------------------------------------------------
# 5. Header-only sheets (exactly what the blank template gives) and leaders missing from 五个强化:
#    the rules are silently skipped, no 未评估 note, unlike an absent sheet
# ---------------------------------------------------------------------------

def test_header_only_sheets_are_not_evaluated_like_absent_sheets(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()], "形象测评": [IMAGE], "五个强化": [FIVE]})
    leader = _score(book).results[0]
    families = {n["family"] for n in leader.not_evaluated}
    assert {"image", "five"} <= families, families


def test_leader_missing_from_five_reinforcements_is_marked_not_evaluated(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(), roster_row(leader="1002", is_top="否")],
                                    "五个强化": [FIVE, [2024, "1001", 90, 90, 90, 90, 90]]})
    leader = next(r for r in _score(book).results if r.leader_id == "1002")
    assert leader.scores["five_reinforcements"] is None
    assert any(n["family"] == "five" for n in leader.not_evaluated)


# ---------------------------------------------------------------------------
# 6. 汇总: the count row of DIRECT_CHARGE_VIOLATION carries one category's label for all categories
# ---------------------------------------------------------------------------

def test_summary_label_of_direct_charge_is_not_one_category(tmp_path):
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row(2024, "1001", "甲镇"), roster_row(2024, "1002", "乙镇", name="李四")],
        "分工": [PORTFOLIOS, [2024, "1001", "财务"], [2024, "1002", "干部人事"]],
    })
    ws = build_report(_score(book))["汇总"]
    labels = [row[1] for row in ws.iter_rows(values_only=True) if row[0] == "DIRECT_CHARGE_VIOLATION"]
    unit_header = next(row for row in ws.iter_rows(values_only=True) if row[:2] == ("年度", "单位"))
    headers = [v for v in unit_header if isinstance(v, str) and v.startswith("违反")]
    assert labels and headers
    for text in labels + headers:
        assert not any(cat in text for cat in ("财务", "干部人事")), text


# ---------------------------------------------------------------------------
# 7. The Chinese report prints JSON booleans (true/false) where explain prints 是/否
# ---------------------------------------------------------------------------

def test_report_shows_booleans_in_chinese(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()]})
    wb = build_report(_score(book))
    tenure = next(row for row in wb["参数"].iter_rows(values_only=True) if row[0] == "elimination.require_tenure")
    assert tenure[1] not in ("true", "false") and tenure[4] not in ("true", "false")
    facts = " ".join(_sample_basis_facts())
    assert "true" not in facts and "false" not in facts and "：是" in facts


def _sample_basis_facts() -> list[str]:
    result = _score(ROOT / "scorecards" / "samples" / "sample_county.xlsx")
    col = BASIS_HEADERS.index("命中条件（含数值）")
    return [row[col] or "" for row in build_report(result)["触发依据"].iter_rows(min_row=2, values_only=True)]


# ---------------------------------------------------------------------------
# 8. explain: a TALK_REMINDER fired by a grade hides the grade and the (local) grade map that made it fire
# ---------------------------------------------------------------------------

def test_explain_talk_reminder_from_a_grade_names_the_grade_and_the_grade_map(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row()],
                                    "五个强化": [FIVE, [2024, "1001", 90, 90, 90, "差", 90]]})
    result = _score(book)
    text = explain_leader(result, result.results[0])
    section = text.split("TALK_REMINDER", 1)[1]
    assert "差" in section and "five.grades" in section and "本地参数" in section.split("five.grades", 1)[1][:200]


# ---------------------------------------------------------------------------
# 9. explain: parameters of a concluded fact are shown without provenance
# ---------------------------------------------------------------------------

def test_explain_derived_parameters_carry_provenance(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2024, "1001", "甲镇"),
                                             roster_row(2024, "1002", "乙镇", name="李四")],
                                    "综合考核排名": [ANNUAL,
                                               [2024, "乙镇", "乡镇", 1], [2024, "甲镇", "乡镇", 2]]})
    result = _score(book)
    leader = next(r for r in result.results if r.leader_id == "1001")
    line = next(ln for ln in explain_leader(result, leader).splitlines()
                if "elimination.township.single_year" in ln and "参数：" in ln)
    assert "文件依据" in line, line


# ---------------------------------------------------------------------------
# 10. explain: 诫勉 does not say which earlier round was also in the bottom three
# ---------------------------------------------------------------------------

def test_explain_admonition_names_the_previous_round(tmp_path):
    units = ["甲局", "乙局", "丙局", "丁局", "戊局"]
    roster = [ROSTER] + [roster_row(y, f"10{i}", u, "县直单位", name=f"干部{i}")
                         for y in (2023, 2024) for i, u in enumerate(units)]
    image = [IMAGE] + [[y, r, u, i + 1] for y, r in ((2023, 1), (2023, 2), (2024, 1)) for i, u in enumerate(units)]
    book = make_workbook(tmp_path, {"干部名册": roster, "形象测评": image})
    result = _score(book, years=[2024])
    leader = next(r for r in result.results if r.unit == "戊局")   # last in 2023/2 and 2024/1
    text = explain_leader(result, leader)
    section = text.split("ADMONITION", 1)[1].split("来源", 1)[0]
    assert "2023" in section, section


# ---------------------------------------------------------------------------
# 11. --lenient: the terminal summary does not say that rows were skipped
# ---------------------------------------------------------------------------

def test_lenient_summary_line_mentions_skipped_errors(tmp_path, capsys):
    book = _bad_book(tmp_path)
    assert main(["run", str(book), "--lenient"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"1\s*(个|条)?\s*错误|跳过\s*1", out), out


# ---------------------------------------------------------------------------
# 12. README's rule-file example does not load (its quote is elided with ……)
# ---------------------------------------------------------------------------

def test_readme_rule_example_passes_the_verbatim_quote_check():
    block = re.search(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S).group(1)
    path = ROOT / "rules" / "CARD_DEMOTE.yaml"
    check_source(path, parse_model(path, Rule, yaml.safe_load(block)))


# ---------------------------------------------------------------------------
# 13. Blank template: 干部编号 cells are General, so Excel turns 0012 into 12
# ---------------------------------------------------------------------------

def test_template_leader_id_columns_are_text(tmp_path):
    out = tmp_path / "t.xlsx"
    assert main(["template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    for name in ("干部名册", "廉政监督卡", "分工", "五个强化"):
        ws = wb[name]
        col = next(c.column_letter for c in ws[1] if c.value == "干部编号")
        assert ws.column_dimensions[col].number_format == "@", name  # the column's style: new cells are text


# ---------------------------------------------------------------------------
# 14. 汇总: the single assessed year is stored as text
# ---------------------------------------------------------------------------

def test_summary_year_is_a_number(tmp_path):
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(2025)]})
    ws = build_report(_score(book))["汇总"]
    row = next(r for r in ws.iter_rows() if r[0].value == "年度")
    assert isinstance(row[1].value, int)


def test_blank_template_filled_by_hand_reads_back_cleanly(tmp_path):
    """Not a defect: the template, filled with a few typed rows, validates with no error (kept as a guard)."""
    out = tmp_path / "t.xlsx"
    assert main(["template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    wb["干部名册"].append([2025, 1001, "张三", "甲镇", "乡镇", "党委书记", "是", dt.datetime(2021, 3, 1), "普通", "否"])
    wb["廉政监督卡"].append([2025, 1001, dt.datetime(2025, 3, 1), "违规公务接待", 4, None])
    wb.save(tmp_path / "filled.xlsx")
    assert main(["validate", str(tmp_path / "filled.xlsx")]) == 0

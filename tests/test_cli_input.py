"""The CLI on generated workbooks: strict vs lenient, exit codes, nothing half-written."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import openpyxl

from engine.cli import main
from wbtools import ANNUAL, DEDUCTIONS, EXPENDITURES, ROSTER, deduction_row, make_workbook, roster_row


def _roster(*rows):
    return [ROSTER, *rows]


def _three_year_card(tmp_path: Path, bad_points="-2") -> Path:
    """Leader 1001 on the roster 2023–2025; one 2024 deduction typed as a negative number."""
    return make_workbook(tmp_path, {
        "干部名册": _roster(*(roster_row(y, "1001") for y in (2023, 2024, 2025)),
                         *(roster_row(y, "1002", unit="乙镇", name="李四") for y in (2023, 2024, 2025))),
        "廉政监督卡": [DEDUCTIONS, deduction_row(2023, "1001", 5), deduction_row(2024, "1001", bad_points),
                  deduction_row(2025, "1001", 7), deduction_row(2025, "1002", 4)],
    })


def _outputs(book: Path) -> list[Path]:
    return sorted(p for p in book.parent.iterdir() if p != book)


def test_strict_error_writes_no_report_and_lists_the_cell(tmp_path, capsys):
    book = _three_year_card(tmp_path)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    assert main(["run", str(book)]) == 1
    err = capsys.readouterr().err
    assert "NEGATIVE_POINTS" in err and "廉政监督卡" in err
    assert [p.name for p in _outputs(book)] == ["input_数据问题.xlsx"], "no report, no JSON, no temp files"
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before
    sheet = openpyxl.load_workbook(tmp_path / "input_数据问题.xlsx").active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any("NEGATIVE_POINTS" in row and 3 in row and "扣分" in row for row in values)


def test_lenient_skips_the_row_and_names_the_results_it_touches(tmp_path):
    book = _three_year_card(tmp_path)
    assert main(["run", str(book), "--lenient"]) == 0
    data = json.loads((tmp_path / "input_2025_results.json").read_text(encoding="utf-8"))
    (skipped,) = [i for i in data["input_issues"] if i["severity"] == "error"]
    assert (skipped["code"], skipped["sheet"], skipped["row"], skipped["column"]) == \
        ("NEGATIVE_POINTS", "廉政监督卡", 3, "扣分")
    by_id = {r["leader_id"]: r for r in data["results"]}
    # 2024 is scored as 0 without the bad row: 5 + 0 + 7 = 12 over three years, flagged as incomplete.
    assert by_id["1001"]["scores"]["deduction_points_3y"] == 12.0
    notes = [n for n in by_id["1001"]["not_evaluated"] if n.get("row") == "3"]
    assert [n["family"] for n in notes] == ["card"]
    assert [n for n in by_id["1002"]["not_evaluated"] if "row" in n] == []
    report = openpyxl.load_workbook(tmp_path / "input_2025_评分结果.xlsx")["数据问题"]
    codes = [row[1].value for row in report.iter_rows(min_row=2)]
    assert "NEGATIVE_POINTS" in codes and "AFFECTED_BY_SKIPPED_ROW" in codes


def test_english_messages(tmp_path, capsys):
    book = _three_year_card(tmp_path)
    assert main(["run", str(book), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert "NEGATIVE_POINTS" in err and "input problems: no report written" in err


def test_not_an_xlsx_is_a_clean_input_error(tmp_path, capsys):
    book = tmp_path / "renamed.xlsx"
    book.write_text("年度,干部编号\n2025,1001\n", encoding="utf-8")
    assert main(["run", str(book)]) == 1
    err = capsys.readouterr().err
    assert "NOT_XLSX" in err and "Traceback" not in err


def test_usage_errors_exit_2(tmp_path, capsys):
    assert main(["run"]) == 2
    assert main(["run", str(tmp_path / "missing.xlsx")]) == 2
    assert main(["run", str(_three_year_card(tmp_path, 2)), "--set", "oops"]) == 2
    assert main(["no-such-command"]) == 2


def test_internal_error_goes_to_a_log_not_the_screen(tmp_path, capsys, monkeypatch):
    import importlib

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    # the package re-exports functions of scoring, so fetch the module itself
    monkeypatch.setattr(importlib.import_module("engine.evaluation.scoring"), "evaluate", broken)
    assert main(["run", str(_three_year_card(tmp_path, 2))]) == 4
    err = capsys.readouterr().err
    assert "internal error" in err and "Traceback" not in err
    log = Path(err.split("please report ")[1].split(".log")[0] + ".log")
    assert "ZeroDivisionError: simulated bug" in log.read_text(encoding="utf-8")


def test_missing_and_zero_years_in_the_windows(tmp_path):
    book = make_workbook(tmp_path, {
        # 2001 assessed 2023 and 2025 but not 2024; 2002 assessed all three with nothing in 2024.
        "干部名册": _roster(roster_row(2023, "2001"), roster_row(2025, "2001"),
                         *(roster_row(y, "2002", unit="乙镇", name="李四") for y in (2023, 2024, 2025))),
        "廉政监督卡": [DEDUCTIONS, deduction_row(2023, "2001", 6), deduction_row(2025, "2001", 9),
                  deduction_row(2023, "2002", 6), deduction_row(2025, "2002", 8)],
    })
    out = tmp_path / "r.json"
    assert main(["run", str(book), "--json", str(out), "--out", str(tmp_path / "r.xlsx")]) == 0
    by_id = {r["leader_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
    gap, zero = by_id["2001"], by_id["2002"]
    assert gap["scores"] == {**gap["scores"], "deduction_points": 9.0, "deduction_points_2y": None,
                             "deduction_points_3y": None}
    assert sorted(n["family"] for n in gap["not_evaluated"] if n["family"].startswith("card")) == \
        ["card.three_years", "card.two_years"]
    assert sorted(c["code"] for c in gap["consequences"]) == ["DISQUALIFY_AWARDS", "WITHHOLD_BONUS_50"]
    assert zero["scores"]["deduction_points_3y"] == 14.0
    demote = next(c for c in zero["consequences"] if c["code"] == "DEMOTE_REMOVE_OR_RESIGN")
    assert demote["clauses"] == ["three_years"]


def _tied_townships(tmp_path: Path, *options: str) -> dict[str, dict]:
    """Five townships ranked 1,2,3,4,4 (competition ranking) in 2025, one 一把手 each (30x)."""
    units = ["甲镇", "乙镇", "丙镇", "丁镇", "戊镇"]
    book = make_workbook(tmp_path, {
        "干部名册": _roster(*(roster_row(2025, f"30{i}", unit=u, name=f"干部{i}") for i, u in enumerate(units))),
        "综合考核排名": [ANNUAL, *([2025, u, "乡镇", r] for u, r in zip(units, [1, 2, 3, 4, 4]))],
    })
    out = tmp_path / "r.json"
    assert main(["run", str(book), *options, "--json", str(out), "--out", str(tmp_path / "r.xlsx")]) == 0
    return {r["leader_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}


def test_ties_at_the_bottom(tmp_path):
    # By default (SPEC 2) tied units share the position counted from the bottom: ranks 1,2,3,4,4 →
    # b = 5,4,3,1,1, the tied pair are both 倒数第一 and both eliminated (乡镇 single-year band [1]).
    by_id = _tied_townships(tmp_path)
    assert [by_id[f"30{i}"]["scores"]["bottom_position"] for i in range(5)] == [5, 4, 3, 1, 1]
    assert [sorted(c["code"] for c in by_id[f"30{i}"]["consequences"]) for i in (3, 4)] == \
        [["ELIMINATION_ADJUST_POST"], ["ELIMINATION_ADJUST_POST"]]
    assert all(not by_id[f"30{i}"]["consequences"] for i in (0, 1, 2))
    assert all(n["family"] != "elimination" for r in by_id.values() for n in r["not_evaluated"])


def test_tie_rule_is_a_parameter(tmp_path):
    # The other reading (b = N - rank + 1 for ties too) gives the tied pair b = 2: no township eliminated.
    by_id = _tied_townships(tmp_path, "--set", "ranking.tie_position=n_minus_rank_plus_1")
    assert [by_id[f"30{i}"]["scores"]["bottom_position"] for i in range(5)] == [5, 4, 3, 2, 2]
    assert all(not r["consequences"] for r in by_id.values())
    assert main(["run", str(tmp_path / "input.xlsx"), "--set", "ranking.tie_position=nonsense"]) == 3


def test_a_failed_run_warns_about_an_earlier_report(tmp_path, capsys):
    book = _three_year_card(tmp_path, 2)
    assert main(["run", str(book)]) == 0
    _three_year_card(tmp_path)  # the same file, now with a bad cell
    capsys.readouterr()
    assert main(["run", str(book)]) == 1
    assert "是以前运行的结果，不是本次结果" in capsys.readouterr().err


def test_set_reads_exponent_numbers(tmp_path):
    from engine.cli.common import _parse_set

    assert _parse_set(("countersign.amount=1e4", "card.withhold_bonus=6", "x.y=[1, 2]", "a.b=abc")) == \
        {"countersign.amount": 10000.0, "card.withhold_bonus": 6, "x.y": [1, 2], "a.b": "abc"}


def test_implausible_amount_is_an_input_error(tmp_path, capsys):
    book = make_workbook(tmp_path, {"干部名册": _roster(roster_row(2024, "1001")),
                                    "大额支出": [EXPENDITURES, [2024, "甲镇", None, 1e16, "工程款", "否"]]})
    assert main(["run", str(book)]) == 1
    assert "VALUE_TOO_LARGE" in capsys.readouterr().err


def test_five_reinforcements_grades_and_numbers_mixed(tmp_path):
    from wbtools import FIVE

    book = make_workbook(tmp_path, {
        "干部名册": _roster(roster_row(2025, "1001"), roster_row(2025, "1002", unit="乙镇", name="李四")),
        "五个强化": [FIVE, [2025, "1001", "好", 88, "差", "较好", 59.99], [2025, "1002", 60, "一般", 70, "好", 95]],
    })
    out = tmp_path / "r.json"
    assert main(["run", str(book), "--json", str(out), "--out", str(tmp_path / "r.xlsx")]) == 0
    by_id = {r["leader_id"]: r for r in json.loads(out.read_text(encoding="utf-8"))["results"]}
    first = by_id["1001"]
    # 差 = 50 and 59.99 are below 60; weighted = 0.2 × (95 + 88 + 50 + 85 + 59.99) = 75.6 (two decimals)
    assert first["scores"]["five_reinforcements"] == {
        "weighted": 75.6, "dimensions": {"loyalty": 95.0, "implementation": 88.0, "development": 50.0,
                                         "accountability": 85.0, "integrity": 59.99},
        "grades": {"loyalty": "好", "development": "差", "accountability": "较好"}}
    (talk,) = first["consequences"]
    assert (talk["code"], talk["clauses"]) == ("TALK_REMINDER", ["development", "integrity"])
    assert talk["facts"] == {"five_development": 50.0, "five_integrity": 59.99}
    assert by_id["1002"]["consequences"] == []  # exactly 60 is not below 60
    assert by_id["1002"]["scores"]["composite"] is None  # no card sheet: the deduction part is missing

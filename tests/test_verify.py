"""`scorecard verify`: an untouched run holds; one edited cell, rule file or parameter is named."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from projtools import copy_project

from engine.cli import main
from engine.evaluation.scoring import score_workbook, to_json
from engine.output.verify import load_results, verify
from engine.rules.load import load_scorecard

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "scorecards" / "samples" / "sample_county.xlsx"


@pytest.fixture
def stored(tmp_path) -> tuple[Path, Path]:
    workbook = tmp_path / "wb.xlsx"
    shutil.copy(SAMPLE, workbook)
    results = tmp_path / "wb_results.json"
    results.write_text(to_json(score_workbook(workbook, years=[2025])), encoding="utf-8")
    return results, workbook


def test_an_untouched_run_holds(stored, capsys):
    results, workbook = stored
    assert main(["verify", str(results), str(workbook)]) == 0
    out = capsys.readouterr().out
    assert "结果：70 名干部·年度全部一致" in out and out.rstrip().endswith("结论：结果仍然成立。")
    data = json.loads(results.read_text(encoding="utf-8"))
    assert data["engine_version"] and set(data["input_sheets"]) >= {"roster", "deductions"}
    assert "scorecards/county.yaml" in data["rule_files"] and "rules/CARD_DEMOTE.yaml" in data["rule_files"]


def test_one_edited_cell_names_the_sheet_and_the_leaders(stored, capsys):
    results, workbook = stored
    book = openpyxl.load_workbook(workbook)
    sheet = book["廉政监督卡"]
    header = [c.value for c in sheet[1]]
    col_year, col_id, col_points = (header.index(h) + 1 for h in ("年度", "干部编号", "扣分"))
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, col_year).value == 2025)
    leader = str(sheet.cell(row, col_id).value)
    sheet.cell(row, col_points).value = float(sheet.cell(row, col_points).value) + 5
    book.save(workbook)
    verdict = verify(load_results(results), workbook, load_scorecard())
    assert not verdict.holds
    assert verdict.fingerprints_differ == ["input"] and verdict.changed_sheets == ["deductions"]
    assert verdict.changed_results == [(2025, leader)]
    assert "  工作表“廉政监督卡”内容已改变" in verdict.lines
    assert main(["verify", str(results), str(workbook)]) == 1
    assert f"2025年度 {leader}" in capsys.readouterr().out


def test_one_edited_rule_file_is_named(stored, tmp_path, monkeypatch):
    results, workbook = stored
    copy_project(tmp_path / "home", monkeypatch)
    rule = tmp_path / "home" / "rules" / "CARD_DEMOTE.yaml"
    rule.write_text(rule.read_text(encoding="utf-8").replace("title: ", "title: （修订）", 1), encoding="utf-8")
    verdict = verify(load_results(results), workbook, load_scorecard())
    assert verdict.fingerprints_differ == ["rules"] and verdict.changed_files == ["rules/CARD_DEMOTE.yaml"]
    assert verdict.changed_sheets == [] and verdict.changed_parameters == []
    assert "  rules/CARD_DEMOTE.yaml：内容已改变" in verdict.lines


def test_one_changed_parameter_is_named_with_the_leaders_it_moves(stored):
    results, workbook = stored
    verdict = verify(load_results(results), workbook, load_scorecard(overrides={"card.disqualify_awards": 3.5}))
    assert not verdict.holds and verdict.fingerprints_differ == [] and verdict.changed_files == []
    assert verdict.changed_parameters == ["card.disqualify_awards"]
    assert "  参数 card.disqualify_awards：4 → 3.5" in verdict.lines
    stored_json = json.loads(results.read_text(encoding="utf-8"))
    in_band = sorted((r["year"], r["leader_id"]) for r in stored_json["results"]
                     if r["scores"]["deduction_points"] is not None and 3.5 <= r["scores"]["deduction_points"] < 4)
    assert in_band and verdict.changed_results == in_band

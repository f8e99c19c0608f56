"""End to end: workbook → CLI → JSON + Excel report, with exact expectations.

The sample workbook's planted cases (engine/sample.py, README of scorecards/samples)
are the acceptance test: every leader gets exactly the expected consequence codes.
"""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.input.sample import expected_2025
from engine.input.sample_packs import PACK_FAMILY_TITLES
from engine.rules.load import load_scorecard

SAMPLE = Path(__file__).resolve().parent.parent / "scorecards" / "samples" / "sample_county.xlsx"


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    book = folder / "sample_county.xlsx"
    shutil.copy(SAMPLE, book)
    before = hashlib.sha256(book.read_bytes()).hexdigest()
    assert main(["run", str(book)]) == 0
    assert hashlib.sha256(book.read_bytes()).hexdigest() == before, "the input must never be modified"
    json_path = folder / "sample_county_2025_results.json"
    return folder, book, json.loads(json_path.read_text(encoding="utf-8")), json_path


def test_every_planted_case_gets_exactly_its_consequences(sample_run):
    """The SPEC 3.1–3.5 families (the second-wave packs: tests/test_end_to_end_packs.py)."""
    _, _, data, _ = sample_run
    first_wave = {r.id for r in load_scorecard().rules if r.rule.family not in PACK_FAMILY_TITLES}
    got = {r["leader_id"]: {c["code"] for c in r["consequences"] if c["rule_id"] in first_wave}
           for r in data["results"]}
    expected = expected_2025()
    assert {lid: codes for lid, codes in got.items() if codes} == {lid: codes for lid, codes in expected.items() if codes}


def test_json_contract(sample_run):
    _, _, data, _ = sample_run
    assert data["years"] == [2025]
    assert len(data["rules_fingerprint"]) == 64 and len(data["input_fingerprint"]) == 64
    assert data["input_fingerprint"] == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    keys = [(r["year"], r["leader_id"]) for r in data["results"]]
    assert keys == sorted(keys), "results sorted by year then leader_id"
    params = {p["name"]: p for p in data["parameters"]}
    assert params["card.disqualify_awards"]["value"] == 4 and params["card.disqualify_awards"]["provenance"] == "source"
    assert params["elimination.require_tenure"]["provenance"] == "local"
    rules = {r["id"]: r for r in data["rules"]}
    for result in data["results"]:
        assert {"deduction_points", "deduction_points_2y", "deduction_points_3y",
                "five_reinforcements"} <= set(result["scores"])
        for c in result["consequences"]:
            assert {"code", "rule_id", "label", "source", "facts"} <= set(c)
            # SPEC 5: the quote lives once under `rules`, keyed by rule id; the consequence keeps where.
            assert set(c["source"]) == {"document", "section"} and c["source"]["document"].endswith(".txt")
            rule_source = rules[c["rule_id"]]["source"]
            assert rule_source["quote"] and rule_source["document"] == c["source"]["document"]
            assert rules[c["rule_id"]]["title"]


def test_card_clauses_and_windows(sample_run):
    _, _, data, _ = sample_run
    by_id = {r["leader_id"]: r for r in data["results"]}
    demote = {lid: next(c for c in r["consequences"] if c["code"] == "DEMOTE_REMOVE_OR_RESIGN")
              for lid, r in by_id.items() if any(c["code"] == "DEMOTE_REMOVE_OR_RESIGN" for c in r["consequences"])}
    assert demote["QH014"]["clauses"] == ["one_year"]
    assert demote["QH014"]["facts"] == {"deduction_points": 10.0}
    assert demote["QH017"]["clauses"] == ["two_years"]
    assert demote["QH017"]["facts"] == {"deduction_points_2y": 12.0}
    assert demote["QH026"]["clauses"] == ["three_years"]
    assert demote["QH026"]["facts"] == {"deduction_points_3y": 14.0}
    # QH037 joined in 2024: the three-year window is null and the result says why.
    joined = by_id["QH037"]
    assert joined["scores"]["deduction_points_2y"] == 13.0 and joined["scores"]["deduction_points_3y"] is None
    assert [n["family"] for n in joined["not_evaluated"]] == ["card.three_years"]


def test_manual_review_names_the_reason_and_the_chain(sample_run):
    _, _, data, _ = sample_run
    reviews = {c["rule_id"]: c for r in data["results"] for c in r["consequences"] if c["code"] == "MANUAL_REVIEW"}
    assert sorted(reviews) == ["ELIMINATION_MANUAL_REVIEW", "IMAGE_ADMONITION_MANUAL_REVIEW"]
    review = reviews["ELIMINATION_MANUAL_REVIEW"]
    assert review["facts"]["held_top_post_2y"] is False
    chain = review["detail"]["derived_from"]["elimination_two_years_met"]
    assert chain["rule_id"] == "ELIMINATION_TWO_YEARS" and chain["clauses"] == ["township"]
    assert chain["facts"]["bottom_position"] == 3 and chain["facts"]["bottom_position_prev"] == 2
    assert "任职未覆盖整个窗口" in review["detail"]["reason_zh"]


def test_countersign_and_direct_charge_detail(sample_run):
    _, _, data, _ = sample_run
    rows = {(r["leader_id"], c["rule_id"]): c for r in data["results"] for c in r["consequences"]}
    agri = [c for (lid, rid), c in rows.items() if rid == "COUNTERSIGN_MISSING" and c["facts"]["count"] == 2]
    assert agri and agri[0]["facts"]["amount_total"] == 57800.0
    assert [r["sheet"] for r in agri[0]["detail"]["rows"]] == ["大额支出", "大额支出"]
    fin = rows[("QH031", "DIRECT_CHARGE_FINANCE")]
    assert fin["detail"]["category"] == "财务" and fin["detail"]["rows"][0]["matched"] == ["财务"]
    assert fin["detail"]["rows"][0]["raw"] == "财务、人事"


def test_rerun_is_byte_identical(sample_run, tmp_path):
    _, book, _, json_path = sample_run
    again = tmp_path / "again.json"
    assert main(["run", str(book), "--json", str(again), "--out", str(tmp_path / "again.xlsx")]) == 0
    assert again.read_bytes() == json_path.read_bytes()


def test_excel_report_sheets(sample_run):
    folder, _, data, _ = sample_run
    wb = openpyxl.load_workbook(folder / "sample_county_2025_评分结果.xlsx")
    assert wb.sheetnames[:7] == ["汇总", "结果明细", "待办", "触发依据", "参数", "规则", "数据问题"]
    assert "五个强化" in wb.sheetnames and "未匹配分工" in wb.sheetnames
    detail = wb["触发依据"]
    assert detail.max_row - 1 == sum(len(r["consequences"]) for r in data["results"])


def test_scenario_override_flips_leaders(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "strict.json"
    assert main(["run", str(book), "--set", "card.disqualify_awards=3.5", "--json", str(out),
                 "--out", str(tmp_path / "strict.xlsx")]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    flagged = {r["leader_id"] for r in data["results"] if any(c["code"] == "DISQUALIFY_AWARDS" for c in r["consequences"])}
    assert "QH004" in flagged  # 3.5 points: fires only under the scenario
    param = next(p for p in data["parameters"] if p["name"] == "card.disqualify_awards")
    assert param == {**param, "value": 3.5, "provenance": "scenario", "default": 4}


def test_output_may_not_overwrite_input(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["run", str(book), "--out", str(book)]) == 2


def test_unknown_parameter_is_a_rule_problem(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["run", str(book), "--set", "card.disqualify_award=5"]) == 3
    assert "did you mean card.disqualify_awards" in capsys.readouterr().err


def test_year_not_in_workbook(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["run", str(book), "--year", "2019"]) == 2
    assert "YEAR_NOT_IN_WORKBOOK" in capsys.readouterr().err
    assert not (tmp_path / "s_results.json").exists()


def test_several_years(tmp_path):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "all.json"
    assert main(["run", str(book), "--year", "2024", "--year", "2025", "--json", str(out),
                 "--out", str(tmp_path / "all.xlsx")]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["years"] == [2024, 2025]
    assert sorted({r["year"] for r in data["results"]}) == [2024, 2025]


def test_explain_and_catalogues(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["explain", str(book), "--leader", "QH014"]) == 0
    text = capsys.readouterr().out
    assert "DEMOTE_REMOVE_OR_RESIGN" in text and "当年扣分 10 ≥ 10（card.demote_one_year，篇3）" in text and "年度扣分在4分以上" in text
    assert main(["facts"]) == 0
    assert "deduction_points_2y" in capsys.readouterr().out
    assert main(["rules"]) == 0
    assert "CARD_DEMOTE" in capsys.readouterr().out


def test_template_command(tmp_path):
    out = tmp_path / "blank.xlsx"
    assert main(["template", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert "干部名册" in wb.sheetnames and "说明" in wb.sheetnames


def test_published_schemas_are_current():
    from engine.output.schemas import schema_texts
    from engine.rules.load import RULES_DIR

    for name, text in schema_texts().items():
        assert (RULES_DIR / "schema" / name).read_text(encoding="utf-8") == text, f"run `scorecard schema` ({name})"


def test_diff_names_who_flips(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    scenario = Path(__file__).resolve().parent.parent / "scorecards" / "scenarios" / "strict.yaml"
    assert main(["diff", str(book), "--scenario", str(scenario)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "7 名干部·年度发生变化：" in out
    i = out.index("  2025年度 刘志强（QH004，城关镇）")
    assert out[i + 1] == "    + 取消该年度评比各类先进资格　因为 当年扣分 3.5：基线 < 4，情景 ≥ 3"
    i = out.index("  2025年度 苏振东（QH041，县市场监管局）")
    assert out[i + 1] == ("    + 视为不称职，实行末位淘汰，调整其职务　因为 "
                          "当年倒数位次 6：基线 不在 [3, 4, 5] 中，情景 在 [3, 4, 5, 6] 中")


def test_sweep_counts_per_value(tmp_path, capsys):
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    assert main(["sweep", str(book), "card.disqualify_awards", "3", "4", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split()[-3:] == ["3", "4", "5"]
    row = next(line for line in lines if line.startswith("取消该年度评比各类先进资格"))
    assert row.split()[1:] == ["10", "9", "7"]

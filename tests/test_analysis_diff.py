"""scorecard diff: who flips between two parameter sets, and why (issue 9, item 1)."""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"
STRICT = ROOT / "scorecards" / "scenarios" / "strict.yaml"


def _diff(tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "d.json"
    assert main(["diff", str(SAMPLE), *args, "--json", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


def _yearly_points_from_the_workbook() -> dict[tuple[int, str], tuple[str, str, float]]:
    """P(Y) per assessed leader-year, read straight from the sheets (not through the engine)."""
    wb = openpyxl.load_workbook(SAMPLE, read_only=True)
    roster = list(wb["干部名册"].iter_rows(values_only=True))
    head = roster[0]
    leaders = {(int(r[head.index("年度")]), str(r[head.index("干部编号")])):
               (str(r[head.index("姓名")]), str(r[head.index("单位")])) for r in roster[1:] if r[0] is not None}
    rows = list(wb["廉政监督卡"].iter_rows(values_only=True))
    head = rows[0]
    points: dict[tuple[int, str], float] = defaultdict(float)
    for r in rows[1:]:
        if r[0] is not None:
            points[(int(r[head.index("年度")]), str(r[head.index("干部编号")]))] += float(r[head.index("扣分")])
    return {key: (*leaders[key], round(points.get(key, 0.0), 2)) for key in leaders}


@pytest.mark.parametrize("years", [[], ["--year", "all"]], ids=["latest", "all"])
def test_lowering_disqualify_to_3_5_flips_exactly_the_leaders_between_3_5_and_4(tmp_path, capsys, years):
    doc = _diff(tmp_path, "--set", "card.disqualify_awards=3.5", *years)
    points = _yearly_points_from_the_workbook()
    chosen = {2025} if not years else {y for y, _ in points}
    expected = sorted((y, lid) for (y, lid), (_, _, p) in points.items() if y in chosen and 3.5 <= p < 4)
    assert expected, "the sample must hold a leader-year in [3.5, 4) for this test to mean anything"
    assert [(c["year"], c["leader_id"]) for c in doc["changes"]] == expected
    for change in doc["changes"]:
        name, unit, p = points[(change["year"], change["leader_id"])]
        assert change == {
            "leader_id": change["leader_id"], "name": name, "unit": unit, "year": change["year"],
            "added": ["DISQUALIFY_AWARDS"], "removed": [], "changed": [],
            "score_before": change["score_before"], "score_after": change["score_before"], "scores_changed": {},
            "why": [{"code": "DISQUALIFY_AWARDS", "lines": [f"当年扣分 {p:g}：基线 < 4，情景 ≥ 3.5"]}]}
    assert doc["parameters"] == [{"name": "card.disqualify_awards", "before": 4, "after": 3.5}]
    counts = {c["code"]: (c["before"], c["after"]) for c in doc["counts"]}
    assert counts["DISQUALIFY_AWARDS"][1] - counts["DISQUALIFY_AWARDS"][0] == len(expected)
    assert all(a == b for code, (a, b) in counts.items() if code != "DISQUALIFY_AWARDS")
    out = capsys.readouterr().out
    assert "    + 取消该年度评比各类先进资格　因为 当年扣分 3.5：基线 < 4，情景 ≥ 3.5" in out.splitlines()


def test_a_count_only_change_is_a_change(tmp_path):
    doc = _diff(tmp_path, "--set", "image.praise_top=4", "--year", "2023")
    by_id = {c["leader_id"]: c for c in doc["changes"]}
    assert by_id["QH038"]["added"] == [] and by_id["QH038"]["removed"] == []
    assert by_id["QH038"]["changed"] == [{"code": "PRAISE", "before": {"count": 2, "clauses": []},
                                           "after": {"count": 1, "clauses": []}}]
    assert by_id["QH038"]["why"] == [{"code": "PRAISE", "lines": ["第2批次 本批次测评名次 5：基线 ≤ 5，情景 > 4"]}]
    assert by_id["QH047"]["removed"] == ["PRAISE"]  # praised once, in the round ranked 5th


def test_a_different_clause_is_a_change_and_reads_in_chinese(tmp_path, capsys):
    doc = _diff(tmp_path, "--set", "card.demote_two_years=9")
    by_id = {c["leader_id"]: c for c in doc["changes"]}
    assert by_id["QH014"]["changed"] == [{"code": "DEMOTE_REMOVE_OR_RESIGN",
                                          "before": {"count": 1, "clauses": ["one_year"]},
                                          "after": {"count": 1, "clauses": ["one_year", "two_years"]}}]
    out = capsys.readouterr().out.splitlines()
    i = out.index("  2025年度 朱建华（QH014，石桥镇）")
    assert out[i + 1] == ("    ~ 给予降职、免职或责令辞职 ×1（一年扣分条款） → ×1（一年扣分条款、连续两年累计扣分条款）"
                          "　因为 连续两年累计扣分 10：基线 < 12，情景 ≥ 9")


def test_a_changed_score_is_a_change(tmp_path):
    doc = _diff(tmp_path, "--set", "five.weights=[0.6,0.1,0.1,0.1,0.1]")
    assert doc["changes"] and all(c["scores_changed"] for c in doc["changes"])
    first = doc["changes"][0]
    assert first["score_before"] != first["score_after"]
    assert set(first["scores_changed"]) == {"five_weighted", "composite"}


def test_two_scenarios_compared_with_each_other(tmp_path):
    doc = _diff(tmp_path, "--base-scenario", str(STRICT), "--scenario", str(STRICT), "--set", "image.praise_top=4")
    assert doc["parameters"] == [{"name": "image.praise_top", "before": 5, "after": 4}]
    assert doc["changes"] and {w["code"] for c in doc["changes"] for w in c["why"]} == {"PRAISE"}
    forward = _diff(tmp_path, "--scenario", str(STRICT), "--year", "all")
    backward = _diff(tmp_path, "--base-scenario", str(STRICT), "--year", "all")
    assert [(c["year"], c["leader_id"], c["added"], c["removed"]) for c in forward["changes"]] == \
        [(c["year"], c["leader_id"], c["removed"], c["added"]) for c in backward["changes"]]


def test_diff_writes_a_chinese_workbook(tmp_path):
    out = tmp_path / "d.xlsx"
    assert main(["diff", str(SAMPLE), "--set", "card.disqualify_awards=3.5", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["变化明细", "按后果统计", "参数差异", "说明"]
    rows = list(wb["变化明细"].iter_rows(values_only=True))
    assert rows == [("年度", "干部编号", "姓名", "单位", "变化", "后果/得分", "基线", "情景", "原因（决定性数值与两边的标准）"),
                    (2025, "QH004", "刘志强", "城关镇", "新增", "取消该年度评比各类先进资格", "无",
                     "取消该年度评比各类先进资格", "当年扣分 3.5：基线 < 4，情景 ≥ 3.5")]
    counts = list(wb["按后果统计"].iter_rows(values_only=True))
    assert counts[1] == ("取消该年度评比各类先进资格", 9, 10, 1, "DISQUALIFY_AWARDS")
    assert list(wb["参数差异"].iter_rows(values_only=True))[1] == ("card.disqualify_awards", 4, 3.5)


def test_nothing_to_compare_is_a_usage_error(capsys):
    assert main(["diff", str(SAMPLE)]) == 2
    assert "--scenario" in capsys.readouterr().err

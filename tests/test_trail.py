"""The auditor's trail: evidence rows, conditions with numbers, nearest misses, finding a leader, 个人评分表."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from engine.cli import main
from engine.evaluation.facts import CATALOGUE
from engine.evaluation.scoring import score_workbook, to_json
from engine.output.explain import AmbiguousLeader, explain_leader, select_leaders
from engine.output.personal import build_personal
from engine.output.render import RenderContext, render
from engine.output.trace import Trace
from engine.rules.load import load_scorecard
from engine.rules.sources import document_title
from tests.wbtools import (ANNUAL, DEDUCTIONS, EXPENDITURES, IMAGE, ROSTER, deduction_row, make_workbook,
                           roster_row)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "scorecards" / "samples" / "sample_county.xlsx"


@pytest.fixture(scope="module")
def sample():
    return score_workbook(SAMPLE)


def _leader(result, leader_id):
    return next(r for r in result.results if r.leader_id == leader_id)


# --------------------------------------------------------------------------- item 1: evidence
def test_card_consequence_lists_the_dated_items_and_the_arithmetic(sample) -> None:
    demote = next(c for c in _leader(sample, "QH037").consequences if c.code == "DEMOTE_REMOVE_OR_RESIGN")
    assert [(e.sheet, e.row) for e in demote.evidence] == [("廉政监督卡", r) for r in (29, 30, 31, 63, 64, 65)]
    assert demote.evidence[0].values == {"年度": 2024, "日期": "2024-02-11", "扣分事项": "收受礼金礼品", "扣分": 3.0}
    assert demote.evidence[0].facts == ["deduction_points_2y"]
    assert demote.arithmetic == {"deduction_points_2y": "P(2024)+P(2025) = 6 + 7 = 13"}
    awards = next(c for c in _leader(sample, "QH037").consequences if c.code == "DISQUALIFY_AWARDS")
    assert awards.arithmetic == {"deduction_points": "P(2025) = 3 + 2 + 2 = 7"}
    assert [e.row for e in awards.evidence] == [63, 64, 65]


def test_ranking_and_roster_rows_behind_elimination(sample) -> None:
    cons = next(c for c in _leader(sample, "QH005").consequences if c.rule_id.startswith("ELIMINATION"))
    assert cons.code == "ELIMINATION_ADJUST_POST"
    rows = {(e.sheet, e.row): e.values for e in cons.evidence}
    assert rows[("综合考核排名", 47)] == {"年度": 2025, "单位": "柳河镇", "单位类别": "乡镇", "名次": 6, "N": 8}
    assert rows[("综合考核排名", 28)]["年度"] == 2024
    assert {k for k in rows if k[0] == "干部名册"} == {("干部名册", 75), ("干部名册", 146)}
    assert cons.arithmetic == {"bottom_position": "b(2025) = N − 名次 + 1 = 8 − 6 + 1 = 3",
                               "bottom_position_prev": "b(2024) = N − 名次 + 1 = 8 − 7 + 1 = 2"}


def test_image_rounds_cite_their_round(sample) -> None:
    praise = [c for c in _leader(sample, "QH030").consequences if c.code == "PRAISE"]
    assert [(c.facts["image_round"], [(e.sheet, e.row, e.values.get("批次"), e.values.get("名次")) for e in c.evidence])
            for c in praise] == [(1, [("干部名册", 170, None, None), ("形象测评", 43, 1, 2)]),
                                 (2, [("干部名册", 170, None, None), ("形象测评", 52, 2, 1)])]


def test_countersign_and_portfolio_rows_are_evidence_too(tmp_path) -> None:
    book = make_workbook(tmp_path, {
        "干部名册": [ROSTER, roster_row()],
        "大额支出": [EXPENDITURES, [2024, "甲镇", dt.date(2024, 5, 1), 5000, "办公", "否"],
                 [2024, "甲镇", dt.date(2024, 6, 1), 7000, "设备", "否"]],
    })
    cons = score_workbook(book).results[0].consequences[0]
    assert [(e.sheet, e.row, e.values.get("金额")) for e in cons.evidence] == [
        ("干部名册", 2, None), ("大额支出", 2, 5000), ("大额支出", 3, 7000)]
    assert cons.arithmetic == {"amount_total": "5000 + 7000 = 12000"}


def test_json_with_evidence_is_byte_identical_across_runs() -> None:
    assert to_json(score_workbook(SAMPLE)) == to_json(score_workbook(SAMPLE))


# --------------------------------------------------------------------------- item 2: conditions
def test_condition_rendered_from_the_tree_with_and_without_numbers() -> None:
    card = load_scorecard()
    rule = card.rule("CARD_DEMOTE")
    ctx = RenderContext(card.params, "leader_year")
    two_years = dict(rule.clauses)["two_years"]
    assert render(two_years, ctx) == "连续两年累计扣分 ≥ 12（card.demote_two_years，篇3）"
    assert render(two_years, ctx, {"deduction_points_2y": 12.0}) == \
        "连续两年累计扣分 12 ≥ 12（card.demote_two_years，篇3）"
    assert render(two_years, ctx, {"deduction_points_2y": 11.5}) == \
        "连续两年累计扣分 11.5 < 12（card.demote_two_years，篇3）"
    countersign = card.rule("COUNTERSIGN_MISSING")
    node = countersign.clauses[0][1]
    assert render(node, RenderContext(card.params, "expenditure")) == \
        "参数 countersign.attribute_to（本地参数）为“top”，且支出金额 ≥ 3000（countersign.amount，篇4），且是否经领导班子会签：否"


def test_nearest_miss_and_families_not_evaluated(tmp_path) -> None:
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(is_top="否")],
                                    "廉政监督卡": [DEDUCTIONS, deduction_row(points=3.5)]})
    result = score_workbook(book)
    text = explain_leader(result, result.results[0])
    assert "○ 取消该年度评比各类先进资格（CARD_DISQUALIFY_AWARDS）：当年扣分 3.5 < 4（card.disqualify_awards，篇3）" in text
    assert "○ 给予降职、免职或责令辞职（CARD_DEMOTE）：一年扣分条款：当年扣分 3.5 < 10（card.demote_one_year，篇3）" in text
    assert "○ 未评估（末位淘汰）：工作簿中没有“综合考核排名”的数据（工作表缺失或只有表头），该类规则未评估" in text
    assert "○ 未评估（连续两年累计扣分）：2023年度未在干部名册中（未参加考核）" in text
    assert "deduction_points" not in text and "{" not in text


def test_nearest_miss_prefers_the_clause_of_the_units_own_category(sample) -> None:
    misses, _ = Trace(sample).misses(_leader(sample, "QH007"))   # a 乡镇 at bottom position 3
    text = next(m.text for m in misses if m.rule_id == "ELIMINATION_ADJUST_POST")
    assert text.endswith("：乡镇单年条款：当年倒数位次 3 不属于 {1}（elimination.township.single_year，篇8））")
    assert "县直单位单年条款" not in text


def test_a_miss_on_another_round_names_the_round(tmp_path) -> None:
    units = ["甲局", "乙局", "丙局", "丁局", "戊局", "己局"]
    roster = [ROSTER] + [roster_row(2024, f"10{i}", u, "县直单位", name=f"干部{i}") for i, u in enumerate(units)]
    image = [IMAGE] + [[2024, r, u, i + 1] for r in (1, 2) for i, u in enumerate(units)]
    result = score_workbook(make_workbook(tmp_path, {"干部名册": roster, "形象测评": image}))
    misses, _ = Trace(result).misses(next(r for r in result.results if r.unit == "己局"))
    assert next(m.text for m in misses if m.rule_id == "IMAGE_PRAISE") == \
        "2024年测评批次1：本批次测评名次 6 > 5（image.praise_top，篇8）"


# --------------------------------------------------------------------------- item 3: Chinese
def test_every_fact_has_a_chinese_label() -> None:
    for spec in CATALOGUE:
        assert spec.short and not spec.short.isascii(), spec.name


def test_source_documents_show_by_title() -> None:
    assert document_title("002_2c590592798420cb.txt") == "《加强对一把手监督情况的报告（通用9篇）》"
    assert document_title("unknown.txt") == "unknown.txt"


def test_explain_has_no_identifiers_of_facts_or_json(sample) -> None:
    text = explain_leader(sample, _leader(sample, "QH037"))
    assert "得分：当年扣分 7；连续两年累计扣分 13；连续三年累计扣分 无法计算" in text
    assert "廉政监督卡 第63行：年度 2025，日期 2025-02-11，扣分事项 插手工程承包，扣分 3" in text
    assert "计算：P(2024)+P(2025) = 6 + 7 = 13" in text
    assert "仅适用于党政一把手，本人不适用：视为不称职，实行末位淘汰，调整其职务（ELIMINATION_ADJUST_POST）" in text
    for identifier in ("deduction_points", "bottom_position", '{"', "true", "false"):
        assert identifier not in text


# --------------------------------------------------------------------------- item 5: finding a leader
def test_leader_by_id_any_case_or_by_name(sample) -> None:
    assert [r.leader_id for r in select_leaders(sample, ["qh007"])] == ["QH007"]
    assert [r.leader_id for r in select_leaders(sample, ["杨晓明"])] == ["QH007"]
    with pytest.raises(AmbiguousLeader, match="是否想找：王建国"):
        select_leaders(sample, ["王建"])


def test_a_shared_name_is_listed_not_guessed(tmp_path, capsys) -> None:
    book = make_workbook(tmp_path, {"干部名册": [ROSTER, roster_row(leader="1001", name="张伟"),
                                             roster_row(leader="1002", unit="乙镇", name="张伟")]})
    assert main(["explain", str(book), "--leader", "张伟"]) == 2
    err = capsys.readouterr().err
    assert "“张伟”对应多名干部" in err and "1001 张伟 甲镇" in err and "1002 张伟 乙镇" in err
    assert main(["explain", str(book), "--leader", "1002"]) == 0
    assert "张伟（1002） 乙镇" in capsys.readouterr().out


# --------------------------------------------------------------------------- item 4: 个人评分表
def test_personal_sheet_one_page_per_leader_year(sample) -> None:
    leaders = [_leader(sample, "QH037"), _leader(sample, "QH030")]
    wb = build_personal(sample, leaders)
    assert wb.sheetnames == ["2025 QH037 沈雅琴", "2025 QH030 萧国栋"]
    ws = wb["2025 QH037 沈雅琴"]
    cells = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells[0] == "监督“一把手”年度考核个人评分表"
    assert "经办人（签字）：" in cells and "复核人（签字）：" in cells
    assert "连续两年累计扣分条款：连续两年累计扣分 13 ≥ 12（card.demote_two_years，篇3）\n"\
           "计算：P(2024)+P(2025) = 6 + 7 = 13" in cells
    assert any(c.startswith("廉政监督卡 第29行：年度 2024") for c in cells)
    setup = ws.page_setup
    assert (setup.orientation, setup.fitToWidth, setup.fitToHeight) == ("portrait", 1, 1)
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert sample.rules_fingerprint in ws.oddFooter.center.text


def test_explain_out_writes_the_personal_workbook(tmp_path, capsys) -> None:
    book = tmp_path / "s.xlsx"
    shutil.copy(SAMPLE, book)
    out = tmp_path / "个人评分表.xlsx"
    assert main(["explain", str(book), "--all", "--out", str(out)]) == 0
    assert len(openpyxl.load_workbook(out).sheetnames) == 70   # 2025 leaders of the sample
    assert main(["explain", str(book), "--leader", "qh037", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames == ["2025 QH037 沈雅琴"]
    assert main(["explain", str(book), "--pdf"]) == 2   # --pdf needs --out


# --------------------------------------------------------------------------- evidence as a mechanism
def test_a_fact_without_a_registered_spec_gets_its_sheet_rows_for_the_leader_year(sample, monkeypatch) -> None:
    from engine.evaluation import evidence

    monkeypatch.delitem(evidence.EVIDENCE, ("leader_year", "five_development"))
    spec = evidence.spec_for("leader_year", "five_development", {"year": 2025, "leader_id": "QH013"})
    assert spec.sheet == "five_reinforcements"
    assert spec.select({"year": 2025, "leader_id": "QH013"}) == [{"year": 2025, "leader_id": "QH013"}]
    assert evidence.spec_for("leader_year", "elimination_two_years_met", {}) is None   # concluded: no sheet


def test_unit_consequences_cite_the_roster_row_that_makes_the_leader_its_top(sample) -> None:
    praise = next(c for c in _leader(sample, "QH044").consequences if c.code == "PRAISE")
    assert [(e.sheet, e.row, e.facts) for e in praise.evidence] == [
        ("干部名册", 184, ["is_top"]), ("形象测评", 45, ["image_bottom", "image_count", "image_rank", "image_round"])]


def _cells(path: Path) -> dict[tuple[str, int], dict[str, object]]:
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = {}
    for ws in book.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        header = [str(h).strip() if h is not None else "" for h in rows[0]] if rows else []
        for n, row in enumerate(rows[1:], start=2):
            out[(ws.title, n)] = dict(zip(header, row))
    return out


def _same(shown, cell) -> bool:
    if isinstance(cell, (dt.date, dt.datetime)):
        return shown == cell.isoformat()[:10]
    if isinstance(shown, bool):
        return cell in (("是" if shown else "否"), shown)
    if isinstance(shown, (int, float)) and not isinstance(cell, str):
        return float(shown) == float(cell)
    return str(shown) == str(cell).strip()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_consequence_cites_rows_whose_cells_hold_the_values_shown(tmp_path, seed) -> None:
    """On workbooks nobody has looked at: each consequence names rows, and each row's cells say what
    the evidence says they say."""
    import random

    rng = random.Random(seed)
    units = [f"单位{i}" for i in range(6)]
    roster, cards, ranking, image = [ROSTER], [DEDUCTIONS], [ANNUAL], [IMAGE]
    for year in (2023, 2024, 2025):
        order = rng.sample(units, len(units))
        ranking += [[year, u, "县直单位", i + 1] for i, u in enumerate(order)]
        for rnd in (1, 2):
            image += [[year, rnd, u, i + 1] for i, u in enumerate(rng.sample(units, len(units)))]
        for i, u in enumerate(units):
            roster.append(roster_row(year, f"L{i}", u, "县直单位", is_top="是" if i % 2 == 0 else "否", name=f"干部{i}"))
            for _ in range(rng.randint(0, 4)):
                cards.append([year, f"L{i}", dt.date(year, rng.randint(1, 12), 1), "违规公务接待",
                              rng.choice([0.5, 1, 2, 3]), None])
    book = make_workbook(tmp_path, {"干部名册": roster, "廉政监督卡": cards, "综合考核排名": ranking, "形象测评": image})
    result = score_workbook(book)
    cells = _cells(book)
    fired = [c for r in result.results for c in r.consequences]
    assert fired
    for cons in fired:
        assert cons.evidence, cons.rule_id
        for ev in cons.evidence:
            row = cells[(ev.sheet, ev.row)]
            for column, value in ev.values.items():
                if column != "N":
                    assert _same(value, row[column]), (cons.rule_id, ev)

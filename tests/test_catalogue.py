"""The rule catalogue: generated from the rule files; docs/rules.md must be current."""
from __future__ import annotations

from pathlib import Path

import openpyxl

from engine.cli import main
from engine.output.catalogue import entries, markdown
from engine.rules.load import load_scorecard

DOCS = Path(__file__).resolve().parents[1] / "docs" / "rules.md"


def test_docs_rules_md_is_current():
    assert DOCS.read_text(encoding="utf-8") == markdown(load_scorecard()), \
        "docs/rules.md is out of date: run `scorecard rules -o docs/rules.md`"


def test_every_rule_is_listed_by_family_with_its_clauses_in_chinese():
    card = load_scorecard()
    text = markdown(card)
    for loaded in card.rules:
        assert f"### {loaded.id} — {loaded.rule.title}" in text
    assert text.index("## 廉政监督卡") < text.index("## 末位淘汰") < text.index("## 形象测评")
    assert "  - 一年扣分条款：当年扣分 ≥ 10（card.demote_one_year，篇3）" in text
    assert ("  - card.disqualify_awards = 4（文件依据：002_2c590592798420cb.txt 篇3 一、5、四是：“年度扣分在4分以上,"
            "取消该年度评比各类先进”；取消当年评先资格的年度扣分下限（含本数））") in text
    assert "deduction_points" not in text.replace("deduction_points_", "")  # labels, not identifiers


def test_scenario_values_show_in_the_catalogue():
    text = markdown(load_scorecard(overrides={"card.disqualify_awards": 3}))
    assert "  - 当年扣分 ≥ 3（card.disqualify_awards，情景覆盖）" in text


def test_xlsx_catalogue(tmp_path):
    out = tmp_path / "rules.xlsx"
    assert main(["rules", "--format", "xlsx", "-o", str(out)]) == 0
    sheet = openpyxl.load_workbook(out)["规则目录"]
    rows = list(sheet.iter_rows(values_only=True))
    heads = [r[0] for r in rows if r[0] and " — " in r[0]][1:]
    assert heads == [f"{e.id} — {e.rule.title}" for e in _by_family(load_scorecard())]
    start = [r[0] for r in rows].index(f"CARD_DEMOTE — {load_scorecard().rule('CARD_DEMOTE').rule.title}")
    block = dict(rows[start + 1:start + 11])
    assert block["类别"] == "廉政监督卡" and "连续两年累计扣分条款：" in block["条件"]
    assert block["来源原文"].startswith("出台廉政监督卡制度")
    assert sheet.page_setup.orientation == "portrait"
    assert main(["rules", "--format", "xlsx"]) == 2   # xlsx needs -o


def _by_family(card):
    order = [e.rule_id for e in entries(card)]
    return sorted(card.rules, key=lambda r: order.index(r.id))
